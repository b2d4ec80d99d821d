//! The extension point every event family fills in: its source, its detail types with the
//! topic each goes to, how a detail is parsed, which lookup it wants (a request value) and how
//! its channel-neutral message is composed. The registry is a list of [`Family`] values; the
//! notifier sees only the [`Detail`] trait, never a family's own types.

use std::any::Any;
use std::fmt;

use crate::event::{DetailJson, Envelope, FieldError};
use crate::ledger::LedgerChange;
use crate::lookup::{Found, LookupRequest};
use crate::message::Message;
use crate::topic::TopicKind;

/// One event's typed detail, as its family parsed it.
pub trait Detail: fmt::Debug + Send + Sync + Any {
    /// What the family wants looked up before composing; `None` (the default) needs nothing.
    fn lookup(&self) -> Option<LookupRequest<'_>> {
        None
    }

    /// The channel-neutral message, with whatever the lookup found.
    fn compose(&self, envelope: &Envelope, found: &Found) -> Message;

    /// What the event opens, closes or replaces in the ledger of open items, with whatever
    /// the lookup found (an agreement's value); `None` (the default) touches nothing.
    fn ledger(&self, _envelope: &Envelope, _found: &Found) -> Option<LedgerChange> {
        None
    }
}

impl dyn Detail {
    /// The family's own type behind the trait, for the family's tests and for embeddings.
    pub fn downcast_ref<T: Detail>(&self) -> Option<&T> {
        (self as &dyn Any).downcast_ref()
    }
}

/// Parses one event's `detail` text for its detail type; errors are `(field path, reason)`.
pub type Parse = fn(detail_type: &str, detail: &DetailJson) -> Result<Box<dyn Detail>, FieldError>;

/// A detail type a family formats, the topic it goes to and its parser.
#[derive(Debug, Clone, Copy)]
pub struct DetailType {
    pub name: &'static str,
    pub topic: TopicKind,
    pub parse: Parse,
}

impl DetailType {
    /// A constant table of `N` detail types that share one topic and one parser (a family
    /// whose parser tells its types apart by name), from its list of `(name, kind)` pairs.
    pub const fn table<T, const N: usize>(
        known: &[(&'static str, T)],
        topic: TopicKind,
        parse: Parse,
    ) -> [DetailType; N] {
        let mut types = [DetailType {
            name: "",
            topic,
            parse,
        }; N];
        let mut index = 0;
        while index < N {
            types[index].name = known[index].0;
            index += 1;
        }
        types
    }
}

/// What a family does with a detail type of its source that it does not list: AWS adds
/// types over time, and they still reach a person, generically, on this topic.
#[derive(Debug, Clone, Copy)]
pub struct Otherwise {
    pub topic: TopicKind,
    pub parse: Parse,
}

/// One event family: everything routing needs to know about it.
#[derive(Debug)]
pub struct Family {
    /// A short name for logs and docs ("catalog", "agreement", ...).
    pub name: &'static str,
    /// The EventBridge `source` of its events.
    pub source: &'static str,
    pub detail_types: &'static [DetailType],
    pub otherwise: Otherwise,
}

impl Family {
    /// The topic and parser for one of this family's detail types (its fallback for any
    /// type it does not list).
    pub fn route(&self, detail_type: &str) -> (TopicKind, Parse) {
        self.detail_types
            .iter()
            .find(|known| known.name == detail_type)
            .map(|known| (known.topic, known.parse))
            .unwrap_or((self.otherwise.topic, self.otherwise.parse))
    }
}

/// Boxes a typed detail: the shape every family's parser returns.
pub fn boxed<T: Detail>(detail: T) -> Box<dyn Detail> {
    Box::new(detail)
}

/// Reads a whole EventBridge payload with one family's parser, for that family's tests: the
/// checked envelope and the typed detail, or the error the registry would report.
#[cfg(test)]
pub fn parse_payload<T: Detail + Clone>(
    payload: &serde_json::Value,
    parse: Parse,
) -> Result<(Envelope, T), FieldError> {
    let (unchecked, detail) = crate::event::Unchecked::read(&payload.to_string())
        .map_err(|error| ("(payload)".to_owned(), error.to_string()))?;
    let detail_type = unchecked.detail_type.clone();
    let envelope = unchecked
        .check()
        .map_err(|error| ("(envelope)".to_owned(), error.to_string()))?;
    let detail = parse(&detail_type, &DetailJson::detail(&detail))?;
    let typed = detail
        .downcast_ref::<T>()
        .cloned()
        .ok_or_else(|| ("detail".to_owned(), format!("not a {detail_type} detail")))?;
    Ok((envelope, typed))
}
