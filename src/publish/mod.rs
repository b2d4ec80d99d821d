//! Publishing: the one place the notifier does I/O. [`Publisher`] is implemented by the SNS
//! publisher, a dry-run publisher that prints, and an in-memory recorder for tests.

mod dry_run;
mod recording;
mod sns;

pub use dry_run::{DryRunPublisher, render_text};
pub use recording::{Published, RecordingPublisher};
pub use sns::{SnsPublisher, sdk_config_from_env};

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
