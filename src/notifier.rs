//! The notifier: one EventBridge payload in, one outcome out. Parses, routes, composes, then
//! renders and publishes each channel (text to the family topic, chat JSON to the chat
//! topic when one is set), logging each step with structured fields; any failure fails the
//! invocation, and a retry sends only the channels not yet delivered. With the durable
//! check on, each channel's delivery is also claimed in the shared delivery table first, so
//! no other instance publishes it again.

use std::borrow::Cow;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;
use tracing::{error, info, warn};

use crate::accounts::AccountNames;
use crate::agreement::{AgreementDetail, AgreementLookup};
use crate::config::{Config, TopicArn, TopicKind, Topics};
use crate::dedup::{DEFAULT_CAPACITY, RecentEvents};
use crate::dedupe::{Admission, DurableCheck, PayloadHash};
use crate::enrich::{self, DescribeAgreement, DescribeChangeSet, Disabled, Enrichment};
use crate::error::NotifierError;
use crate::event::{CatalogDetail, CatalogEvent, Envelope};
use crate::message::{Message, Severity};
use crate::outcome::{Delivery, Outcome};
use crate::publish::Publisher;
use crate::registry;
use crate::render::{self, Channel};

pub struct Notifier<P, D = Disabled, A = Disabled> {
    topics: Topics,
    /// Where the chat rendering goes; `None` sends text only.
    chat_topic: Option<TopicArn>,
    /// The severities sent to chat; empty sends all.
    chat_severities: Vec<Severity>,
    publisher: P,
    recent: RecentEvents,
    /// The change-set lookup and its deadline; `None` when enrichment is off.
    describer: Option<(D, Duration)>,
    /// The agreement lookup and its deadline; `None` when enrichment is off.
    agreements: Option<(A, Duration)>,
    /// The cross-instance duplicate check; `None` when no delivery table is configured.
    durable: Option<DurableCheck>,
    /// Shown next to account ids in every notification.
    account_names: AccountNames,
}

/// What every channel's delivery of one invocation shares.
struct Attempt<'a> {
    /// The warm memory's key: the event id, plus the payload's hash when the durable check
    /// is on, so a reused id with another payload is not taken for a duplicate here but
    /// refused by the delivery table.
    memory_id: Cow<'a, str>,
    /// `Some` exactly when the durable check is on.
    payload_hash: Option<PayloadHash>,
    /// When the invocation ends; the durable claim outlives it only a little.
    deadline: Option<SystemTime>,
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
    /// A notifier without duplicate detection or change-set enrichment.
    pub fn new(topics: Topics, publisher: P) -> Self {
        Self {
            topics,
            chat_topic: None,
            chat_severities: Vec::new(),
            publisher,
            recent: RecentEvents::new(Duration::ZERO, 0),
            describer: None,
            durable: None,
            agreements: None,
            account_names: AccountNames::default(),
        }
    }

    /// A notifier with the configured duplicate window (enrichment is added by the caller,
    /// which owns the AWS client).
    pub fn from_config(config: &Config, publisher: P) -> Self {
        Self::new(config.topics.clone(), publisher)
            .with_duplicate_window(config.duplicate_window)
            .with_chat_topic(config.chat_topic.clone())
            .with_chat_severities(config.chat_severities.clone())
    }
}

impl<P: Publisher, D: DescribeChangeSet, A: DescribeAgreement> Notifier<P, D, A> {
    /// Enriches change-set notifications through `describer`, waiting at most `timeout`;
    /// `None` leaves enrichment off.
    pub fn with_change_set_details<E: DescribeChangeSet>(
        mut self,
        describer: Option<E>,
        timeout: Duration,
    ) -> Notifier<P, E, A> {
        let agreements = self.agreements.take();
        self.with_lookups(describer.map(|describer| (describer, timeout)), agreements)
    }

    /// Enriches agreement notifications through `api`, waiting at most `timeout`; `None`
    /// leaves enrichment off.
    pub fn with_agreement_details<B: DescribeAgreement>(
        mut self,
        api: Option<B>,
        timeout: Duration,
    ) -> Notifier<P, D, B> {
        let describer = self.describer.take();
        self.with_lookups(describer, api.map(|api| (api, timeout)))
    }

    /// This notifier with these lookups in place of its own. The lookups are type
    /// parameters, so changing one builds a new notifier: the one place that moves every
    /// other field across.
    fn with_lookups<E: DescribeChangeSet, B: DescribeAgreement>(
        self,
        describer: Option<(E, Duration)>,
        agreements: Option<(B, Duration)>,
    ) -> Notifier<P, E, B> {
        Notifier {
            topics: self.topics,
            chat_topic: self.chat_topic,
            chat_severities: self.chat_severities,
            publisher: self.publisher,
            recent: self.recent,
            describer,
            agreements,
            durable: self.durable,
            account_names: self.account_names,
        }
    }

    /// Also publishes every notification's chat rendering to `topic` (`None`: text only).
    pub fn with_chat_topic(mut self, topic: Option<TopicArn>) -> Self {
        self.chat_topic = topic;
        self
    }

    /// Sends to chat only notifications of these severities (empty: all of them).
    pub fn with_chat_severities(mut self, severities: Vec<Severity>) -> Self {
        self.chat_severities = severities;
        self
    }

    /// Checks every channel's delivery against `durable` too, so other instances' publishes
    /// count; `None` leaves the check off.
    pub fn with_durable_check(mut self, durable: Option<DurableCheck>) -> Self {
        self.durable = durable;
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
        self.recent = RecentEvents::new(window, DEFAULT_CAPACITY);
        self
    }

    pub fn publisher(&self) -> &P {
        &self.publisher
    }

    /// The change-set lookup's deadline, `None` when enrichment is off.
    #[cfg(test)]
    pub(crate) fn change_set_deadline(&self) -> Option<Duration> {
        self.describer.as_ref().map(|(_, deadline)| *deadline)
    }

    /// Whether deliveries are checked against the delivery table.
    #[cfg(test)]
    pub(crate) fn has_durable_check(&self) -> bool {
        self.durable.is_some()
    }

    /// The agreement lookup's deadline, `None` when enrichment is off.
    #[cfg(test)]
    pub(crate) fn agreement_deadline(&self) -> Option<Duration> {
        self.agreements.as_ref().map(|(_, deadline)| *deadline)
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
        let mut event = CatalogEvent::from_json(payload).inspect_err(|error| {
            error!(error_type = error.error_type(), error = %error, "rejected event");
        })?;
        // Only the durable check needs the payload's fingerprint; the text parsed above is
        // valid JSON, so reading it as a value cannot fail here.
        let payload_hash = match &self.durable {
            Some(_) => Some(PayloadHash::of_json(payload).map_err(|reason| {
                NotifierError::InvalidEnvelope {
                    event_id: event.envelope.id.clone(),
                    field: "(payload)".to_owned(),
                    reason,
                }
            })?),
            None => None,
        };
        event.envelope.account_names = self.account_names.clone();
        let envelope = &event.envelope;
        let (event_id, detail_type) = (envelope.id.as_str(), envelope.detail_type.as_str());

        let Some(topic) = self.topics.arn_for(event.topic) else {
            let reason = match event.topic {
                TopicKind::Agreements => format!(
                    "agreement events are not published because {} is not set",
                    TopicKind::Agreements.variable()
                ),
                kind => format!(
                    "no dedicated format for this detail type and {} is not set",
                    kind.variable()
                ),
            };
            warn!(event_id, detail_type, topic = event.topic.name(), %reason, "skipped event");
            return Ok(Outcome::Skipped {
                detail_type: detail_type.to_owned(),
                event_id: event_id.to_owned(),
                reason,
            });
        };

        let attempt = Attempt {
            memory_id: match &payload_hash {
                Some(hash) => Cow::Owned(format!("{event_id}#{}", hash.as_str())),
                None => Cow::Borrowed(event_id),
            },
            payload_hash,
            deadline,
        };
        let memory_id = attempt.memory_id.as_ref();
        let now = Instant::now();
        let text_sent = self
            .recent
            .published_message_id(memory_id, Channel::Text, now);
        let chat_pending = self.chat_topic.is_some()
            && self
                .recent
                .published_message_id(memory_id, Channel::Chat, now)
                .is_none();
        if let Some(message_id) = text_sent.filter(|_| !chat_pending) {
            return Ok(duplicate(event_id, detail_type, message_id));
        }

        // At most one lookup applies: change sets and agreements are different events.
        let (enrichment, agreement_lookup) = match &event.detail {
            CatalogDetail::Agreement(detail) => (
                Enrichment::NotAttempted,
                self.agreement_lookup_for(detail, envelope).await,
            ),
            _ => (
                self.enrichment_for(&event).await,
                AgreementLookup::NotAttempted,
            ),
        };
        let message = registry::compose_with(&event, &enrichment, &agreement_lookup);
        let text = self.deliver(&event, &message, Channel::Text, topic, &attempt);
        let chat_topic = self.chat_topic.as_ref().filter(|_| {
            self.chat_severities.is_empty() || self.chat_severities.contains(&message.severity)
        });
        if self.chat_topic.is_some() && chat_topic.is_none() {
            info!(
                event_id,
                detail_type,
                severity = %message.severity,
                "chat rendering not sent: severity not in CHAT_SEVERITIES"
            );
        }
        let chat = async {
            match chat_topic {
                Some(chat_topic) => self
                    .deliver(&event, &message, Channel::Chat, chat_topic, &attempt)
                    .await
                    .map(|delivered| Some((chat_topic, delivered))),
                None => Ok(None),
            }
        };
        // Concurrently: the slower channel sets the latency, not the sum of both.
        let (text, chat) = tokio::join!(text, chat);
        let (text, chat) = (text?, chat?);
        // Every channel published before, by another instance per the delivery table: this
        // delivery is a duplicate, named by the text channel's first publish.
        let published_now =
            matches!(text, Delivered::Now(_)) || matches!(chat, Some((_, Delivered::Now(_))));
        if !published_now {
            let message_id = text.message_id().to_owned();
            return Ok(duplicate(event_id, detail_type, message_id));
        }
        Ok(Outcome::Published {
            detail_type: detail_type.to_owned(),
            event_id: event_id.to_owned(),
            topic_arn: topic.to_string(),
            message_id: text.message_id().to_owned(),
            chat: chat.map(|(chat_topic, delivered)| Delivery {
                topic_arn: chat_topic.to_string(),
                message_id: delivered.message_id().to_owned(),
            }),
        })
    }

    /// Delivers one channel's rendering once: a channel this instance already delivered the
    /// event on is not sent again (a retry after the other channel failed); otherwise the
    /// message is rendered, claimed in the delivery table (when on), published and
    /// remembered.
    async fn deliver(
        &self,
        event: &CatalogEvent,
        message: &Message,
        channel: Channel,
        topic: &TopicArn,
        attempt: &Attempt<'_>,
    ) -> Result<Delivered, NotifierError> {
        let (event_id, detail_type) = (
            event.envelope.id.as_str(),
            event.envelope.detail_type.as_str(),
        );
        let channel_name = channel.name();
        let memory_id = attempt.memory_id.as_ref();
        if let Some(message_id) =
            self.recent
                .published_message_id(memory_id, channel, Instant::now())
        {
            info!(
                event_id,
                detail_type,
                channel = channel_name,
                message_id,
                "already delivered on this channel: not sent again"
            );
            return Ok(Delivered::Before(message_id));
        }
        let notification = match channel {
            Channel::Text => render::text::render(message),
            Channel::Chat => render::chat::render(message),
        };
        if notification.truncated_bytes() > 0 {
            warn!(
                event_id,
                detail_type,
                channel = channel_name,
                truncated_bytes = notification.truncated_bytes(),
                "notification body cut to fit SNS's size limit"
            );
        }
        // The channel's durable record is keyed by its topic, so text and chat each get one.
        let held = match (&self.durable, &attempt.payload_hash) {
            (Some(durable), Some(hash)) => {
                match durable
                    .admit(event_id, topic.as_str(), hash, attempt.deadline)
                    .await
                    .inspect_err(|error| {
                        error!(event_id, detail_type, channel = channel_name, error_type = error.error_type(),
                               error = %error, "durable duplicate check refused the delivery");
                    })? {
                    Admission::Publish(held) => held,
                    Admission::AlreadyPublished { message_id } => {
                        info!(event_id, detail_type, channel = channel_name, topic = %topic, message_id,
                              "already delivered on this channel by another invocation: not sent again");
                        self.recent
                            .remember(memory_id, channel, &message_id, Instant::now());
                        return Ok(Delivered::Before(message_id));
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
        let message_id = published
            .map_err(|error| NotifierError::Publish {
                event_id: event_id.to_owned(),
                topic_arn: topic.to_string(),
                reason: error.to_string(),
            })
            .inspect_err(|error| {
                error!(event_id, detail_type, channel = channel_name, topic = %topic, error = %error, "publish failed");
            })?;
        self.recent
            .remember(memory_id, channel, &message_id, Instant::now());
        info!(
            event_id,
            detail_type,
            channel = channel_name,
            topic = %topic,
            message_id,
            severity = %notification.severity(),
            "published notification"
        );
        Ok(Delivered::Now(message_id))
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
            event.envelope.account.as_deref(),
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
        envelope: &Envelope,
    ) -> AgreementLookup {
        let (Some((api, timeout)), Some(agreement_id)) = (&self.agreements, detail.agreement_id())
        else {
            return AgreementLookup::NotAttempted;
        };
        let lookup = enrich::agreement::look_up(
            api,
            envelope.account.as_deref(),
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
