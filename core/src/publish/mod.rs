//! Publishing: the [`Publisher`] seam between the notifier and where messages go. It is
//! implemented by the SNS publisher (`SnsPublisher`, in the function crate's `aws` module),
//! a dry-run publisher that prints, and an in-memory recorder for tests.

mod dry_run;
mod recording;

pub use dry_run::{DryRunPublisher, readable};
pub use recording::{Published, RecordingPublisher};

use std::future::Future;

use crate::config::TopicArn;
use crate::error::PublishError;
use crate::notification::Notification;

/// Delivers a notification to a topic and returns the message id the destination assigned.
pub trait Publisher {
    fn publish(
        &self,
        topic: &TopicArn,
        notification: &Notification,
    ) -> impl Future<Output = Result<String, PublishError>> + Send;
}
