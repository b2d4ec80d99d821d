//! What an invocation returns to Lambda when it succeeds: the event was published (one
//! delivery per channel), was deliberately skipped (and why), or was a duplicate of one
//! already published.
//!
//! The response shape is a contract: a published outcome names its first delivery (the text
//! on the family topic) as `topicArn`/`messageId`, and every other delivery under its
//! channel's name (`chat`, ...), as `{topicArn, messageId}`.

use serde::ser::{Serialize, SerializeMap, Serializer};

/// Where one rendering went and the message id it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The channel's name (`text`, `chat`, ...).
    pub channel: &'static str,
    pub topic_arn: String,
    pub message_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Published on every channel route whose severities include the message's; the first
    /// delivery is the family topic's text.
    Published {
        detail_type: String,
        event_id: String,
        deliveries: Vec<Delivery>,
    },
    Skipped {
        detail_type: String,
        event_id: String,
        reason: String,
    },
    /// The same event id was already published, by this instance or (with the delivery
    /// table) any other; `message_id` is the first publish's.
    Duplicate {
        detail_type: String,
        event_id: String,
        message_id: String,
    },
}

impl Outcome {
    /// The delivery on `channel`, if the event was published there.
    pub fn delivery(&self, channel: &str) -> Option<&Delivery> {
        match self {
            Outcome::Published { deliveries, .. } => deliveries
                .iter()
                .find(|delivery| delivery.channel == channel),
            _ => None,
        }
    }

    /// The first delivery's message id, or the duplicate's original one.
    pub fn message_id(&self) -> Option<&str> {
        match self {
            Outcome::Published { deliveries, .. } => deliveries
                .first()
                .map(|delivery| delivery.message_id.as_str()),
            Outcome::Duplicate { message_id, .. } => Some(message_id),
            Outcome::Skipped { .. } => None,
        }
    }
}

/// `{topicArn, messageId}`: how a delivery other than the first is shown.
struct Where<'a>(&'a Delivery);

impl Serialize for Where<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("topicArn", &self.0.topic_arn)?;
        map.serialize_entry("messageId", &self.0.message_id)?;
        map.end()
    }
}

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            Outcome::Published {
                detail_type,
                event_id,
                deliveries,
            } => {
                map.serialize_entry("status", "published")?;
                map.serialize_entry("detailType", detail_type)?;
                map.serialize_entry("eventId", event_id)?;
                if let Some((first, others)) = deliveries.split_first() {
                    map.serialize_entry("topicArn", &first.topic_arn)?;
                    map.serialize_entry("messageId", &first.message_id)?;
                    for delivery in others {
                        map.serialize_entry(delivery.channel, &Where(delivery))?;
                    }
                }
            }
            Outcome::Skipped {
                detail_type,
                event_id,
                reason,
            } => {
                map.serialize_entry("status", "skipped")?;
                map.serialize_entry("detailType", detail_type)?;
                map.serialize_entry("eventId", event_id)?;
                map.serialize_entry("reason", reason)?;
            }
            Outcome::Duplicate {
                detail_type,
                event_id,
                message_id,
            } => {
                map.serialize_entry("status", "duplicate")?;
                map.serialize_entry("detailType", detail_type)?;
                map.serialize_entry("eventId", event_id)?;
                map.serialize_entry("messageId", message_id)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serialises_to_the_documented_shape() {
        let text = Delivery {
            channel: "text",
            topic_arn: "arn:aws:sns:us-east-1:123456789012:t".into(),
            message_id: "m-1".into(),
        };
        let published = Outcome::Published {
            detail_type: "Change Set Succeeded".into(),
            event_id: "e-1".into(),
            deliveries: vec![text.clone()],
        };
        assert_eq!(
            serde_json::to_value(published).unwrap(),
            json!({"status": "published", "detailType": "Change Set Succeeded", "eventId": "e-1",
                   "topicArn": "arn:aws:sns:us-east-1:123456789012:t", "messageId": "m-1"})
        );
        let with_chat = Outcome::Published {
            detail_type: "Change Set Succeeded".into(),
            event_id: "e-1".into(),
            deliveries: vec![
                text,
                Delivery {
                    channel: "chat",
                    topic_arn: "arn:aws:sns:us-east-1:123456789012:chat".into(),
                    message_id: "m-2".into(),
                },
            ],
        };
        assert_eq!(
            serde_json::to_value(with_chat).unwrap(),
            json!({"status": "published", "detailType": "Change Set Succeeded", "eventId": "e-1",
                   "topicArn": "arn:aws:sns:us-east-1:123456789012:t", "messageId": "m-1",
                   "chat": {"topicArn": "arn:aws:sns:us-east-1:123456789012:chat", "messageId": "m-2"}})
        );
        let skipped = Outcome::Skipped {
            detail_type: "Entity Archived".into(),
            event_id: "e-2".into(),
            reason: "no topic".into(),
        };
        assert_eq!(
            serde_json::to_value(skipped).unwrap(),
            json!({"status": "skipped", "detailType": "Entity Archived", "eventId": "e-2", "reason": "no topic"})
        );
        let duplicate = Outcome::Duplicate {
            detail_type: "Offer Released".into(),
            event_id: "e-3".into(),
            message_id: "m-1".into(),
        };
        assert_eq!(
            serde_json::to_value(duplicate).unwrap(),
            json!({"status": "duplicate", "detailType": "Offer Released", "eventId": "e-3", "messageId": "m-1"})
        );
    }
}
