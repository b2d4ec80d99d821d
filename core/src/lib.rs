//! The notifier's pure core: turns AWS Marketplace events delivered by Amazon
//! EventBridge (catalog, agreement, payout, co-sell and any other family in the registry)
//! into clear notifications published to Amazon SNS topics.
//!
//! # A map of the modules
//!
//! One event takes one way through, from the top of this list down:
//!
//! - [`event`] reads the EventBridge envelope (nothing family-specific) and keeps the
//!   detail as JSON text, or finds the route among the payload's first members so that a
//!   family's parser reads the envelope along with its detail, in one pass.
//! - [`registry`] is the list of families: it finds the family that owns the event's
//!   source and lets it type the detail into a [`registry::MarketplaceEvent`].
//! - [`family`] is the extension point each family fills in: source, detail types and
//!   their topics, parser, the lookup it wants, composition. The families themselves live
//!   in [`families`] (`catalog`, `agreement`, `payments`, `cosell`), one module each.
//! - [`lookup`] answers what a family asks of the AWS APIs (change sets, agreements), as a
//!   request value, under one deadline; a failed lookup is a line, never a lost event.
//! - [`message`] is the channel-neutral [`message::Message`] a family composes: headline,
//!   severity, action required, summary, steps, facts, links, attributes.
//! - [`routing`] decides, from the composed message's attributes, which deliveries an event
//!   gets and when (at once, or in the daily or weekly digest); a [`channel`] route is one
//!   delivery target (which rendering goes to which topic); [`render`] holds one
//!   [`render::Renderer`] per channel (text, chat), each producing a
//!   [`notification::Notification`] within SNS's limits.
//! - [`digest`] keeps what routes send later (one line per event, in a store) and composes
//!   a destination's pending items into one digest message; [`ledger`] tracks what events
//!   leave open (a cancellation request, an agreement ending) until another event closes it.
//! - [`topic`] is the topic table (one row per family topic); [`config`] reads the
//!   environment into a [`Config`] once, at cold start.
//! - [`dedupe`] keeps one event from being published twice per channel: the warm memory
//!   and the durable delivery table behind one interface.
//! - [`publish`] is the [`publish::Publisher`] seam (SNS in the function's crate, a dry run,
//!   a recorder).
//! - [`notifier`] wires one invocation through all of the above and returns the
//!   [`Outcome`]; [`error`] names what went wrong, with the event id and the field.
//!
//! Parsing, composing and rendering are pure: no async, no AWS. The SDK clients, the
//! bootstrap and the Lambda runtime loop live in the `marketplace-catalog-notifier` crate
//! that depends on this one; this crate alone is all `make demo` needs. [`accounts`],
//! [`text`] and [`logging`] are small helpers used throughout.

pub mod accounts;
pub mod channel;
pub mod clock;
pub mod config;
pub mod dedupe;
pub mod digest;
pub mod error;
pub mod event;
pub mod families;
pub mod family;
pub mod ledger;
pub mod logging;
pub mod lookup;
pub mod message;
pub mod notification;
pub mod notifier;
pub mod outcome;
pub mod publish;
pub mod registry;
pub mod render;
pub mod routing;
pub mod text;
pub mod topic;
pub mod topic_arn;
pub mod word_scan;

pub use config::Config;
pub use error::NotifierError;
pub use notifier::Notifier;
pub use outcome::Outcome;
