//! A Marketplace event as the registry hands it on: the checked envelope, the detail typed
//! by the family that owns its source, and the topic that family routes it to.

use serde_json::Value;

use super::Registry;
use crate::error::NotifierError;
use crate::event::{Envelope, Unchecked};
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

    /// Reads `payload` with `registry`: envelope first, then the source, then the detail
    /// for the detail type, parsed by the family that owns the source. The detail is typed
    /// straight from the text, with no intermediate `Value` tree.
    pub(super) fn read(registry: &Registry, payload: &str) -> Result<Self, NotifierError> {
        let unchecked = Unchecked::read(payload)?;
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
        let (envelope, detail) = unchecked.check()?;
        let detail = parse(&envelope.detail_type, &detail).map_err(|(field, reason)| {
            NotifierError::InvalidDetail {
                event_id: envelope.id.clone(),
                detail_type: envelope.detail_type.clone(),
                field,
                reason,
            }
        })?;
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
