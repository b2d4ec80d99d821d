//! A digest store in this process's memory, for runs with no AWS account (`make demo
//! DIGEST=daily`) and for tests of the digest logic. It keeps the same promises as the
//! DynamoDB table: an event is queued once per destination, a claim excludes others until
//! it expires or is released, and sent items are not pending; the ledger applies each change
//! once and forgets items past their expiry.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::SystemTime;

use super::{ClaimToken, DigestItem, DigestStore, Queued, Stream};
use crate::clock::Clock;
use crate::dedupe::StoreFuture;
use crate::ledger::{Applied, Entry, ItemId, LedgerChange, OpenItem, apply};

#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    /// What has expired is decided by this clock's "now".
    clock: Clock,
}

#[derive(Debug, Default)]
struct State {
    /// Per destination: every item queued there and whether it was sent.
    items: HashMap<String, Vec<(DigestItem, bool)>>,
    /// Per destination: the claim's token and when it expires.
    claims: HashMap<String, (String, SystemTime)>,
    tokens: u64,
    /// The ledger: per item id, the item or its closed marker.
    ledger: HashMap<ItemId, Entry>,
}

/// One key per destination, as the table's partition.
fn key(stream: &Stream) -> String {
    format!("{}#{}#{}", stream.cadence, stream.channel, stream.topic)
}

impl MemoryStore {
    /// A store that decides what has expired by `clock` (the demo's fixed "now").
    pub fn with_clock(clock: Clock) -> Self {
        Self {
            clock,
            ..Self::default()
        }
    }

    fn with_state<T>(&self, change: impl FnOnce(&mut State) -> T) -> T {
        // Every change is one step, so the state is consistent even after a panic elsewhere.
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        change(&mut state)
    }
}

impl DigestStore for MemoryStore {
    fn queue<'a>(&'a self, stream: &'a Stream, item: &'a DigestItem) -> StoreFuture<'a, Queued> {
        let queued = self.with_state(|state| {
            let items = state.items.entry(key(stream)).or_default();
            if items
                .iter()
                .any(|(known, _)| known.event_id == item.event_id)
            {
                Queued::Before
            } else {
                items.push((item.clone(), false));
                Queued::Now
            }
        });
        Box::pin(async move { Ok(queued) })
    }

    fn claim<'a>(
        &'a self,
        stream: &'a Stream,
        until: SystemTime,
    ) -> StoreFuture<'a, Option<ClaimToken>> {
        let token = self.with_state(|state| {
            let now = SystemTime::now();
            let key = key(stream);
            if state
                .claims
                .get(&key)
                .is_some_and(|(_, expires)| *expires > now)
            {
                return None;
            }
            state.tokens += 1;
            let token = state.tokens.to_string();
            state.claims.insert(key, (token.clone(), until));
            Some(ClaimToken(token))
        });
        Box::pin(async move { Ok(token) })
    }

    fn pending<'a>(&'a self, stream: &'a Stream) -> StoreFuture<'a, Vec<DigestItem>> {
        let mut pending: Vec<DigestItem> = self.with_state(|state| {
            state
                .items
                .get(&key(stream))
                .map(|items| {
                    items
                        .iter()
                        .filter(|(_, sent)| !sent)
                        .map(|(item, _)| item.clone())
                        .collect()
                })
                .unwrap_or_default()
        });
        pending.sort_by_key(|item| item.time);
        Box::pin(async move { Ok(pending) })
    }

    fn mark_sent<'a>(&'a self, stream: &'a Stream, items: &'a [DigestItem]) -> StoreFuture<'a, ()> {
        self.with_state(|state| {
            if let Some(stored) = state.items.get_mut(&key(stream)) {
                for (item, sent) in stored.iter_mut() {
                    if items.iter().any(|done| done.event_id == item.event_id) {
                        *sent = true;
                    }
                }
            }
        });
        Box::pin(async move { Ok(()) })
    }

    fn release<'a>(&'a self, stream: &'a Stream, token: &'a ClaimToken) -> StoreFuture<'a, ()> {
        self.with_state(|state| {
            let key = key(stream);
            if state
                .claims
                .get(&key)
                .is_some_and(|(held, _)| *held == token.0)
            {
                state.claims.remove(&key);
            }
        });
        Box::pin(async move { Ok(()) })
    }

    fn apply_ledger<'a>(&'a self, change: &'a LedgerChange) -> StoreFuture<'a, bool> {
        let changed = self.with_state(|state| {
            let now = self.clock.now();
            // Past its expiry an entry is gone, as the table's TTL would have removed it.
            let current = state
                .ledger
                .get(change.id())
                .filter(|entry| entry.expires_at() > now);
            match apply(current, change) {
                Applied::Write(entry) => {
                    state.ledger.insert(change.id().clone(), entry);
                    true
                }
                Applied::Unchanged => false,
            }
        });
        Box::pin(async move { Ok(changed) })
    }

    fn open_items(&self) -> StoreFuture<'_, Vec<OpenItem>> {
        let items = self.with_state(|state| {
            let now = self.clock.now();
            state
                .ledger
                .values()
                .filter(|entry| entry.expires_at() > now)
                .filter_map(Entry::open)
                .cloned()
                .collect()
        });
        Box::pin(async move { Ok(items) })
    }
}
