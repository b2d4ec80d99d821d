//! The ledger of open items on moto's DynamoDB: the digest table keeps each item once,
//! applies a redelivered event once, keeps a closing that arrived first, and stores the TTL
//! the template's table expires items by. Needs `MOTO_ENDPOINT` (`make test`).

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{TimeDelta, Utc};
use marketplace_catalog_notifier::aws::{DIGEST_EXPIRES_AT, DigestTable, ledger_partition};
use marketplace_catalog_notifier::digest::DigestStore;
use marketplace_catalog_notifier::ledger::{Closing, ItemId, Kind, LedgerChange, OpenItem};

use crate::support::moto::Moto;
use crate::support::{digest_table, unique_name};

fn item(kind: Kind, key: &str, event: &str, deadline_days: Option<i64>) -> OpenItem {
    let opened_at = Utc::now();
    OpenItem {
        id: ItemId::new(kind, key),
        account: Some("123456789012".to_owned()),
        title: format!("{kind} {key}"),
        deadline: deadline_days.map(|days| opened_at + TimeDelta::days(days)),
        value: None,
        link: Some("https://aws.amazon.com/marketplace/management/".to_owned()),
        opened_by: event.to_owned(),
        opened_at,
    }
}

fn close(kind: Kind, key: &str, event: &str) -> LedgerChange {
    LedgerChange::Close(Closing {
        id: ItemId::new(kind, key),
        by: event.to_owned(),
        at: Utc::now(),
    })
}

#[tokio::test]
async fn the_digest_table_keeps_the_ledger_once_per_item() {
    let moto = Moto::connect().await;
    let dynamodb = aws_sdk_dynamodb::Client::new(&moto.config);
    let table = unique_name("ledger");
    digest_table::create(&dynamodb, &table).await;
    let store = DigestTable::from_sdk_config(&moto.config, &table, "notifier-fn");

    let request = item(Kind::CancellationRequest, "acr-1", "e-1", Some(7));
    let opening = LedgerChange::Open(request.clone());
    assert!(store.apply_ledger(&opening).await.unwrap());
    // The same event again changes nothing.
    assert!(!store.apply_ledger(&opening).await.unwrap());
    // A closing that arrives before its opening keeps the item closed.
    assert!(
        store
            .apply_ledger(&close(Kind::AwsReferral, "engi-1", "e-2"))
            .await
            .unwrap()
    );
    let referral = LedgerChange::Open(item(Kind::AwsReferral, "engi-1", "e-3", Some(10)));
    assert!(!store.apply_ledger(&referral).await.unwrap());
    let paused = LedgerChange::Open(item(Kind::PausedDisbursement, "pi-1", "e-4", None));
    assert!(store.apply_ledger(&paused).await.unwrap());

    let mut open = store.open_items().await.unwrap();
    open.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(
        open.iter()
            .map(|item| item.id.to_string())
            .collect::<Vec<_>>(),
        ["cancellation-request#acr-1", "paused-disbursement#pi-1"]
    );
    assert_eq!(open[0], request);

    // The TTL: 30 days past the deadline, or past the opening without one.
    let stored = dynamodb
        .query()
        .table_name(&table)
        .key_condition_expression("pk = :pk")
        .expression_attribute_values(":pk", AttributeValue::S(ledger_partition("notifier-fn")))
        .send()
        .await
        .unwrap()
        .items
        .unwrap_or_default();
    assert_eq!(stored.len(), 3, "two open items and one closed marker");
    for entry in &stored {
        let sk = entry["sk"].as_s().unwrap();
        let expires: i64 = entry[DIGEST_EXPIRES_AT].as_n().unwrap().parse().unwrap();
        let expected = match sk.as_str() {
            "cancellation-request#acr-1" => request.deadline.unwrap() + TimeDelta::days(30),
            _ => Utc::now() + TimeDelta::days(30),
        };
        assert!(
            (expires - expected.timestamp()).abs() < 120,
            "{sk}: expires {expires}, expected about {}",
            expected.timestamp()
        );
    }

    // Its answer closes the request; once closed, it is not listed.
    assert!(
        store
            .apply_ledger(&close(Kind::CancellationRequest, "acr-1", "e-5"))
            .await
            .unwrap()
    );
    let open = store.open_items().await.unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    // Another function sharing the table sees none of it.
    let other = DigestTable::from_sdk_config(&moto.config, &table, "other-fn");
    assert!(other.open_items().await.unwrap().is_empty());
}
