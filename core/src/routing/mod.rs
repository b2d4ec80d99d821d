//! Routing: which renderings of an event go to which destinations, and when — at once or in
//! the daily or weekly digest. Routes are tried in order; the first that matches decides
//! unless it says `continue`. Without `ROUTES`, the routing is today's fixed one: the text on
//! the family topic, and the chat rendering for the `CHAT_SEVERITIES` when a chat topic is set.

mod matcher;
mod spec;

pub use matcher::{EventFacts, Match, ROUTE_KEYS};
pub use spec::{RouteContext, parse_routes, parse_routing};

use serde::{Deserialize, Serialize};

use crate::channel::ChannelRoute;
use crate::message::Severity;
use crate::topic_arn::TopicArn;

/// When a route's destinations get an event.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Cadence {
    /// Published as the event arrives.
    #[default]
    Instant,
    /// Queued for the daily digest.
    Daily,
    /// Queued for the weekly digest.
    Weekly,
}

impl Cadence {
    pub const DIGESTS: [Cadence; 2] = [Cadence::Daily, Cadence::Weekly];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Instant => "instant",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
        }
    }

    /// "Daily", "Weekly": how a digest's subject starts.
    pub const fn title(self) -> &'static str {
        match self {
            Self::Instant => "Instant",
            Self::Daily => "Daily",
            Self::Weekly => "Weekly",
        }
    }
}

impl std::fmt::Display for Cadence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule: the events it matches, the renderings it sends them as and where, and when.
#[derive(Debug, Clone)]
pub struct Route {
    pub matcher: Match,
    pub targets: Vec<ChannelRoute>,
    pub cadence: Cadence,
    /// Whether later routes are still tried after this one matched (`"continue": true`).
    pub carry_on: bool,
}

impl Route {
    /// Every event, to `targets`, at once, and later routes are tried too.
    pub fn always(targets: Vec<ChannelRoute>) -> Self {
        Self {
            matcher: Match::everything(),
            targets,
            cadence: Cadence::Instant,
            carry_on: true,
        }
    }
}

/// One delivery an event gets: a rendering, its destination, and when.
#[derive(Debug, Clone, Copy)]
pub struct Selected<'a> {
    pub target: &'a ChannelRoute,
    pub cadence: Cadence,
}

/// Which digests open with the ledger of open items: those of `cadence` to `targets`
/// (`"open_items"` in `ROUTES`).
#[derive(Debug, Clone)]
pub struct OpenItemsReport {
    pub targets: Vec<ChannelRoute>,
    pub cadence: Cadence,
}

/// The routes, in order, and the open-items report if there is one.
#[derive(Debug, Clone, Default)]
pub struct Routing {
    routes: Vec<Route>,
    open_items: Option<OpenItemsReport>,
}

impl Routing {
    pub fn new(routes: Vec<Route>) -> Self {
        Self {
            routes,
            open_items: None,
        }
    }

    /// These routes, with digests that open with the open items.
    pub fn with_open_items(mut self, report: OpenItemsReport) -> Self {
        self.open_items = Some(report);
        self
    }

    pub fn open_items(&self) -> Option<&OpenItemsReport> {
        self.open_items.as_ref()
    }

    /// Today's routing without `ROUTES`: the text on the family topic for every event, and
    /// the chat rendering on `chat_topic` for `chat_severities` (empty: all).
    pub fn standard(chat_topic: Option<&TopicArn>, chat_severities: &[Severity]) -> Self {
        let mut routes = vec![Route::always(vec![ChannelRoute::text()])];
        if let Some(topic) = chat_topic {
            routes.push(Route::always(vec![
                ChannelRoute::chat(topic.clone()).with_severities(chat_severities.to_vec()),
            ]));
        }
        Self {
            routes,
            open_items: None,
        }
    }

    /// These routes with `target` sent every event that reaches the end of the routes at
    /// once, in place of every other target of the same channel.
    pub fn with_target(mut self, target: ChannelRoute) -> Self {
        let channel = target.channel();
        for route in &mut self.routes {
            route.targets.retain(|known| known.channel() != channel);
        }
        self.routes.retain(|route| !route.targets.is_empty());
        // Last, so the routes' own first delivery stays first; every route of the standard
        // routing continues, so it is always reached there.
        self.routes.push(Route::always(vec![target]));
        self
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The deliveries of an event with these `facts`: the targets of every matching route up
    /// to the first that does not continue, each (rendering, destination) once, at the
    /// cadence of the first route that named it. A target's own severities still apply.
    pub fn select(&self, facts: &EventFacts<'_>) -> Vec<Selected<'_>> {
        let mut selected: Vec<Selected<'_>> = Vec::new();
        for route in &self.routes {
            if !route.matcher.matches(facts) {
                continue;
            }
            for target in &route.targets {
                let known = selected.iter().any(|chosen| chosen.target.same_as(target));
                if !known && target.accepts(facts.message.severity) {
                    selected.push(Selected {
                        target,
                        cadence: route.cadence,
                    });
                }
            }
            if !route.carry_on {
                break;
            }
        }
        selected
    }

    /// Every target any route names, each once.
    pub fn targets(&self) -> Vec<&ChannelRoute> {
        let mut targets: Vec<&ChannelRoute> = Vec::new();
        for target in self.routes.iter().flat_map(|route| &route.targets) {
            if !targets.iter().any(|known| known.same_as(target)) {
                targets.push(target);
            }
        }
        targets
    }

    /// The targets that routes of `cadence` name, each once: where that digest may have
    /// items waiting.
    pub fn digest_targets(&self, cadence: Cadence) -> Vec<&ChannelRoute> {
        let mut targets: Vec<&ChannelRoute> = Vec::new();
        for target in self
            .routes
            .iter()
            .filter(|route| route.cadence == cadence)
            .flat_map(|route| &route.targets)
        {
            if !targets.iter().any(|known| known.same_as(target)) {
                targets.push(target);
            }
        }
        targets
    }

    /// Whether any route queues for a digest.
    pub fn has_digests(&self) -> bool {
        self.routes
            .iter()
            .any(|route| route.cadence != Cadence::Instant)
    }
}

#[cfg(test)]
mod tests;
