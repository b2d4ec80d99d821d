//! What an invocation returns to Lambda when it succeeds: the event was published, was
//! deliberately skipped (and why), or was a duplicate of one already published.

use serde::Serialize;

/// Where one rendering went and the message id it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub topic_arn: String,
    pub message_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    tag = "status",
    rename_all = "lowercase",
    rename_all_fields = "camelCase"
)]
pub enum Outcome {
    /// `topic_arn`/`message_id` are the text channel's (the family topic); `chat` is the
    /// chat topic's delivery, present only when a chat topic is configured.
    Published {
        detail_type: String,
        event_id: String,
        topic_arn: String,
        message_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        chat: Option<Delivery>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serialises_to_the_documented_shape() {
        let published = Outcome::Published {
            detail_type: "Change Set Succeeded".into(),
            event_id: "e-1".into(),
            topic_arn: "arn:aws:sns:us-east-1:123456789012:t".into(),
            message_id: "m-1".into(),
            chat: None,
        };
        assert_eq!(
            serde_json::to_value(published).unwrap(),
            json!({"status": "published", "detailType": "Change Set Succeeded", "eventId": "e-1",
                   "topicArn": "arn:aws:sns:us-east-1:123456789012:t", "messageId": "m-1"})
        );
        let with_chat = Outcome::Published {
            detail_type: "Change Set Succeeded".into(),
            event_id: "e-1".into(),
            topic_arn: "arn:aws:sns:us-east-1:123456789012:t".into(),
            message_id: "m-1".into(),
            chat: Some(Delivery {
                topic_arn: "arn:aws:sns:us-east-1:123456789012:chat".into(),
                message_id: "m-2".into(),
            }),
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
