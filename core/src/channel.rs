//! Channel routes: one rendering of a notification and where it is published (the family
//! topic or a fixed one), optionally for some severities only. Routes
//! ([`crate::routing`]) choose which of them each event gets, and when.

use std::sync::Arc;

use crate::message::Severity;
use crate::notification::Channel;
use crate::render::{ChatRenderer, Renderer, TextRenderer};
use crate::topic_arn::TopicArn;

/// Where a route's rendering goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// The topic of the event's family (per the topic table).
    FamilyTopic,
    /// One topic for every family (the chat topic, a webhook's topic, ...).
    Topic(TopicArn),
}

/// One rendering of every notification and where it goes.
#[derive(Clone)]
pub struct ChannelRoute {
    renderer: Arc<dyn Renderer>,
    destination: Destination,
    /// The severities sent; empty sends all.
    severities: Vec<Severity>,
}

impl std::fmt::Debug for ChannelRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelRoute")
            .field("channel", &self.channel().name)
            .field("destination", &self.destination)
            .field("severities", &self.severities)
            .finish()
    }
}

impl ChannelRoute {
    /// Every notification rendered by `renderer`, published to `destination`.
    pub fn new(renderer: impl Renderer + 'static, destination: Destination) -> Self {
        Self {
            renderer: Arc::new(renderer),
            destination,
            severities: Vec::new(),
        }
    }

    /// The text rendering on the family topic: every notification's first delivery.
    pub fn text() -> Self {
        Self::new(TextRenderer, Destination::FamilyTopic)
    }

    /// The chat rendering on `topic`.
    pub fn chat(topic: TopicArn) -> Self {
        Self::new(ChatRenderer, Destination::Topic(topic))
    }

    /// This route, for these severities only (empty: all).
    pub fn with_severities(mut self, severities: Vec<Severity>) -> Self {
        self.severities = severities;
        self
    }

    pub fn channel(&self) -> Channel {
        self.renderer.channel()
    }

    pub fn renderer(&self) -> &dyn Renderer {
        self.renderer.as_ref()
    }

    pub fn destination(&self) -> &Destination {
        &self.destination
    }

    /// Whether a notification of `severity` is sent on this route.
    pub fn accepts(&self, severity: Severity) -> bool {
        self.severities.is_empty() || self.severities.contains(&severity)
    }

    /// Whether `other` sends the same rendering to the same destination.
    pub fn same_as(&self, other: &ChannelRoute) -> bool {
        self.channel() == other.channel() && self.destination == other.destination
    }

    /// The topic this route publishes to for an event whose family topic is `family`.
    pub fn topic<'a>(&'a self, family: &'a TopicArn) -> &'a TopicArn {
        match &self.destination {
            Destination::FamilyTopic => family,
            Destination::Topic(topic) => topic,
        }
    }
}
