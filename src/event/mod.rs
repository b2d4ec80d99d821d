//! The EventBridge envelope and the typed Marketplace Catalog event it carries: picks the
//! detail shape by `detail-type` and turns malformed input into errors that name the field
//! and the event id.

mod id;

pub use crate::catalog::change_set::{ChangeSetDetail, ChangeSetOutcome, FailureCode};
pub use crate::catalog::offer::{
    AssociatedOffer, OfferRef, OfferReleased, OfferSet, OfferSetReleased, Party, Product,
    ReleasedOffer,
};
pub use crate::catalog::security::SecurityReport;
pub use crate::registry::KNOWN_DETAIL_TYPES;
pub use id::Id;

use aws_lambda_events::eventbridge::EventBridgeEvent;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::accounts::AccountNames;
use crate::agreement::AgreementDetail;
use crate::error::NotifierError;
use crate::registry;
use crate::topic::TopicKind;

/// The Marketplace Catalog source (the registry lists every source handled).
pub const SOURCE: &str = crate::catalog::SOURCE;

/// The catalog `detail-type` values with a dedicated family, as AWS spells them.
pub mod detail_type {
    pub use crate::catalog::change_set::{
        CHANGE_SET_CANCELLED, CHANGE_SET_FAILED, CHANGE_SET_SUCCEEDED,
    };
    pub use crate::catalog::offer::{OFFER_RELEASED, OFFER_SET_RELEASED};
    pub use crate::catalog::security::SECURITY_REPORT_CREATED;
}

/// A detail that does not fit its family's shape: `(field path, reason)`.
pub type FieldError = (String, String);

/// What an event id is shown as when the payload has none (then it is not an EventBridge
/// event, and the error says so).
pub const MISSING_EVENT_ID: &str = "(no event id)";

/// The envelope fields every notification mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub id: String,
    pub detail_type: String,
    pub source: String,
    pub account: Option<String>,
    pub time: DateTime<Utc>,
    pub region: Option<String>,
    pub resources: Vec<String>,
    /// Not part of the event: the configured names compositions show next to account ids
    /// (`ACCOUNT_NAMES`), attached by the notifier so every family labels accounts alike.
    pub account_names: AccountNames,
}

impl Envelope {
    /// The receiving account as "Acme EU (111122223333)", or its bare id when unnamed.
    pub fn account_label(&self) -> Option<String> {
        self.account
            .as_deref()
            .map(|account| self.account_names.label(account))
    }
}

/// The detail, typed by `detail-type`.
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogDetail {
    OfferReleased(OfferReleased),
    OfferSetReleased(OfferSetReleased),
    ChangeSet(ChangeSetOutcome, ChangeSetDetail),
    SecurityReport(SecurityReport),
    /// A detail type AWS added that has no family yet; kept whole for the generic notification.
    Unrecognised(Value),
    /// An agreement event (`aws.agreement-marketplace`), typed by its own family module.
    Agreement(AgreementDetail),
}

/// One Marketplace event, validated, with the topic family the registry routes it to.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogEvent {
    pub envelope: Envelope,
    pub detail: CatalogDetail,
    pub topic: TopicKind,
}

impl CatalogEvent {
    /// Validates an EventBridge payload given as a JSON value (tests, the redrive command):
    /// the same checks as [`Self::from_json`], which the Lambda handler calls directly.
    pub fn parse(payload: Value) -> Result<Self, NotifierError> {
        Self::from_json(&payload.to_string())
    }

    /// Validates an EventBridge payload from its JSON text: envelope first, then the source,
    /// then the detail for the detail type, parsed by the family the registry routes it to.
    /// The detail is typed straight from the text, with no intermediate `Value` tree.
    pub fn from_json(payload: &str) -> Result<Self, NotifierError> {
        let raw = parse_envelope(payload)?;
        let event_id = raw
            .id
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| MISSING_EVENT_ID.to_owned());
        let invalid_envelope = |field: &str, reason: &str| NotifierError::InvalidEnvelope {
            event_id: event_id.clone(),
            field: field.to_owned(),
            reason: reason.to_owned(),
        };

        let Some((topic, parse)) = registry::route(&raw.source, &raw.detail_type) else {
            return Err(NotifierError::UnsupportedSource {
                event_id,
                source_name: raw.source,
                detail_type: raw.detail_type,
            });
        };
        if event_id == MISSING_EVENT_ID {
            return Err(invalid_envelope("id", "missing or empty"));
        }
        let time = raw
            .time
            .ok_or_else(|| invalid_envelope("time", "missing"))?;

        let detail =
            parse(&raw.detail).map_err(|(field, reason)| NotifierError::InvalidDetail {
                event_id: event_id.clone(),
                detail_type: raw.detail_type.clone(),
                field,
                reason,
            })?;

        Ok(Self {
            envelope: Envelope {
                id: event_id,
                detail_type: raw.detail_type,
                source: raw.source,
                account: raw.account.filter(|account| !account.is_empty()),
                time,
                region: raw.region.filter(|region| !region.is_empty()),
                resources: raw.resources.unwrap_or_default(),
                account_names: AccountNames::default(),
            },
            detail,
            topic,
        })
    }
}

/// The envelope with its detail still as JSON text, for the family's parser.
type RawEnvelope = EventBridgeEvent<Box<RawValue>>;

/// Reads the envelope fields. On failure the payload is read once more, leniently, so the
/// error can name the event id and say what the payload is instead; that second reading
/// costs nothing on the path every valid event takes.
fn parse_envelope(payload: &str) -> Result<RawEnvelope, NotifierError> {
    let mut deserializer = serde_json::Deserializer::from_str(payload);
    let error = match serde_path_to_error::deserialize::<_, RawEnvelope>(&mut deserializer) {
        Ok(raw) => match deserializer.end() {
            Ok(()) => return Ok(raw),
            Err(trailing) => ("(payload)".to_owned(), without_position(&trailing)),
        },
        Err(error) => describe(&error),
    };
    let value = serde_json::from_str::<Value>(payload);
    let event_id = value
        .as_ref()
        .ok()
        .and_then(|value| value.get("id"))
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .unwrap_or(MISSING_EVENT_ID)
        .to_owned();
    let (field, reason) = match &value {
        Err(not_json) => (
            "(payload)".to_owned(),
            format!("not valid JSON: {not_json}"),
        ),
        Ok(value) if !value.is_object() => (
            "(payload)".to_owned(),
            format!(
                "expected a JSON object (an EventBridge event), found {}",
                json_kind(value)
            ),
        ),
        Ok(_) => error,
    };
    Err(NotifierError::InvalidEnvelope {
        event_id,
        field,
        reason,
    })
}

pub(crate) fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Deserialises a family's detail from its JSON text, naming the field that does not fit.
pub fn typed<T: DeserializeOwned>(detail: &RawValue) -> Result<T, FieldError> {
    let mut deserializer = serde_json::Deserializer::from_str(detail.get());
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let (field, reason) = describe(&error);
        let field = if field == "." {
            "detail".to_owned()
        } else {
            format!("detail.{field}")
        };
        (field, reason)
    })
}

/// The whole detail as a JSON value, for the families that keep it as it came (detail types
/// without a dedicated format).
pub fn untyped(detail: &RawValue) -> Result<Value, FieldError> {
    serde_json::from_str(detail.get())
        .map_err(|error| ("detail".to_owned(), without_position(&error)))
}

/// Splits a deserialisation error into the field it concerns and what was wrong. A missing
/// field is reported at its parent's path, so its name is appended from the message.
fn describe(error: &serde_path_to_error::Error<serde_json::Error>) -> (String, String) {
    let path = error.path().to_string();
    let reason = without_position(error.inner());
    let missing = reason
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    let field = match (missing, path.as_str()) {
        (Some(name), ".") => name.to_owned(),
        (Some(name), parent) => format!("{parent}.{name}"),
        (None, path) => path.to_owned(),
    };
    (field, reason)
}

/// serde_json's message without its " at line L column C" suffix: the field path already
/// says where, and a column in the minified text EventBridge sends helps no one.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    if error.line() == 0 {
        return message;
    }
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&suffix) {
        Some(reason) => reason.to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn envelope(detail_type: &str, detail: Value) -> Value {
        json!({
            "version": "0",
            "id": "11111111-2222-3333-4444-555555555555",
            "detail-type": detail_type,
            "source": "aws.marketplacecatalog",
            "account": "123456789012",
            "time": "2023-08-26T00:00:00Z",
            "region": "us-east-1",
            "resources": [],
            "detail": detail,
        })
    }

    fn change_set_detail() -> Value {
        json!({
            "requestId": "r-1",
            "Catalog": "AWSMarketplace",
            "ChangeSetId": "cs-1",
            "ChangeSetName": "Create my product",
            "StartTime": "2018-02-27T13:45:22Z",
            "EndTime": "2018-02-27T14:55:22Z"
        })
    }

    fn error_of(payload: Value) -> NotifierError {
        CatalogEvent::parse(payload).expect_err("should be rejected")
    }

    #[test]
    fn change_set_outcomes_follow_the_detail_type() {
        let event =
            CatalogEvent::parse(envelope("Change Set Succeeded", change_set_detail())).unwrap();
        assert!(matches!(
            event.detail,
            CatalogDetail::ChangeSet(ChangeSetOutcome::Succeeded, _)
        ));

        let mut failed = change_set_detail();
        failed["FailureCode"] = json!("SERVER_FAULT");
        let event = CatalogEvent::parse(envelope("Change Set Failed", failed)).unwrap();
        assert_eq!(
            event.detail,
            CatalogDetail::ChangeSet(
                ChangeSetOutcome::Failed(FailureCode::ServerFault),
                serde_json::from_value(event_detail_with_code("SERVER_FAULT")).unwrap()
            )
        );
    }

    fn event_detail_with_code(code: &str) -> Value {
        let mut detail = change_set_detail();
        detail["FailureCode"] = json!(code);
        detail
    }

    #[test]
    fn failed_change_set_without_failure_code_names_the_field() {
        let error = error_of(envelope("Change Set Failed", change_set_detail()));
        let message = error.to_string();
        assert_eq!(error.error_type(), "InvalidDetail");
        assert!(message.contains("detail.FailureCode"), "{message}");
        assert!(
            message.contains("11111111-2222-3333-4444-555555555555"),
            "{message}"
        );
    }

    #[test]
    fn missing_nested_field_is_named_with_its_path() {
        let detail = json!({
            "catalog": "AWSMarketplace",
            "offer": {"arn": "arn:aws:catalog:us-east-1:123456789012:Offer/offer-1"},
            "product": {"id": "prod-1"},
            "manufacturer": {"accountId": "123456789012"},
            "sellerOfRecord": {"accountId": "123456789012"}
        });
        let message = error_of(envelope("Offer Released", detail)).to_string();
        assert!(message.contains("field `detail.offer.id`"), "{message}");
    }

    #[test]
    fn mistyped_field_is_named_with_its_value() {
        let detail = json!({
            "numberOfProductsWithIssues": "one",
            "numberOfVersionsWithIssues": 1,
            "numberOfLatestVersionsWithIssues": 1,
            "newIssuesFound": true,
            "upcomingResolutionDueDate": "2023-12-01T00:00:00Z"
        });
        let message = error_of(envelope("Products Security Report Created", detail)).to_string();
        assert!(
            message.contains("detail.numberOfProductsWithIssues"),
            "{message}"
        );
        assert!(message.contains("\"one\""), "{message}");
    }

    #[test]
    fn detail_as_a_string_is_rejected_for_known_types() {
        let message = error_of(envelope(
            "Change Set Succeeded",
            json!("{\"ChangeSetId\":\"x\"}"),
        ))
        .to_string();
        assert!(message.contains("field `detail`"), "{message}");
    }

    #[test]
    fn empty_identifier_is_rejected() {
        let mut detail = change_set_detail();
        detail["ChangeSetId"] = json!("  ");
        let message = error_of(envelope("Change Set Cancelled", detail)).to_string();
        assert!(message.contains("detail.ChangeSetId"), "{message}");
        assert!(message.contains("empty"), "{message}");
    }

    #[test]
    fn other_sources_are_rejected_before_the_detail_is_read() {
        let mut payload = envelope("Offer Released", json!("not even an object"));
        payload["source"] = json!("aws.marketplace");
        let error = error_of(payload);
        assert_eq!(error.error_type(), "UnsupportedSource");
        assert!(error.to_string().contains("aws.marketplace"));
    }

    #[test]
    fn agreement_events_are_parsed_by_their_family() {
        let mut payload = envelope(
            "Purchase Agreement Billing Adjustment Failed - Proposer",
            json!({"agreement": {"id": "agmt-1"}}),
        );
        payload["source"] = json!("aws.agreement-marketplace");
        let event = CatalogEvent::parse(payload.clone()).unwrap();
        assert!(matches!(event.detail, CatalogDetail::Agreement(_)));

        payload["detail"] = json!({});
        let error = error_of(payload);
        assert_eq!(error.error_type(), "InvalidDetail");
        let message = error.to_string();
        assert!(message.contains("detail.agreement"), "{message}");
        assert!(
            message.contains("11111111-2222-3333-4444-555555555555"),
            "{message}"
        );
    }

    #[test]
    fn envelope_errors_name_the_field() {
        let message = error_of(json!({})).to_string();
        assert!(message.contains(MISSING_EVENT_ID), "{message}");
        assert!(message.contains("detail-type"), "{message}");

        let mut payload = envelope("Change Set Succeeded", change_set_detail());
        payload.as_object_mut().unwrap().remove("time");
        let message = error_of(payload).to_string();
        assert!(message.contains("field `time`"), "{message}");

        let mut payload = envelope("Change Set Succeeded", change_set_detail());
        payload["time"] = json!("yesterday");
        let message = error_of(payload).to_string();
        assert!(message.contains("field `time`"), "{message}");

        let mut payload = envelope("Change Set Succeeded", change_set_detail());
        payload.as_object_mut().unwrap().remove("id");
        assert!(error_of(payload).to_string().contains("field `id`"));
    }

    #[test]
    fn text_that_is_not_one_json_object_is_rejected_as_the_payload() {
        for (text, expected) in [
            ("not json", "not valid JSON"),
            (
                "[1, 2]",
                "expected a JSON object (an EventBridge event), found an array",
            ),
            ("\"Offer Released\"", "found a string"),
            (
                "{\"id\": \"e-9\"} {}",
                "not valid JSON: trailing characters",
            ),
        ] {
            let error = CatalogEvent::from_json(text).expect_err(text);
            assert_eq!(error.error_type(), "InvalidEnvelope", "{text}");
            let message = error.to_string();
            assert!(message.contains("field `(payload)`"), "{message}");
            assert!(message.contains(expected), "{message}");
        }
    }

    #[test]
    fn reasons_name_the_field_not_a_position_in_the_text() {
        let detail = json!({"numberOfProductsWithIssues": "one"});
        let payload = envelope("Products Security Report Created", detail).to_string();
        let message = CatalogEvent::from_json(&payload)
            .expect_err("mistyped")
            .to_string();
        assert!(
            message.contains("detail.numberOfProductsWithIssues"),
            "{message}"
        );
        assert!(!message.contains(" at line "), "{message}");
        assert!(!message.contains(" column "), "{message}");
    }

    #[test]
    fn unknown_detail_types_keep_their_detail() {
        let event =
            CatalogEvent::parse(envelope("Entity Archived", json!({"entityId": "e-1"}))).unwrap();
        assert_eq!(
            event.detail,
            CatalogDetail::Unrecognised(json!({"entityId": "e-1"}))
        );
    }

    #[test]
    fn timestamps_accept_fractions_and_offsets() {
        let mut detail = change_set_detail();
        detail["StartTime"] = json!("2024-03-05T09:15:30.123Z");
        detail["EndTime"] = json!("2024-03-05T10:20:45.5+01:00");
        let event = CatalogEvent::parse(envelope("Change Set Succeeded", detail)).unwrap();
        let CatalogDetail::ChangeSet(_, detail) = event.detail else {
            panic!("not a change set")
        };
        assert_eq!(
            detail.start_time.unwrap().to_rfc3339(),
            "2024-03-05T09:15:30.123+00:00"
        );
        assert_eq!(
            detail.end_time.unwrap().to_rfc3339(),
            "2024-03-05T09:20:45.500+00:00"
        );
    }

    #[test]
    fn unknown_extra_fields_are_accepted() {
        let mut detail = change_set_detail();
        detail["SomethingNew"] = json!({"deeply": {"nested": [1, 2, 3]}});
        let mut payload = envelope("Change Set Succeeded", detail);
        payload["new-envelope-field"] = json!(true);
        assert!(CatalogEvent::parse(payload).is_ok());
    }
}
