//! The notifier's errors: what went wrong, with which event, field, variable or value, and
//! how each maps onto the `errorType` Lambda records for a failed invocation or cold start.

/// Why one invocation failed. Every variant names the EventBridge event id, so a failed
/// event found later in the on-failure destination can be matched with its log lines.
#[derive(Debug, thiserror::Error)]
pub enum NotifierError {
    /// The payload is not an EventBridge event (a required envelope field is missing or
    /// has the wrong type).
    #[error("event {event_id}: invalid EventBridge envelope: field `{field}`: {reason}")]
    InvalidEnvelope {
        event_id: String,
        field: String,
        reason: String,
    },

    /// The payload is past the input limits (size or nesting), checked before anything else
    /// reads it; the reason names the limit.
    #[error("event {event_id}: refused: {reason}")]
    InvalidEvent { event_id: String, reason: String },

    /// The event comes from a source this function does not handle; an EventBridge rule
    /// is sending it events it should not.
    #[error(
        "event {event_id}: unsupported source {source_name:?} (detail-type {detail_type:?}); \
         the sources handled are {handled}: check the EventBridge rule's pattern"
    )]
    UnsupportedSource {
        event_id: String,
        source_name: String,
        detail_type: String,
        /// The registered families' sources, quoted and comma-separated.
        handled: String,
    },

    /// A known detail type whose `detail` does not have the shape AWS documents.
    #[error("event {event_id}: invalid {detail_type:?} detail: field `{field}`: {reason}")]
    InvalidDetail {
        event_id: String,
        detail_type: String,
        field: String,
        reason: String,
    },

    /// The notification could not be handed to SNS. The invocation fails so that Lambda
    /// retries it and, after the last retry, the on-failure destination keeps the event.
    #[error("event {event_id}: publishing to {topic_arn} failed: {reason}")]
    Publish {
        event_id: String,
        topic_arn: String,
        reason: String,
    },

    /// Another invocation holds the durable claim on this delivery and may be publishing it
    /// now. Failing lets Lambda retry later, when the record says what happened.
    #[error(
        "event {event_id}: another invocation is delivering it to {channel}; \
         failing so that Lambda retries once that delivery is settled"
    )]
    DeliveryInProgress { event_id: String, channel: String },

    /// The durable record for this event id was made from a different payload: the id was
    /// reused, and publishing (or calling it a duplicate) could lose the new content.
    #[error(
        "event {event_id}: a different payload under this id was already delivered (or is \
         being delivered) to {channel}; refusing it"
    )]
    PayloadMismatch { event_id: String, channel: String },

    /// The digest table could not queue an event or settle a digest. Failing lets Lambda
    /// (or the digest schedule) retry: nothing queued is lost, nothing sent is marked twice.
    #[error("{subject}: the digest table failed: {reason}")]
    DigestStore { subject: String, reason: String },
}

impl NotifierError {
    /// A stable, short name for the kind of failure: Lambda reports it as `errorType`,
    /// so alarms and on-failure consumers can tell bad input from delivery trouble.
    pub fn error_type(&self) -> &'static str {
        match self {
            Self::InvalidEnvelope { .. } => "InvalidEnvelope",
            Self::InvalidEvent { .. } => "InvalidEvent",
            Self::UnsupportedSource { .. } => "UnsupportedSource",
            Self::InvalidDetail { .. } => "InvalidDetail",
            Self::Publish { .. } => "PublishFailed",
            Self::DeliveryInProgress { .. } => "DeliveryInProgress",
            Self::PayloadMismatch { .. } => "PayloadMismatch",
            Self::DigestStore { .. } => "DigestStoreFailed",
        }
    }
}

/// Why the configuration could not be read at cold start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {variable} is required but not set")]
    Missing { variable: &'static str },

    #[error("environment variable {variable} has an invalid value {value:?}: {reason}")]
    Invalid {
        variable: &'static str,
        value: String,
        reason: String,
    },
}

/// Why a publisher could not deliver a notification.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PublishError(pub String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsupported_source_names_the_source_and_the_event() {
        let error = NotifierError::UnsupportedSource {
            event_id: "evt-2".into(),
            source_name: "aws.ec2".into(),
            detail_type: "EC2 Instance State-change Notification".into(),
            handled: "\"aws.marketplacecatalog\"".into(),
        };
        let message = error.to_string();
        assert!(message.contains("evt-2"), "{message}");
        assert!(
            message.contains("the sources handled are \"aws.marketplacecatalog\""),
            "{message}"
        );
        assert!(message.contains("\"aws.ec2\""), "{message}");
        assert_eq!(error.error_type(), "UnsupportedSource");
    }
}
