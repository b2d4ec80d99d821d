//! The counts a redrive run ends with, and the one summary line it prints.

use std::fmt;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Accepted by the function and deleted from the queue (in a dry run: would be sent).
    pub redriven: usize,
    /// Events the function still rejects or cannot deliver: kept in the queue.
    pub still_failing: usize,
    /// Messages holding no event: kept in the queue for a person to look at.
    pub not_an_event: usize,
    pub dry_run: bool,
}

impl Summary {
    /// Whether every message this run saw was delivered.
    pub fn all_redriven(&self) -> bool {
        self.still_failing == 0 && self.not_an_event == 0
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redriven = if self.dry_run {
            "would be sent to the function (dry run: nothing invoked or deleted)"
        } else {
            "redriven"
        };
        write!(
            f,
            "{} {redriven}, {} still failing, {} not an event",
            self.redriven, self.still_failing, self.not_an_event
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_each_count() {
        let summary = Summary {
            redriven: 3,
            still_failing: 1,
            not_an_event: 2,
            dry_run: false,
        };
        assert_eq!(
            summary.to_string(),
            "3 redriven, 1 still failing, 2 not an event"
        );
        assert!(!summary.all_redriven());
    }

    #[test]
    fn a_dry_run_says_nothing_was_invoked() {
        let summary = Summary {
            redriven: 2,
            dry_run: true,
            ..Summary::default()
        };
        assert_eq!(
            summary.to_string(),
            "2 would be sent to the function (dry run: nothing invoked or deleted), 0 still failing, 0 not an event"
        );
        assert!(summary.all_redriven());
    }
}
