//! An in-memory publisher that keeps what it was given, for tests and for embedding the
//! notifier where the caller delivers messages itself. It can be told to fail.

use std::sync::Mutex;

use super::Publisher;
use crate::config::TopicArn;
use crate::error::PublishError;
use crate::notification::Notification;

/// One recorded publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Published {
    pub topic: TopicArn,
    pub notification: Notification,
}

#[derive(Debug, Default)]
pub struct RecordingPublisher {
    published: Mutex<Vec<Published>>,
    failure: Mutex<Option<String>>,
}

impl RecordingPublisher {
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes every following publish fail with `reason` (or succeed again with `None`).
    pub fn fail_with(&self, reason: Option<&str>) {
        *self.failure.lock().unwrap_or_else(|p| p.into_inner()) = reason.map(str::to_owned);
    }

    pub fn published(&self) -> Vec<Published> {
        self.published
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl Publisher for RecordingPublisher {
    async fn publish(
        &self,
        topic: &TopicArn,
        notification: &Notification,
    ) -> Result<String, PublishError> {
        if let Some(reason) = self
            .failure
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        {
            return Err(PublishError(reason));
        }
        let mut published = self.published.lock().unwrap_or_else(|p| p.into_inner());
        published.push(Published {
            topic: topic.clone(),
            notification: notification.clone(),
        });
        Ok(format!("recorded-{}", published.len()))
    }
}
