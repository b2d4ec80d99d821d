//! The payouts family (`aws.marketplace`): `Disbursement Paused`, sent when AWS Marketplace
//! stops paying the seller because the bank account on file is invalid, and any other
//! detail type of the source as a generic message on the same topic.
//!
//! AWS documents the event's content (a failure reason, the ARN of the invalid payment
//! instrument and a link to the remediation steps; AWS What's New, January 2025, "AWS
//! Marketplace launches disbursement pause notifications") but has published no example
//! body, so the field names are unknown. The detail is read defensively: each fact is
//! looked for by what its key says (a key naming a reason, an instrument, a remediation
//! link), the facts not found are named in the notification, and the whole detail follows,
//! so nothing AWS sent is hidden.

use serde_json::Value;

use crate::event::{DetailJson, Envelope, FieldError, untyped};
use crate::families::catalog::other;
use crate::families::common::{base_message, event_section};
use crate::family::{Detail, DetailType, Family, Otherwise, boxed};
use crate::ledger::{ItemId, Kind, LedgerChange, OpenItem};
use crate::lookup::Found;
use crate::message::{Line, Link, Message, NextStep, Section, Severity};
use crate::text::{NOT_GIVEN, single_line};
use crate::topic::TopicKind;

/// The EventBridge source of the payout events.
pub const SOURCE: &str = "aws.marketplace";

/// The detail type AWS names in its launch note.
pub const DISBURSEMENT_PAUSED: &str = "Disbursement Paused";

/// Seller guide, "Managing disbursements": where the disbursement method (currency, bank
/// account, schedule) is changed — the portal's Settings, Payment information tab,
/// Disbursement methods section.
pub const MANAGING_DISBURSEMENTS_PAGE: &str =
    "https://docs.aws.amazon.com/marketplace/latest/userguide/managing-disbursements.html";

/// The AWS Marketplace Management Portal, where that guide starts ("Sign in ... and choose
/// Settings").
pub const PORTAL: &str = "https://aws.amazon.com/marketplace/management/";

/// How deep into the detail the facts are looked for.
const MAX_DEPTH: usize = 4;

/// A `Disbursement Paused` detail: the facts found in it, and the whole detail.
#[derive(Debug, Clone, PartialEq)]
pub struct DisbursementPaused {
    pub reason: Option<String>,
    pub payment_instrument: Option<String>,
    pub remediation_link: Option<String>,
    pub detail: Value,
}

/// Another `aws.marketplace` detail type, kept whole for the generic message.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherPaymentEvent(pub Value);

impl DisbursementPaused {
    /// Reads the facts from the detail (any JSON; only a detail that is not JSON is refused,
    /// and EventBridge never delivers one) and from the envelope's resources.
    pub fn read(detail: Value, resources: &[String]) -> Self {
        let reason = find(&detail, 0, &|key, _| {
            key.contains("reason") || key.contains("failure") || key.contains("cause")
        });
        let payment_instrument =
            find(&detail, 0, &|key, _| key.contains("instrument")).or_else(|| {
                resources
                    .iter()
                    .find(|arn| arn.to_ascii_lowercase().contains("instrument"))
                    .map(|arn| single_line(arn))
                    .filter(|arn| !arn.is_empty())
            });
        let remediation_link = find(&detail, 0, &|key, value| {
            (key.contains("remediation")
                || key.contains("link")
                || key.contains("url")
                || key.contains("steps"))
                && is_web_address(value)
        });
        Self {
            reason,
            payment_instrument,
            remediation_link,
            detail,
        }
    }

    /// What the notification cannot say because the event did not carry it.
    pub fn missing(&self) -> Vec<&'static str> {
        [
            (self.reason.is_none(), "the reason AWS gives"),
            (self.payment_instrument.is_none(), "the payment instrument"),
            (self.remediation_link.is_none(), "the remediation link"),
        ]
        .into_iter()
        .filter_map(|(missing, what)| missing.then_some(what))
        .collect()
    }
}

/// The first non-empty string (depth first, in document order) whose key, lowercased and
/// without `_`/`-`, satisfies `wanted`.
fn find(value: &Value, depth: usize, wanted: &dyn Fn(&str, &str) -> bool) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    match value {
        Value::Object(fields) => fields.iter().find_map(|(key, value)| {
            let key: String = key
                .chars()
                .filter(|c| !matches!(c, '_' | '-'))
                .flat_map(char::to_lowercase)
                .collect();
            match value {
                Value::String(text) => {
                    Some(single_line(text)).filter(|text| !text.is_empty() && wanted(&key, text))
                }
                // An object under a wanted key, e.g. {"paymentInstrument": {"arn": ...}}:
                // its first string answers for it.
                Value::Object(_) if wanted(&key, "") => {
                    find(value, depth + 1, &|_, _| true).filter(|text| wanted(&key, text))
                }
                _ => None,
            }
            .or_else(|| find(value, depth + 1, wanted))
        }),
        Value::Array(items) => items.iter().find_map(|item| find(item, depth + 1, wanted)),
        _ => None,
    }
}

/// Only an https address becomes a link; anything else is shown as text.
fn is_web_address(text: &str) -> bool {
    text.get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
        && text.len() > 8
        && !text.contains(char::is_whitespace)
}

fn parse(detail_type: &str, detail: &DetailJson) -> Result<Box<dyn Detail>, FieldError> {
    let detail = untyped(detail)?;
    Ok(if detail_type == DISBURSEMENT_PAUSED {
        // The envelope's resources are read at composition time (the parser sees only the
        // detail), so the instrument from `resources` is filled in there.
        boxed(DisbursementPaused::read(detail, &[]))
    } else {
        boxed(OtherPaymentEvent(detail))
    })
}

impl Detail for DisbursementPaused {
    fn compose(&self, envelope: &Envelope, _: &Found) -> Message {
        let facts = if self.payment_instrument.is_none() {
            DisbursementPaused::read(self.detail.clone(), &envelope.resources)
        } else {
            self.clone()
        };
        disbursement_paused(&facts, envelope)
    }

    /// Open until someone closes it by hand (no event says the bank details were fixed) or
    /// it is 30 days old; keyed by the payment instrument, else the account. A later pause
    /// of the same instrument opens it again after a closing by hand, hence a replacement.
    fn ledger(&self, envelope: &Envelope, _: &Found) -> Option<LedgerChange> {
        let facts = if self.payment_instrument.is_none() {
            DisbursementPaused::read(self.detail.clone(), &envelope.resources)
        } else {
            self.clone()
        };
        let key = facts
            .payment_instrument
            .as_deref()
            .map(single_line)
            .or_else(|| envelope.account.clone())
            .unwrap_or_else(|| "(no account)".to_owned());
        let reason = facts
            .reason
            .as_deref()
            .map(|reason| format!(": {}", single_line(reason)))
            .unwrap_or_default();
        Some(LedgerChange::Replace(OpenItem {
            id: ItemId::new(Kind::PausedDisbursement, key),
            account: envelope.account_label(),
            title: format!("Disbursements paused until the bank account is fixed{reason}"),
            deadline: None,
            value: None,
            link: facts.remediation_link.clone(),
            opened_by: envelope.id.clone(),
            opened_at: envelope.time,
        }))
    }
}

impl Detail for OtherPaymentEvent {
    fn compose(&self, envelope: &Envelope, _: &Found) -> Message {
        other::unrecognised_as(
            &self.0,
            envelope,
            "Marketplace payout event",
            |detail_type| {
                format!(
                    "AWS Marketplace sent an event of type \"{detail_type}\" from {SOURCE}, which has no dedicated format yet. Its full detail follows."
                )
            },
            "payments",
        )
    }
}

/// The notification for a paused disbursement: critical, and a person must act.
pub fn disbursement_paused(facts: &DisbursementPaused, envelope: &Envelope) -> Message {
    let guide = Link::new(
        "Seller guide: Managing disbursements",
        MANAGING_DISBURSEMENTS_PAGE,
    );
    let reason = facts.reason.as_deref().unwrap_or(NOT_GIVEN);
    let instrument = facts.payment_instrument.as_deref().unwrap_or(NOT_GIVEN);

    let mut message = base_message(envelope, Severity::Critical);
    message.action_required = true;
    message.headline = "Disbursements paused: AWS Marketplace is holding your payouts".to_owned();
    message.summary = format!(
        "AWS Marketplace paused disbursements to this seller account because the bank account on file is invalid: payouts are on hold until it is corrected. Reason given by AWS: {reason}."
    );

    let mut steps = vec![
        NextStep::new(
            "Update the bank account first: in the AWS Marketplace Management Portal choose Settings, then the Payment information tab; under Disbursement methods select the method and choose Edit (seller guide, Managing disbursements)",
        )
        .with_link(guide.clone()),
    ];
    // AWS's own remediation page, unless it is the guide the first step already links.
    if let Some(link) = facts
        .remediation_link
        .as_ref()
        .filter(|link| link.as_str() != MANAGING_DISBURSEMENTS_PAGE)
    {
        steps.push(
            NextStep::new("Follow the remediation steps AWS linked in the event")
                .with_link(Link::new("Remediation steps for this pause", link.clone())),
        );
    }
    steps.push(NextStep::new(
        "Check the new details against a recent bank statement (account holder name, account number, bank); disbursements resume only once the account is valid.",
    ));
    message.next_steps = steps;

    let mut pause = Section::new("Disbursement pause")
        .field("Status", "disbursements on hold")
        .field("Reason", reason)
        .field("Payment instrument", instrument)
        .field(
            "Remediation steps",
            facts.remediation_link.as_deref().unwrap_or(NOT_GIVEN),
        );
    let missing = facts.missing();
    if !missing.is_empty() {
        pause.push(Line::Prose(format!(
            "The event did not carry {}; AWS has published no example of this event, so its full detail follows.",
            join(&missing)
        )));
    }
    let mut detail = Section::new("Detail");
    // Serialising a `Value` cannot fail; the compact form is a fallback that never shows.
    detail.push(Line::Verbatim(
        serde_json::to_string_pretty(&facts.detail).unwrap_or_else(|_| facts.detail.to_string()),
    ));
    message.sections = vec![pause, event_section(envelope, None), detail];
    message.next_steps_before = Some(1);
    message.links = vec![
        guide,
        Link::new("AWS Marketplace Management Portal", PORTAL),
    ];
    message.thread_key = facts
        .payment_instrument
        .clone()
        .unwrap_or_else(|| single_line(&envelope.id));
    message.keywords = vec!["payments".to_owned(), "disbursement".to_owned()];
    if let Some(instrument) = &facts.payment_instrument {
        message.attributes = message.attributes.with("payment_instrument", instrument);
        if instrument.starts_with("arn:") {
            message.related_resources = vec![instrument.clone()];
        }
    }
    message
}

/// "a", "a and b", "a, b and c".
fn join(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The payouts family as the registry lists it.
pub static FAMILY: Family = Family {
    name: "payments",
    source: SOURCE,
    detail_types: &[DetailType {
        name: DISBURSEMENT_PAUSED,
        topic: TopicKind::PAYMENTS,
        parse,
    }],
    otherwise: Otherwise {
        topic: TopicKind::PAYMENTS,
        parse,
    },
};

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn facts_are_found_by_what_their_keys_say() {
        let facts = DisbursementPaused::read(
            json!({
                "disbursementFailureReason": "Bank account closed",
                "paymentInstrument": {"arn": "arn:aws:payments::123456789012:payment-instrument/pi-1"},
                "remediation_steps_url": "https://docs.aws.amazon.com/x"
            }),
            &[],
        );
        assert_eq!(facts.reason.as_deref(), Some("Bank account closed"));
        assert_eq!(
            facts.payment_instrument.as_deref(),
            Some("arn:aws:payments::123456789012:payment-instrument/pi-1")
        );
        assert_eq!(
            facts.remediation_link.as_deref(),
            Some("https://docs.aws.amazon.com/x")
        );
        assert!(facts.missing().is_empty());
    }

    #[test]
    fn missing_facts_are_named_and_nothing_is_refused() {
        let facts = DisbursementPaused::read(json!({"ChangeSetId": "cs-1"}), &[]);
        assert_eq!(
            facts.missing(),
            [
                "the reason AWS gives",
                "the payment instrument",
                "the remediation link"
            ]
        );
        let facts = DisbursementPaused::read(json!("not an object"), &[]);
        assert_eq!(facts.missing().len(), 3);
    }

    #[test]
    fn the_instrument_may_come_from_the_resources_and_links_must_be_https() {
        let facts = DisbursementPaused::read(
            json!({"remediationLink": "javascript:alert(1)", "reason": "  "}),
            &["arn:aws:payments::1:paymentinstrument/pi-9".to_owned()],
        );
        assert_eq!(
            facts.payment_instrument.as_deref(),
            Some("arn:aws:payments::1:paymentinstrument/pi-9")
        );
        assert_eq!(facts.remediation_link, None);
        assert_eq!(facts.reason, None);
    }

    #[test]
    fn lists_read_naturally() {
        assert_eq!(join(&["a"]), "a");
        assert_eq!(join(&["a", "b"]), "a and b");
        assert_eq!(join(&["a", "b", "c"]), "a, b and c");
    }

    #[test]
    fn a_paused_disbursement_is_open_by_instrument_else_account_without_a_deadline() {
        let envelope = |id: &str| Envelope {
            id: id.to_owned(),
            detail_type: DISBURSEMENT_PAUSED.to_owned(),
            source: SOURCE.to_owned(),
            account: Some("123456789012".to_owned()),
            time: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
            region: None,
            resources: Vec::new(),
            account_names: Default::default(),
        };
        let paused = DisbursementPaused::read(
            json!({"paymentInstrument": {"arn": "arn:aws:payments::123456789012:payment-instrument/pi-1"}}),
            &[],
        );
        let Some(LedgerChange::Replace(item)) = paused.ledger(&envelope("p-1"), &Found::Nothing)
        else {
            panic!("opens");
        };
        assert_eq!(
            item.id.to_string(),
            "paused-disbursement#arn:aws:payments::123456789012:payment-instrument/pi-1"
        );
        assert_eq!(item.deadline, None);
        assert_eq!(
            item.expires_at(),
            item.opened_at + chrono::TimeDelta::days(30)
        );
        let unnamed = DisbursementPaused::read(json!({}), &[]);
        let change = unnamed.ledger(&envelope("p-2"), &Found::Nothing);
        assert!(
            matches!(&change, Some(LedgerChange::Replace(item)) if item.id.to_string() == "paused-disbursement#123456789012"),
            "{change:?}"
        );
    }
}
