//! The one deduplication interface the notifier delivers through: the warm per-instance
//! memory first (free), then, when a delivery table is configured, the durable claim shared
//! by every instance. Each channel of an event is one delivery.

use std::borrow::Cow;
use std::time::{Duration, Instant, SystemTime};

use tracing::{error, info};

use super::memory::{DEFAULT_CAPACITY, RecentEvents};
use super::{Admission, ChannelKey, DurableCheck, PayloadHash};
use crate::config::TopicArn;
use crate::error::NotifierError;
use crate::notification::Channel;

/// What one invocation of an event is deduplicated as.
#[derive(Debug)]
pub struct Attempt<'a> {
    event_id: &'a str,
    /// The warm memory's key: the event id, plus the payload's hash when the durable check
    /// is on, so a reused id with another payload is not taken for a duplicate here but
    /// refused by the delivery table.
    memory_id: Cow<'a, str>,
    /// `Some` exactly when the durable check is on.
    payload_hash: Option<PayloadHash>,
    /// When the invocation ends; the durable claim outlives it only a little.
    deadline: Option<SystemTime>,
}

/// May this delivery publish?
#[derive(Debug)]
pub enum Clearance {
    /// Yes; settle the claim afterwards with [`Deduplication::settle`].
    Publish(Option<ChannelKey>),
    /// No: it was published before (by this instance or another) with this message id.
    PublishedBefore(String),
}

/// The warm memory and the durable check behind one interface.
pub struct Deduplication {
    memory: RecentEvents,
    durable: Option<DurableCheck>,
}

impl std::fmt::Debug for Deduplication {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deduplication")
            .field("memory", &self.memory)
            .field("durable", &self.durable.is_some())
            .finish()
    }
}

impl Default for Deduplication {
    /// Nothing remembered, no delivery table: every event is published.
    fn default() -> Self {
        Self::new(Duration::ZERO)
    }
}

impl Deduplication {
    /// Remembers published deliveries for `window` (zero: not at all).
    pub fn new(window: Duration) -> Self {
        Self {
            memory: RecentEvents::new(window, DEFAULT_CAPACITY),
            durable: None,
        }
    }

    /// These checks with the warm memory remembering for `window` instead.
    pub fn with_window(mut self, window: Duration) -> Self {
        self.memory = RecentEvents::new(window, DEFAULT_CAPACITY);
        self
    }

    /// Also checks every delivery against the delivery table (`None`: off).
    pub fn with_durable_check(mut self, durable: Option<DurableCheck>) -> Self {
        self.durable = durable;
        self
    }

    pub fn has_durable_check(&self) -> bool {
        self.durable.is_some()
    }

    /// The attempt for event `event_id` from `payload` (its JSON text). Only the durable
    /// check needs the payload's fingerprint; `Err` says why it could not be taken.
    pub fn attempt<'a>(
        &self,
        event_id: &'a str,
        payload: &str,
        deadline: Option<SystemTime>,
    ) -> Result<Attempt<'a>, NotifierError> {
        let payload_hash = match &self.durable {
            Some(_) => Some(PayloadHash::of_json(payload).map_err(|reason| {
                NotifierError::InvalidEnvelope {
                    event_id: event_id.to_owned(),
                    field: "(payload)".to_owned(),
                    reason,
                }
            })?),
            None => None,
        };
        Ok(Attempt {
            event_id,
            memory_id: match &payload_hash {
                Some(hash) => Cow::Owned(format!("{event_id}#{}", hash.as_str())),
                None => Cow::Borrowed(event_id),
            },
            payload_hash,
            deadline,
        })
    }

    /// The message id this instance published `attempt` with on `channel` to `topic`, if it
    /// did.
    pub fn remembered(
        &self,
        attempt: &Attempt<'_>,
        channel: Channel,
        topic: &TopicArn,
    ) -> Option<String> {
        self.memory
            .published_message_id(&memory_key(attempt, topic), channel, Instant::now())
    }

    /// Claims the delivery of `attempt` on `channel` to `topic`: refused when this instance
    /// or (per the delivery table) another one published it before.
    pub async fn clear(
        &self,
        attempt: &Attempt<'_>,
        channel: Channel,
        topic: &TopicArn,
    ) -> Result<Clearance, NotifierError> {
        let event_id = attempt.event_id;
        if let Some(message_id) = self.remembered(attempt, channel, topic) {
            info!(
                event_id,
                channel = channel.name,
                message_id,
                "already delivered on this channel: not sent again"
            );
            return Ok(Clearance::PublishedBefore(message_id));
        }
        // The channel's durable record is keyed by its topic, so each channel gets one.
        let (Some(durable), Some(hash)) = (&self.durable, &attempt.payload_hash) else {
            return Ok(Clearance::Publish(None));
        };
        let admission = durable
            .admit(event_id, topic.as_str(), hash, attempt.deadline)
            .await
            .inspect_err(|error| {
                error!(event_id, channel = channel.name, error_type = error.error_type(),
                       error = %error, "durable duplicate check refused the delivery");
            })?;
        match admission {
            Admission::Publish(held) => Ok(Clearance::Publish(held)),
            Admission::AlreadyPublished { message_id } => {
                info!(event_id, channel = channel.name, topic = %topic, message_id,
                      "already delivered on this channel by another invocation: not sent again");
                self.memory.remember(
                    &memory_key(attempt, topic),
                    channel,
                    &message_id,
                    Instant::now(),
                );
                Ok(Clearance::PublishedBefore(message_id))
            }
        }
    }

    /// Records how a cleared delivery ended: remembered and completed in the table when
    /// published (`Some(message id)`), released for the retry when not.
    pub async fn settle(
        &self,
        attempt: &Attempt<'_>,
        channel: Channel,
        topic: &TopicArn,
        held: Option<ChannelKey>,
        published: Option<&str>,
    ) {
        if let Some(durable) = &self.durable {
            match published {
                Some(message_id) => durable.published(held, message_id).await,
                None => durable.failed(held).await,
            }
        }
        if let Some(message_id) = published {
            self.memory.remember(
                &memory_key(attempt, topic),
                channel,
                message_id,
                Instant::now(),
            );
        }
    }
}

/// One delivery in the warm memory: routes may send one rendering to several topics, and
/// each is its own delivery. Topic ARNs never contain '#'.
fn memory_key(attempt: &Attempt<'_>, topic: &TopicArn) -> String {
    format!("{}#{}", attempt.memory_id, topic)
}
