//! What time it is for the digests and the open items: the system's clock, or one fixed
//! instant where the answer must not depend on the day it runs (the demo, whose sample
//! events are dated in the past, and tests).

use chrono::{DateTime, Utc};

/// Where "now" comes from when a digest is labelled, open items are selected and their
/// deadlines are worded, and when a store decides what has expired.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The system's clock: what the function uses.
    #[default]
    System,
    /// Always this instant.
    Fixed(DateTime<Utc>),
}

impl Clock {
    pub fn now(self) -> DateTime<Utc> {
        match self {
            Self::System => Utc::now(),
            Self::Fixed(at) => at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_stays_and_the_system_clock_moves_on() {
        let at = "2024-06-30T23:59:59Z".parse().expect("a valid instant");
        assert_eq!(Clock::Fixed(at).now(), at);
        let before = Utc::now();
        let now = Clock::System.now();
        assert!(now >= before && now <= Utc::now());
    }
}
