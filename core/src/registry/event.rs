//! A Marketplace event as the registry hands it on: the checked envelope, the detail typed
//! by the family that owns its source, and the topic that family routes it to.

use serde_json::Value;

use super::Registry;
use crate::error::NotifierError;
use crate::event::{DetailJson, Envelope, Unchecked, limits, route_keys};
use crate::family::Detail;
use crate::lookup::Found;
use crate::message::Message;
use crate::notification::Notification;
use crate::render::Renderer;
use crate::topic::TopicKind;

/// One Marketplace event (catalog, agreement or any other registered family), validated.
#[derive(Debug)]
pub struct MarketplaceEvent {
    pub envelope: Envelope,
    pub detail: Box<dyn Detail>,
    pub topic: TopicKind,
}

impl MarketplaceEvent {
    /// Validates an EventBridge payload given as a JSON value (tests, the redrive command)
    /// against the standard families: the same checks as [`Self::from_json`].
    pub fn parse(payload: Value) -> Result<Self, NotifierError> {
        Self::from_json(&payload.to_string())
    }

    /// Validates an EventBridge payload from its JSON text against the standard families.
    pub fn from_json(payload: &str) -> Result<Self, NotifierError> {
        Registry::standard().parse(payload)
    }

    /// Reads `payload` with `registry`. An event as EventBridge writes it (its source and
    /// detail type among its first members) is read in one pass: the family's parser reads
    /// the whole event, the envelope along with its typed detail. Anything else, and any
    /// event that pass does not accept, is read in two: the envelope, then the detail by
    /// the family that owns the source, which names whatever is wrong.
    pub(super) fn read(registry: &Registry, payload: &str) -> Result<Self, NotifierError> {
        match Self::read_in_one_pass(registry, payload) {
            Some(event) => Ok(event),
            None => Self::read_in_two_passes(registry, payload),
        }
    }

    /// The one-pass reading, or `None` for the two-pass reading to do it and name what is
    /// wrong. What the parser read must route the event where its first members did (a
    /// duplicated member fails the parser's reading).
    fn read_in_one_pass(registry: &Registry, payload: &str) -> Option<Self> {
        limits::check(payload).ok()?;
        let (source, detail_type) = route_keys(payload)?;
        let (topic, parse) = registry.route(source, detail_type)?;
        let text = DetailJson::event(payload);
        let detail = parse(detail_type, &text).ok()?;
        let unchecked = Unchecked::of(text.take_fields()?);
        if unchecked.source != source || unchecked.detail_type != detail_type {
            return None;
        }
        let envelope = unchecked.check().ok()?;
        Some(Self {
            envelope,
            detail,
            topic,
        })
    }

    /// Envelope first, then the source, then the detail for the detail type, parsed by the
    /// family that owns the source. The detail is typed straight from the text, with no
    /// intermediate `Value` tree.
    fn read_in_two_passes(registry: &Registry, payload: &str) -> Result<Self, NotifierError> {
        let (unchecked, detail) = Unchecked::read(payload)?;
        let Some((topic, parse)) = registry.route(&unchecked.source, &unchecked.detail_type) else {
            return Err(NotifierError::UnsupportedSource {
                event_id: unchecked.event_id,
                source_name: unchecked.source,
                detail_type: unchecked.detail_type,
                handled: registry
                    .sources()
                    .map(|source| format!("{source:?}"))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let envelope = unchecked.check()?;
        let detail = parse(&envelope.detail_type, &DetailJson::detail(&detail)).map_err(
            |(field, reason)| NotifierError::InvalidDetail {
                event_id: envelope.id.clone(),
                detail_type: envelope.detail_type.clone(),
                field,
                reason,
            },
        )?;
        Ok(Self {
            envelope,
            detail,
            topic,
        })
    }

    /// The channel-neutral message, with what the lookups found.
    pub fn compose(&self, found: &Found) -> Message {
        self.detail.compose(&self.envelope, found)
    }

    /// What `renderer` makes of this event without lookups: what its channel receives when
    /// lookups are off.
    pub fn render(&self, renderer: &dyn Renderer) -> Notification {
        renderer.render(&self.compose(&Found::Nothing))
    }
}

#[cfg(test)]
#[path = "one_pass_tests.rs"]
mod one_pass_tests;
