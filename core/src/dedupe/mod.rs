//! Deduplication, behind one interface ([`Deduplication`]): the warm, per-instance memory
//! of what was published (`memory`), the first and free check, and the durable check shared
//! by every instance: before a notification goes to a channel, a record keyed (function,
//! event id, channel) is claimed in a store; after the publish it is completed with the
//! message id, or released when the publish failed. The DynamoDB store is `DynamoDbStore`,
//! in the function crate's `aws` module.

mod check;
mod deliveries;
mod memory;
mod payload_hash;

pub use check::{Admission, DurableCheck};
pub use deliveries::{Attempt, Clearance, Deduplication};
pub use payload_hash::PayloadHash;

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

/// A boxed future, so [`DurableStore`] can be used as a trait object.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// What one delivery is deduplicated on: the same event sent to two channels (or by two
/// stacks sharing a table) is two deliveries.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChannelKey {
    /// The Lambda function's name, so stacks sharing a table never see each other's records.
    pub function: String,
    pub event_id: String,
    /// Where the notification goes, e.g. the family topic's ARN.
    pub channel: String,
}

impl ChannelKey {
    /// The record's partition key. Function names and ARNs never contain '#', and the event
    /// id comes last, so distinct keys never share a record id.
    pub fn record_id(&self) -> String {
        format!("{}#{}#{}", self.function, self.channel, self.event_id)
    }
}

/// The answer to a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This invocation holds the delivery: publish, then complete or release.
    Claimed,
    /// Another delivery of the same event already published it.
    AlreadyPublished { message_id: String },
    /// Another invocation holds an unexpired claim and may be publishing right now.
    InProgressElsewhere,
    /// A record exists for this id with another payload: the id was reused.
    DifferentPayload,
}

/// The store could not be asked (unreachable, throttled, misconfigured).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StoreError(pub String);

/// Where delivery records live.
pub trait DurableStore: Send + Sync {
    /// Claims a delivery until `in_progress_until`, unless a record already decides it.
    fn claim<'a>(
        &'a self,
        key: &'a ChannelKey,
        payload_hash: &'a PayloadHash,
        in_progress_until: SystemTime,
    ) -> StoreFuture<'a, Claim>;

    /// Marks a claimed delivery as published with `message_id`, kept for `ttl`.
    fn complete<'a>(
        &'a self,
        key: &'a ChannelKey,
        message_id: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, ()>;

    /// Gives a claimed delivery up (the publish failed) so a retry can claim it.
    fn release<'a>(&'a self, key: &'a ChannelKey) -> StoreFuture<'a, ()>;
}
