//! What the durable duplicate check adds to one event: the claim before the publish and the
//! completion after it (two DynamoDB round trips), against moto's DynamoDB on 127.0.0.1.
//! Run with `scripts/with-moto.sh cargo bench --bench durable_dedupe`; without
//! `MOTO_ENDPOINT` it says so and measures nothing. Not part of `make bench`, whose figures
//! need no server.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use marketplace_catalog_notifier::aws::DynamoDbStore;
use marketplace_catalog_notifier::dedupe::{Admission, DurableCheck, PayloadHash};
use serde_json::json;

// The suite's table creation, so both create the table the store expects the same way.
#[path = "../tests/integration/support/delivery_table.rs"]
mod delivery_table;

const CHANNEL: &str = "arn:aws:sns:us-east-1:123456789012:bench-change-sets";

fn claim_and_complete(c: &mut Criterion) {
    let Ok(endpoint) = std::env::var("MOTO_ENDPOINT") else {
        eprintln!("durable_dedupe: MOTO_ENDPOINT is not set; run under scripts/with-moto.sh");
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let table = format!("bench-deliveries-{}", std::process::id());
    let check = runtime.block_on(async {
        let config = marketplace_catalog_notifier::aws::load_sdk_config()
            .await
            .to_builder()
            .endpoint_url(endpoint)
            .build();
        delivery_table::create(&aws_sdk_dynamodb::Client::new(&config), &table).await;
        DurableCheck::new(
            Arc::new(DynamoDbStore::from_sdk_config(&config, &table)),
            "bench",
            Duration::from_secs(3_600),
        )
    });
    let payload = json!({"id": "bench", "detail": {"ChangeSetId": "cs-1"}});
    let hash = PayloadHash::of(&payload);
    let counter = AtomicU64::new(0);

    c.bench_function("durable check: claim + complete (moto DynamoDB)", |b| {
        b.iter(|| {
            // A new event each time, as in production: every claim is a first claim.
            let event_id = format!("event-{}", counter.fetch_add(1, Ordering::Relaxed));
            runtime.block_on(async {
                match check.admit(&event_id, CHANNEL, &hash, None).await {
                    Ok(Admission::Publish(held @ Some(_))) => {
                        check.published(black_box(held), "message-id").await;
                    }
                    other => panic!("expected a claim on a new event, got {other:?}"),
                }
            });
        });
    });
}

criterion_group!(benches, claim_and_complete);
criterion_main!(benches);
