//! What an invocation returns to Lambda when it succeeds: the event was published (one
//! delivery per channel), was deliberately skipped (and why), or was a duplicate of one
//! already published.
//!
//! The response shape is a contract: a published outcome names its first delivery (the text
//! on the family topic) as `topicArn`/`messageId`, and every other delivery under its
//! channel's name (`chat`, ...), as `{topicArn, messageId}`. Routes can send one rendering
//! to several topics; then every delivery is also listed under `deliveries`. Events queued
//! for a digest are listed under `queued`; an event only queued is answered `queued`, and a
//! digest invocation `digest`.

use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::routing::Cadence;

/// Where one rendering went and the message id it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The channel's name (`text`, `chat`, ...).
    pub channel: &'static str,
    pub topic_arn: String,
    pub message_id: String,
}

/// Where an event was queued for a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedAt {
    pub channel: &'static str,
    pub topic_arn: String,
    pub cadence: Cadence,
    /// Already queued there by an earlier delivery of the same event (nothing changed).
    pub before: bool,
}

/// One digest a digest invocation published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestDelivery {
    pub channel: &'static str,
    pub topic_arn: String,
    /// How many queued events it covered.
    pub items: usize,
    /// How many open items it listed (said only when some were).
    pub open_items: usize,
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
        /// Routes that also queued it for a digest.
        queued: Vec<QueuedAt>,
    },
    /// Every delivery the routes chose is a digest: the event waits there.
    Queued {
        detail_type: String,
        event_id: String,
        queued: Vec<QueuedAt>,
    },
    /// A digest invocation: the digests it published (none when nothing was pending).
    Digest {
        cadence: Cadence,
        published: Vec<DigestDelivery>,
        /// Destinations whose digest another invocation was sending at the same time.
        claimed_elsewhere: Vec<String>,
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
            Outcome::Skipped { .. } | Outcome::Queued { .. } | Outcome::Digest { .. } => None,
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

/// `{topicArn, format, cadence}`: where an event waits for a digest.
struct Waiting<'a>(&'a QueuedAt);

impl Serialize for Waiting<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("topicArn", &self.0.topic_arn)?;
        map.serialize_entry("format", self.0.channel)?;
        map.serialize_entry("cadence", self.0.cadence.as_str())?;
        map.end()
    }
}

/// `{topicArn, format, messageId}`: one delivery in the full list.
struct Listed<'a>(&'a Delivery);

impl Serialize for Listed<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("topicArn", &self.0.topic_arn)?;
        map.serialize_entry("format", self.0.channel)?;
        map.serialize_entry("messageId", &self.0.message_id)?;
        map.end()
    }
}

/// `{topicArn, format, items, openItems, messageId}`: one published digest (`openItems`
/// only when it listed some).
struct Sent<'a>(&'a DigestDelivery);

impl Serialize for Sent<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("topicArn", &self.0.topic_arn)?;
        map.serialize_entry("format", self.0.channel)?;
        map.serialize_entry("items", &self.0.items)?;
        if self.0.open_items > 0 {
            map.serialize_entry("openItems", &self.0.open_items)?;
        }
        map.serialize_entry("messageId", &self.0.message_id)?;
        map.end()
    }
}

fn waiting(queued: &[QueuedAt]) -> Vec<Waiting<'_>> {
    queued.iter().map(Waiting).collect()
}

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            Outcome::Published {
                detail_type,
                event_id,
                deliveries,
                queued,
            } => {
                map.serialize_entry("status", "published")?;
                map.serialize_entry("detailType", detail_type)?;
                map.serialize_entry("eventId", event_id)?;
                if let Some((first, others)) = deliveries.split_first() {
                    map.serialize_entry("topicArn", &first.topic_arn)?;
                    map.serialize_entry("messageId", &first.message_id)?;
                    let mut named: Vec<&str> = vec![first.channel];
                    for delivery in others {
                        // Each channel's name once; a second delivery of the same rendering
                        // is still in the full list below.
                        if !named.contains(&delivery.channel) {
                            named.push(delivery.channel);
                            map.serialize_entry(delivery.channel, &Where(delivery))?;
                        }
                    }
                    if named.len() < deliveries.len() {
                        let all: Vec<Listed<'_>> = deliveries.iter().map(Listed).collect();
                        map.serialize_entry("deliveries", &all)?;
                    }
                }
                if !queued.is_empty() {
                    map.serialize_entry("queued", &waiting(queued))?;
                }
            }
            Outcome::Queued {
                detail_type,
                event_id,
                queued,
            } => {
                map.serialize_entry("status", "queued")?;
                map.serialize_entry("detailType", detail_type)?;
                map.serialize_entry("eventId", event_id)?;
                // The soonest digest it waits for.
                if let Some(cadence) = queued.iter().map(|at| at.cadence).min() {
                    map.serialize_entry("cadence", cadence.as_str())?;
                }
                map.serialize_entry("queued", &waiting(queued))?;
            }
            Outcome::Digest {
                cadence,
                published,
                claimed_elsewhere,
            } => {
                map.serialize_entry("status", "digest")?;
                map.serialize_entry("cadence", cadence.as_str())?;
                let sent: Vec<Sent<'_>> = published.iter().map(Sent).collect();
                map.serialize_entry("published", &sent)?;
                if !claimed_elsewhere.is_empty() {
                    map.serialize_entry("claimedElsewhere", claimed_elsewhere)?;
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
            queued: Vec::new(),
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
            queued: Vec::new(),
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

    #[test]
    fn routes_add_the_full_list_queued_events_and_digests() {
        let delivery = |channel, topic: &str, message_id: &str| Delivery {
            channel,
            topic_arn: format!("arn:aws:sns:us-east-1:123456789012:{topic}"),
            message_id: message_id.into(),
        };
        let waiting = QueuedAt {
            channel: "text",
            topic_arn: "arn:aws:sns:us-east-1:123456789012:emea".into(),
            cadence: Cadence::Daily,
            before: false,
        };
        let published = Outcome::Published {
            detail_type: "Offer Released".into(),
            event_id: "e-1".into(),
            deliveries: vec![
                delivery("text", "offers", "m-1"),
                delivery("text", "pager", "m-2"),
            ],
            queued: vec![waiting.clone()],
        };
        assert_eq!(
            serde_json::to_value(published).unwrap(),
            json!({"status": "published", "detailType": "Offer Released", "eventId": "e-1",
                   "topicArn": "arn:aws:sns:us-east-1:123456789012:offers", "messageId": "m-1",
                   "deliveries": [
                       {"topicArn": "arn:aws:sns:us-east-1:123456789012:offers", "format": "text", "messageId": "m-1"},
                       {"topicArn": "arn:aws:sns:us-east-1:123456789012:pager", "format": "text", "messageId": "m-2"}],
                   "queued": [{"topicArn": "arn:aws:sns:us-east-1:123456789012:emea", "format": "text", "cadence": "daily"}]})
        );
        let queued = Outcome::Queued {
            detail_type: "Offer Released".into(),
            event_id: "e-1".into(),
            queued: vec![
                QueuedAt {
                    cadence: Cadence::Weekly,
                    ..waiting.clone()
                },
                waiting,
            ],
        };
        let queued = serde_json::to_value(queued).unwrap();
        assert_eq!(queued["status"], "queued");
        assert_eq!(queued["cadence"], "daily");
        assert_eq!(queued["queued"].as_array().map(Vec::len), Some(2));
        let digest = Outcome::Digest {
            cadence: Cadence::Weekly,
            published: vec![DigestDelivery {
                channel: "chat",
                topic_arn: "arn:aws:sns:us-east-1:123456789012:chat".into(),
                items: 37,
                open_items: 0,
                message_id: "m-9".into(),
            }],
            claimed_elsewhere: Vec::new(),
        };
        assert_eq!(
            serde_json::to_value(digest).unwrap(),
            json!({"status": "digest", "cadence": "weekly", "published": [
                {"topicArn": "arn:aws:sns:us-east-1:123456789012:chat", "format": "chat", "items": 37, "messageId": "m-9"}]})
        );
        let nothing = Outcome::Digest {
            cadence: Cadence::Daily,
            published: Vec::new(),
            claimed_elsewhere: Vec::new(),
        };
        assert_eq!(
            serde_json::to_value(nothing).unwrap(),
            json!({"status": "digest", "cadence": "daily", "published": []})
        );
    }
}
