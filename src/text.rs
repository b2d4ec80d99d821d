//! Small text helpers shared by the event families: one-line sanitising of seller-written
//! values, cut lists, and the date and duration wording used in every notification.

use chrono::{DateTime, Datelike, TimeDelta, Timelike, Utc};

/// What a notification says where an optional field was not in the event.
pub const NOT_GIVEN: &str = "(not given in the event)";

/// Turns any text into one clean line: control characters and line breaks become spaces,
/// runs of whitespace collapse into one space, and the ends are trimmed.
pub fn single_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() || c.is_control() {
            pending_space = !line.is_empty();
        } else {
            if pending_space {
                line.push(' ');
                pending_space = false;
            }
            line.push(c);
        }
    }
    line
}

/// A seller-written optional value as one line, or [`NOT_GIVEN`].
pub fn or_not_given(value: Option<&str>) -> String {
    match value.map(single_line) {
        Some(line) if !line.is_empty() => line,
        _ => NOT_GIVEN.to_owned(),
    }
}

/// Joins the first `shown` items and says how many more there are, so a list of
/// thousands of ids stays readable.
pub fn list_with_more<T: AsRef<str>>(items: &[T], shown: usize) -> String {
    let mut text = items
        .iter()
        .take(shown)
        .map(|item| single_line(item.as_ref()))
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > shown {
        text.push_str(&format!(" ... and {} more", items.len() - shown));
    }
    text
}

/// An instant as people read it in a notification: always UTC, to the second.
pub fn timestamp(at: &DateTime<Utc>) -> String {
    // Written out rather than through strftime, which re-parses its pattern on every call.
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// A duration such as "1h 10m 0s" or "2d 3h 0m 5s"; negative ones say so instead of
/// printing nonsense. Written here rather than with `humantime::format_duration`, whose
/// "2days 3h 5s" mixes unit styles and leaves zero units out, changing what readers see.
pub fn duration(delta: TimeDelta) -> String {
    if delta < TimeDelta::zero() {
        return format!(
            "{} before the start (end time precedes start time)",
            duration(-delta)
        );
    }
    let seconds = delta.num_seconds();
    let (days, rest) = (seconds / 86_400, seconds % 86_400);
    let (hours, rest) = (rest / 3_600, rest % 3_600);
    let (minutes, seconds) = (rest / 60, rest % 60);
    match (days, hours, minutes) {
        (0, 0, 0) => format!("{seconds}s"),
        (0, 0, _) => format!("{minutes}m {seconds}s"),
        (0, _, _) => format!("{hours}h {minutes}m {seconds}s"),
        _ => format!("{days}d {hours}h {minutes}m {seconds}s"),
    }
}

/// "1 product" / "3 products".
pub fn count(n: u64, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("1 {singular}")
    } else {
        format!("{n} {plural}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_line_collapses_whitespace_and_controls() {
        assert_eq!(single_line("  a\n\tb\r\n\u{0}c  "), "a b c");
        assert_eq!(single_line("\n\n"), "");
        assert_eq!(single_line("🚀 launch"), "🚀 launch");
    }

    #[test]
    fn optional_values_say_when_missing() {
        assert_eq!(or_not_given(None), NOT_GIVEN);
        assert_eq!(or_not_given(Some(" \n")), NOT_GIVEN);
        assert_eq!(or_not_given(Some("My\noffer")), "My offer");
    }

    #[test]
    fn long_lists_are_cut_with_a_count() {
        let ids: Vec<String> = (0..30_000).map(|i| format!("{i:012}")).collect();
        let text = list_with_more(&ids, 3);
        assert_eq!(
            text,
            "000000000000, 000000000001, 000000000002 ... and 29997 more"
        );
        assert_eq!(list_with_more(&["a", "b"], 3), "a, b");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(TimeDelta::seconds(42)), "42s");
        assert_eq!(duration(TimeDelta::seconds(4_200)), "1h 10m 0s");
        assert_eq!(duration(TimeDelta::seconds(183_605)), "2d 3h 0m 5s");
        assert_eq!(
            duration(TimeDelta::seconds(-60)),
            "1m 0s before the start (end time precedes start time)"
        );
    }

    #[test]
    fn counts_pick_the_right_noun() {
        assert_eq!(count(1, "product", "products"), "1 product");
        assert_eq!(count(0, "product", "products"), "0 products");
    }
}
