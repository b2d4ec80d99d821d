//! What a failure-queue message holds: the catalog event inside one of the two formats the
//! stack's queues receive, or the reason it holds none. Pure: no I/O.
//!
//! - Lambda's on-failure destination writes an invocation record: the original event under
//!   `requestPayload`, the error under `responsePayload`, the attempt count and condition
//!   under `requestContext`.
//! - An EventBridge rule's dead-letter queue receives the event itself as the body.

use serde_json::Value;

use crate::event::json_kind;

/// The key of the original event in Lambda's invocation record.
const REQUEST_PAYLOAD: &str = "requestPayload";
/// Keys every EventBridge event carries; a body with both is taken for an event.
const EVENT_KEYS: [&str; 2] = ["source", "detail-type"];

/// A failure-queue message, read.
#[derive(Debug, Clone, PartialEq)]
pub enum QueuedEvent {
    /// From Lambda's on-failure destination; `failure` says why the function gave up on it.
    InvocationRecord {
        event: Value,
        failure: Option<String>,
    },
    /// From the rule's dead-letter queue: the event as EventBridge would have delivered it.
    DeadLetter { event: Value },
    /// Neither format: the message stays in the queue for a person to look at.
    NotAnEvent { reason: String },
}

impl QueuedEvent {
    /// Reads a message body. Never fails: anything unrecognised is [`QueuedEvent::NotAnEvent`]
    /// with the reason.
    pub fn parse(body: &str) -> Self {
        let value: Value = match serde_json::from_str(body) {
            Ok(value) => value,
            Err(error) => {
                return Self::NotAnEvent {
                    reason: format!("the body is not JSON ({error})"),
                };
            }
        };
        let Value::Object(mut object) = value else {
            return Self::NotAnEvent {
                reason: format!("the body is JSON {}, not an object", json_kind(&value)),
            };
        };
        if let Some(event) = object.remove(REQUEST_PAYLOAD) {
            if !event.is_object() {
                return Self::NotAnEvent {
                    reason: format!(
                        "an invocation record whose {REQUEST_PAYLOAD} is {}, not an event",
                        json_kind(&event)
                    ),
                };
            }
            return Self::InvocationRecord {
                event,
                failure: failure_of(&Value::Object(object)),
            };
        }
        if EVENT_KEYS.iter().all(|key| object.contains_key(*key)) {
            return Self::DeadLetter {
                event: Value::Object(object),
            };
        }
        Self::NotAnEvent {
            reason: format!(
                "a JSON object with neither {REQUEST_PAYLOAD} (an invocation record) nor \
                 {} (an EventBridge event)",
                EVENT_KEYS.join(" and ")
            ),
        }
    }

    /// The event to run through the notifier, if the message holds one.
    pub fn event(&self) -> Option<&Value> {
        match self {
            Self::InvocationRecord { event, .. } | Self::DeadLetter { event } => Some(event),
            Self::NotAnEvent { .. } => None,
        }
    }
}

/// The function's last error from an invocation record, e.g.
/// `"PublishFailed: SNS throttled"` (condition `RetriesExhausted`).
fn failure_of(record: &Value) -> Option<String> {
    let response = record.get("responsePayload")?;
    let error_type = response.get("errorType").and_then(Value::as_str);
    let message = response.get("errorMessage").and_then(Value::as_str);
    let condition = record
        .pointer("/requestContext/condition")
        .and_then(Value::as_str);
    let error = match (error_type, message) {
        (Some(kind), Some(message)) => format!("{kind}: {message}"),
        (Some(text), None) | (None, Some(text)) => text.to_owned(),
        (None, None) => return condition.map(str::to_owned),
    };
    Some(match condition {
        Some(condition) => format!("{error} ({condition})"),
        None => error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event() -> Value {
        json!({
            "version": "0",
            "id": "5f9b1c1e-0000-4000-8000-000000000001",
            "detail-type": "Change Set Succeeded",
            "source": "aws.marketplacecatalog",
            "account": "123456789012",
            "time": "2025-01-01T00:00:00Z",
            "region": "us-east-1",
            "resources": [],
            "detail": {}
        })
    }

    /// Lambda's on-failure invocation record around `event`; the integration tests read the
    /// same fixture.
    fn invocation_record(event: Value) -> Value {
        let mut record: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/invocation-record.json"))
                .expect("the fixture is JSON");
        record[REQUEST_PAYLOAD] = event;
        record
    }

    #[test]
    fn an_invocation_record_yields_its_request_payload_and_the_failure() {
        let record = invocation_record(event());
        assert_eq!(
            QueuedEvent::parse(&record.to_string()),
            QueuedEvent::InvocationRecord {
                event: event(),
                failure: Some("PublishFailed: SNS throttled (RetriesExhausted)".to_owned()),
            }
        );
    }

    #[test]
    fn a_dead_letter_message_is_the_event_itself() {
        let parsed = QueuedEvent::parse(&event().to_string());
        assert_eq!(parsed, QueuedEvent::DeadLetter { event: event() });
        assert_eq!(parsed.event(), Some(&event()));
    }

    #[test]
    fn an_invocation_record_without_a_response_has_no_failure_text() {
        let record = json!({"requestPayload": event()});
        assert_eq!(
            QueuedEvent::parse(&record.to_string()),
            QueuedEvent::InvocationRecord {
                event: event(),
                failure: None
            }
        );
    }

    #[test]
    fn text_that_is_not_json_is_not_an_event() {
        let QueuedEvent::NotAnEvent { reason } = QueuedEvent::parse("hello {") else {
            panic!("plain text was taken for an event");
        };
        assert!(reason.contains("not JSON"), "{reason}");
    }

    #[test]
    fn json_that_is_no_event_says_what_it_is() {
        for (body, expected) in [
            ("[1, 2]", "an array"),
            ("null", "null"),
            ("\"text\"", "a string"),
            (r#"{"requestPayload": "x"}"#, "requestPayload is a string"),
            (
                r#"{"source": "aws.marketplacecatalog"}"#,
                "neither requestPayload",
            ),
        ] {
            match QueuedEvent::parse(body) {
                QueuedEvent::NotAnEvent { reason } => {
                    assert!(reason.contains(expected), "{body}: {reason}")
                }
                other => panic!("{body} was read as {other:?}"),
            }
        }
    }

    #[test]
    fn an_invalid_event_is_still_an_event_for_the_notifier_to_reject() {
        // The notifier, not this reader, decides whether the event is valid, so the
        // operator sees the same error the function logged.
        let mut invalid = event();
        invalid["detail"] = json!("not an object");
        let parsed = QueuedEvent::parse(&json!({"requestPayload": invalid}).to_string());
        assert_eq!(parsed.event(), Some(&invalid));
    }
}
