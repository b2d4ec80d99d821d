//! The durable check as a delivery step uses it: claim before publishing, complete or
//! release after, and what each answer means for the invocation: a duplicate, a retryable
//! error, a refused payload, or (store unavailable) a publish with a warning.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tracing::{error, warn};

use super::{ChannelKey, Claim, DurableStore, PayloadHash};
use crate::error::NotifierError;

/// Added to the invocation's deadline for the in-progress expiry, so clock differences
/// between instances never let a claim be taken over while its holder can still publish.
const IN_PROGRESS_MARGIN: Duration = Duration::from_secs(2);

/// The in-progress time when the caller has no deadline (direct calls, not through Lambda):
/// the template's function timeout.
const DEFAULT_INVOCATION_TIME: Duration = Duration::from_secs(30);

/// What a delivery may do after the durable check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Publish. `Some` holds the claim to complete or release afterwards; `None` means the
    /// store could not be asked (the warning is logged) and nothing is to be recorded.
    Publish(Option<ChannelKey>),
    /// Already published by another delivery of the same event.
    AlreadyPublished { message_id: String },
}

pub struct DurableCheck {
    store: Arc<dyn DurableStore>,
    function: String,
    /// How long completed records keep refusing redeliveries.
    ttl: Duration,
}

impl DurableCheck {
    pub fn new(store: Arc<dyn DurableStore>, function: impl Into<String>, ttl: Duration) -> Self {
        Self {
            store,
            function: function.into(),
            ttl,
        }
    }

    /// Claims the delivery of `event_id` to `channel` until a little after `deadline`.
    pub async fn admit(
        &self,
        event_id: &str,
        channel: &str,
        payload_hash: &PayloadHash,
        deadline: Option<SystemTime>,
    ) -> Result<Admission, NotifierError> {
        let key = ChannelKey {
            function: self.function.clone(),
            event_id: event_id.to_owned(),
            channel: channel.to_owned(),
        };
        let until = deadline.unwrap_or_else(|| SystemTime::now() + DEFAULT_INVOCATION_TIME)
            + IN_PROGRESS_MARGIN;
        match self.store.claim(&key, payload_hash, until).await {
            Ok(Claim::Claimed) => Ok(Admission::Publish(Some(key))),
            Ok(Claim::AlreadyPublished { message_id }) => {
                Ok(Admission::AlreadyPublished { message_id })
            }
            Ok(Claim::InProgressElsewhere) => Err(NotifierError::DeliveryInProgress {
                event_id: key.event_id,
                channel: key.channel,
            }),
            Ok(Claim::DifferentPayload) => Err(NotifierError::PayloadMismatch {
                event_id: key.event_id,
                channel: key.channel,
            }),
            // A duplicate is better than a lost notification.
            Err(store_error) => {
                warn!(
                    event_id,
                    channel,
                    error = %store_error,
                    "durable duplicate check unavailable; publishing without it"
                );
                Ok(Admission::Publish(None))
            }
        }
    }

    /// Records a successful publish. A failure is logged, not returned: the message is out,
    /// and failing the invocation would make Lambda publish it again.
    pub async fn published(&self, held: Option<ChannelKey>, message_id: &str) {
        let Some(key) = held else { return };
        if let Err(store_error) = self.store.complete(&key, message_id, self.ttl).await {
            warn!(
                event_id = %key.event_id,
                channel = %key.channel,
                message_id,
                error = %store_error,
                "published, but the durable record was not completed; \
                 a redelivery after the claim expires would publish again"
            );
        }
    }

    /// Gives the claim up after a failed publish, so Lambda's retry can publish.
    pub async fn failed(&self, held: Option<ChannelKey>) {
        let Some(key) = held else { return };
        if let Err(store_error) = self.store.release(&key).await {
            error!(
                event_id = %key.event_id,
                channel = %key.channel,
                error = %store_error,
                "the claim was not released; a retry is refused until it expires"
            );
        }
    }
}
