//! marketplace-catalog-notifier: turns AWS Marketplace Catalog API events delivered by
//! Amazon EventBridge into clear notifications published to Amazon SNS topics.
//!
//! The flow is `payload → CatalogEvent → Notification → Publisher → Outcome`: parsing and
//! formatting are pure; I/O happens behind the [`publish::Publisher`] and
//! [`enrich::DescribeChangeSet`] seams, whose AWS implementations live in [`aws`].
//! [`bootstrap`] builds the notifier a [`Config`] describes; [`lambda`] runs it.

pub mod aws;
pub mod bootstrap;
pub mod config;
pub mod dedup;
pub mod enrich;
pub mod error;
pub mod event;
pub mod handlers;
pub mod lambda;
pub mod logging;
pub mod notification;
pub mod notifier;
pub mod outcome;
pub mod publish;
pub mod redrive;
pub mod router;
pub mod subscription;
pub mod text;

pub use config::Config;
pub use error::NotifierError;
pub use notifier::Notifier;
pub use outcome::Outcome;
