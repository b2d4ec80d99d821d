//! The dry-run publisher: prints each notification as it would be published, for local runs
//! with no AWS account. [`render_text`] is the readable form `make demo` shows too.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use super::Publisher;
use crate::config::TopicArn;
use crate::error::PublishError;
use crate::notification::Notification;

/// A notification as a person reviews it: where it goes, its subject, severity and
/// attributes, then the body exactly as subscribers receive it.
pub fn render_text(topic: &TopicArn, notification: &Notification) -> String {
    let attributes = notification
        .attributes()
        .iter()
        .map(|(name, value)| format!("  {name} = {value}"))
        .collect::<Vec<_>>()
        .join("\n");
    let rule = "-".repeat(78);
    let mut text = format!(
        "Topic:      {topic}\nSubject:    {}\nSeverity:   {}\nAttributes:\n{attributes}\n",
        notification.subject().as_str(),
        notification.severity(),
    );
    if notification.truncated_bytes() > 0 {
        text.push_str(&format!(
            "Truncated:  {} bytes of the body left out to fit SNS's limit\n",
            notification.truncated_bytes()
        ));
    }
    text.push_str(&format!("{rule}\n{}{rule}\n", notification.body()));
    text
}

/// Writes each notification to standard output instead of publishing it.
#[derive(Debug, Default)]
pub struct DryRunPublisher {
    sent: AtomicU64,
}

impl DryRunPublisher {
    pub fn stdout() -> Self {
        Self::default()
    }
}

impl Publisher for DryRunPublisher {
    async fn publish(
        &self,
        topic: &TopicArn,
        notification: &Notification,
    ) -> Result<String, PublishError> {
        let number = self.sent.fetch_add(1, Ordering::Relaxed) + 1;
        let text = render_text(topic, notification);
        // Held for the whole notification, so concurrent publishes never interleave.
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|error| {
                PublishError(format!("dry run could not write the notification: {error}"))
            })?;
        Ok(format!("dry-run-{number}"))
    }
}
