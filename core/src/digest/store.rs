//! Where digest items wait: the interface the notifier queues through and the digest run
//! reads, claims and settles through; the same store keeps the ledger of open items. Every
//! call is idempotent or guarded, so a retried invocation neither queues an event twice,
//! nor sends a digest twice after a success, nor changes the ledger twice.

use std::time::SystemTime;

use crate::config::TopicArn;
use crate::dedupe::StoreFuture;
use crate::routing::Cadence;

use super::DigestItem;
use crate::ledger::{LedgerChange, OpenItem};

/// One digest's destination: a cadence, a rendering (by its channel's name) and a topic.
/// Each has its own pending items and its own claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stream {
    pub cadence: Cadence,
    pub channel: &'static str,
    pub topic: TopicArn,
}

/// How queueing an item ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queued {
    /// Stored now.
    Now,
    /// This event was already queued for this stream (a redelivery): nothing changed.
    Before,
}

/// Proof of holding a stream's claim, handed back to release it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimToken(pub String);

pub trait DigestStore: Send + Sync {
    /// Queues `item` for `stream` unless the same event is already queued (or was sent)
    /// there.
    fn queue<'a>(&'a self, stream: &'a Stream, item: &'a DigestItem) -> StoreFuture<'a, Queued>;

    /// Claims the right to send `stream`'s digest until `until`; `None` while another
    /// invocation holds an unexpired claim.
    fn claim<'a>(
        &'a self,
        stream: &'a Stream,
        until: SystemTime,
    ) -> StoreFuture<'a, Option<ClaimToken>>;

    /// Every item queued for `stream` and not yet sent, oldest first.
    fn pending<'a>(&'a self, stream: &'a Stream) -> StoreFuture<'a, Vec<DigestItem>>;

    /// Marks `items` sent; they are kept a while longer, so a redelivered event is still
    /// recognised as queued, then expire.
    fn mark_sent<'a>(&'a self, stream: &'a Stream, items: &'a [DigestItem]) -> StoreFuture<'a, ()>;

    /// Gives the claim back (after a success or a failure) if `token` still holds it.
    fn release<'a>(&'a self, stream: &'a Stream, token: &'a ClaimToken) -> StoreFuture<'a, ()>;

    /// Applies one event's change to the ledger (see `ledger::apply`); `true` when it
    /// changed what is stored, `false` when it changed nothing (a redelivery, an opening
    /// already closed, a change older than what is stored).
    fn apply_ledger<'a>(&'a self, change: &'a LedgerChange) -> StoreFuture<'a, bool>;

    /// Every item open now (closed and expired ones left out), in no particular order.
    fn open_items(&self) -> StoreFuture<'_, Vec<OpenItem>>;
}
