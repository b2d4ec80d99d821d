//! One route's `match`: for each key (an SNS message attribute name, or `source`) the exact
//! values any of which matches. Every key must match; an empty match matches everything.

use crate::message::Message;

/// The keys a route may match on: the attributes notifications carry (exactly what SNS
/// subscription filter policies see) plus the event's `source`. A name outside this list
/// is refused when routes are read, so a typo cannot silently match nothing.
pub const ROUTE_KEYS: &[&str] = &[
    "severity",
    "action_required",
    "source",
    "detail_type",
    "event_id",
    "account",
    // Catalog events
    "offer_id",
    "offer_set_id",
    "product_id",
    "release_case",
    "manufacturer_account_id",
    "seller_of_record_account_id",
    "change_set_id",
    "failure_code",
    "new_issues_found",
    // Agreement events
    "agreement_id",
    "acceptor_account_id",
    "party",
    // Payout events
    "payment_instrument",
    // Co-sell events
    "opportunity_id",
    "engagement_invitation_id",
    "engagement_id",
    "catalog",
];

/// What a route's match is tested against: one composed message and its event's source.
#[derive(Debug, Clone, Copy)]
pub struct EventFacts<'a> {
    pub message: &'a Message,
    pub source: &'a str,
}

impl<'a> EventFacts<'a> {
    /// The value of `key` as a subscription filter policy would see it; `None` when the
    /// notification does not carry that attribute.
    pub fn get(&self, key: &str) -> Option<&'a str> {
        match key {
            "severity" => Some(self.message.severity.as_str()),
            "action_required" => Some(if self.message.action_required {
                "true"
            } else {
                "false"
            }),
            "source" => Some(self.source),
            other => self.message.attributes.get(other),
        }
    }
}

/// Key → accepted values; all keys must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Match(Vec<(String, Vec<String>)>);

impl Match {
    /// Matches every event.
    pub fn everything() -> Self {
        Self::default()
    }

    /// This match, also requiring `key` to be one of `values`.
    pub fn and(mut self, key: impl Into<String>, values: Vec<String>) -> Self {
        self.0.push((key.into(), values));
        self
    }

    pub fn is_everything(&self) -> bool {
        self.0.is_empty()
    }

    pub fn matches(&self, facts: &EventFacts<'_>) -> bool {
        self.0.iter().all(|(key, values)| {
            facts
                .get(key)
                .is_some_and(|value| values.iter().any(|accepted| accepted == value))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Attributes, Severity};

    fn message(severity: Severity, action_required: bool) -> Message {
        Message {
            severity,
            action_required,
            attributes: Attributes::new()
                .with("account", "111122223333")
                .with("detail_type", "Offer Released"),
            ..Message::default()
        }
    }

    #[test]
    fn every_key_must_match_one_of_its_values() {
        let message = message(Severity::Warning, true);
        let facts = EventFacts {
            message: &message,
            source: "aws.marketplacecatalog",
        };
        let strings = |values: &[&str]| values.iter().map(|v| (*v).to_owned()).collect();
        assert!(Match::everything().matches(&facts));
        assert!(
            Match::everything()
                .and("severity", strings(&["error", "warning"]))
                .and("action_required", strings(&["true"]))
                .matches(&facts)
        );
        assert!(
            !Match::everything()
                .and("severity", strings(&["warning"]))
                .and("account", strings(&["444455556666"]))
                .matches(&facts)
        );
        assert!(
            Match::everything()
                .and("source", strings(&["aws.marketplacecatalog"]))
                .matches(&facts)
        );
        // An attribute the notification does not carry matches no value.
        assert!(
            !Match::everything()
                .and("agreement_id", strings(&["agmt-1"]))
                .matches(&facts)
        );
        // Values are exact strings: no case folding, no prefixes.
        assert!(
            !Match::everything()
                .and("severity", strings(&["WARNING", "warn"]))
                .matches(&facts)
        );
    }
}
