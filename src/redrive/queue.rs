//! The failure queue as the redrive uses it: receive a batch (hidden from other readers for
//! a while), delete a message once delivered, make a kept message visible again at the end.

use std::time::Duration;

use aws_sdk_sqs::Client;
use aws_sdk_sqs::types::{Message, QueueAttributeName};

use super::RedriveError;
use crate::aws::error::describe;

/// The most SQS returns per ReceiveMessage call.
const BATCH: i32 = 10;
/// A short long-poll: an empty answer after it means the queue has nothing more to give.
const WAIT_SECONDS: i32 = 1;

/// One message as received: its id, its body and the handle that deletes it.
#[derive(Debug, Clone)]
pub struct Received {
    pub message_id: String,
    pub body: String,
    pub receipt_handle: String,
}

pub struct FailureQueue {
    client: Client,
    url: String,
}

impl FailureQueue {
    pub fn new(client: Client, url: impl Into<String>) -> Self {
        Self {
            client,
            url: url.into(),
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Messages waiting to be received (SQS's approximation), for the progress bar.
    pub async fn approximate_count(&self) -> Result<u64, RedriveError> {
        let output = self
            .client
            .get_queue_attributes()
            .queue_url(&self.url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .send()
            .await
            .map_err(|error| self.error("GetQueueAttributes", describe(&error)))?;
        Ok(output
            .attributes()
            .and_then(|attributes| attributes.get(&QueueAttributeName::ApproximateNumberOfMessages))
            .and_then(|count| count.parse().ok())
            .unwrap_or(0))
    }

    /// Up to ten messages, each hidden from other receivers for `visibility`: if this process
    /// dies, SQS shows them again after that time, so none is lost.
    pub async fn receive(&self, visibility: Duration) -> Result<Vec<Received>, RedriveError> {
        let visibility = i32::try_from(visibility.as_secs()).unwrap_or(i32::MAX);
        let output = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(BATCH)
            .visibility_timeout(visibility)
            .wait_time_seconds(WAIT_SECONDS)
            .send()
            .await
            .map_err(|error| self.error("ReceiveMessage", describe(&error)))?;
        Ok(output
            .messages
            .unwrap_or_default()
            .into_iter()
            .filter_map(received)
            .collect())
    }

    pub async fn delete(&self, message: &Received) -> Result<(), RedriveError> {
        self.client
            .delete_message()
            .queue_url(&self.url)
            .receipt_handle(&message.receipt_handle)
            .send()
            .await
            .map(|_| ())
            .map_err(|error| self.error("DeleteMessage", describe(&error)))
    }

    /// Makes a message this run keeps visible again now, so the next run need not wait for
    /// its visibility timeout.
    pub async fn release(&self, message: &Received) -> Result<(), RedriveError> {
        self.client
            .change_message_visibility()
            .queue_url(&self.url)
            .receipt_handle(&message.receipt_handle)
            .visibility_timeout(0)
            .send()
            .await
            .map(|_| ())
            .map_err(|error| self.error("ChangeMessageVisibility", describe(&error)))
    }

    fn error(&self, action: &'static str, reason: String) -> RedriveError {
        RedriveError::Queue {
            action,
            queue_url: self.url.clone(),
            reason,
        }
    }
}

/// SQS always sends an id and a receipt handle; a message without them could not be
/// deleted anyway, so it is left alone (and stays in the queue).
fn received(message: Message) -> Option<Received> {
    Some(Received {
        message_id: message.message_id?,
        body: message.body.unwrap_or_default(),
        receipt_handle: message.receipt_handle?,
    })
}
