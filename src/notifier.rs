//! The notifier: one EventBridge payload in, one outcome out. The registry parses and routes
//! the event to its family, the lookup service answers what the family asks, the family
//! composes the message, then every channel route renders and publishes its copy, logging
//! each step with structured fields. Any failure fails the invocation, and a retry sends only
//! the channels not yet delivered; with the durable check on, each channel's delivery is also
//! claimed in the shared delivery table first, so no other instance publishes it again.

use std::time::{Duration, SystemTime};

use futures_util::future::join_all;
use serde_json::Value;
use tracing::{error, info, warn};

use crate::accounts::AccountNames;
use crate::channel::{self, ChannelRoute};
use crate::config::{Config, TopicArn, Topics};
use crate::dedupe::{Attempt, Clearance, Deduplication, DurableCheck};
use crate::error::NotifierError;
use crate::lookup::{DescribeAgreement, DescribeChangeSet, Found, Lookups, PartnerCentral};
use crate::message::{Message, Severity};
use crate::outcome::{Delivery, Outcome};
use crate::publish::Publisher;
use crate::registry::{MarketplaceEvent, Registry};
use crate::topic::WhenUnset;

pub struct Notifier<P> {
    registry: Registry,
    topics: Topics,
    /// What is rendered and where it goes; the text on the family topic comes first.
    channels: Vec<ChannelRoute>,
    publisher: P,
    lookups: Lookups,
    dedupe: Deduplication,
    /// Shown next to account ids in every notification.
    account_names: AccountNames,
}

/// How one channel's delivery ended.
enum Delivered {
    /// Published now, with this message id.
    Now(String),
    /// Published before (by this instance or, per the delivery table, another one).
    Before(String),
}

impl Delivered {
    fn message_id(&self) -> &str {
        match self {
            Self::Now(message_id) | Self::Before(message_id) => message_id,
        }
    }
}

/// The outcome of an event every channel already had: nothing was published.
fn duplicate(event_id: &str, detail_type: &str, message_id: String) -> Outcome {
    warn!(
        event_id,
        detail_type, message_id, "duplicate delivery: already published"
    );
    Outcome::Duplicate {
        detail_type: detail_type.to_owned(),
        event_id: event_id.to_owned(),
        message_id,
    }
}

impl<P: Publisher> Notifier<P> {
    /// A notifier of the standard families that publishes the text rendering to the family
    /// topics, without duplicate detection or lookups.
    pub fn new(topics: Topics, publisher: P) -> Self {
        Self {
            registry: Registry::standard(),
            topics,
            channels: vec![ChannelRoute::text()],
            publisher,
            lookups: Lookups::default(),
            dedupe: Deduplication::default(),
            account_names: AccountNames::default(),
        }
    }

    /// A notifier with the configured channels and duplicate window (lookups and the
    /// durable check are added by the caller, which owns the AWS clients).
    pub fn from_config(config: &Config, publisher: P) -> Self {
        let mut notifier = Self::new(config.topics.clone(), publisher)
            .with_duplicate_window(config.duplicate_window);
        notifier.channels = channel::configured(config);
        notifier
    }

    /// Routes with these families instead of the standard ones.
    pub fn with_registry(mut self, registry: Registry) -> Self {
        self.registry = registry;
        self
    }

    /// Also publishes every notification as `route` renders it (in place of a route of the
    /// same channel).
    pub fn with_channel(mut self, route: ChannelRoute) -> Self {
        let channel = route.channel();
        self.channels.retain(|known| known.channel() != channel);
        self.channels.push(route);
        self
    }

    /// Also publishes every notification's chat rendering to `topic` (`None`: text only).
    pub fn with_chat_topic(self, topic: Option<TopicArn>) -> Self {
        match topic {
            Some(topic) => self.with_channel(ChannelRoute::chat(topic)),
            None => self,
        }
    }

    /// Enriches change-set notifications through `describer`, waiting at most `timeout`;
    /// `None` leaves that lookup off.
    pub fn with_change_set_details<D: DescribeChangeSet + Send + Sync + 'static>(
        mut self,
        describer: Option<D>,
        timeout: Duration,
    ) -> Self {
        self.lookups = self.lookups.with_change_sets(describer, timeout);
        self
    }

    /// Enriches agreement notifications through `api`, waiting at most `timeout`; `None`
    /// leaves that lookup off.
    pub fn with_agreement_details<A: DescribeAgreement + Send + Sync + 'static>(
        mut self,
        api: Option<A>,
        timeout: Duration,
    ) -> Self {
        self.lookups = self.lookups.with_agreements(api, timeout);
        self
    }

    /// Enriches co-sell notifications (invitations, opportunities) through `api`, waiting
    /// at most `timeout`; `None` leaves that lookup off.
    pub fn with_cosell_details<C: PartnerCentral + Send + Sync + 'static>(
        mut self,
        api: Option<C>,
        timeout: Duration,
    ) -> Self {
        self.lookups = self.lookups.with_cosell(api, timeout);
        self
    }

    /// Checks every channel's delivery against `durable` too, so other instances' publishes
    /// count; `None` leaves the check off.
    pub fn with_durable_check(mut self, durable: Option<DurableCheck>) -> Self {
        self.dedupe = self.dedupe.with_durable_check(durable);
        self
    }

    /// Names accounts in notifications (`ACCOUNT_NAMES`, resolved by the caller: it may come
    /// from SSM).
    pub fn with_account_names(mut self, names: AccountNames) -> Self {
        self.account_names = names;
        self
    }

    /// Drops events whose id this instance published less than `window` ago.
    pub fn with_duplicate_window(mut self, window: Duration) -> Self {
        self.dedupe = self.dedupe.with_window(window);
        self
    }

    pub fn publisher(&self) -> &P {
        &self.publisher
    }

    /// The change-set lookup's deadline, `None` when that lookup is off.
    #[cfg(test)]
    pub(crate) fn change_set_deadline(&self) -> Option<Duration> {
        self.lookups.change_set_deadline()
    }

    /// Whether deliveries are checked against the delivery table.
    #[cfg(test)]
    pub(crate) fn has_durable_check(&self) -> bool {
        self.dedupe.has_durable_check()
    }

    /// The agreement lookup's deadline, `None` when that lookup is off.
    #[cfg(test)]
    pub(crate) fn agreement_deadline(&self) -> Option<Duration> {
        self.lookups.agreement_deadline()
    }

    /// The co-sell lookup's deadline, `None` when that lookup is off.
    #[cfg(test)]
    pub(crate) fn cosell_deadline(&self) -> Option<Duration> {
        self.lookups.cosell_deadline()
    }

    /// Handles one event given as a JSON value (the redrive command, tests): the same work as
    /// [`Self::handle_json`]. `Err` means the event was not delivered on every channel and
    /// must be retried or kept by the on-failure destination; nothing is dropped silently.
    pub async fn handle(&self, payload: Value) -> Result<Outcome, NotifierError> {
        self.handle_json(&payload.to_string(), None).await
    }

    /// Handles one event from its JSON text, as the Lambda runtime delivers it, for an
    /// invocation that ends at `deadline`: the durable check's claim outlives it only a
    /// little, so a crashed holder is soon taken over.
    pub async fn handle_json(
        &self,
        payload: &str,
        deadline: Option<SystemTime>,
    ) -> Result<Outcome, NotifierError> {
        let mut event = self.registry.parse(payload).inspect_err(|error| {
            error!(error_type = error.error_type(), error = %error, "rejected event");
        })?;
        event.envelope.account_names = self.account_names.clone();
        let envelope = &event.envelope;
        let (event_id, detail_type) = (envelope.id.as_str(), envelope.detail_type.as_str());
        let attempt = self.dedupe.attempt(event_id, payload, deadline)?;

        let Some(family_topic) = self.topics.arn_for(event.topic) else {
            let reason = match event.topic.spec().when_unset {
                WhenUnset::Skip(reason) => reason.to_owned(),
                // Configuration refuses to start without a required topic; an embedding's
                // own `Topics` may still leave one out.
                WhenUnset::Refuse => format!("{} is not set", event.topic.variable()),
            };
            warn!(event_id, detail_type, topic = event.topic.name(), %reason, "skipped event");
            return Ok(Outcome::Skipped {
                detail_type: detail_type.to_owned(),
                event_id: event_id.to_owned(),
                reason,
            });
        };

        // Every channel this instance already delivered: nothing to look up or compose.
        let remembered: Vec<Option<String>> = self
            .channels
            .iter()
            .map(|route| self.dedupe.remembered(&attempt, route.channel()))
            .collect();
        if remembered.iter().all(Option::is_some)
            && let Some(Some(message_id)) = remembered.into_iter().next()
        {
            return Ok(duplicate(event_id, detail_type, message_id));
        }

        let found = self.look_up(&event).await;
        let message = event.compose(&found);
        let routes: Vec<&ChannelRoute> = self
            .channels
            .iter()
            .filter(|route| {
                let sent = route.accepts(message.severity);
                if !sent {
                    not_sent(event_id, detail_type, route, message.severity);
                }
                sent
            })
            .collect();
        // Concurrently: the slowest channel sets the latency, not the sum of all.
        let (event, message, attempt) = (&event, &message, &attempt);
        let results = join_all(routes.iter().map(|route| {
            let topic = route.topic(family_topic);
            async move {
                let delivered = self.deliver(event, message, route, topic, attempt).await?;
                Ok::<_, NotifierError>((route.channel().name, topic, delivered))
            }
        }))
        .await;
        let mut deliveries = Vec::with_capacity(results.len());
        let mut published_now = false;
        for result in results {
            let (channel, topic, delivered) = result?;
            published_now |= matches!(delivered, Delivered::Now(_));
            deliveries.push((channel, topic, delivered));
        }
        // Every channel published before, by another instance per the delivery table: this
        // delivery is a duplicate, named by the first channel's first publish.
        if !published_now && let Some((_, _, first)) = deliveries.first() {
            return Ok(duplicate(
                event_id,
                detail_type,
                first.message_id().to_owned(),
            ));
        }
        Ok(Outcome::Published {
            detail_type: detail_type.to_owned(),
            event_id: event_id.to_owned(),
            deliveries: deliveries
                .into_iter()
                .map(|(channel, topic, delivered)| Delivery {
                    channel,
                    topic_arn: topic.to_string(),
                    message_id: delivered.message_id().to_owned(),
                })
                .collect(),
        })
    }

    /// Runs the lookup the event's family asks for; never fails the invocation.
    async fn look_up(&self, event: &MarketplaceEvent) -> Found {
        let Some(request) = event.detail.lookup() else {
            return Found::Nothing;
        };
        let found = self
            .lookups
            .answer(event.envelope.account.as_deref(), &request)
            .await;
        if let Some(reason) = found.unavailable() {
            warn!(
                event_id = %event.envelope.id,
                detail_type = %event.envelope.detail_type,
                ?request,
                %reason,
                "lookup unavailable; publishing without it"
            );
        }
        found
    }

    /// Delivers one channel's rendering once: a channel already delivered (by this instance
    /// or, per the delivery table, another) is not sent again; otherwise the message is
    /// rendered, published and recorded.
    async fn deliver(
        &self,
        event: &MarketplaceEvent,
        message: &Message,
        route: &ChannelRoute,
        topic: &TopicArn,
        attempt: &Attempt<'_>,
    ) -> Result<Delivered, NotifierError> {
        let (event_id, detail_type) = (
            event.envelope.id.as_str(),
            event.envelope.detail_type.as_str(),
        );
        let channel = route.channel();
        let held = match self.dedupe.clear(attempt, channel, topic).await? {
            Clearance::Publish(held) => held,
            Clearance::PublishedBefore(message_id) => return Ok(Delivered::Before(message_id)),
        };
        let notification = route.renderer().render(message);
        if notification.truncated_bytes() > 0 {
            warn!(
                event_id,
                detail_type,
                channel = channel.name,
                truncated_bytes = notification.truncated_bytes(),
                "notification body cut to fit SNS's size limit"
            );
        }
        let published = self.publisher.publish(topic, &notification).await;
        self.dedupe
            .settle(attempt, channel, held, published.as_deref().ok())
            .await;
        let message_id = published
            .map_err(|error| NotifierError::Publish {
                event_id: event_id.to_owned(),
                topic_arn: topic.to_string(),
                reason: error.to_string(),
            })
            .inspect_err(|error| {
                error!(event_id, detail_type, channel = channel.name, topic = %topic, error = %error, "publish failed");
            })?;
        info!(
            event_id,
            detail_type,
            channel = channel.name,
            topic = %topic,
            message_id,
            severity = %notification.severity(),
            "published notification"
        );
        Ok(Delivered::Now(message_id))
    }
}

/// Logs a channel left out for the message's severity (`CHAT_SEVERITIES` for chat).
fn not_sent(event_id: &str, detail_type: &str, route: &ChannelRoute, severity: Severity) {
    info!(
        event_id,
        detail_type,
        channel = route.channel().name,
        %severity,
        "rendering not sent on this channel: severity not selected for it (CHAT_SEVERITIES for chat)"
    );
}
