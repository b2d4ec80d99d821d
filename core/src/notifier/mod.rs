//! The notifier: one EventBridge payload in, one outcome out. The registry parses and routes
//! the event to its family, the lookup service answers what the family asks, the family
//! composes the message, then the routes choose its deliveries: each one sent now is
//! rendered and published, each one for a digest is queued in the digest table. Every step
//! is logged with structured fields. Any failure fails the invocation, and a retry sends only
//! the deliveries not yet made; with the durable check on, each delivery is also claimed in
//! the shared delivery table first, so no other instance publishes it again. A digest
//! request (`{"digest": "daily"}`) sends the digests instead (`digest_run`). With a digest
//! table, what the event opens or closes in the ledger of open items is recorded first
//! (`ledger`).

mod digest_run;
mod ledger;
mod payload;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures_util::future::join_all;
use serde_json::Value;
use tracing::{error, info, warn};

use crate::accounts::AccountNames;
use crate::channel::ChannelRoute;
use crate::clock::Clock;
use crate::config::{Config, TopicArn, Topics};
use crate::dedupe::{Attempt, Clearance, Deduplication, DurableCheck};
use crate::digest::{self, DigestItem, DigestStore, Queued, Stream};
use crate::error::NotifierError;
use crate::lookup::{DescribeAgreement, DescribeChangeSet, Found, Lookups, PartnerCentral};
use crate::message::Message;
use crate::outcome::{Delivery, Outcome, QueuedAt};
use crate::publish::Publisher;
use crate::registry::{MarketplaceEvent, Registry};
use crate::render::Shared;
use crate::routing::{Cadence, EventFacts, Routing, Selected};
use crate::topic::WhenUnset;

pub struct Notifier<P> {
    registry: Registry,
    topics: Topics,
    /// Which renderings go where, and when.
    routing: Routing,
    /// Where digest deliveries wait; `None` when no route has a digest cadence.
    digests: Option<Arc<dyn DigestStore>>,
    publisher: P,
    lookups: Lookups,
    dedupe: Deduplication,
    /// Shown next to account ids in every notification.
    account_names: AccountNames,
    /// "Now" for the digests: their label, and the open items they list.
    clock: Clock,
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
            routing: Routing::standard(None, &[]),
            digests: None,
            publisher,
            lookups: Lookups::default(),
            dedupe: Deduplication::default(),
            account_names: AccountNames::default(),
            clock: Clock::System,
        }
    }

    /// A notifier with the standard routing for the configured chat topic and the duplicate
    /// window (routes from `ROUTES`, lookups, the digest table and the durable check are
    /// added by the caller, which owns the AWS clients).
    pub fn from_config(config: &Config, publisher: P) -> Self {
        Self::new(config.topics.clone(), publisher)
            .with_duplicate_window(config.duplicate_window)
            .with_routing(Routing::standard(
                config.chat_topic.as_ref(),
                &config.chat_severities,
            ))
    }

    /// Routes every event by `routing` instead.
    pub fn with_routing(mut self, routing: Routing) -> Self {
        self.routing = routing;
        self
    }

    /// Queues digest deliveries in `store` (`None`: no digests).
    pub fn with_digest_store(mut self, store: Option<Arc<dyn DigestStore>>) -> Self {
        self.digests = store;
        self
    }

    /// Labels digests and words open items' deadlines by `clock` instead of the system's.
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Routes with these families instead of the standard ones.
    pub fn with_registry(mut self, registry: Registry) -> Self {
        self.registry = registry;
        self
    }

    /// Also publishes every notification as `route` renders it, at once (in place of every
    /// other target of the same channel).
    pub fn with_channel(mut self, route: ChannelRoute) -> Self {
        self.routing = self.routing.with_target(route);
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

    /// The change-set lookup's deadline, `None` when that lookup is off (what the bootstrap
    /// built, for its tests and for operators reading a notifier's set-up).
    pub fn change_set_deadline(&self) -> Option<Duration> {
        self.lookups.change_set_deadline()
    }

    /// Whether deliveries are checked against the delivery table.
    pub fn has_durable_check(&self) -> bool {
        self.dedupe.has_durable_check()
    }

    /// The agreement lookup's deadline, `None` when that lookup is off.
    pub fn agreement_deadline(&self) -> Option<Duration> {
        self.lookups.agreement_deadline()
    }

    /// The co-sell lookup's deadline, `None` when that lookup is off.
    pub fn cosell_deadline(&self) -> Option<Duration> {
        self.lookups.cosell_deadline()
    }

    /// Handles one event given as a JSON value (the redrive command, tests): the same work as
    /// [`Self::handle_json`]. `Err` means the event was not delivered on every channel and
    /// must be retried or kept by the on-failure destination; nothing is dropped silently.
    pub async fn handle(&self, payload: Value) -> Result<Outcome, NotifierError> {
        self.handle_json(&payload.to_string(), None).await
    }

    /// Handles one event from its JSON text (an invocation's body, read as text by
    /// [`Self::handle_payload`]) for an invocation that ends at `deadline`: the durable
    /// check's claim outlives it only a little, so a crashed holder is soon taken over.
    pub async fn handle_json(
        &self,
        payload: &str,
        deadline: Option<SystemTime>,
    ) -> Result<Outcome, NotifierError> {
        if let Some(cadence) = digest::requested(payload).inspect_err(|error| {
            error!(error_type = error.error_type(), error = %error, "rejected digest request");
        })? {
            return self.send_digests(cadence, deadline).await;
        }
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
            return Ok(skipped(&event, reason));
        };

        // Every delivery any route can make already made by this instance: nothing to look
        // up or compose.
        let remembered: Vec<Option<String>> = self
            .routing
            .targets()
            .into_iter()
            .map(|target| {
                self.dedupe
                    .remembered(&attempt, target.channel(), target.topic(family_topic))
            })
            .collect();
        if remembered.iter().all(Option::is_some)
            && let Some(Some(message_id)) = remembered.into_iter().next()
        {
            return Ok(duplicate(event_id, detail_type, message_id));
        }

        let found = self.look_up(&event).await;
        let message = event.compose(&found);
        self.record_open_items(&event, &message, &found).await?;
        let selected = self.routing.select(&EventFacts {
            message: &message,
            source: &envelope.source,
        });
        if selected.is_empty() {
            return Ok(skipped(
                &event,
                format!(
                    "no route matches it (severity {}, action_required {}, source {})",
                    message.severity, message.action_required, envelope.source
                ),
            ));
        }
        let (now, later): (Vec<Selected<'_>>, Vec<Selected<'_>>) = selected
            .into_iter()
            .partition(|chosen| chosen.cadence == Cadence::Instant);

        // Concurrently: the slowest delivery sets the latency, not the sum of all. What the
        // renderings share is made once for all of them.
        let shared = Shared::of(&message);
        let (event, message, shared, attempt) = (&event, &message, &shared, &attempt);
        let results = join_all(now.iter().map(|chosen| {
            let topic = chosen.target.topic(family_topic);
            async move {
                let delivered = self
                    .deliver(event, (message, shared), chosen.target, topic, attempt)
                    .await?;
                Ok::<_, NotifierError>((chosen.target.channel().name, topic, delivered))
            }
        }))
        .await;
        let mut deliveries = Vec::with_capacity(results.len());
        let mut fresh = false;
        for result in results {
            let (channel, topic, delivered) = result?;
            fresh |= matches!(delivered, Delivered::Now(_));
            deliveries.push((channel, topic, delivered));
        }
        let queued = self.queue(event, message, &later, family_topic).await?;
        fresh |= queued.iter().any(|at| !at.before);

        // Every delivery made before, by another instance per the delivery table: this
        // delivery is a duplicate, named by the first delivery's first publish.
        if !fresh && let Some((_, _, first)) = deliveries.first() {
            return Ok(duplicate(
                event_id,
                detail_type,
                first.message_id().to_owned(),
            ));
        }
        if deliveries.is_empty() {
            return Ok(Outcome::Queued {
                detail_type: detail_type.to_owned(),
                event_id: event_id.to_owned(),
                queued,
            });
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
            queued,
        })
    }

    /// Queues the event for every digest delivery the routes chose; an event already
    /// queued there (a redelivery) is not queued again.
    async fn queue(
        &self,
        event: &MarketplaceEvent,
        message: &Message,
        later: &[Selected<'_>],
        family_topic: &TopicArn,
    ) -> Result<Vec<QueuedAt>, NotifierError> {
        if later.is_empty() {
            return Ok(Vec::new());
        }
        let event_id = event.envelope.id.as_str();
        let store = self.digests.as_ref().ok_or_else(|| NotifierError::DigestStore {
            subject: format!("event {event_id}"),
            reason: "a route queues it for a digest but no digest table is configured (DIGEST_TABLE_NAME)"
                .to_owned(),
        })?;
        let item = DigestItem::new(event, message);
        let mut queued = Vec::with_capacity(later.len());
        for chosen in later {
            let stream = Stream {
                cadence: chosen.cadence,
                channel: chosen.target.channel().name,
                topic: chosen.target.topic(family_topic).clone(),
            };
            let answer = store.queue(&stream, &item).await.map_err(|error| {
                let error = NotifierError::DigestStore {
                    subject: format!("event {event_id}"),
                    reason: error.to_string(),
                };
                error!(event_id, cadence = %stream.cadence, topic = %stream.topic,
                       error_type = error.error_type(), error = %error, "queueing for the digest failed");
                error
            })?;
            info!(
                event_id,
                detail_type = %event.envelope.detail_type,
                cadence = %stream.cadence,
                channel = stream.channel,
                topic = %stream.topic,
                already_queued = answer == Queued::Before,
                "queued for the digest"
            );
            queued.push(QueuedAt {
                channel: stream.channel,
                topic_arn: stream.topic.to_string(),
                cadence: stream.cadence,
                before: answer == Queued::Before,
            });
        }
        Ok(queued)
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
        (message, shared): (&Message, &Shared),
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
        let notification = route.renderer().render_shared(message, shared);
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
            .settle(attempt, channel, topic, held, published.as_deref().ok())
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

/// The outcome of an event deliberately not delivered, logged with the reason.
fn skipped(event: &MarketplaceEvent, reason: String) -> Outcome {
    let (event_id, detail_type) = (&event.envelope.id, &event.envelope.detail_type);
    warn!(%event_id, %detail_type, topic = event.topic.name(), %reason, "skipped event");
    Outcome::Skipped {
        detail_type: detail_type.clone(),
        event_id: event_id.clone(),
        reason,
    }
}
