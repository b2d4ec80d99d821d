//! A digest as one channel-neutral message: the subject counts the events and those that
//! need action; the items are grouped by family, the groups and the lines within each put
//! what needs action first, then by severity; whatever does not fit the channel is counted
//! in an "and N more" line instead of being cut mid-way.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::DigestItem;
use crate::message::{Attributes, Line, Message, Section, Severity};
use crate::routing::Cadence;

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

    let mut groups: BTreeMap<&str, Vec<&DigestItem>> = BTreeMap::new();
    for item in items {
        groups.entry(item.group.as_str()).or_default().push(item);
    }
    let mut groups: Vec<(&str, Vec<&DigestItem>)> = groups.into_iter().collect();
    for (_, members) in &mut groups {
        members.sort_by(|a, b| urgency(b).cmp(&urgency(a)).then(a.time.cmp(&b.time)));
    }
    // Groups with the most urgent item first; ties by name (the map's order, kept by a stable sort).
    groups.sort_by_key(|(_, members)| std::cmp::Reverse(most_urgent(members)));

    let mut sections = Vec::with_capacity(groups.len() + 1);
    let mut left = room;
    let mut listed = 0;
    'groups: for (title, members) in &groups {
        let heading = format!("{title} ({})", members.len());
        if heading.len() + HEADING_OVERHEAD > left {
            break;
        }
        left -= heading.len() + HEADING_OVERHEAD;
        let mut section = Section::new(heading);
        for item in members {
            let line = line(item);
            if line.len() + LINE_OVERHEAD > left {
                sections.push(section);
                break 'groups;
            }
            left -= line.len() + LINE_OVERHEAD;
            section.lines.push(Line::Bullet(line));
            listed += 1;
        }
        sections.push(section);
    }
    sections.retain(|section| !section.lines.is_empty());
    if listed < items.len() {
        sections.push(Section {
            title: "Not listed".to_owned(),
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

fn most_urgent(members: &[&DigestItem]) -> (bool, Severity) {
    members
        .iter()
        .map(|item| urgency(item))
        .max()
        .unwrap_or((false, Severity::Info))
}

/// "[ACTION] [ERROR] headline · account · 2026-12-01 14:03 UTC · link"
fn line(item: &DigestItem) -> String {
    let mut line = String::with_capacity(item.headline.len() + 96);
    if item.action_required {
        line.push_str("[ACTION] ");
    }
    if item.severity != Severity::Info {
        let _ = write!(line, "[{}] ", item.severity.as_str().to_uppercase());
    }
    line.push_str(&item.headline);
    if let Some(account) = &item.account {
        line.push_str(" · ");
        line.push_str(account);
    }
    let _ = write!(line, " · {}", item.time.format("%Y-%m-%d %H:%M UTC"));
    if let Some(link) = &item.link {
        line.push_str(" · ");
        line.push_str(link);
    }
    line
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
                        Line::Bullet(text) | Line::Prose(text) => {
                            text.split(" · ").next().unwrap_or_default().to_owned()
                        }
                        other => format!("{other:?}"),
                    })
                    .collect();
                (section.title.clone(), lines)
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
                        "[ACTION] [WARNING] Event 3".to_owned(),
                        "[CRITICAL] Event 5".to_owned(),
                        "Event 2".to_owned()
                    ]
                ),
                (
                    "Security reports (1)".to_owned(),
                    vec!["[ERROR] Event 4".to_owned()]
                ),
                (
                    "Offers (2)".to_owned(),
                    vec!["[WARNING] Event 6".to_owned(), "Event 1".to_owned()]
                ),
            ]
        );
        let Line::Bullet(first) = &message.sections[0].lines[0] else {
            panic!("a bullet");
        };
        assert_eq!(
            first,
            "[ACTION] [WARNING] Event 3 · Acme EU (111122223333) · 2026-12-01 08:03 UTC · https://aws.amazon.com/marketplace/management/3"
        );
        assert_eq!(message.attributes.get("digest"), Some("daily"));
        assert_eq!(message.attributes.get("detail_type"), Some("Daily digest"));
    }

    #[test]
    fn what_does_not_fit_is_counted_not_cut() {
        let items: Vec<DigestItem> = (0..500)
            .map(|id| item(id, "Agreements", Severity::Info, id % 50 == 0))
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
        // The ones needing action are listed before any that do not.
        let Line::Bullet(first) = &message.sections[0].lines[0] else {
            panic!("a bullet");
        };
        assert!(first.starts_with("[ACTION]"), "{first}");
    }

    #[test]
    fn an_empty_digest_says_so() {
        let message = compose(Cadence::Daily, &[], 200_000, "2026-12-02");
        assert_eq!(message.headline, "Daily digest: 0 events, 0 need action");
        assert!(message.sections.is_empty());
        assert!(!message.action_required);
    }
}
