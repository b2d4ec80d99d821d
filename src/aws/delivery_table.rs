//! The DynamoDB delivery table behind the durable duplicate check ([`crate::dedupe`]): one item per (function, channel, event id), claimed with a
//! conditional put, completed with a conditional update and released with a conditional
//! delete, so concurrent instances agree on who publishes.
//!
//! Item layout (partition key `id`, a string):
//! `status` IN_PROGRESS | COMPLETED, `payload_hash`, `in_progress_expiry` (epoch ms, while
//! in progress), `message_id` (once completed), `expiration` (epoch seconds, the table's TTL
//! attribute), plus `function`, `channel` and `event_id` for people reading the table.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};

use super::dynamodb_values::{client, epoch_millis, epoch_seconds, number, text};
use crate::dedupe::{ChannelKey, Claim, DurableStore, PayloadHash, StoreError, StoreFuture};

/// The partition key; the template declares the same name.
pub const KEY_ATTRIBUTE: &str = "id";
/// The TTL attribute; the template enables TTL on the same name.
pub const EXPIRATION_ATTRIBUTE: &str = "expiration";
const STATUS: &str = "status";
const PAYLOAD_HASH: &str = "payload_hash";
const IN_PROGRESS_EXPIRY: &str = "in_progress_expiry";
const MESSAGE_ID: &str = "message_id";
const IN_PROGRESS: &str = "IN_PROGRESS";
const COMPLETED: &str = "COMPLETED";

/// The store must not hold the publish up for long when DynamoDB is unwell: a slow or
/// unreachable table turns into a warning and a publish within a few seconds.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(4);

/// An in-progress record whose holder died is taken over at `in_progress_expiry`; its TTL
/// only cleans it up much later, should nothing ever retry the event.
const ABANDONED_CLAIM_RETENTION: Duration = Duration::from_secs(24 * 3_600);

/// How often a claim is retried when the record vanished between the conditional put and
/// reading it back (another instance released it in between).
const CLAIM_ATTEMPTS: usize = 3;

#[derive(Debug, Clone)]
pub struct DynamoDbStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl DynamoDbStore {
    /// A store on `table` (name or ARN) with the shared SDK configuration and tighter
    /// timeouts than the publisher's.
    pub fn from_sdk_config(config: &SdkConfig, table: impl Into<String>) -> Self {
        Self {
            client: client(config, CONNECT_TIMEOUT, ATTEMPT_TIMEOUT, OPERATION_TIMEOUT),
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    async fn claim_once(
        &self,
        key: &ChannelKey,
        payload_hash: &PayloadHash,
        in_progress_until: SystemTime,
    ) -> Result<Option<Claim>, StoreError> {
        let now = SystemTime::now();
        let expiration = in_progress_until + ABANDONED_CLAIM_RETENTION;
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item(KEY_ATTRIBUTE, text(key.record_id()))
            .item("function", text(&key.function))
            .item("channel", text(&key.channel))
            .item("event_id", text(&key.event_id))
            .item(STATUS, text(IN_PROGRESS))
            .item(PAYLOAD_HASH, text(payload_hash.as_str()))
            .item(IN_PROGRESS_EXPIRY, number(epoch_millis(in_progress_until)))
            .item(EXPIRATION_ATTRIBUTE, number(epoch_seconds(expiration)))
            // New, or past its TTL (DynamoDB deletes expired items only eventually), or an
            // abandoned claim on the same payload.
            .condition_expression(
                "attribute_not_exists(#id) OR #expiration < :now_s \
                 OR (#status = :in_progress AND #in_progress_expiry < :now_ms \
                     AND #payload_hash = :payload_hash)",
            )
            .expression_attribute_names("#id", KEY_ATTRIBUTE)
            .expression_attribute_names("#expiration", EXPIRATION_ATTRIBUTE)
            .expression_attribute_names("#status", STATUS)
            .expression_attribute_names("#in_progress_expiry", IN_PROGRESS_EXPIRY)
            .expression_attribute_names("#payload_hash", PAYLOAD_HASH)
            .expression_attribute_values(":now_s", number(epoch_seconds(now)))
            .expression_attribute_values(":now_ms", number(epoch_millis(now)))
            .expression_attribute_values(":in_progress", text(IN_PROGRESS))
            .expression_attribute_values(":payload_hash", text(payload_hash.as_str()))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        let error = match result {
            Ok(_) => return Ok(Some(Claim::Claimed)),
            Err(error) => error,
        };
        let existing = match error.as_service_error() {
            Some(failed) if failed.is_conditional_check_failed_exception() => {
                let returned = match failed {
                    aws_sdk_dynamodb::operation::put_item::PutItemError::ConditionalCheckFailedException(
                        exception,
                    ) => exception.item().cloned(),
                    _ => None,
                };
                match returned {
                    Some(item) => Some(item),
                    // Not every DynamoDB-compatible endpoint returns the old item; read it.
                    None => self.read(key).await?,
                }
            }
            _ => {
                return Err(StoreError(format!(
                    "claiming in {}: {}",
                    self.table,
                    super::error::describe(&error)
                )));
            }
        };
        Ok(existing.map(|item| classify(&item, payload_hash)))
    }

    async fn read(
        &self,
        key: &ChannelKey,
    ) -> Result<Option<HashMap<String, AttributeValue>>, StoreError> {
        self.client
            .get_item()
            .table_name(&self.table)
            .key(KEY_ATTRIBUTE, text(key.record_id()))
            .consistent_read(true)
            .send()
            .await
            .map(|output| output.item)
            .map_err(|error| {
                StoreError(format!(
                    "reading {} back from {}: {}",
                    key.record_id(),
                    self.table,
                    super::error::describe(&error)
                ))
            })
    }
}

impl DurableStore for DynamoDbStore {
    fn claim<'a>(
        &'a self,
        key: &'a ChannelKey,
        payload_hash: &'a PayloadHash,
        in_progress_until: SystemTime,
    ) -> StoreFuture<'a, Claim> {
        Box::pin(async move {
            for _ in 0..CLAIM_ATTEMPTS {
                if let Some(claim) = self
                    .claim_once(key, payload_hash, in_progress_until)
                    .await?
                {
                    return Ok(claim);
                }
            }
            Err(StoreError(format!(
                "the record {} in {} kept changing while being claimed",
                key.record_id(),
                self.table
            )))
        })
    }

    fn complete<'a>(
        &'a self,
        key: &'a ChannelKey,
        message_id: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let expiration = SystemTime::now() + ttl;
            self.client
                .update_item()
                .table_name(&self.table)
                .key(KEY_ATTRIBUTE, text(key.record_id()))
                .update_expression(
                    "SET #status = :completed, #message_id = :message_id, \
                     #expiration = :expiration REMOVE #in_progress_expiry",
                )
                // Only a claim still in progress: a record another instance completed
                // after taking an expired claim over keeps its own message id.
                .condition_expression("#status = :in_progress")
                .expression_attribute_names("#status", STATUS)
                .expression_attribute_names("#message_id", MESSAGE_ID)
                .expression_attribute_names("#expiration", EXPIRATION_ATTRIBUTE)
                .expression_attribute_names("#in_progress_expiry", IN_PROGRESS_EXPIRY)
                .expression_attribute_values(":completed", text(COMPLETED))
                .expression_attribute_values(":in_progress", text(IN_PROGRESS))
                .expression_attribute_values(":message_id", text(message_id))
                .expression_attribute_values(":expiration", number(epoch_seconds(expiration)))
                .send()
                .await
                .map(|_| ())
                .map_err(|error| {
                    StoreError(format!(
                        "completing {} in {}: {}",
                        key.record_id(),
                        self.table,
                        super::error::describe(&error)
                    ))
                })
        })
    }

    fn release<'a>(&'a self, key: &'a ChannelKey) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let result = self
                .client
                .delete_item()
                .table_name(&self.table)
                .key(KEY_ATTRIBUTE, text(key.record_id()))
                // Never delete a completed record: that would let the event publish again.
                .condition_expression("#status = :in_progress")
                .expression_attribute_names("#status", STATUS)
                .expression_attribute_values(":in_progress", text(IN_PROGRESS))
                .send()
                .await;
            match result {
                Ok(_) => Ok(()),
                // Nothing in progress to release: already gone or completed elsewhere.
                Err(error)
                    if error
                        .as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                {
                    Ok(())
                }
                Err(error) => Err(StoreError(format!(
                    "releasing {} in {}: {}",
                    key.record_id(),
                    self.table,
                    super::error::describe(&error)
                ))),
            }
        })
    }
}

/// What an existing record that refused the claim means for this delivery. The payload is
/// compared first: a reused id is refused whatever state its first delivery is in.
fn classify(item: &HashMap<String, AttributeValue>, payload_hash: &PayloadHash) -> Claim {
    let stored = |name: &str| {
        item.get(name)
            .and_then(|value| value.as_s().ok())
            .map(String::as_str)
    };
    if stored(PAYLOAD_HASH) != Some(payload_hash.as_str()) {
        return Claim::DifferentPayload;
    }
    match (stored(STATUS), stored(MESSAGE_ID)) {
        (Some(COMPLETED), Some(message_id)) => Claim::AlreadyPublished {
            message_id: message_id.to_owned(),
        },
        _ => Claim::InProgressElsewhere,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(
        status: &str,
        hash: &str,
        message_id: Option<&str>,
    ) -> HashMap<String, AttributeValue> {
        let mut item = HashMap::from([
            (STATUS.to_owned(), text(status)),
            (PAYLOAD_HASH.to_owned(), text(hash)),
        ]);
        if let Some(message_id) = message_id {
            item.insert(MESSAGE_ID.to_owned(), text(message_id));
        }
        item
    }

    #[test]
    fn a_completed_record_on_the_same_payload_is_a_duplicate() {
        let hash = PayloadHash::from_stored("abc");
        assert_eq!(
            classify(&record(COMPLETED, "abc", Some("m-1")), &hash),
            Claim::AlreadyPublished {
                message_id: "m-1".into()
            }
        );
    }

    #[test]
    fn an_unexpired_claim_is_in_progress_elsewhere() {
        let hash = PayloadHash::from_stored("abc");
        assert_eq!(
            classify(&record(IN_PROGRESS, "abc", None), &hash),
            Claim::InProgressElsewhere
        );
    }

    #[test]
    fn another_payload_is_refused_in_any_state() {
        let hash = PayloadHash::from_stored("abc");
        for status in [IN_PROGRESS, COMPLETED] {
            assert_eq!(
                classify(&record(status, "def", Some("m-1")), &hash),
                Claim::DifferentPayload
            );
        }
    }

    #[test]
    fn record_ids_keep_function_channel_and_event_apart() {
        let key = |function: &str, channel: &str, event_id: &str| ChannelKey {
            function: function.into(),
            channel: channel.into(),
            event_id: event_id.into(),
        };
        let a = key("f", "arn:aws:sns:us-east-1:123456789012:t", "e-1");
        assert_eq!(a.record_id(), "f#arn:aws:sns:us-east-1:123456789012:t#e-1");
        assert_ne!(
            a.record_id(),
            key("g", "arn:aws:sns:us-east-1:123456789012:t", "e-1").record_id()
        );
        assert_ne!(
            a.record_id(),
            key("f", "arn:aws:sns:us-east-1:123456789012:u", "e-1").record_id()
        );
    }
}
