//! The durable duplicate check across instances, on moto's DynamoDB: separate processes of
//! the notifier (each under its own Lambda Runtime API emulator, support/lambda.rs)
//! share one delivery table and publish each event exactly once between them; a failed
//! publish releases its claim, an abandoned claim is taken over, an unreachable table still
//! lets the event out (with a warning), and a reused id with another payload is refused.
//! Needs `MOTO_ENDPOINT` (`make test`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::types::AttributeValue;
use marketplace_catalog_notifier::config::{
    DEDUPE_TABLE_VARIABLE, ENRICH_VARIABLE, TopicArn, TopicKind,
};
use marketplace_catalog_notifier::dedupe::PayloadHash;
use serde_json::{Value, json};

use crate::support::delivery_table;
use crate::support::fault_proxy::{Fault, FaultProxy};
use crate::support::lambda::{Lambda, Reply};
use crate::support::moto::{self, Families, Moto};
use crate::support::{WAIT, sample_event, unique_name};

/// The name support/lambda.rs gives every process, as Lambda would.
const FUNCTION_NAME: &str = "marketplace-catalog-notifier-test";

/// Races of two instances on one event.
const RACES: usize = 50;

/// A change-set event: it goes to the change-sets topic.
const SAMPLE: &str = "change-set-succeeded.json";

struct World {
    moto: Moto,
    dynamodb: aws_sdk_dynamodb::Client,
    table: String,
    families: Families,
}

impl World {
    async fn new() -> Self {
        let moto = Moto::connect().await;
        let dynamodb = aws_sdk_dynamodb::Client::new(&moto.config);
        let table = unique_name("deliveries");
        delivery_table::create(&dynamodb, &table).await;
        let families = moto.families(false).await;
        Self {
            moto,
            dynamodb,
            table,
            families,
        }
    }

    /// The environment of a process publishing to these topics with the check on.
    fn env(&self) -> Vec<(String, String)> {
        let mut env = moto::process_env();
        env.extend(self.families.env());
        // moto has no Marketplace Catalog API; enrichment has its own tests.
        env.push((ENRICH_VARIABLE.to_owned(), "false".to_owned()));
        env.push((DEDUPE_TABLE_VARIABLE.to_owned(), self.table.clone()));
        env
    }

    fn topic(&self) -> &TopicArn {
        self.families.topic(TopicKind::CHANGE_SETS)
    }

    fn record_id(&self, event_id: &str) -> String {
        format!("{FUNCTION_NAME}#{}#{event_id}", self.topic())
    }

    async fn record(
        &self,
        event_id: &str,
    ) -> Option<std::collections::HashMap<String, AttributeValue>> {
        self.dynamodb
            .get_item()
            .table_name(&self.table)
            .key("id", AttributeValue::S(self.record_id(event_id)))
            .consistent_read(true)
            .send()
            .await
            .unwrap_or_else(|error| panic!("GetItem: {error:?}"))
            .item
    }

    /// Writes the in-progress record an instance leaves behind, expiring at `expiry`.
    async fn put_claim(&self, event: &Value, expiry: SystemTime) {
        let event_id = event["id"].as_str().expect("an id");
        let millis = expiry
            .duration_since(UNIX_EPOCH)
            .expect("after 1970")
            .as_millis();
        self.dynamodb
            .put_item()
            .table_name(&self.table)
            .item("id", AttributeValue::S(self.record_id(event_id)))
            .item("status", AttributeValue::S("IN_PROGRESS".into()))
            .item(
                "payload_hash",
                AttributeValue::S(PayloadHash::of(event).as_str().to_owned()),
            )
            .item("in_progress_expiry", AttributeValue::N(millis.to_string()))
            .item(
                "expiration",
                AttributeValue::N((millis / 1_000 + 86_400).to_string()),
            )
            .send()
            .await
            .unwrap_or_else(|error| panic!("PutItem: {error:?}"));
    }

    async fn published_count(&self) -> usize {
        self.moto
            .message_count(self.families.queue(TopicKind::CHANGE_SETS))
            .await
    }
}

fn event_with_id(id: &str) -> Value {
    let mut event = sample_event(SAMPLE);
    event["id"] = json!(id);
    event
}

fn bytes(event: &Value) -> Vec<u8> {
    serde_json::to_vec(event).expect("JSON serialises")
}

/// The event's JSON text with its top-level keys in reverse order.
fn reversed_key_order(event: &Value) -> Vec<u8> {
    let object = event.as_object().expect("an object");
    let fields: Vec<String> = object
        .iter()
        .rev()
        .map(|(key, value)| format!("{} : {value}", json!(key)))
        .collect();
    format!("{{ {} }}", fields.join(" , ")).into_bytes()
}

fn text<'a>(item: &'a std::collections::HashMap<String, AttributeValue>, name: &str) -> &'a str {
    item.get(name)
        .and_then(|value| value.as_s().ok())
        .map(String::as_str)
        .unwrap_or_else(|| panic!("the record has no string {name}: {item:?}"))
}

fn status_of(body: &Value) -> &str {
    body["status"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn two_instances_racing_on_one_event_publish_it_exactly_once() {
    let world = World::new().await;
    // DynamoDB decides between two conditional writes to one item atomically; moto does
    // only when they reach it one after the other (see `Fault::OneAtATime`).
    let mut serializer = FaultProxy::start(&moto::endpoint()).await;
    serializer.set(Fault::OneAtATime).await;
    let mut env = world.env();
    env.push(("AWS_ENDPOINT_URL_DYNAMODB".to_owned(), serializer.url()));
    // Two instances, kept warm across the races as Lambda keeps them; every race uses a
    // new event id, so neither instance's own memory knows it.
    let mut first = Lambda::start(&env).await;
    let mut second = Lambda::start(&env).await;
    let mut retried = 0;
    for race in 0..RACES {
        let event = event_with_id(&format!("race-{race}-{}", unique_name("e")));
        let payload = bytes(&event);
        let (a, b) = tokio::join!(
            first.invoke(payload.clone()),
            second.invoke(payload.clone())
        );

        let mut published = Vec::new();
        let mut losers = Vec::new();
        for (index, reply) in [a, b].into_iter().enumerate() {
            match reply {
                Reply::Response(body) if status_of(&body) == "published" => {
                    published.push(body["messageId"].as_str().unwrap_or_default().to_owned());
                }
                Reply::Response(body) if status_of(&body) == "duplicate" => {
                    losers.push((index, Some(body)));
                }
                Reply::Error { error_type, .. } if error_type == "DeliveryInProgress" => {
                    losers.push((index, None));
                }
                other => panic!("race {race}: instance {index} answered {other:?}"),
            }
        }
        assert_eq!(
            published.len(),
            1,
            "race {race}: {} instances published",
            published.len()
        );
        let winner_message_id = &published[0];
        for (index, duplicate) in losers {
            let body = match duplicate {
                Some(body) => body,
                // Lambda retries the failed invocation; by then the record is complete.
                None => {
                    retried += 1;
                    let lambda = if index == 0 { &mut first } else { &mut second };
                    lambda
                        .invoke(payload.clone())
                        .await
                        .expect_response(&format!("race {race}: retry on instance {index}"))
                }
            };
            assert_eq!(status_of(&body), "duplicate", "race {race}: {body}");
            assert_eq!(
                body["messageId"].as_str(),
                Some(winner_message_id.as_str()),
                "race {race}: the duplicate must name the first publish"
            );
        }
    }
    let deliveries = world
        .moto
        .receive_exactly(world.families.queue(TopicKind::CHANGE_SETS), RACES, WAIT)
        .await;
    assert_eq!(deliveries.len(), RACES);
    eprintln!("{RACES} races: {retried} losers failed retryably and got `duplicate` on retry");
}

#[tokio::test]
async fn a_failed_publish_releases_the_claim_and_the_retry_publishes_once() {
    let world = World::new().await;
    let mut proxy = FaultProxy::start(&moto::endpoint()).await;
    let mut env = world.env();
    // Only SNS goes through the proxy; DynamoDB stays reachable.
    env.push(("AWS_ENDPOINT_URL_SNS".to_owned(), proxy.url()));
    let mut lambda = Lambda::start(&env).await;
    let event = event_with_id(&unique_name("publish-fails"));
    let event_id = event["id"].as_str().expect("an id");

    proxy.set(Fault::Closed).await;
    let (error_type, message) = lambda
        .invoke(bytes(&event))
        .await
        .expect_error("publish while SNS is unreachable");
    assert_eq!(error_type, "PublishFailed", "{message}");
    assert!(message.contains(event_id), "{message}");
    assert_eq!(
        world.record(event_id).await,
        None,
        "the failed delivery's claim must be released"
    );

    proxy.set(Fault::PassThrough).await;
    let body = lambda.invoke(bytes(&event)).await.expect_response("retry");
    assert_eq!(status_of(&body), "published", "{body}");
    let record = world.record(event_id).await.expect("a completed record");
    assert_eq!(text(&record, "status"), "COMPLETED");
    assert_eq!(
        Some(text(&record, "message_id")),
        body["messageId"].as_str()
    );

    // Another instance receiving the same event later sees the record.
    let mut other = Lambda::start(&env).await;
    let again = other
        .invoke(bytes(&event))
        .await
        .expect_response("redelivery");
    assert_eq!(status_of(&again), "duplicate", "{again}");
    assert_eq!(world.published_count().await, 1);
}

#[tokio::test]
async fn an_abandoned_claim_is_taken_over_once_expired_and_refused_before() {
    let world = World::new().await;
    let mut lambda = Lambda::start(&world.env()).await;

    // An instance that claimed and then died: its claim has expired.
    let abandoned = event_with_id(&unique_name("abandoned"));
    let abandoned_id = abandoned["id"].as_str().expect("an id");
    world
        .put_claim(&abandoned, SystemTime::now() - Duration::from_secs(5))
        .await;
    let body = lambda
        .invoke(bytes(&abandoned))
        .await
        .expect_response("an expired claim");
    assert_eq!(status_of(&body), "published", "{body}");
    let record = world.record(abandoned_id).await.expect("a record");
    assert_eq!(text(&record, "status"), "COMPLETED");
    assert_eq!(
        Some(text(&record, "message_id")),
        body["messageId"].as_str()
    );

    // An instance that is still publishing: its claim holds, and this delivery fails
    // retryably, publishing nothing.
    let held = event_with_id(&unique_name("held"));
    let held_id = held["id"].as_str().expect("an id");
    world
        .put_claim(&held, SystemTime::now() + Duration::from_secs(60))
        .await;
    let (error_type, message) = lambda
        .invoke(bytes(&held))
        .await
        .expect_error("an unexpired claim");
    assert_eq!(error_type, "DeliveryInProgress", "{message}");
    assert!(message.contains(held_id), "{message}");
    assert_eq!(world.published_count().await, 1);
}

#[tokio::test]
async fn an_unreachable_table_still_publishes_and_warns() {
    let world = World::new().await;
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port");
    let mut env = world.env();
    env.push((
        "AWS_ENDPOINT_URL_DYNAMODB".to_owned(),
        format!("http://{closed}"),
    ));
    let mut lambda = Lambda::start(&env).await;
    let event = event_with_id(&unique_name("no-table"));

    let body = lambda
        .invoke(bytes(&event))
        .await
        .expect_response("DynamoDB unreachable");
    assert_eq!(status_of(&body), "published", "{body}");
    lambda
        .wait_for_stdout("durable duplicate check unavailable; publishing without it")
        .await;
    lambda.wait_for_stdout("could not reach the endpoint").await;
    assert_eq!(world.published_count().await, 1);
}

#[tokio::test]
async fn a_reused_id_with_another_payload_is_refused() {
    let world = World::new().await;
    let env = world.env();
    let mut first = Lambda::start(&env).await;
    let mut second = Lambda::start(&env).await;
    let event = event_with_id(&unique_name("reused"));
    let event_id = event["id"].as_str().expect("an id");
    let body = first.invoke(bytes(&event)).await.expect_response("first");
    assert_eq!(status_of(&body), "published", "{body}");

    // The same id on another instance, with keys in another order and other spacing: the
    // same payload.
    let same = second
        .invoke(reversed_key_order(&event))
        .await
        .expect_response("same payload, other text");
    assert_eq!(status_of(&same), "duplicate", "{same}");

    // Another payload under the id: refused by both, including the instance that published
    // the first one and remembers it.
    let mut changed = event.clone();
    changed["detail"]["ChangeSetName"] = json!("a different change set");
    for (name, lambda) in [("publisher", &mut first), ("other", &mut second)] {
        let (error_type, message) = lambda
            .invoke(bytes(&changed))
            .await
            .expect_error(&format!("another payload on the {name} instance"));
        assert_eq!(error_type, "PayloadMismatch", "{name}: {message}");
        assert!(message.contains(event_id), "{name}: {message}");
    }
    assert_eq!(world.published_count().await, 1);
}
