//! The topic table: every family topic the function publishes to, as data — the variable
//! that holds its ARN, whether the function refuses to start without it, and what happens to
//! its events when it is unset. Configuration, the test configurations, the template
//! cross-check and the README's table all read [`TopicKind::ALL`]; a new topic is one row.

use std::fmt;
use std::hash::{Hash, Hasher};

/// What the function does when a topic's variable is unset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenUnset {
    /// The function refuses to start: these events have nowhere else to go.
    Refuse,
    /// Its events are answered `skipped` with this reason (logged as a warning).
    Skip(&'static str),
}

/// One row of the topic table.
#[derive(Debug)]
pub struct TopicSpec {
    /// A short lowercase name, used in logs and in dry-run placeholder topic names.
    pub name: &'static str,
    /// The environment variable that holds the topic's ARN.
    pub variable: &'static str,
    pub when_unset: WhenUnset,
    /// What its subscribers read, for the documentation.
    pub carries: &'static str,
    /// The heading its events are listed under in a digest.
    pub title: &'static str,
}

/// A family topic: a handle to its row of the table. Two handles are the same topic when
/// they name the same variable, so a row declared elsewhere (a test's family) works alike.
#[derive(Clone, Copy)]
pub struct TopicKind(&'static TopicSpec);

impl TopicKind {
    pub const OFFERS: TopicKind = TopicKind(&TopicSpec {
        name: "offers",
        variable: "OFFERS_TOPIC_ARN",
        when_unset: WhenUnset::Refuse,
        carries: "Offer Released, OfferSet Released",
        title: "Offers",
    });
    pub const CHANGE_SETS: TopicKind = TopicKind(&TopicSpec {
        name: "change-sets",
        variable: "CHANGE_SETS_TOPIC_ARN",
        when_unset: WhenUnset::Refuse,
        carries: "Change Set Succeeded, Failed, Cancelled",
        title: "Change sets",
    });
    pub const SECURITY: TopicKind = TopicKind(&TopicSpec {
        name: "security",
        variable: "SECURITY_TOPIC_ARN",
        when_unset: WhenUnset::Refuse,
        carries: "Products Security Report Created",
        title: "Security reports",
    });
    /// The other-events and agreements topics may be left out: their events are then
    /// skipped with a warning instead of published (the template always sets both).
    pub const OTHER: TopicKind = TopicKind(&TopicSpec {
        name: "other-events",
        variable: "OTHER_EVENTS_TOPIC_ARN",
        when_unset: WhenUnset::Skip(
            "no dedicated format for this detail type and OTHER_EVENTS_TOPIC_ARN is not set",
        ),
        carries: "catalog detail types without a dedicated format, as generic notifications",
        title: "Other catalog events",
    });
    pub const AGREEMENTS: TopicKind = TopicKind(&TopicSpec {
        name: "agreements",
        variable: "AGREEMENTS_TOPIC_ARN",
        when_unset: WhenUnset::Skip(
            "agreement events are not published because AGREEMENTS_TOPIC_ARN is not set",
        ),
        carries: "every aws.agreement-marketplace event",
        title: "Agreements",
    });
    /// Optional like the agreements topic: without it, payout events are skipped with a
    /// warning (the template always sets it).
    pub const PAYMENTS: TopicKind = TopicKind(&TopicSpec {
        name: "payments",
        variable: "PAYMENTS_TOPIC_ARN",
        when_unset: WhenUnset::Skip(
            "payout events are not published because PAYMENTS_TOPIC_ARN is not set",
        ),
        carries: "every aws.marketplace event (Disbursement Paused)",
        title: "Payouts",
    });
    /// Optional too: without it, co-sell events are skipped with a warning.
    pub const COSELL: TopicKind = TopicKind(&TopicSpec {
        name: "cosell",
        variable: "COSELL_TOPIC_ARN",
        when_unset: WhenUnset::Skip(
            "co-sell events are not published because COSELL_TOPIC_ARN is not set",
        ),
        carries: "every aws.partnercentral-selling event (opportunities, AWS referrals)",
        title: "Co-sell",
    });

    /// The table: every topic the function reads, in the order the docs list them.
    pub const ALL: [TopicKind; 7] = [
        TopicKind::OFFERS,
        TopicKind::CHANGE_SETS,
        TopicKind::SECURITY,
        TopicKind::OTHER,
        TopicKind::AGREEMENTS,
        TopicKind::PAYMENTS,
        TopicKind::COSELL,
    ];

    /// A topic declared outside the table (an embedding's own family).
    pub const fn new(spec: &'static TopicSpec) -> Self {
        Self(spec)
    }

    pub const fn spec(self) -> &'static TopicSpec {
        self.0
    }

    /// The environment variable that holds this family's topic ARN.
    pub const fn variable(self) -> &'static str {
        self.0.variable
    }

    pub const fn is_required(self) -> bool {
        matches!(self.0.when_unset, WhenUnset::Refuse)
    }

    /// A short lowercase name, used in logs and in dry-run placeholder topic names.
    pub const fn name(self) -> &'static str {
        self.0.name
    }

    /// The heading its events are listed under in a digest.
    pub const fn title(self) -> &'static str {
        self.0.title
    }
}

impl PartialEq for TopicKind {
    fn eq(&self, other: &Self) -> bool {
        self.0.variable == other.0.variable
    }
}

impl Eq for TopicKind {}

impl Hash for TopicKind {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.variable.hash(state);
    }
}

impl fmt::Debug for TopicKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.name)
    }
}

/// The variables of the table's topics that satisfy `keep`, as a constant.
const fn variables<const N: usize>(keep_optional: bool) -> [&'static str; N] {
    let mut names = [""; N];
    let (mut index, mut next) = (0, 0);
    while index < TopicKind::ALL.len() {
        let kind = TopicKind::ALL[index];
        if keep_optional || kind.is_required() {
            names[next] = kind.variable();
            next += 1;
        }
        index += 1;
    }
    names
}

const fn required_count() -> usize {
    let (mut index, mut count) = (0, 0);
    while index < TopicKind::ALL.len() {
        if TopicKind::ALL[index].is_required() {
            count += 1;
        }
        index += 1;
    }
    count
}

const ALL_VARIABLES: [&str; TopicKind::ALL.len()] = variables(true);
const REQUIRED_VARIABLES: [&str; required_count()] = variables(false);

/// Every topic variable the code reads.
pub const TOPIC_VARIABLES: &[&str] = &ALL_VARIABLES;

/// The topic variables without which the function refuses to start.
pub const REQUIRED_TOPIC_VARIABLES: &[&str] = &REQUIRED_VARIABLES;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_variable_lists_follow_the_table() {
        assert_eq!(
            TOPIC_VARIABLES,
            [
                "OFFERS_TOPIC_ARN",
                "CHANGE_SETS_TOPIC_ARN",
                "SECURITY_TOPIC_ARN",
                "OTHER_EVENTS_TOPIC_ARN",
                "AGREEMENTS_TOPIC_ARN",
                "PAYMENTS_TOPIC_ARN",
                "COSELL_TOPIC_ARN"
            ]
        );
        assert_eq!(
            REQUIRED_TOPIC_VARIABLES,
            [
                "OFFERS_TOPIC_ARN",
                "CHANGE_SETS_TOPIC_ARN",
                "SECURITY_TOPIC_ARN"
            ]
        );
    }

    #[test]
    fn every_skip_reason_names_its_variable() {
        for kind in TopicKind::ALL {
            if let WhenUnset::Skip(reason) = kind.spec().when_unset {
                assert!(reason.contains(kind.variable()), "{reason}");
            }
        }
    }

    #[test]
    fn handles_compare_by_variable() {
        static COPY: TopicSpec = TopicSpec {
            name: "offers-copy",
            variable: "OFFERS_TOPIC_ARN",
            when_unset: WhenUnset::Refuse,
            carries: "",
            title: "Offers",
        };
        assert_eq!(TopicKind::new(&COPY), TopicKind::OFFERS);
        assert_ne!(TopicKind::OFFERS, TopicKind::SECURITY);
    }
}
