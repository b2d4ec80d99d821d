//! marketplace-catalog-notifier: turns AWS Marketplace Catalog API events delivered by
//! Amazon EventBridge into clear notifications published to Amazon SNS topics.
//!
//! The flow is `payload → CatalogEvent → Message → renderings → Publisher → Outcome`:
//! [`registry`] routes an event to its family in [`catalog`], which composes a channel-neutral
//! [`message::Message`]; [`render`] turns it into the e-mail/SQS text and the chat JSON.
//! Parsing, composing and rendering are pure; I/O happens behind the [`publish::Publisher`]
//! and [`enrich::DescribeChangeSet`] seams, whose AWS implementations live in `aws`.
//! `bootstrap` builds the notifier a [`Config`] describes; `lambda` runs it.
//!
//! The `aws` feature (on by default) adds everything that talks to AWS or to the Lambda
//! Runtime API: `aws`, `bootstrap`, `lambda`, `redrive`, `subscription`. Without it the crate
//! is the pure core, which is all `make demo` needs.

pub mod accounts;
pub mod agreement;
#[cfg(feature = "aws")]
pub mod aws;
#[cfg(feature = "aws")]
pub mod bootstrap;
pub mod catalog;
pub mod config;
pub mod dedup;
pub mod dedupe;
pub mod enrich;
pub mod error;
pub mod event;
#[cfg(feature = "aws")]
pub mod lambda;
pub mod logging;
pub mod message;
pub mod notification;
pub mod notifier;
pub mod outcome;
pub mod publish;
#[cfg(feature = "aws")]
pub mod redrive;
pub mod registry;
pub mod render;
#[cfg(feature = "aws")]
pub mod subscription;
pub mod text;
pub mod topic;

pub use config::Config;
pub use error::NotifierError;
pub use notifier::Notifier;
pub use outcome::Outcome;
