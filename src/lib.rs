//! marketplace-catalog-notifier: turns AWS Marketplace Catalog API events delivered by
//! Amazon EventBridge into clear notifications published to Amazon SNS topics.
//!
//! The flow is `payload → CatalogEvent → Notification → Publisher → Outcome`: parsing and
//! formatting are pure; [`publish`] is the only module that does I/O.

pub mod agreement;
pub mod aws_error;
pub mod config;
pub mod dedup;
pub mod enrich;
pub mod error;
pub mod event;
pub mod handlers;
pub mod init_error;
pub mod logging;
pub mod message;
pub mod notification;
pub mod notifier;
pub mod outcome;
pub mod publish;
pub mod router;
pub mod text;

pub use config::Config;
pub use error::NotifierError;
pub use notifier::Notifier;
pub use outcome::Outcome;

use lambda_runtime::LambdaEvent;
use serde_json::Value;

/// The Lambda entry point shared by the binary and the tests.
pub async fn handle<
    P: publish::Publisher,
    D: enrich::DescribeChangeSet,
    A: enrich::DescribeAgreement,
>(
    notifier: &Notifier<P, D, A>,
    event: LambdaEvent<Value>,
) -> Result<Outcome, NotifierError> {
    notifier.handle(event.payload).await
}
