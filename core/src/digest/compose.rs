//! A digest as one channel-neutral message: the subject counts the events and those that
//! need action; the items are grouped by family, the groups and the lines within each put
//! what needs action first, then by severity; whatever does not fit the channel is counted
//! in an "and N more" line instead of being cut mid-way.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::DigestItem;
use crate::message::{Attributes, Line, Message, Section, Severity};
use crate::routing::Cadence;
use crate::text::{single_line, single_line_into};

/// Appended to the cadence's title to make a digest's `detail_type` attribute ("Daily
/// digest"), so subscription filter policies can tell digests from single events.
pub const DIGEST_DETAIL_TYPE_SUFFIX: &str = " digest";

/// What one listed line costs besides its text: the bullet, separators and line break, in
/// either rendering.
const LINE_OVERHEAD: usize = 8;
/// What a group's heading costs besides its title.
const HEADING_OVERHEAD: usize = 16;

/// The digest of `items` for `cadence`, listing as many as fit in `room` bytes of body text
/// (what the destination's rendering can carry; see `Renderer::digest_room`). `label` names
/// the digest for threading and logs (e.g. the date it covers).
pub fn compose(cadence: Cadence, items: &[DigestItem], room: usize, label: &str) -> Message {
    let needing_action = items.iter().filter(|item| item.action_required).count();
    let headline = format!(
        "{} digest: {} {}, {} {}",
        cadence.title(),
        items.len(),
        if items.len() == 1 { "event" } else { "events" },
        needing_action,
        if needing_action == 1 {
            "needs action"
        } else {
            "need action"
        },
    );
    let summary = if items.is_empty() {
        format!("No events were queued for the {cadence} digest.")
    } else {
        format!(
            "Events queued for the {cadence} digest since the last one, grouped by family, the ones that need action first."
        )
    };

    // What is listed is chosen across all groups, most urgent first, so a short channel
    // (chat) shows what needs action rather than whichever group sorts first.
    let mut by_urgency: Vec<&DigestItem> = items.iter().collect();
    by_urgency.sort_by(|a, b| urgency(b).cmp(&urgency(a)).then(a.time.cmp(&b.time)));
    let totals = group_sizes(items);
    let mut left = room;
    let mut chosen: BTreeMap<&str, Vec<(&DigestItem, Line)>> = BTreeMap::new();
    for item in by_urgency {
        let line = line(item);
        let heading = if chosen.contains_key(item.group.as_str()) {
            0
        } else {
            item.group.len() + HEADING_OVERHEAD
        };
        let cost = line_length(&line) + LINE_OVERHEAD + heading;
        if cost > left {
            break;
        }
        left -= cost;
        chosen
            .entry(item.group.as_str())
            .or_default()
            .push((item, line));
    }
    let listed: usize = chosen.values().map(Vec::len).sum();
    let mut groups: Vec<(&str, Vec<(&DigestItem, Line)>)> = chosen.into_iter().collect();
    // Groups with the most urgent item first; ties by name (the map's order, kept by a
    // stable sort). Within a group the lines keep their urgency order.
    groups.sort_by_key(|(_, members)| {
        std::cmp::Reverse(
            members
                .first()
                .map_or((false, Severity::Info), |(item, _)| urgency(item)),
        )
    });
    let mut sections: Vec<Section> = groups
        .into_iter()
        .map(|(title, members)| Section {
            title: format!(
                "{title} ({})",
                totals.get(title).copied().unwrap_or_default()
            )
            .into(),
            lines: members.into_iter().map(|(_, line)| line).collect(),
        })
        .collect();
    if listed < items.len() {
        sections.push(Section {
            title: "Not listed".into(),
            lines: vec![Line::Prose(format!(
                "and {} more, left out to fit this message",
                items.len() - listed
            ))],
        });
    }

    Message {
        headline,
        severity: Severity::Info,
        action_required: needing_action > 0,
        summary,
        sections,
        thread_key: format!("{cadence}-digest"),
        keywords: vec!["digest".to_owned(), cadence.as_str().to_owned()],
        attributes: Attributes::new()
            .with(
                "detail_type",
                &format!("{}{DIGEST_DETAIL_TYPE_SUFFIX}", cadence.title()),
            )
            .with("digest", cadence.as_str())
            .with("event_id", label),
        event_id: label.to_owned(),
        event_type: format!("{}{DIGEST_DETAIL_TYPE_SUFFIX}", cadence.title()),
        ..Message::default()
    }
}

/// Needing action outranks severity; severity outranks everything else.
fn urgency(item: &DigestItem) -> (bool, Severity) {
    (item.action_required, item.severity)
}

/// How many items each group has, listed or not.
fn group_sizes(items: &[DigestItem]) -> BTreeMap<&str, usize> {
    let mut sizes = BTreeMap::new();
    for item in items {
        *sizes.entry(item.group.as_str()).or_default() += 1;
    }
    sizes
}

fn line_length(line: &Line) -> usize {
    match line {
        Line::LinkedBullet { text, url } => text.len() + url.len(),
        Line::Bullet(text) => text.len(),
        _ => 0,
    }
}

/// "ACTION · ERROR · headline · account · 2026-12-01 14:03 UTC", with its link: the words
/// lead so a list can be scanned, and no brackets (chat markdown would take them for links).
fn line(item: &DigestItem) -> Line {
    let mut text = String::with_capacity(item.headline.len() + 64);
    if item.action_required {
        text.push_str("ACTION · ");
    }
    if item.severity != Severity::Info {
        text.push_str(&item.severity.as_str().to_uppercase());
        text.push_str(" · ");
    }
    // What the queue holds is read back from a table: made one clean line again here, as
    // whatever comes from outside the function is, before a rendering writes it as it is.
    single_line_into(&mut text, &item.headline);
    if let Some(account) = &item.account {
        text.push_str(" · ");
        single_line_into(&mut text, account);
    }
    let _ = write!(text, " · {}", item.time.format("%Y-%m-%d %H:%M UTC"));
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
    use chrono::{TimeZone, Utc};

    use super::*;

    fn item(id: usize, group: &str, severity: Severity, action_required: bool) -> DigestItem {
        DigestItem {
            event_id: format!("event-{id}"),
            headline: format!("Event {id}"),
            severity,
            action_required,
            account: Some("Acme EU (111122223333)".to_owned()),
            time: Utc
                .with_ymd_and_hms(2026, 12, 1, 8, 0, 0)
                .single()
                .unwrap_or_default()
                + chrono::Duration::minutes(id as i64),
            link: Some(format!(
                "https://aws.amazon.com/marketplace/management/{id}"
            )),
            group: group.to_owned(),
        }
    }

    fn listed(message: &Message) -> Vec<(String, Vec<String>)> {
        message
            .sections
            .iter()
            .map(|section| {
                let lines = section
                    .lines
                    .iter()
                    .map(|line| match line {
                        Line::Bullet(text)
                        | Line::Prose(text)
                        | Line::LinkedBullet { text, .. } => text
                            .split(" · ")
                            .take_while(|part| !part.starts_with("Acme"))
                            .collect::<Vec<_>>()
                            .join(" · "),
                        other => format!("{other:?}"),
                    })
                    .collect();
                (section.title.to_string(), lines)
            })
            .collect()
    }

    #[test]
    fn groups_by_family_with_what_needs_action_first() {
        let items = vec![
            item(1, "Offers", Severity::Info, false),
            item(2, "Agreements", Severity::Info, false),
            item(3, "Agreements", Severity::Warning, true),
            item(4, "Security reports", Severity::Error, false),
            item(5, "Agreements", Severity::Critical, false),
            item(6, "Offers", Severity::Warning, false),
        ];
        let message = compose(Cadence::Daily, &items, 200_000, "2026-12-02");
        assert_eq!(message.headline, "Daily digest: 6 events, 1 needs action");
        assert!(message.action_required);
        assert_eq!(message.severity, Severity::Info);
        assert_eq!(
            listed(&message),
            [
                (
                    "Agreements (3)".to_owned(),
                    vec![
                        "ACTION · WARNING · Event 3".to_owned(),
                        "CRITICAL · Event 5".to_owned(),
                        "Event 2".to_owned()
                    ]
                ),
                (
                    "Security reports (1)".to_owned(),
                    vec!["ERROR · Event 4".to_owned()]
                ),
                (
                    "Offers (2)".to_owned(),
                    vec!["WARNING · Event 6".to_owned(), "Event 1".to_owned()]
                ),
            ]
        );
        assert_eq!(
            message.sections[0].lines[0],
            Line::LinkedBullet {
                text: "ACTION · WARNING · Event 3 · Acme EU (111122223333) · 2026-12-01 08:03 UTC"
                    .to_owned(),
                url: "https://aws.amazon.com/marketplace/management/3".to_owned()
            }
        );
        assert_eq!(message.attributes.get("digest"), Some("daily"));
        assert_eq!(message.attributes.get("detail_type"), Some("Daily digest"));
    }

    #[test]
    fn what_does_not_fit_is_counted_not_cut() {
        let items: Vec<DigestItem> = (0..500)
            .map(|id| {
                let group = if id % 2 == 0 { "Agreements" } else { "Offers" };
                item(id, group, Severity::Info, id % 50 == 0)
            })
            .collect();
        let message = compose(Cadence::Weekly, &items, 2_000, "2026-W49");
        assert_eq!(
            message.headline,
            "Weekly digest: 500 events, 10 need action"
        );
        let lines: usize = message
            .sections
            .iter()
            .filter(|section| section.title != "Not listed")
            .map(|section| section.lines.len())
            .sum();
        assert!(lines > 0 && lines < 500, "{lines} lines listed");
        let last = message.sections.last().unwrap();
        assert_eq!(
            last.lines,
            [Line::Prose(format!(
                "and {} more, left out to fit this message",
                500 - lines
            ))]
        );
        // Every one needing action is listed before any that does not.
        let listed: Vec<&Line> = message
            .sections
            .iter()
            .filter(|section| section.title != "Not listed")
            .flat_map(|section| &section.lines)
            .collect();
        assert!(listed.len() >= 10, "{} listed", listed.len());
        let needing_action: Vec<bool> = listed
            .iter()
            .map(|line| matches!(line, Line::LinkedBullet { text, .. } if text.starts_with("ACTION")))
            .collect();
        assert_eq!(needing_action.iter().filter(|flag| **flag).count(), 10);
        assert!(
            needing_action[..10].iter().all(|flag| *flag),
            "{needing_action:?}"
        );
    }

    #[test]
    fn ten_thousand_items_fit_both_renderings_uncut() {
        use crate::render::{ChatRenderer, Renderer, TextRenderer};
        let items: Vec<DigestItem> = (0..10_000)
            .map(|id| item(id, "Agreements", Severity::ALL[id % 4], id % 7 == 0))
            .collect();
        for renderer in [&TextRenderer as &dyn Renderer, &ChatRenderer] {
            let message = compose(Cadence::Daily, &items, renderer.digest_room(), "d");
            let notification = renderer.render(&message);
            assert_eq!(
                notification.truncated_bytes(),
                0,
                "{:?}",
                renderer.channel()
            );
            // Nor cut by the chat rendering's own description limit.
            assert!(
                !notification.body().contains("cut here"),
                "{:?}",
                renderer.channel()
            );
            let last = message.sections.last().unwrap();
            assert_eq!(last.title, "Not listed", "{:?}", renderer.channel());
        }
    }

    #[test]
    fn text_read_back_from_the_queue_is_listed_as_one_clean_line() {
        let mut queued = item(1, "Offers", Severity::Info, false);
        queued.headline = "Offer released:\n\u{202e}Q3\u{200b} plan".to_owned();
        queued.account = Some("Acme\u{7}\tEU".to_owned());
        queued.link = Some("https://example.com/\u{2066}x".to_owned());
        let Line::LinkedBullet { text, url } = line(&queued) else {
            panic!("a queued event with a link is a linked bullet");
        };
        assert!(
            text.starts_with("Offer released: Q3 plan · Acme EU · "),
            "{text:?}"
        );
        assert_eq!(url, "https://example.com/x");
    }

    #[test]
    fn an_empty_digest_says_so() {
        let message = compose(Cadence::Daily, &[], 200_000, "2026-12-02");
        assert_eq!(message.headline, "Daily digest: 0 events, 0 need action");
        assert!(message.sections.is_empty());
        assert!(!message.action_required);
    }
}
