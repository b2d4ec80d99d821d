//! Open items as a digest section: "Still open: N" (everything, in the report's cadence) or
//! "Due within 48 hours: N" (the daily reminder when the report is weekly), sorted by
//! deadline, one line each with what it is, the account, the deadline relative to the
//! digest, the value and the link; whatever does not fit is counted, not cut.

use chrono::{DateTime, TimeDelta, Utc};

use super::{OpenItem, deadline_words};
use crate::message::{Line, Section};
use crate::text::{concat, single_line};

/// How soon a deadline must be for the daily reminder to list it.
pub const DUE_SOON: TimeDelta = TimeDelta::hours(48);

/// What cost a line has besides its text (bullet, separators, line break), in either
/// rendering; the same allowance the digest's own lines take.
const LINE_OVERHEAD: usize = 8;
/// A section heading and the "and N more" line.
const SECTION_OVERHEAD: usize = 64;

/// Which open items a digest lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Every open item: the digest of the report's own cadence.
    All,
    /// Only those due within [`DUE_SOON`] (or overdue): the daily digest when the report is
    /// weekly.
    DueSoon,
}

impl Report {
    /// The items this report lists from `items` at `now`, soonest deadline first; items
    /// without a deadline last, oldest first.
    pub fn select(self, items: &[OpenItem], now: DateTime<Utc>) -> Vec<OpenItem> {
        let mut chosen: Vec<OpenItem> = items
            .iter()
            .filter(|item| match self {
                Report::All => true,
                Report::DueSoon => item.deadline.is_some_and(|at| at - now <= DUE_SOON),
            })
            .cloned()
            .collect();
        chosen.sort_by(|a, b| {
            (a.deadline.is_none(), a.deadline, a.opened_at, &a.id).cmp(&(
                b.deadline.is_none(),
                b.deadline,
                b.opened_at,
                &b.id,
            ))
        });
        chosen
    }

    /// The headline's addition: ", 3 still open" or ", 2 due within 48 hours".
    pub fn headline_part(self, count: usize) -> String {
        match self {
            Report::All => format!(", {count} still open"),
            Report::DueSoon => format!(", {count} due within 48 hours"),
        }
    }
}

/// The section listing `items` (already selected and sorted) as of `now`, within `room`
/// bytes; returns it with the bytes it takes.
pub fn section(
    report: Report,
    items: &[OpenItem],
    now: DateTime<Utc>,
    room: usize,
) -> (Section, usize) {
    let title = match report {
        Report::All => format!("Still open: {}", items.len()),
        Report::DueSoon => format!("Due within 48 hours: {}", items.len()),
    };
    let mut used = title.len() + SECTION_OVERHEAD;
    let mut lines = Vec::new();
    for item in items {
        let line = line(item, now);
        let cost = match &line {
            Line::LinkedBullet { text, url } => text.len() + url.len(),
            Line::Bullet(text) => text.len(),
            _ => 0,
        } + LINE_OVERHEAD;
        if used + cost > room {
            break;
        }
        used += cost;
        lines.push(line);
    }
    if lines.len() < items.len() {
        lines.push(Line::Prose(format!(
            "and {} more still open, left out to fit this message",
            items.len() - lines.len()
        )));
    }
    (
        Section {
            title: title.into(),
            lines,
        },
        used,
    )
}

/// "Cancellation request for agreement agmt-1, buyer 8457… · Acme (1111…) · due in 3 days
/// (2026-12-08 00:00 UTC) · value USD 1200.00", with its link.
fn line(item: &OpenItem, now: DateTime<Utc>) -> Line {
    // The ledger is read back from a table: its text is made one clean line again here,
    // as whatever comes from outside the function is, before a rendering writes it as it is.
    let mut parts = vec![single_line(&item.title)];
    if let Some(account) = &item.account {
        parts.push(single_line(account));
    }
    parts.push(match item.deadline {
        Some(at) => {
            let date = at.format("%Y-%m-%d %H:%M UTC");
            if at < now {
                format!("{} (was due {date})", deadline_words(at, now))
            } else {
                format!("due {} ({date})", deadline_words(at, now))
            }
        }
        None => format!("open since {}", item.opened_at.format("%Y-%m-%d")),
    });
    if let Some(value) = &item.value {
        parts.push(concat(["value ", &single_line(value)]));
    }
    let text = parts.join(" · ");
    match &item.link {
        Some(url) => Line::LinkedBullet {
            text,
            url: single_line(url),
        },
        None => Line::Bullet(text),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::super::{ItemId, Kind};
    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
            .single()
            .unwrap_or_default()
    }

    fn item(key: &str, due_in_hours: Option<i64>) -> OpenItem {
        OpenItem {
            id: ItemId::new(Kind::CancellationRequest, key),
            account: Some("Acme (111122223333)".to_owned()),
            title: format!("Cancellation request {key}"),
            deadline: due_in_hours.map(|hours| now() + TimeDelta::hours(hours)),
            value: (key == "b").then(|| "USD 1200.00".to_owned()),
            link: Some(format!("https://example.com/{key}")),
            opened_by: format!("e-{key}"),
            opened_at: now() - TimeDelta::days(1),
        }
    }

    fn texts(section: &Section) -> Vec<String> {
        section
            .lines
            .iter()
            .map(|line| match line {
                Line::LinkedBullet { text, .. } | Line::Bullet(text) | Line::Prose(text) => {
                    text.clone()
                }
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn lists_by_deadline_with_the_deadline_relative_to_now_and_the_value() {
        let items = [
            item("a", Some(24 * 30)),
            item("b", Some(-48)),
            item("c", None),
            item("d", Some(30)),
        ];
        let chosen = Report::All.select(&items, now());
        let (listed, _) = section(Report::All, &chosen, now(), 200_000);
        assert_eq!(listed.title, "Still open: 4");
        assert_eq!(
            texts(&listed),
            [
                "Cancellation request b · Acme (111122223333) · overdue by 2 days (was due 2026-11-29 12:00 UTC) · value USD 1200.00",
                "Cancellation request d · Acme (111122223333) · due in 1 day (2026-12-02 18:00 UTC)",
                "Cancellation request a · Acme (111122223333) · due in 30 days (2026-12-31 12:00 UTC)",
                "Cancellation request c · Acme (111122223333) · open since 2026-11-30",
            ]
        );
        let soon = Report::DueSoon.select(&items, now());
        let (listed, _) = section(Report::DueSoon, &soon, now(), 200_000);
        assert_eq!(listed.title, "Due within 48 hours: 2");
        assert_eq!(listed.lines.len(), 2);
    }

    #[test]
    fn what_does_not_fit_is_counted() {
        let items: Vec<OpenItem> = (0..1_000).map(|n| item(&n.to_string(), Some(n))).collect();
        let (section, used) = section(Report::All, &items, now(), 2_000);
        assert!(used <= 2_000, "{used}");
        let listed = section.lines.len() - 1;
        assert!(listed > 0 && listed < 1_000);
        assert_eq!(
            section.lines.last(),
            Some(&Line::Prose(format!(
                "and {} more still open, left out to fit this message",
                1_000 - listed
            )))
        );
    }

    #[test]
    fn text_read_back_from_the_ledger_is_listed_as_one_clean_line() {
        let mut open = item("a", Some(48));
        open.title = "Cancellation\n\u{202e}request\u{200b}".to_owned();
        open.account = Some("Acme\u{7}".to_owned());
        open.value = Some("USD\t1200.00\u{feff}".to_owned());
        open.link = Some("https://example.com/\u{2066}x".to_owned());
        let Line::LinkedBullet { text, url } = line(&open, now()) else {
            panic!("an open item with a link is a linked bullet");
        };
        assert!(
            text.starts_with("Cancellation request · Acme · due "),
            "{text:?}"
        );
        assert!(text.ends_with(" · value USD 1200.00"), "{text:?}");
        assert_eq!(url, "https://example.com/x");
    }

    #[test]
    fn ten_thousand_open_items_fit_both_renderings_uncut() {
        use crate::digest::compose;
        use crate::render::{ChatRenderer, Renderer, TextRenderer};
        use crate::routing::Cadence;
        let items: Vec<OpenItem> = (0..10_000).map(|n| item(&n.to_string(), Some(n))).collect();
        for renderer in [&TextRenderer as &dyn Renderer, &ChatRenderer] {
            let room = renderer.digest_room();
            let (listed, used) = section(Report::All, &items, now(), room);
            let mut message = compose(Cadence::Weekly, &[], room - used, "w");
            message.sections.insert(0, listed);
            let notification = renderer.render(&message);
            assert_eq!(
                notification.truncated_bytes(),
                0,
                "{:?}",
                renderer.channel()
            );
            assert!(
                !notification.body().contains("cut here"),
                "{:?}",
                renderer.channel()
            );
        }
    }
}
