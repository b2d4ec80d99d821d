//! The EventBridge envelope, and nothing family-specific: reads the envelope fields of a
//! payload, keeps the detail as JSON text for the family that owns it (or hands the family
//! the whole event, to read envelope and detail in one pass), and turns malformed input
//! into errors that name the field and the event id.

mod detail_json;
mod id;
mod lenient_id;
pub mod limits;
mod route_keys;
pub mod timestamp;

pub(crate) use detail_json::EnvelopeFields;
pub use detail_json::{DetailJson, typed, untyped};
pub use id::Id;
use lenient_id::lenient_event_id;
pub(crate) use route_keys::route_keys;

use aws_lambda_events::eventbridge::EventBridgeEvent;
use chrono::{DateTime, Utc};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::accounts::AccountNames;
use crate::error::NotifierError;

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

/// A payload whose envelope has been read but not yet checked: the source and detail type
/// decide first whether the event is handled at all, and only then must it carry an id and
/// a time.
#[derive(Debug)]
pub struct Unchecked {
    /// The event id, or [`MISSING_EVENT_ID`].
    pub event_id: String,
    pub source: String,
    pub detail_type: String,
    account: Option<String>,
    time: Option<DateTime<Utc>>,
    region: Option<String>,
    resources: Option<Vec<String>>,
}

impl Unchecked {
    /// Reads the envelope fields from the payload's JSON text, once it is within the
    /// [`limits`], and leaves the detail as JSON text for the family's parser.
    pub fn read(payload: &str) -> Result<(Self, Box<RawValue>), NotifierError> {
        limits::check(payload).map_err(|reason| NotifierError::InvalidEvent {
            event_id: lenient_event_id(payload),
            reason,
        })?;
        let raw = parse_envelope(payload)?;
        let fields = EnvelopeFields {
            id: raw.id,
            source: raw.source,
            detail_type: raw.detail_type,
            account: raw.account,
            time: raw.time,
            region: raw.region,
            resources: raw.resources,
        };
        Ok((Self::of(fields), raw.detail))
    }

    /// The envelope fields however they were read: by [`Self::read`], or along with the
    /// detail when the whole event is read in one pass.
    pub(crate) fn of(fields: EnvelopeFields) -> Self {
        Self {
            event_id: fields
                .id
                .filter(|id| !id.is_empty())
                .unwrap_or_else(|| MISSING_EVENT_ID.to_owned()),
            source: fields.source,
            detail_type: fields.detail_type,
            account: fields.account,
            time: fields.time,
            region: fields.region,
            resources: fields.resources,
        }
    }

    /// The checked envelope: an id and a time are required.
    pub fn check(self) -> Result<Envelope, NotifierError> {
        let invalid_envelope = |field: &str, reason: &str| NotifierError::InvalidEnvelope {
            event_id: self.event_id.clone(),
            field: field.to_owned(),
            reason: reason.to_owned(),
        };
        if self.event_id == MISSING_EVENT_ID {
            return Err(invalid_envelope("id", "missing or empty"));
        }
        let time = self
            .time
            .ok_or_else(|| invalid_envelope("time", "missing"))?;
        Ok(Envelope {
            id: self.event_id,
            detail_type: self.detail_type,
            source: self.source,
            account: self.account.filter(|account| !account.is_empty()),
            time,
            region: self.region.filter(|region| !region.is_empty()),
            resources: self.resources.unwrap_or_default(),
            account_names: AccountNames::default(),
        })
    }
}

/// The payload's bytes as text: what Lambda delivers is JSON, which must be UTF-8. Bytes
/// that are not say where the first invalid one is, and name the event id if the rest
/// carries one.
pub fn payload_text(payload: &[u8]) -> Result<&str, NotifierError> {
    // The check of every payload, sixteen or more bytes at a time: the standard library's
    // goes a byte at a time through text outside ASCII (3 instructions a byte for the
    // emoji-laden names of the hostile-names sample). It says only whether the bytes are
    // UTF-8; the standard library's says where they are not.
    if let Ok(text) = simdutf8::basic::from_utf8(payload) {
        return Ok(text);
    }
    std::str::from_utf8(payload).map_err(|not_utf8| NotifierError::InvalidEnvelope {
        event_id: lenient_event_id(&String::from_utf8_lossy(payload)),
        field: "(payload)".to_owned(),
        reason: format!("not UTF-8 text: {not_utf8}"),
    })
}

/// The envelope with its detail still as JSON text, for the family's parser.
type RawEnvelope = EventBridgeEvent<Box<RawValue>>;

/// Reads the envelope fields. On failure the payload is read again, tracking the path to
/// name the field, and once more leniently, so the error can name the event id and say what
/// the payload is instead; those readings cost nothing on the path every valid event takes
/// (path tracking alone was about a tenth of a valid event's parse).
fn parse_envelope(payload: &str) -> Result<RawEnvelope, NotifierError> {
    if let Ok(raw) = serde_json::from_str::<RawEnvelope>(payload) {
        return Ok(raw);
    }
    let mut deserializer = serde_json::Deserializer::from_str(payload);
    let error = match serde_path_to_error::deserialize::<_, RawEnvelope>(&mut deserializer) {
        Ok(raw) => match deserializer.end() {
            Ok(()) => return Ok(raw),
            Err(trailing) => ("(payload)".to_owned(), without_position(&trailing)),
        },
        Err(error) => describe(&error),
    };
    let value = serde_json::from_str::<Value>(payload);
    let event_id = lenient_event_id(payload);
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

/// How a JSON value is named in an error ("a string", "an array"), for every reader of
/// event JSON, the redrive command's among them.
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
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

    #[test]
    fn payload_text_reads_utf8_and_names_the_first_invalid_byte_and_the_event() {
        assert_eq!(
            payload_text(br#"{"id":"\u00e9"}"#).unwrap(),
            r#"{"id":"\u00e9"}"#
        );
        assert_eq!(
            payload_text("{\"a\":\"é\"}".as_bytes()).unwrap(),
            "{\"a\":\"é\"}"
        );

        let error = payload_text(b"{\"id\":\"evt-9\",\"detail\":\"\xff\"}").unwrap_err();
        assert_eq!(error.error_type(), "InvalidEnvelope");
        let message = error.to_string();
        assert!(message.contains("evt-9"), "{message}");
        assert!(message.contains("(payload)"), "{message}");
        assert!(message.contains("not UTF-8 text"), "{message}");
        assert!(message.contains("index 24"), "{message}");

        let error = payload_text(b"\xc3").unwrap_err().to_string();
        assert!(error.contains(MISSING_EVENT_ID), "{error}");
    }
}
