//! The notifier: one EventBridge payload in, one outcome out. Parses, routes, renders and
//! publishes, logging each step with structured fields; any failure fails the invocation.

use std::borrow::Cow;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use tracing::{error, info, warn};

use crate::config::{Config, TopicKind, Topics};
use crate::dedup::{DEFAULT_CAPACITY, RecentEvents};
use crate::dedupe::{Admission, DurableCheck, PayloadHash};
use crate::enrich::{self, DescribeChangeSet, Disabled, Enrichment};
use crate::error::NotifierError;
use crate::event::{CatalogDetail, CatalogEvent};
use crate::outcome::Outcome;
use crate::publish::Publisher;
use crate::router;

pub struct Notifier<P, D = Disabled> {
    topics: Topics,
    publisher: P,
    recent: RecentEvents,
    /// The change-set lookup and its deadline; `None` when enrichment is off.
    describer: Option<(D, Duration)>,
    /// The cross-instance duplicate check; `None` when no table is configured.
    durable: Option<DurableCheck>,
}

impl<P: Publisher> Notifier<P> {
    /// A notifier without duplicate detection or change-set enrichment.
    pub fn new(topics: Topics, publisher: P) -> Self {
        Self {
            topics,
            publisher,
            recent: RecentEvents::new(Duration::ZERO, 0),
            describer: None,
            durable: None,
        }
    }

    /// A notifier with the configured duplicate window (enrichment is added by the caller,
    /// which owns the AWS client).
    pub fn from_config(config: &Config, publisher: P) -> Self {
        Self::new(config.topics.clone(), publisher).with_duplicate_window(config.duplicate_window)
    }
}

impl<P: Publisher, D: DescribeChangeSet> Notifier<P, D> {
    /// Enriches change-set notifications through `describer`, waiting at most `timeout`;
    /// `None` leaves enrichment off.
    pub fn with_change_set_details<E: DescribeChangeSet>(
        self,
        describer: Option<E>,
        timeout: Duration,
    ) -> Notifier<P, E> {
        Notifier {
            topics: self.topics,
            publisher: self.publisher,
            recent: self.recent,
            describer: describer.map(|describer| (describer, timeout)),
            durable: self.durable,
        }
    }

    /// Checks every delivery against `durable` too, so other instances' publishes count;
    /// `None` leaves the check off.
    pub fn with_durable_check(mut self, durable: Option<DurableCheck>) -> Self {
        self.durable = durable;
        self
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
        self.handle_until(payload, None).await
    }

    /// [`Self::handle`] for an invocation that ends at `deadline`: the durable check's
    /// claim outlives it only a little, so a crashed holder is soon taken over.
    pub async fn handle_until(
        &self,
        payload: Value,
        deadline: Option<SystemTime>,
    ) -> Result<Outcome, NotifierError> {
        // Hashed before parsing takes the payload; only the durable check needs it.
        let payload_hash = self.durable.as_ref().map(|_| PayloadHash::of(&payload));
        let event = CatalogEvent::parse(payload).inspect_err(|error| {
            error!(error_type = error.error_type(), error = %error, "rejected event");
        })?;
        let envelope = &event.envelope;
        let (event_id, detail_type) = (envelope.id.as_str(), envelope.detail_type.as_str());

        // With the durable check on, the warm memory is keyed by id and payload, so a reused
        // id with another payload is not taken for a duplicate but refused by the store.
        let warm_key = match &payload_hash {
            Some(hash) => Cow::Owned(format!("{event_id}#{}", hash.as_str())),
            None => Cow::Borrowed(event_id),
        };
        if let Some(message_id) = self.recent.published_message_id(&warm_key, Instant::now()) {
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

        let enrichment = self.enrichment_for(&event).await;
        let notification = router::render_with(&event, &enrichment);
        if notification.truncated_bytes() > 0 {
            warn!(
                event_id,
                detail_type,
                truncated_bytes = notification.truncated_bytes(),
                "notification body cut to fit SNS's size limit"
            );
        }
        // ---- durable check: claim (or learn it is already published) ----
        let held = match (&self.durable, &payload_hash) {
            (Some(durable), Some(hash)) => {
                match durable
                    .admit(event_id, topic.as_str(), hash, deadline)
                    .await
                {
                    Ok(Admission::Publish(held)) => held,
                    Ok(Admission::AlreadyPublished { message_id }) => {
                        warn!(event_id, detail_type, message_id, topic = %topic,
                              "duplicate delivery: already published by another invocation");
                        self.recent.remember(&warm_key, &message_id, Instant::now());
                        return Ok(Outcome::Duplicate {
                            detail_type: detail_type.to_owned(),
                            event_id: event_id.to_owned(),
                            message_id,
                        });
                    }
                    Err(error) => {
                        error!(event_id, detail_type, error_type = error.error_type(), error = %error,
                               "durable duplicate check refused the delivery");
                        return Err(error);
                    }
                }
            }
            _ => None,
        };
        let published = self.publisher.publish(topic, &notification).await;
        if let Some(durable) = &self.durable {
            match &published {
                Ok(message_id) => durable.published(held, message_id).await,
                Err(_) => durable.failed(held).await,
            }
        }
        // ---- end of durable check ----
        let message_id = published
            .map_err(|error| NotifierError::Publish {
                event_id: event_id.to_owned(),
                topic_arn: topic.to_string(),
                reason: error.to_string(),
            })
            .inspect_err(|error| {
                error!(event_id, detail_type, topic = %topic, error = %error, "publish failed");
            })?;
        self.recent.remember(&warm_key, &message_id, Instant::now());

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

    /// Looks the change set up when enrichment is on; never fails the invocation.
    async fn enrichment_for(&self, event: &CatalogEvent) -> Enrichment {
        let (Some((describer, timeout)), CatalogDetail::ChangeSet(_, detail)) =
            (&self.describer, &event.detail)
        else {
            return Enrichment::NotAttempted;
        };
        let enrichment = enrich::enrich(
            describer,
            detail.catalog.as_str(),
            detail.change_set_id.as_str(),
            *timeout,
        )
        .await;
        if let Enrichment::Unavailable(reason) = &enrichment {
            warn!(
                event_id = %event.envelope.id,
                change_set_id = %detail.change_set_id,
                %reason,
                "change-set details unavailable; publishing without them"
            );
        }
        enrichment
    }
}
