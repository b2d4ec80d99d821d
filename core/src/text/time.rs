//! The date and duration wording used in every notification: instants in UTC to the
//! second, durations in days, hours, minutes and seconds.

use chrono::{DateTime, Datelike, TimeDelta, Timelike, Utc};

/// An instant as people read it in a notification: always UTC, to the second.
pub fn timestamp(at: &DateTime<Utc>) -> String {
    // The UTC wall-clock time, taken once: each field of a `DateTime` would add its offset
    // (zero for UTC) again.
    let at = at.naive_utc();
    let year = at.year();
    // Years outside four digits (none an event carries, but chrono allows them) go through
    // the formatter; the others are written digit by digit, into a string allocated once,
    // instead of through the formatting machinery (a tenth of composing an offer's message).
    if !(0..=9999).contains(&year) {
        return format!(
            "{year:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC",
            at.month(),
            at.day(),
            at.hour(),
            at.minute(),
            at.second()
        );
    }
    // Each number written into its place in the pattern, and the text made once: no
    // per-character pushes and capacity checks.
    let mut text = *b"0000-00-00 00:00:00 UTC";
    for (place, value) in [
        (0..4, year.unsigned_abs()),
        (5..7, at.month()),
        (8..10, at.day()),
        (11..13, at.hour()),
        (14..16, at.minute()),
        (17..19, at.second()),
    ] {
        write_digits(&mut text[place], value);
    }
    // Only ASCII digits were written over ASCII: the text is always valid UTF-8, checked
    // in a few word-sized steps, and copied out once.
    std::str::from_utf8(&text).map_or_else(
        |_| String::from_utf8_lossy(&text).into_owned(),
        str::to_owned,
    )
}

/// The last `slot.len()` decimal digits of `value`, zero-padded, over `slot`.
fn write_digits(slot: &mut [u8], mut value: u32) {
    for byte in slot.iter_mut().rev() {
        *byte = b'0' + (value % 10) as u8;
        value /= 10;
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_zero_padded_utc_to_the_second() {
        let at = |text: &str| text.parse::<DateTime<Utc>>().expect("a valid instant");
        assert_eq!(
            timestamp(&at("2026-03-04T05:06:07.89Z")),
            "2026-03-04 05:06:07 UTC"
        );
        assert_eq!(
            timestamp(&at("0999-12-31T23:59:59+02:00")),
            "0999-12-31 21:59:59 UTC"
        );
        assert_eq!(
            timestamp(&at("+12345-01-01T00:00:00Z")),
            "12345-01-01 00:00:00 UTC"
        );
    }

    proptest::proptest! {
        #[test]
        fn timestamps_read_as_chrono_formats_them(seconds in 0i64..253_402_300_800) {
            let at = DateTime::from_timestamp(seconds, 0).expect("within chrono's range");
            proptest::prop_assert_eq!(
                timestamp(&at),
                at.format("%Y-%m-%d %H:%M:%S UTC").to_string()
            );
        }
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
}
