//! A deadline as a reader of a digest wants it: relative to the moment the digest is sent.

use chrono::{DateTime, Utc};

use crate::text::count;

/// "in 3 days", "in 5 hours", "overdue by 2 days", "overdue by 3 hours"; whole units,
/// rounded down, so "in 1 day" always means at least a day.
pub fn deadline_words(deadline: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let left = deadline - now;
    let (overdue, left) = if left < chrono::TimeDelta::zero() {
        (true, -left)
    } else {
        (false, left)
    };
    let span = if left.num_days() >= 1 {
        count(left.num_days() as u64, "day", "days")
    } else if left.num_hours() >= 1 {
        count(left.num_hours() as u64, "hour", "hours")
    } else {
        "less than an hour".to_owned()
    };
    if overdue {
        format!("overdue by {span}")
    } else {
        format!("in {span}")
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone};

    use super::*;

    #[test]
    fn says_how_far_off_or_how_late() {
        let now = Utc
            .with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
            .single()
            .unwrap_or_default();
        assert_eq!(
            deadline_words(now + TimeDelta::days(3) + TimeDelta::hours(2), now),
            "in 3 days"
        );
        assert_eq!(deadline_words(now + TimeDelta::days(1), now), "in 1 day");
        assert_eq!(deadline_words(now + TimeDelta::hours(5), now), "in 5 hours");
        assert_eq!(
            deadline_words(now + TimeDelta::minutes(5), now),
            "in less than an hour"
        );
        assert_eq!(
            deadline_words(now - TimeDelta::days(2), now),
            "overdue by 2 days"
        );
        assert_eq!(
            deadline_words(now - TimeDelta::hours(1), now),
            "overdue by 1 hour"
        );
    }
}
