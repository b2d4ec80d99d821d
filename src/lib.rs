//! marketplace-catalog-notifier: turns AWS Marketplace Catalog API events delivered by
//! Amazon EventBridge into clear notifications published to Amazon SNS topics.
//!
//! The flow is `payload → CatalogEvent → Message → renderings → Publisher → Outcome`:
//! [`registry`] routes an event to its family in [`catalog`], which composes a channel-neutral
//! [`message::Message`]; [`render`] turns it into the e-mail/SQS text and the chat JSON.
//! Parsing, composing and rendering are pure; [`publish`] is the only module that does I/O.

pub mod aws_error;
pub mod catalog;
pub mod config;
pub mod dedup;
pub mod enrich;
pub mod error;
pub mod event;
pub mod init_error;
pub mod logging;
pub mod message;
pub mod notification;
pub mod notifier;
pub mod outcome;
pub mod publish;
pub mod registry;
pub mod render;
pub mod text;
pub mod topic;

pub use config::Config;
pub use error::NotifierError;
pub use notifier::Notifier;
pub use outcome::Outcome;

use lambda_runtime::LambdaEvent;
use serde_json::Value;

/// The Lambda entry point shared by the binary and the tests.
pub async fn handle<P: publish::Publisher, D: enrich::DescribeChangeSet>(
    notifier: &Notifier<P, D>,
    event: LambdaEvent<Value>,
) -> Result<Outcome, NotifierError> {
    notifier.handle(event.payload).await
}
