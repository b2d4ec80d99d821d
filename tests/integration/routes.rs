//! Routes and digests end to end: the function binary under the Lambda Runtime API emulator,
//! configured with `ROUTES` and `DIGEST_TABLE_NAME`, publishing to moto's SNS and queueing in
//! moto's DynamoDB. What needs action is published at once, `info` waits for the daily digest,
//! the rest matches no route; a digest invocation publishes one digest per destination with
//! exactly the queued events, once; a failed digest publish leaves them for the next; two
//! digest invocations at once publish one digest. Needs `MOTO_ENDPOINT` (`make test`).

use std::collections::BTreeMap;

use hyper::StatusCode;
use marketplace_catalog_notifier::config::{
    DIGEST_TABLE_VARIABLE, ENRICH_AGREEMENTS_VARIABLE, ENRICH_COSELL_VARIABLE, ENRICH_VARIABLE,
    ROUTES_VARIABLE, TopicKind,
};
use serde_json::{Value, json};

use crate::support::fault_proxy::{Fault, FaultProxy};
use crate::support::lambda::{Lambda, Reply};
use crate::support::moto::{self, Families, Moto, Queue};
use crate::support::{WAIT, contract, digest_table, sample_events, unique_name};

/// What needs action goes out at once; `info` waits for the daily digest; nothing else
/// matches (so those events are answered `skipped`).
const ROUTES: &str = r#"{"routes": [
  {"match": {"action_required": ["true"]}, "to": ["family"]},
  {"match": {"severity": ["info"]}, "to": ["family"], "cadence": "daily"}
]}"#;

struct World {
    moto: Moto,
    table: String,
    families: Families,
}

impl World {
    async fn new() -> Self {
        let moto = Moto::connect().await;
        let dynamodb = aws_sdk_dynamodb::Client::new(&moto.config);
        let table = unique_name("digests");
        digest_table::create(&dynamodb, &table).await;
        let families = moto.families(true).await;
        Self {
            moto,
            table,
            families,
        }
    }

    fn env(&self, routes: &str) -> Vec<(String, String)> {
        let mut env = moto::process_env();
        env.extend(self.families.env());
        // moto has no Marketplace APIs; lookups have their own suites.
        env.push((ENRICH_VARIABLE.to_owned(), "false".to_owned()));
        env.push((ENRICH_AGREEMENTS_VARIABLE.to_owned(), "false".to_owned()));
        env.push((ENRICH_COSELL_VARIABLE.to_owned(), "false".to_owned()));
        env.push((ROUTES_VARIABLE.to_owned(), routes.to_owned()));
        env.push((DIGEST_TABLE_VARIABLE.to_owned(), self.table.clone()));
        env
    }

    fn queue(&self, kind: TopicKind) -> &Queue {
        self.families.queue(kind)
    }
}

/// How the contract says an event is routed by [`ROUTES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Now,
    Daily,
    Unmatched,
}

fn expected(payload: &Value) -> Expected {
    if contract::action_required(payload) == "true" {
        Expected::Now
    } else if contract::severity(payload) == "info" {
        Expected::Daily
    } else {
        Expected::Unmatched
    }
}

fn body(payload: &Value) -> Vec<u8> {
    serde_json::to_vec(payload).expect("a sample serialises")
}

fn digest_request(cadence: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({ "digest": cadence })).expect("JSON")
}

/// Topic ARN → number of items, from a digest answer.
fn published_items(answer: &Value) -> BTreeMap<String, u64> {
    answer["published"]
        .as_array()
        .unwrap_or_else(|| panic!("no published list in {answer}"))
        .iter()
        .map(|digest| {
            (
                digest["topicArn"].as_str().unwrap_or_default().to_owned(),
                digest["items"].as_u64().unwrap_or_default(),
            )
        })
        .collect()
}

/// Sends every sample through `lambda` and checks each answer against [`expected`];
/// returns topic ARN → the events queued for it.
async fn send_samples(world: &World, lambda: &mut Lambda) -> BTreeMap<String, Vec<String>> {
    let mut queued: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut published_now: BTreeMap<String, usize> = BTreeMap::new();
    for (name, payload) in sample_events() {
        let answer = lambda.invoke(body(&payload)).await.expect_response(&name);
        let topic = world
            .families
            .topic(contract::topic_kind(&payload))
            .to_string();
        match expected(&payload) {
            Expected::Now => {
                assert_eq!(answer["status"], "published", "{name}: {answer}");
                assert_eq!(answer["topicArn"], topic.as_str(), "{name}");
                assert!(answer.get("queued").is_none(), "{name}: {answer}");
                *published_now.entry(topic).or_default() += 1;
            }
            Expected::Daily => {
                assert_eq!(answer["status"], "queued", "{name}: {answer}");
                assert_eq!(answer["cadence"], "daily", "{name}: {answer}");
                assert_eq!(
                    answer["queued"],
                    json!([{"topicArn": topic, "format": "text", "cadence": "daily"}]),
                    "{name}"
                );
                queued
                    .entry(topic)
                    .or_default()
                    .push(contract::event_id(&payload).to_owned());
            }
            Expected::Unmatched => {
                assert_eq!(answer["status"], "skipped", "{name}: {answer}");
                let reason = answer["reason"].as_str().unwrap_or_default();
                assert!(
                    reason.starts_with("no route matches it"),
                    "{name}: {reason}"
                );
            }
        }
    }
    // Only what needs action reached the topics so far, each event once.
    for kind in world.families.kinds() {
        let topic = world.families.topic(kind).to_string();
        let now = published_now.get(&topic).copied().unwrap_or_default();
        let delivered = world
            .moto
            .take_exactly_deliveries(world.queue(kind), now, WAIT)
            .await;
        for delivery in &delivered {
            assert_eq!(delivery.attribute("action_required"), Some("true"));
        }
    }
    assert!(
        !queued.is_empty() && !published_now.is_empty(),
        "the samples must exercise both cadences"
    );
    queued
}

/// Every digest delivered to the family queues: topic ARN → (subject, body).
async fn receive_digests(
    world: &World,
    expected: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, (String, String)> {
    let mut digests = BTreeMap::new();
    for kind in world.families.kinds() {
        let topic = world.families.topic(kind).to_string();
        let count = usize::from(expected.contains_key(&topic));
        for delivery in world
            .moto
            .take_exactly_deliveries(world.queue(kind), count, WAIT)
            .await
        {
            assert_eq!(delivery.attribute("digest"), Some("daily"), "{topic}");
            assert_eq!(
                delivery.attribute("detail_type"),
                Some("Daily digest"),
                "{topic}"
            );
            digests.insert(
                topic.clone(),
                (
                    delivery.subject.clone().unwrap_or_default(),
                    delivery.message,
                ),
            );
        }
    }
    digests
}

#[tokio::test]
async fn action_goes_out_at_once_info_waits_for_one_digest_per_topic_sent_once() {
    let world = World::new().await;
    let mut lambda = Lambda::start(&world.env(ROUTES)).await;
    let queued = send_samples(&world, &mut lambda).await;

    let answer = lambda
        .invoke(digest_request("daily"))
        .await
        .expect_response("daily digest");
    assert_eq!(answer["status"], "digest");
    assert_eq!(answer["cadence"], "daily");
    let expected_items: BTreeMap<String, u64> = queued
        .iter()
        .map(|(topic, events)| (topic.clone(), events.len() as u64))
        .collect();
    assert_eq!(published_items(&answer), expected_items);

    let digests = receive_digests(&world, &queued).await;
    assert_eq!(digests.len(), queued.len());
    for (topic, (subject, message)) in &digests {
        let events = queued[topic].len();
        let noun = if events == 1 { "event" } else { "events" };
        assert_eq!(
            subject,
            &format!("Daily digest: {events} {noun}, 0 need action"),
            "{topic}"
        );
        // One listed line per queued event, none cut.
        let lines = message
            .lines()
            .filter(|line| line.starts_with("  - "))
            .count();
        assert_eq!(lines, events, "{topic}: {message}");
        assert!(!message.contains("more, left out"), "{topic}: {message}");
    }

    // Sent is sent: the same request again publishes nothing.
    let again = lambda
        .invoke(digest_request("daily"))
        .await
        .expect_response("second daily digest");
    assert_eq!(again["published"], json!([]), "{again}");
    // A queued event delivered again is recognised and not queued a second time.
    let (name, payload) = sample_events()
        .into_iter()
        .find(|(_, payload)| expected(payload) == Expected::Daily)
        .expect("an info sample");
    let redelivered = lambda.invoke(body(&payload)).await.expect_response(&name);
    assert_eq!(redelivered["status"], "queued", "{redelivered}");
    let third = lambda
        .invoke(digest_request("daily"))
        .await
        .expect_response("third daily digest");
    assert_eq!(third["published"], json!([]), "{third}");
    // Nothing was queued for the weekly digest.
    let weekly = lambda
        .invoke(digest_request("weekly"))
        .await
        .expect_response("weekly digest");
    assert_eq!(
        weekly,
        json!({"status": "digest", "cadence": "weekly", "published": []})
    );
    for kind in world.families.kinds() {
        assert_eq!(
            world.moto.message_count(world.queue(kind)).await,
            0,
            "{}",
            kind.name()
        );
    }
}

#[tokio::test]
async fn a_failed_digest_publish_leaves_its_items_for_the_next_invocation() {
    let world = World::new().await;
    let mut proxy = FaultProxy::start(&moto::endpoint()).await;
    proxy.set(Fault::PassThrough).await;
    let mut env = world.env(ROUTES);
    env.push(("AWS_ENDPOINT_URL_SNS".to_owned(), proxy.url()));
    let mut lambda = Lambda::start(&env).await;
    let queued = send_samples(&world, &mut lambda).await;

    proxy
        .set(Fault::sns_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Receiver",
            "InternalError",
            "injected",
        ))
        .await;
    match lambda.invoke(digest_request("daily")).await {
        Reply::Error {
            error_type,
            error_message,
        } => {
            assert_eq!(error_type, "PublishFailed", "{error_message}");
            assert!(error_message.contains("daily-digest"), "{error_message}");
        }
        other => panic!("a failed digest must fail the invocation, got {other:?}"),
    }
    for kind in world.families.kinds() {
        assert_eq!(world.moto.message_count(world.queue(kind)).await, 0);
    }

    proxy.set(Fault::PassThrough).await;
    let answer = lambda
        .invoke(digest_request("daily"))
        .await
        .expect_response("digest after the fault");
    let expected_items: BTreeMap<String, u64> = queued
        .iter()
        .map(|(topic, events)| (topic.clone(), events.len() as u64))
        .collect();
    assert_eq!(published_items(&answer), expected_items);
    assert_eq!(receive_digests(&world, &queued).await.len(), queued.len());
}

#[tokio::test]
async fn two_digest_invocations_at_once_publish_each_digest_once() {
    let world = World::new().await;
    // DynamoDB decides between two conditional writes to one item atomically; moto does
    // only when they reach it one after the other (see `Fault::OneAtATime`).
    let mut serializer = FaultProxy::start(&moto::endpoint()).await;
    serializer.set(Fault::OneAtATime).await;
    let mut env = world.env(ROUTES);
    env.push(("AWS_ENDPOINT_URL_DYNAMODB".to_owned(), serializer.url()));
    let mut first = Lambda::start(&env).await;
    let mut second = Lambda::start(&env).await;
    let queued = send_samples(&world, &mut first).await;

    let (a, b) = tokio::join!(
        first.invoke(digest_request("daily")),
        second.invoke(digest_request("daily"))
    );
    let mut total: BTreeMap<String, u64> = BTreeMap::new();
    for answer in [a.expect_response("first"), b.expect_response("second")] {
        for (topic, items) in published_items(&answer) {
            *total.entry(topic).or_default() += items;
        }
    }
    let expected_items: BTreeMap<String, u64> = queued
        .iter()
        .map(|(topic, events)| (topic.clone(), events.len() as u64))
        .collect();
    assert_eq!(total, expected_items, "every item in exactly one digest");
    assert_eq!(receive_digests(&world, &queued).await.len(), queued.len());
}

#[tokio::test]
async fn a_weekly_chat_route_that_continues_queues_beside_the_daily_one() {
    let world = World::new().await;
    let (team_topic, team_queue) = world.moto.topic_with_queue("team-chat").await;
    let routes = json!({"routes": [
        {"match": {"source": ["aws.agreement-marketplace"]},
         "to": [{"topic": team_topic.to_string(), "format": "chat"}],
         "cadence": "weekly", "continue": true},
        {"match": {}, "to": ["family"], "cadence": "daily"}
    ]})
    .to_string();
    let mut lambda = Lambda::start(&world.env(&routes)).await;
    let agreements: Vec<(String, Value)> = sample_events()
        .into_iter()
        .filter(|(_, payload)| payload["source"] == "aws.agreement-marketplace")
        .collect();
    let agreements_topic = world.families.topic(TopicKind::AGREEMENTS).to_string();
    for (name, payload) in &agreements {
        let answer = lambda.invoke(body(payload)).await.expect_response(name);
        assert_eq!(answer["status"], "queued", "{name}: {answer}");
        assert_eq!(answer["cadence"], "daily", "{name}: {answer}");
        assert_eq!(
            answer["queued"],
            json!([
                {"topicArn": team_topic.to_string(), "format": "chat", "cadence": "weekly"},
                {"topicArn": agreements_topic, "format": "text", "cadence": "daily"}
            ]),
            "{name}"
        );
    }
    let weekly = lambda
        .invoke(digest_request("weekly"))
        .await
        .expect_response("weekly digest");
    assert_eq!(
        published_items(&weekly),
        BTreeMap::from([(team_topic.to_string(), agreements.len() as u64)])
    );
    let delivered = world.moto.receive_exactly(&team_queue, 1, WAIT).await;
    let chat: Value = serde_json::from_str(&delivered[0].message).expect("chat JSON");
    assert_eq!(chat["version"], "1.0");
    assert_eq!(chat["source"], "custom");
    let title = chat["content"]["title"].as_str().unwrap_or_default();
    assert!(title.contains("Weekly digest"), "{title}");
    let description = chat["content"]["description"].as_str().unwrap_or_default();
    assert!(description.chars().count() <= 3_000, "{description}");
    // The daily digest has the same events on the family topic, in text.
    let daily = lambda
        .invoke(digest_request("daily"))
        .await
        .expect_response("daily digest");
    assert_eq!(
        published_items(&daily),
        BTreeMap::from([(agreements_topic, agreements.len() as u64)])
    );
}

#[tokio::test]
async fn a_mistake_in_routes_is_an_init_error_naming_the_route_and_field() {
    let world = World::new().await;
    let mut env = world.env(r#"{"routes": [{"match": {"sevrity": ["info"]}, "to": ["family"]}]}"#);
    env.retain(|(name, _)| name != DIGEST_TABLE_VARIABLE);
    let mut lambda = Lambda::start(&env).await;
    let (body, _, _) = lambda.expect_init_failure().await;
    let message = body["errorMessage"].as_str().unwrap_or_default();
    assert!(message.contains(ROUTES_VARIABLE), "{message}");
    assert!(
        message.contains("routes[0].match: unknown key \"sevrity\""),
        "{message}"
    );
}

/// Routes refuse match keys outside `ROUTE_KEYS`, so that list must hold every attribute a
/// notification carries: otherwise a route could not match what a filter policy can.
#[test]
fn every_attribute_a_sample_is_published_with_is_a_key_routes_accept() {
    use marketplace_catalog_notifier::lookup::Found;
    use marketplace_catalog_notifier::registry::MarketplaceEvent;
    use marketplace_catalog_notifier::render::{Renderer, TextRenderer};
    use marketplace_catalog_notifier::routing::ROUTE_KEYS;

    let mut seen = std::collections::BTreeSet::new();
    for (name, payload) in sample_events() {
        let event =
            MarketplaceEvent::parse(payload).unwrap_or_else(|error| panic!("{name}: {error}"));
        let notification = TextRenderer.render(&event.compose(&Found::Nothing));
        for (attribute, _) in notification.attributes().iter() {
            assert!(
                ROUTE_KEYS.contains(&attribute),
                "{name}: attribute {attribute:?} is not in ROUTE_KEYS"
            );
            seen.insert(attribute);
        }
    }
    // And the list names nothing no sample carries, besides `source` (the envelope's).
    for key in ROUTE_KEYS.iter().filter(|key| **key != "source") {
        assert!(
            seen.contains(key),
            "no sample carries {key:?}: is it still an attribute?"
        );
    }
}
