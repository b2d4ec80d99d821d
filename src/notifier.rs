//! The notifier: one EventBridge payload in, one outcome out. Parses, routes, renders and
//! publishes, logging each step with structured fields; any failure fails the invocation.

use serde_json::Value;
use tracing::{Instrument, error, info, info_span, warn};

use crate::config::{TopicKind, Topics};
use crate::error::NotifierError;
use crate::event::CatalogEvent;
use crate::outcome::Outcome;
use crate::publish::Publisher;
use crate::router;

pub struct Notifier<P> {
    topics: Topics,
    publisher: P,
}

impl<P: Publisher> Notifier<P> {
    pub fn new(topics: Topics, publisher: P) -> Self {
        Self { topics, publisher }
    }

    pub fn publisher(&self) -> &P {
        &self.publisher
    }

    /// Handles one event. `Err` means the event was not delivered and must be retried or
    /// kept by the on-failure destination; nothing is dropped silently.
    pub async fn handle(&self, payload: Value) -> Result<Outcome, NotifierError> {
        let event = CatalogEvent::parse(payload).inspect_err(|error| {
            error!(error_type = error.error_type(), error = %error, "rejected event");
        })?;
        let span = info_span!(
            "event",
            event_id = %event.envelope.id,
            detail_type = %event.envelope.detail_type,
        );
        self.deliver(event).instrument(span).await
    }

    async fn deliver(&self, event: CatalogEvent) -> Result<Outcome, NotifierError> {
        let kind = router::topic_for(&event.detail);
        let envelope = &event.envelope;
        let Some(topic) = self.topics.arn_for(kind) else {
            let reason = format!(
                "no dedicated format for this detail type and {} is not set",
                TopicKind::Other.variable()
            );
            warn!(topic = kind.name(), %reason, "skipped event");
            return Ok(Outcome::Skipped {
                detail_type: envelope.detail_type.clone(),
                event_id: envelope.id.clone(),
                reason,
            });
        };

        let notification = router::render(&event);
        if notification.truncated_bytes() > 0 {
            warn!(
                truncated_bytes = notification.truncated_bytes(),
                "notification body cut to fit SNS's size limit"
            );
        }
        let message_id = self
            .publisher
            .publish(topic, &notification)
            .await
            .map_err(|error| NotifierError::Publish {
                event_id: envelope.id.clone(),
                topic_arn: topic.to_string(),
                reason: error.to_string(),
            })
            .inspect_err(|error| error!(topic = %topic, error = %error, "publish failed"))?;

        info!(
            topic = %topic,
            message_id = %message_id,
            severity = %notification.severity(),
            "published notification"
        );
        Ok(Outcome::Published {
            detail_type: envelope.detail_type.clone(),
            event_id: envelope.id.clone(),
            topic_arn: topic.to_string(),
            message_id,
        })
    }
}
