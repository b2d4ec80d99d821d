//! The registry: the list of event families the function knows. Routing reads it (which
//! family owns a source, which topic a detail type goes to), and so do the template checks
//! and the docs. Adding a family is one module under `families/` and one line in
//! [`FAMILIES`]; an embedding (or a test) can add its own with [`Registry::with_family`].

mod event;

pub use event::MarketplaceEvent;

use crate::error::NotifierError;
use crate::families::{agreement, catalog, cosell, payments};
use crate::family::{Family, Parse};
use crate::topic::TopicKind;

/// Every family the function handles, one line each.
pub static FAMILIES: &[&Family] = &[
    &catalog::FAMILY,
    &agreement::FAMILY,
    &payments::FAMILY,
    &cosell::FAMILY,
];

/// The families one notifier routes to.
#[derive(Debug, Clone)]
pub struct Registry {
    families: Vec<&'static Family>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::standard()
    }
}

/// One detail type with a dedicated format: what the template's rules must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub source: &'static str,
    pub detail_type: &'static str,
    pub topic: TopicKind,
}

impl Registry {
    /// The families in [`FAMILIES`].
    pub fn standard() -> Self {
        Self {
            families: FAMILIES.to_vec(),
        }
    }

    /// These families and `family` too (in place of one with the same source).
    pub fn with_family(mut self, family: &'static Family) -> Self {
        self.families.retain(|known| known.source != family.source);
        self.families.push(family);
        self
    }

    /// The topic and parser for an event, or `None` when no family owns its source.
    pub fn route(&self, source: &str, detail_type: &str) -> Option<(TopicKind, Parse)> {
        self.families
            .iter()
            .find(|family| family.source == source)
            .map(|family| family.route(detail_type))
    }

    /// The sources handled, one per family.
    pub fn sources(&self) -> impl Iterator<Item = &'static str> + '_ {
        sources_in(&self.families)
    }

    /// Every detail type with a dedicated format, family by family.
    pub fn routes(&self) -> impl Iterator<Item = Route> + '_ {
        routes_in(&self.families)
    }

    /// Validates an EventBridge payload from its JSON text and types its detail.
    pub fn parse(&self, payload: &str) -> Result<MarketplaceEvent, NotifierError> {
        MarketplaceEvent::read(self, payload)
    }
}

/// The standard families' sources (the template's rules match exactly these).
pub fn sources() -> impl Iterator<Item = &'static str> {
    sources_in(FAMILIES)
}

/// The standard families' detail types with a dedicated format.
pub fn routes() -> impl Iterator<Item = Route> {
    routes_in(FAMILIES)
}

fn sources_in<'a>(families: &'a [&'static Family]) -> impl Iterator<Item = &'static str> + 'a {
    families.iter().map(|family| family.source)
}

fn routes_in<'a>(families: &'a [&'static Family]) -> impl Iterator<Item = Route> + 'a {
    families.iter().flat_map(|family| {
        family.detail_types.iter().map(|known| Route {
            source: family.source,
            detail_type: known.name,
            topic: known.topic,
        })
    })
}

/// The names of [`routes`], for the checks that only need the names.
pub fn known_detail_types() -> Vec<&'static str> {
    routes().map(|route| route.detail_type).collect()
}

#[cfg(test)]
mod tests;
