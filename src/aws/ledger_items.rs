//! The ledger of open items in the digest table, beside the digests: one partition per
//! function, `pk` = `<function>#open-items`, one entry per item, `sk` = `<kind>#<key>`, with
//! `state` (`open` or `closed`), `event` (the event behind the entry), `at` (its time),
//! the item's fields (`account`, `title`, `deadline`, `value`, `link`, `opened_by`,
//! `opened_at`) and `expires_at`, the TTL: 30 days past the deadline (or the opening, or the
//! closing). A change is applied by reading the entry (a one-key query), deciding with
//! `ledger::apply`, and putting the result on condition that the entry is still the one read,
//! so two invocations at once never undo each other; a redelivered event finds its own entry
//! and writes nothing.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use tracing::error;

use super::digest_table::{DigestTable, EXPIRES_AT, PARTITION_KEY, SORT_KEY};
use super::dynamodb_values::{number, text};
use crate::dedupe::StoreError;
use crate::ledger::{Applied, Entry, ItemId, LedgerChange, OpenItem, apply};

/// Rounds of read, decide and conditional put when another invocation changed the entry in
/// between.
const ATTEMPTS: usize = 4;

const STATE_OPEN: &str = "open";
const STATE_CLOSED: &str = "closed";

/// The ledger's partition for `function`.
pub fn partition(function: &str) -> String {
    format!("{function}#open-items")
}

impl DigestTable {
    /// Applies `change`; `true` when it changed the stored entry.
    pub(super) async fn apply_change(&self, change: &LedgerChange) -> Result<bool, StoreError> {
        let id = change.id();
        let doing = format!(
            "recording {} from event {} in the ledger",
            id,
            change.event()
        );
        for _ in 0..ATTEMPTS {
            let current = self.read_entry(id).await?;
            let Applied::Write(entry) = apply(current.as_ref(), change) else {
                return Ok(false);
            };
            let put = self
                .client()
                .put_item()
                .table_name(self.table())
                .set_item(Some(attributes(&partition(self.function()), &entry)));
            let put = match &current {
                None => put
                    .condition_expression("attribute_not_exists(#sk)")
                    .expression_attribute_names("#sk", SORT_KEY),
                Some(known) => put
                    .condition_expression("#event = :event")
                    .expression_attribute_names("#event", "event")
                    .expression_attribute_values(":event", text(known.event())),
            };
            match put.send().await {
                Ok(_) => return Ok(true),
                Err(error)
                    if error
                        .as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
                Err(error) => {
                    return Err(self.failed(&doing, super::error::describe(&error)));
                }
            }
        }
        Err(self.failed(
            &doing,
            format!("the entry kept changing under {ATTEMPTS} attempts"),
        ))
    }

    /// The entry stored for `id`, read strongly consistent (the decision depends on it).
    async fn read_entry(&self, id: &ItemId) -> Result<Option<Entry>, StoreError> {
        let output = self
            .client()
            .query()
            .table_name(self.table())
            .consistent_read(true)
            .key_condition_expression("#pk = :pk AND #sk = :sk")
            .expression_attribute_names("#pk", PARTITION_KEY)
            .expression_attribute_names("#sk", SORT_KEY)
            .expression_attribute_values(":pk", text(partition(self.function())))
            .expression_attribute_values(":sk", text(id.to_string()))
            .send()
            .await
            .map_err(|error| {
                self.failed(
                    &format!("reading ledger entry {id}"),
                    super::error::describe(&error),
                )
            })?;
        match output.items.unwrap_or_default().first() {
            None => Ok(None),
            Some(stored) => entry(stored)
                .map(Some)
                .map_err(|reason| self.failed(&format!("reading ledger entry {id}"), reason)),
        }
    }

    /// Every open item not past its expiry (TTL removes expired items only eventually): one
    /// paginated query of the ledger's partition, never a scan.
    pub(super) async fn list_open(&self) -> Result<Vec<OpenItem>, StoreError> {
        let partition = partition(self.function());
        let now = Utc::now();
        let mut items = Vec::new();
        let mut start: Option<HashMap<String, AttributeValue>> = None;
        loop {
            let output = self
                .client()
                .query()
                .table_name(self.table())
                .consistent_read(true)
                .key_condition_expression("#pk = :pk")
                .filter_expression("#state = :open AND #expires > :now")
                .expression_attribute_names("#pk", PARTITION_KEY)
                .expression_attribute_names("#state", "state")
                .expression_attribute_names("#expires", EXPIRES_AT)
                .expression_attribute_values(":pk", text(&partition))
                .expression_attribute_values(":open", text(STATE_OPEN))
                .expression_attribute_values(":now", number(seconds(now)))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|error| {
                    self.failed("reading the open items", super::error::describe(&error))
                })?;
            for stored in output.items.unwrap_or_default() {
                match entry(&stored) {
                    Ok(Entry::Open(item)) => items.push(item),
                    Ok(Entry::Closed { .. }) => {}
                    // Left for its TTL to remove; one unreadable entry must not hide the rest.
                    Err(reason) => error!(
                        table = %self.table(),
                        partition = %partition,
                        %reason,
                        "ledger entry unreadable: not listed"
                    ),
                }
            }
            match output.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => break,
            }
        }
        Ok(items)
    }
}

fn seconds(at: DateTime<Utc>) -> u128 {
    u128::try_from(at.timestamp()).unwrap_or_default()
}

/// The stored form of `entry`.
fn attributes(partition: &str, entry: &Entry) -> HashMap<String, AttributeValue> {
    let id = entry.id();
    let mut stored = HashMap::from([
        (PARTITION_KEY.to_owned(), text(partition)),
        (SORT_KEY.to_owned(), text(id.to_string())),
        ("kind".to_owned(), text(id.kind.as_str())),
        ("key".to_owned(), text(&id.key)),
        ("event".to_owned(), text(entry.event())),
        ("at".to_owned(), text(entry.at().to_rfc3339())),
        (EXPIRES_AT.to_owned(), number(seconds(entry.expires_at()))),
    ]);
    match entry {
        Entry::Open(item) => {
            stored.insert("state".to_owned(), text(STATE_OPEN));
            stored.insert("title".to_owned(), text(&item.title));
            stored.insert("opened_by".to_owned(), text(&item.opened_by));
            stored.insert("opened_at".to_owned(), text(item.opened_at.to_rfc3339()));
            let optional = [
                ("account", item.account.clone()),
                ("deadline", item.deadline.map(|at| at.to_rfc3339())),
                ("value", item.value.clone()),
                ("link", item.link.clone()),
            ];
            for (name, value) in optional {
                if let Some(value) = value {
                    stored.insert(name.to_owned(), text(value));
                }
            }
        }
        Entry::Closed { .. } => {
            stored.insert("state".to_owned(), text(STATE_CLOSED));
        }
    }
    stored
}

/// An entry read back; `Err` names the entry and what is missing or wrong.
fn entry(stored: &HashMap<String, AttributeValue>) -> Result<Entry, String> {
    let optional = |name: &str| {
        stored
            .get(name)
            .and_then(|value| value.as_s().ok())
            .cloned()
    };
    let sk = optional(SORT_KEY).unwrap_or_else(|| "(no sort key)".to_owned());
    let string = |name: &str| -> Result<String, String> {
        optional(name).ok_or_else(|| format!("{sk}: {name} is missing or not a string"))
    };
    let time = |name: &str, value: String| -> Result<DateTime<Utc>, String> {
        DateTime::parse_from_rfc3339(&value)
            .map(|at| at.with_timezone(&Utc))
            .map_err(|error| format!("{sk}: {name} {value:?}: {error}"))
    };
    let id = ItemId::parse(&sk).map_err(|reason| format!("sk: {reason}"))?;
    match string("state")?.as_str() {
        STATE_OPEN => Ok(Entry::Open(OpenItem {
            id,
            account: optional("account"),
            title: string("title")?,
            deadline: optional("deadline")
                .map(|value| time("deadline", value))
                .transpose()?,
            value: optional("value"),
            link: optional("link"),
            opened_by: string("opened_by")?,
            opened_at: time("opened_at", string("opened_at")?)?,
        })),
        STATE_CLOSED => Ok(Entry::Closed {
            id,
            at: time("at", string("at")?)?,
            by: string("event")?,
        }),
        other => Err(format!("{sk}: state {other:?} is neither open nor closed")),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::ledger::Kind;

    #[test]
    fn entries_read_back_as_they_were_stored() {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 1, 9, 30, 0)
            .single()
            .unwrap_or_default();
        let open = Entry::Open(OpenItem {
            id: ItemId::new(Kind::AgreementEnding, "agmt-1"),
            account: Some("Acme (111122223333)".to_owned()),
            title: "Agreement agmt-1 ends unless renewed".to_owned(),
            deadline: Some(at + chrono::TimeDelta::days(30)),
            value: Some("USD 1200.00".to_owned()),
            link: None,
            opened_by: "e-1".to_owned(),
            opened_at: at,
        });
        let closed = Entry::Closed {
            id: ItemId::new(Kind::SecurityReport, "111122223333"),
            at,
            by: "e-2".to_owned(),
        };
        for stored in [open, closed] {
            let attributes = attributes("f#open-items", &stored);
            assert_eq!(entry(&attributes), Ok(stored.clone()));
            assert_eq!(
                attributes.get(EXPIRES_AT),
                Some(&number(seconds(stored.expires_at())))
            );
        }
        let mut broken = attributes(
            "f#open-items",
            &Entry::Closed {
                id: ItemId::new(Kind::AwsReferral, "x"),
                at,
                by: "e".to_owned(),
            },
        );
        broken.insert("state".to_owned(), text("half"));
        let error = entry(&broken).unwrap_err();
        assert!(
            error.contains("aws-referral#x") && error.contains("\"half\""),
            "{error}"
        );
    }
}
