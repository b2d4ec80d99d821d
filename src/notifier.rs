//! The notifier: one EventBridge payload in, one outcome out. Parses, routes, renders and
//! publishes, logging each step with structured fields; any failure fails the invocation.

use std::time::{Duration, Instant};

use serde_json::Value;
use tracing::{error, info, warn};

use crate::agreement::{AgreementDetail, AgreementLookup};
use crate::config::{Config, TopicKind, Topics};
use crate::dedup::{DEFAULT_CAPACITY, RecentEvents};
use crate::enrich::{self, DescribeAgreement, DescribeChangeSet, Disabled, Enrichment};
use crate::error::NotifierError;
use crate::event::{CatalogDetail, CatalogEvent};
use crate::outcome::Outcome;
use crate::publish::Publisher;
use crate::router;

pub struct Notifier<P, D = Disabled, A = Disabled> {
    topics: Topics,
    publisher: P,
    recent: RecentEvents,
    /// The change-set lookup and its deadline; `None` when enrichment is off.
    describer: Option<(D, Duration)>,
    /// The agreement lookup and its deadline; `None` when enrichment is off.
    agreements: Option<(A, Duration)>,
}

impl<P: Publisher> Notifier<P> {
    /// A notifier without duplicate detection or change-set enrichment.
    pub fn new(topics: Topics, publisher: P) -> Self {
        Self {
            topics,
            publisher,
            recent: RecentEvents::new(Duration::ZERO, 0),
            describer: None,
            agreements: None,
        }
    }

    /// A notifier with the configured duplicate window (enrichment is added by the caller,
    /// which owns the AWS client).
    pub fn from_config(config: &Config, publisher: P) -> Self {
        Self::new(config.topics.clone(), publisher).with_duplicate_window(config.duplicate_window)
    }
}

impl<P: Publisher, D: DescribeChangeSet, A: DescribeAgreement> Notifier<P, D, A> {
    /// Enriches change-set notifications through `describer`, waiting at most `timeout`;
    /// `None` leaves enrichment off.
    pub fn with_change_set_details<E: DescribeChangeSet>(
        self,
        describer: Option<E>,
        timeout: Duration,
    ) -> Notifier<P, E, A> {
        Notifier {
            topics: self.topics,
            publisher: self.publisher,
            recent: self.recent,
            describer: describer.map(|describer| (describer, timeout)),
            agreements: self.agreements,
        }
    }

    /// Enriches agreement notifications through `api`, waiting at most `timeout`; `None`
    /// leaves enrichment off.
    pub fn with_agreement_details<B: DescribeAgreement>(
        self,
        api: Option<B>,
        timeout: Duration,
    ) -> Notifier<P, D, B> {
        Notifier {
            topics: self.topics,
            publisher: self.publisher,
            recent: self.recent,
            describer: self.describer,
            agreements: api.map(|api| (api, timeout)),
        }
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
            let reason = match kind {
                TopicKind::Agreements => format!(
                    "agreement events are not published because {} is not set",
                    kind.variable()
                ),
                _ => format!(
                    "no dedicated format for this detail type and {} is not set",
                    kind.variable()
                ),
            };
            warn!(event_id, detail_type, topic = kind.name(), %reason, "skipped event");
            return Ok(Outcome::Skipped {
                detail_type: detail_type.to_owned(),
                event_id: event_id.to_owned(),
                reason,
            });
        };

        let notification = match &event.detail {
            CatalogDetail::Agreement(detail) => {
                let lookup = self.agreement_lookup_for(detail, envelope).await;
                router::render_agreement(detail, envelope, &lookup)
            }
            _ => router::render_with(&event, &self.enrichment_for(&event).await),
        };
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

    /// Looks the agreement up when enrichment is on; never fails the invocation.
    async fn agreement_lookup_for(
        &self,
        detail: &AgreementDetail,
        envelope: &crate::event::Envelope,
    ) -> AgreementLookup {
        let (Some((api, timeout)), Some(agreement_id)) = (&self.agreements, detail.agreement_id())
        else {
            return AgreementLookup::NotAttempted;
        };
        let lookup = enrich::agreement::look_up(
            api,
            agreement_id,
            detail.product_id(),
            detail.product_title(),
            *timeout,
        )
        .await;
        if let AgreementLookup::Unavailable(code) = &lookup {
            warn!(
                event_id = %envelope.id,
                agreement_id,
                error_code = %code,
                "agreement details unavailable; publishing without them"
            );
        }
        lookup
    }
}
