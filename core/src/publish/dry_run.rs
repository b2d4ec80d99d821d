//! The dry-run publisher: prints each notification as it would be published, for local runs
//! with no AWS account. [`readable`] is the form `make demo` shows too (a JSON body, such as
//! the chat rendering, pretty-printed).

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

use super::Publisher;
use crate::config::TopicArn;
use crate::error::PublishError;
use crate::notification::{BodyFormat, Notification};

/// A notification as a person reviews it: where it goes, its subject, severity and
/// attributes, then the body exactly as subscribers receive it.
pub fn readable(topic: &TopicArn, notification: &Notification) -> String {
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
    text.push_str(&format!("{rule}\n{}{rule}\n", readable_body(notification)));
    text
}

/// The body as a person reads it: a JSON body (one line as published, e.g. the chat
/// rendering) is pretty-printed; text is shown exactly as sent.
fn readable_body(notification: &Notification) -> String {
    let body = notification.body();
    if notification.channel().body != BodyFormat::Json {
        return body.to_owned();
    }
    serde_json::from_str::<serde_json::Value>(body)
        .and_then(|json| serde_json::to_string_pretty(&json))
        .map(|pretty| pretty + "\n")
        .unwrap_or_else(|_| body.to_owned())
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
        let text = readable(topic, notification);
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
