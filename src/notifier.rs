//! The notifier: one EventBridge payload in, one outcome out. Parses, routes, renders and
//! publishes, logging each step with structured fields; any failure fails the invocation.

use std::time::{Duration, Instant};

use serde_json::Value;
use tracing::{error, info, warn};

use crate::config::{Config, TopicKind, Topics};
use crate::dedup::{DEFAULT_CAPACITY, RecentEvents};
use crate::error::NotifierError;
use crate::event::CatalogEvent;
use crate::outcome::Outcome;
use crate::publish::Publisher;
use crate::router;

pub struct Notifier<P> {
    topics: Topics,
    publisher: P,
    recent: RecentEvents,
}

impl<P: Publisher> Notifier<P> {
    /// A notifier without duplicate detection.
    pub fn new(topics: Topics, publisher: P) -> Self {
        Self {
            topics,
            publisher,
            recent: RecentEvents::new(Duration::ZERO, 0),
        }
    }

    /// A notifier configured as the deployed function runs it.
    pub fn from_config(config: &Config, publisher: P) -> Self {
        Self::new(config.topics.clone(), publisher).with_duplicate_window(config.duplicate_window)
    }

    /// Drops events whose id this instance published less than `window` ago.
    pub fn with_duplicate_window(mut self, window: Duration) -> Self {
        self.recent = RecentEvents::new(window, DEFAULT_CAPACITY);
        self
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
        let envelope = &event.envelope;
        let (event_id, detail_type) = (envelope.id.as_str(), envelope.detail_type.as_str());

        if let Some(message_id) = self.recent.published_message_id(event_id, Instant::now()) {
            warn!(
                event_id,
                detail_type, message_id, "duplicate delivery: already published"
            );
            return Ok(Outcome::Duplicate {
                detail_type: detail_type.to_owned(),
                event_id: event_id.to_owned(),
                message_id,
            });
        }

        let kind = router::topic_for(&event.detail);
        let Some(topic) = self.topics.arn_for(kind) else {
            let reason = format!(
                "no dedicated format for this detail type and {} is not set",
                TopicKind::Other.variable()
            );
            warn!(event_id, detail_type, topic = kind.name(), %reason, "skipped event");
            return Ok(Outcome::Skipped {
                detail_type: detail_type.to_owned(),
                event_id: event_id.to_owned(),
                reason,
            });
        };

        let notification = router::render(&event);
        if notification.truncated_bytes() > 0 {
            warn!(
                event_id,
                detail_type,
                truncated_bytes = notification.truncated_bytes(),
                "notification body cut to fit SNS's size limit"
            );
        }
        let message_id = self
            .publisher
            .publish(topic, &notification)
            .await
            .map_err(|error| NotifierError::Publish {
                event_id: event_id.to_owned(),
                topic_arn: topic.to_string(),
                reason: error.to_string(),
            })
            .inspect_err(|error| {
                error!(event_id, detail_type, topic = %topic, error = %error, "publish failed");
            })?;
        self.recent.remember(event_id, &message_id, Instant::now());

        info!(
            event_id,
            detail_type,
            topic = %topic,
            message_id,
            severity = %notification.severity(),
            "published notification"
        );
        Ok(Outcome::Published {
            detail_type: detail_type.to_owned(),
            event_id: event_id.to_owned(),
            topic_arn: topic.to_string(),
            message_id,
        })
    }
}
