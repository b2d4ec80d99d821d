//! The warm memory: remembers which event ids this warm instance has already published on which channel, so
//! an event EventBridge delivers twice is not announced twice, and a retry after one
//! channel failed sends only what was not yet sent. Bounded in time (a window) and in
//! memory (a capacity); it only sees what one instance handled since its cold start.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::notification::Channel;

/// What is remembered: one event on one channel.
type Key = (String, Channel);

/// Ids kept at most; a 36-character id and its bookkeeping take ~100 bytes, so this is well
/// under a megabyte.
pub const DEFAULT_CAPACITY: usize = 10_000;

#[derive(Debug)]
pub struct RecentEvents {
    window: Duration,
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// (Event id, channel) → when it was published and the message id it got.
    published: HashMap<Key, (Instant, String)>,
    /// Keys in publishing order, for expiry and eviction of the oldest.
    order: VecDeque<(Instant, Key)>,
}

impl RecentEvents {
    /// A zero window turns duplicate detection off.
    pub fn new(window: Duration, capacity: usize) -> Self {
        Self {
            window,
            capacity,
            state: Mutex::new(State::default()),
        }
    }

    fn is_enabled(&self) -> bool {
        !self.window.is_zero() && self.capacity > 0
    }

    /// The message id an event got on a channel if it was published there within the
    /// window before `now`.
    pub fn published_message_id(
        &self,
        event_id: &str,
        channel: Channel,
        now: Instant,
    ) -> Option<String> {
        if !self.is_enabled() {
            return None;
        }
        let mut state = self.lock();
        state.expire(now, self.window);
        state
            .published
            .get(&(event_id.to_owned(), channel))
            .map(|(_, message_id)| message_id.clone())
    }

    /// Records a successful publish. Only successes are recorded, so a failed event is
    /// published when Lambda retries it.
    pub fn remember(&self, event_id: &str, channel: Channel, message_id: &str, now: Instant) {
        if !self.is_enabled() {
            return;
        }
        let mut state = self.lock();
        state.expire(now, self.window);
        while state.order.len() >= self.capacity {
            if let Some((_, oldest)) = state.order.pop_front() {
                state.published.remove(&oldest);
            }
        }
        let key = (event_id.to_owned(), channel);
        if state
            .published
            .insert(key.clone(), (now, message_id.to_owned()))
            .is_none()
        {
            state.order.push_back((now, key));
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state stays consistent even if a holder panicked: every update is one step.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl State {
    fn expire(&mut self, now: Instant, window: Duration) {
        while let Some((at, _)) = self.order.front() {
            if now.saturating_duration_since(*at) < window {
                break;
            }
            if let Some((_, id)) = self.order.pop_front() {
                self.published.remove(&id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(60);

    #[test]
    fn remembers_published_ids_within_the_window() {
        let recent = RecentEvents::new(WINDOW, 10);
        let start = Instant::now();
        assert_eq!(recent.published_message_id("a", Channel::TEXT, start), None);
        recent.remember("a", Channel::TEXT, "m-1", start);
        assert_eq!(
            recent.published_message_id("a", Channel::TEXT, start + Duration::from_secs(59)),
            Some("m-1".into())
        );
        assert_eq!(
            recent.published_message_id("a", Channel::TEXT, start + WINDOW),
            None
        );
    }

    #[test]
    fn evicts_the_oldest_beyond_capacity() {
        let recent = RecentEvents::new(WINDOW, 2);
        let now = Instant::now();
        recent.remember("a", Channel::TEXT, "m-a", now);
        recent.remember("b", Channel::TEXT, "m-b", now);
        recent.remember("c", Channel::TEXT, "m-c", now);
        assert_eq!(recent.published_message_id("a", Channel::TEXT, now), None);
        assert_eq!(
            recent.published_message_id("b", Channel::TEXT, now),
            Some("m-b".into())
        );
        assert_eq!(
            recent.published_message_id("c", Channel::TEXT, now),
            Some("m-c".into())
        );
    }

    #[test]
    fn channels_are_remembered_apart() {
        let recent = RecentEvents::new(WINDOW, 10);
        let now = Instant::now();
        recent.remember("a", Channel::TEXT, "m-text", now);
        assert_eq!(
            recent.published_message_id("a", Channel::TEXT, now),
            Some("m-text".into())
        );
        assert_eq!(recent.published_message_id("a", Channel::CHAT, now), None);
    }

    #[test]
    fn zero_window_disables_detection() {
        let recent = RecentEvents::new(Duration::ZERO, 10);
        let now = Instant::now();
        recent.remember("a", Channel::TEXT, "m-a", now);
        assert_eq!(recent.published_message_id("a", Channel::TEXT, now), None);
        assert!(!recent.is_enabled());
    }
}
