//! The DynamoDB digest table behind [`crate::digest::DigestStore`]: the items each digest
//! destination is waiting to send, and one claim per destination so two invocations never
//! send the same digest.
//!
//! Layout (partition key `pk`, sort key `sk`, both strings; `expires_at` is the TTL):
//! - `pk` = `<function>#<cadence>#<channel>#<topic ARN>`: one partition per destination,
//!   so a digest reads its items with one paginated query (never a scan);
//! - an item: `sk` = `item#<event id>` with `event_id`, `headline`, `severity`,
//!   `action_required`, `account`, `time`, `link`, `group`, `queued_at`; once its digest is
//!   published, `sent_at` too. Queued with a conditional put, so an event is queued once;
//! - the claim: `sk` = `claim` with `token` and `claimed_until` (epoch ms);
//! - the ledger of open items, in its own partition (`super::ledger_items`).

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use chrono::{DateTime, Utc};
use futures_util::future::join_all;
use tracing::error;

use super::dynamodb_values::{client, epoch_millis, epoch_seconds, number, text};
use crate::dedupe::{StoreError, StoreFuture};
use crate::digest::{ClaimToken, DigestItem, DigestStore, Queued, Stream};
use crate::ledger::{LedgerChange, OpenItem};
use crate::message::Severity;

/// The partition key; the template declares the same name.
pub const PARTITION_KEY: &str = "pk";
/// The sort key; the template declares the same name.
pub const SORT_KEY: &str = "sk";
/// The TTL attribute; the template enables TTL on the same name.
pub const EXPIRES_AT: &str = "expires_at";

const ITEM_PREFIX: &str = "item#";
const CLAIM_KEY: &str = "claim";
const SENT_AT: &str = "sent_at";

/// A pending item nobody sends (its route was removed, or digests keep failing) is dropped
/// after this long.
const PENDING_RETENTION: Duration = Duration::from_secs(30 * 24 * 3_600);
/// A sent item is kept past EventBridge's 24-hour retry window, so a late redelivery of its
/// event is still recognised as queued.
const SENT_RETENTION: Duration = Duration::from_secs(3 * 24 * 3_600);

/// DynamoDB's limit on one BatchWriteItem request.
const BATCH_SIZE: usize = 25;
/// Batches written at the same time when marking a large digest sent.
const CONCURRENT_BATCHES: usize = 8;
/// Rounds of resending what DynamoDB left unprocessed (throttling) before giving up.
const UNPROCESSED_ROUNDS: u32 = 5;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(8);

#[derive(Debug, Clone)]
pub struct DigestTable {
    client: aws_sdk_dynamodb::Client,
    table: String,
    /// Qualifies every partition, so stacks sharing a table never see each other's items.
    function: String,
}

impl DigestTable {
    pub fn from_sdk_config(
        config: &SdkConfig,
        table: impl Into<String>,
        function: impl Into<String>,
    ) -> Self {
        Self {
            client: client(config, CONNECT_TIMEOUT, ATTEMPT_TIMEOUT, OPERATION_TIMEOUT),
            table: table.into(),
            function: function.into(),
        }
    }

    fn partition(&self, stream: &Stream) -> String {
        format!(
            "{}#{}#{}#{}",
            self.function, stream.cadence, stream.channel, stream.topic
        )
    }

    pub(super) fn client(&self) -> &aws_sdk_dynamodb::Client {
        &self.client
    }

    pub(super) fn table(&self) -> &str {
        &self.table
    }

    pub(super) fn function(&self) -> &str {
        &self.function
    }

    pub(super) fn failed(&self, doing: &str, error: impl std::fmt::Display) -> StoreError {
        StoreError(format!("{doing} in {}: {error}", self.table))
    }

    async fn write_batch(&self, mut requests: Vec<WriteRequest>) -> Result<(), StoreError> {
        for round in 0..UNPROCESSED_ROUNDS {
            let output = self
                .client
                .batch_write_item()
                .request_items(&self.table, requests)
                .send()
                .await
                .map_err(|error| {
                    self.failed("marking digest items sent", super::error::describe(&error))
                })?;
            requests = output
                .unprocessed_items
                .and_then(|mut unprocessed| unprocessed.remove(&self.table))
                .unwrap_or_default();
            if requests.is_empty() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50 << round)).await;
        }
        Err(self.failed(
            "marking digest items sent",
            format!("{} writes still unprocessed after retries", requests.len()),
        ))
    }
}

impl DigestStore for DigestTable {
    fn queue<'a>(&'a self, stream: &'a Stream, item: &'a DigestItem) -> StoreFuture<'a, Queued> {
        Box::pin(async move {
            let now = SystemTime::now();
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(attributes(
                    self.partition(stream),
                    item,
                    now,
                    now + PENDING_RETENTION,
                )))
                .condition_expression("attribute_not_exists(#sk)")
                .expression_attribute_names("#sk", SORT_KEY)
                .send()
                .await;
            match result {
                Ok(_) => Ok(Queued::Now),
                Err(error)
                    if error
                        .as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                {
                    Ok(Queued::Before)
                }
                Err(error) => Err(self.failed(
                    &format!(
                        "queueing {} for the {} digest",
                        item.event_id, stream.cadence
                    ),
                    super::error::describe(&error),
                )),
            }
        })
    }

    fn claim<'a>(
        &'a self,
        stream: &'a Stream,
        until: SystemTime,
    ) -> StoreFuture<'a, Option<ClaimToken>> {
        Box::pin(async move {
            let now = SystemTime::now();
            // Unique enough among invocations that may overlap: the time to the nanosecond
            // and the process (one invocation at a time per process).
            let token = ClaimToken(format!(
                "{}-{}",
                now.duration_since(SystemTime::UNIX_EPOCH)
                    .map(|elapsed| elapsed.as_nanos())
                    .unwrap_or_default(),
                std::process::id()
            ));
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .item(PARTITION_KEY, text(self.partition(stream)))
                .item(SORT_KEY, text(CLAIM_KEY))
                .item("token", text(&token.0))
                .item("claimed_until", number(epoch_millis(until)))
                .item(EXPIRES_AT, number(epoch_seconds(until + SENT_RETENTION)))
                // Free, or held by an invocation that ran out of time without releasing it.
                .condition_expression("attribute_not_exists(#sk) OR #until < :now")
                .expression_attribute_names("#sk", SORT_KEY)
                .expression_attribute_names("#until", "claimed_until")
                .expression_attribute_values(":now", number(epoch_millis(now)))
                .send()
                .await;
            match result {
                Ok(_) => Ok(Some(token)),
                Err(error)
                    if error
                        .as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                {
                    Ok(None)
                }
                Err(error) => Err(self.failed(
                    &format!("claiming the {} digest", stream.cadence),
                    super::error::describe(&error),
                )),
            }
        })
    }

    fn pending<'a>(&'a self, stream: &'a Stream) -> StoreFuture<'a, Vec<DigestItem>> {
        Box::pin(async move {
            let partition = self.partition(stream);
            let mut items = Vec::new();
            let mut start: Option<HashMap<String, AttributeValue>> = None;
            loop {
                let output = self
                    .client
                    .query()
                    .table_name(&self.table)
                    // Strongly consistent: an item marked sent a moment ago must not be sent again.
                    .consistent_read(true)
                    .key_condition_expression("#pk = :pk AND begins_with(#sk, :item)")
                    .filter_expression("attribute_not_exists(#sent_at)")
                    .expression_attribute_names("#pk", PARTITION_KEY)
                    .expression_attribute_names("#sk", SORT_KEY)
                    .expression_attribute_names("#sent_at", SENT_AT)
                    .expression_attribute_values(":pk", text(&partition))
                    .expression_attribute_values(":item", text(ITEM_PREFIX))
                    .set_exclusive_start_key(start.take())
                    .send()
                    .await
                    .map_err(|error| {
                        self.failed(
                            &format!("reading the {} digest's items", stream.cadence),
                            super::error::describe(&error),
                        )
                    })?;
                for stored in output.items.unwrap_or_default() {
                    match item(&stored) {
                        Ok(item) => items.push(item),
                        // Left for its TTL to remove; one unreadable item must not hold up
                        // every digest after it.
                        Err(reason) => error!(
                            table = %self.table,
                            partition = %partition,
                            %reason,
                            "digest item unreadable: not listed"
                        ),
                    }
                }
                match output.last_evaluated_key {
                    Some(key) if !key.is_empty() => start = Some(key),
                    _ => break,
                }
            }
            items.sort_by_key(|item: &DigestItem| item.time);
            Ok(items)
        })
    }

    fn mark_sent<'a>(&'a self, stream: &'a Stream, items: &'a [DigestItem]) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let partition = self.partition(stream);
            let now = SystemTime::now();
            let requests: Vec<WriteRequest> = items
                .iter()
                .filter_map(|item| {
                    let mut stored = attributes(partition.clone(), item, now, now + SENT_RETENTION);
                    stored.insert(SENT_AT.to_owned(), number(epoch_millis(now)));
                    let put = PutRequest::builder().set_item(Some(stored)).build().ok()?;
                    Some(WriteRequest::builder().put_request(put).build())
                })
                .collect();
            let batches: Vec<Vec<WriteRequest>> = requests
                .chunks(BATCH_SIZE)
                .map(<[WriteRequest]>::to_vec)
                .collect();
            for wave in batches.chunks(CONCURRENT_BATCHES) {
                for result in
                    join_all(wave.iter().map(|batch| self.write_batch(batch.clone()))).await
                {
                    result?;
                }
            }
            Ok(())
        })
    }

    fn release<'a>(&'a self, stream: &'a Stream, token: &'a ClaimToken) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let result = self
                .client
                .delete_item()
                .table_name(&self.table)
                .key(PARTITION_KEY, text(self.partition(stream)))
                .key(SORT_KEY, text(CLAIM_KEY))
                // Only our own claim: one taken over after ours expired stays.
                .condition_expression("#token = :token")
                .expression_attribute_names("#token", "token")
                .expression_attribute_values(":token", text(&token.0))
                .send()
                .await;
            match result {
                Ok(_) => Ok(()),
                Err(error)
                    if error
                        .as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                {
                    Ok(())
                }
                Err(error) => Err(self.failed(
                    &format!("releasing the {} digest's claim", stream.cadence),
                    super::error::describe(&error),
                )),
            }
        })
    }

    fn apply_ledger<'a>(&'a self, change: &'a LedgerChange) -> StoreFuture<'a, bool> {
        Box::pin(self.apply_change(change))
    }

    fn open_items(&self) -> StoreFuture<'_, Vec<OpenItem>> {
        Box::pin(self.list_open())
    }
}

/// The stored form of `item` in `partition`.
fn attributes(
    partition: String,
    item: &DigestItem,
    queued_at: SystemTime,
    expires_at: SystemTime,
) -> HashMap<String, AttributeValue> {
    let mut stored = HashMap::from([
        (PARTITION_KEY.to_owned(), text(partition)),
        (
            SORT_KEY.to_owned(),
            text(format!("{ITEM_PREFIX}{}", item.event_id)),
        ),
        ("event_id".to_owned(), text(&item.event_id)),
        ("headline".to_owned(), text(&item.headline)),
        ("severity".to_owned(), text(item.severity.as_str())),
        (
            "action_required".to_owned(),
            AttributeValue::Bool(item.action_required),
        ),
        ("time".to_owned(), text(item.time.to_rfc3339())),
        ("group".to_owned(), text(&item.group)),
        ("queued_at".to_owned(), number(epoch_millis(queued_at))),
        (EXPIRES_AT.to_owned(), number(epoch_seconds(expires_at))),
    ]);
    if let Some(account) = &item.account {
        stored.insert("account".to_owned(), text(account));
    }
    if let Some(link) = &item.link {
        stored.insert("link".to_owned(), text(link));
    }
    stored
}

/// An item read back; `Err` names what is missing or wrong.
fn item(stored: &HashMap<String, AttributeValue>) -> Result<DigestItem, String> {
    let string = |name: &str| -> Result<String, String> {
        stored
            .get(name)
            .and_then(|value| value.as_s().ok())
            .cloned()
            .ok_or_else(|| format!("{name} is missing or not a string"))
    };
    let optional = |name: &str| {
        stored
            .get(name)
            .and_then(|value| value.as_s().ok())
            .cloned()
    };
    let event_id = string("event_id")?;
    let severity = string("severity")?;
    let severity = Severity::ALL
        .into_iter()
        .find(|known| known.as_str() == severity)
        .ok_or_else(|| format!("{event_id}: severity {severity:?} is not one"))?;
    let time = string("time")?;
    let time = DateTime::parse_from_rfc3339(&time)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|error| format!("{event_id}: time {time:?}: {error}"))?;
    Ok(DigestItem {
        headline: string("headline")?,
        severity,
        action_required: stored
            .get("action_required")
            .and_then(|value| value.as_bool().ok())
            .copied()
            .unwrap_or(false),
        account: optional("account"),
        time,
        link: optional("link"),
        group: string("group")?,
        event_id,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn an_item_reads_back_as_it_was_stored() {
        let stored = DigestItem {
            event_id: "e-1".to_owned(),
            headline: "Offer released".to_owned(),
            severity: Severity::Warning,
            action_required: true,
            account: Some("Acme (111122223333)".to_owned()),
            time: Utc
                .with_ymd_and_hms(2026, 12, 1, 9, 30, 0)
                .single()
                .unwrap_or_default(),
            link: None,
            group: "Offers".to_owned(),
        };
        let now = SystemTime::now();
        let attributes = attributes("p".to_owned(), &stored, now, now);
        assert_eq!(item(&attributes), Ok(stored));
        let mut broken = attributes.clone();
        broken.insert("severity".to_owned(), text("urgent"));
        assert!(item(&broken).unwrap_err().contains("\"urgent\""));
    }
}
