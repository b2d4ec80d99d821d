//! The notifier binary run as Lambda runs it: a Lambda Runtime API emulator on 127.0.0.1
//! (tests/integration/support/lambda.rs) feeds it invocations and records what it posts back, while it
//! publishes to moto topics through `AWS_ENDPOINT_URL`, with an SQS queue on each topic.
//!
//! Cargo builds the binary in the test profile for these tests; the release bootstrap is
//! built by the template checks. Tests that publish need `MOTO_ENDPOINT` (`make test`).

use std::collections::BTreeMap;

use marketplace_catalog_notifier::config::{
    DEDUPE_TABLE_VARIABLE, ENRICH_AGREEMENTS_VARIABLE, ENRICH_COSELL_VARIABLE, ENRICH_VARIABLE,
    TopicArn, TopicKind,
};
use marketplace_catalog_notifier::event::MISSING_EVENT_ID;
use marketplace_catalog_notifier::publish::readable;
use marketplace_catalog_notifier::registry::MarketplaceEvent;
use marketplace_catalog_notifier::render::TextRenderer;
use serde_json::{Value, json};

use crate::support::delivery_table;
use crate::support::lambda::Lambda;
use crate::support::moto::{self, Moto};
use crate::support::{WAIT, bytes, contract, invalid_fixtures, sample_event, sample_events};

/// The sample held back until after the bad inputs, to show the process still publishes.
const AFTER_ERRORS: &str = "change-set-succeeded.json";

/// An input the function must reject, and what its error must say.
struct BadInput {
    label: String,
    payload: Vec<u8>,
    /// The notifier's own `errorType`.
    error_type: &'static str,
    /// Text the `errorMessage` must contain: the event id and field where there is one.
    mentions: Vec<String>,
}

/// The rejected inputs: the two invalid-JSON fixtures, bytes that are not UTF-8, an event
/// from another source, a Change Set Failed without its FailureCode, and an empty object.
fn bad_inputs() -> Vec<BadInput> {
    let mut inputs: Vec<BadInput> = invalid_fixtures()
        .into_iter()
        .map(|(file, payload)| BadInput {
            label: file,
            payload,
            // The handler reads the body itself: the id before the break is named.
            error_type: "InvalidEnvelope",
            mentions: vec![
                "01234567-0123-0123-0123-0123456789ab".to_owned(),
                "not valid JSON".to_owned(),
                "line 1 column".to_owned(),
            ],
        })
        .collect();

    let mut not_utf8 = bytes(&sample_event("change-set-succeeded.json"));
    not_utf8.splice(0..0, *b"\xff");
    inputs.push(BadInput {
        label: "a body that is not UTF-8".to_owned(),
        payload: not_utf8,
        error_type: "InvalidEnvelope",
        mentions: vec!["not UTF-8 text".to_owned(), "index 0".to_owned()],
    });

    let mut other_source = sample_event("change-set-succeeded.json");
    other_source["id"] = json!("b0d5c1e2-0000-4000-8000-0000000000aa");
    other_source["source"] = json!("aws.ec2");
    inputs.push(BadInput {
        label: "an event from aws.ec2".to_owned(),
        payload: bytes(&other_source),
        error_type: "UnsupportedSource",
        mentions: vec![
            "b0d5c1e2-0000-4000-8000-0000000000aa".to_owned(),
            "\"aws.ec2\"".to_owned(),
        ],
    });

    let mut no_failure_code = sample_event("change-set-failed-client-error.json");
    no_failure_code["id"] = json!("b0d5c1e2-0000-4000-8000-0000000000bb");
    no_failure_code["detail"]
        .as_object_mut()
        .expect("a detail object")
        .remove("FailureCode");
    inputs.push(BadInput {
        label: "Change Set Failed without FailureCode".to_owned(),
        payload: bytes(&no_failure_code),
        error_type: "InvalidDetail",
        mentions: vec![
            "b0d5c1e2-0000-4000-8000-0000000000bb".to_owned(),
            "detail.FailureCode".to_owned(),
        ],
    });

    inputs.push(BadInput {
        label: "{}".to_owned(),
        payload: b"{}".to_vec(),
        error_type: "InvalidEnvelope",
        mentions: vec![MISSING_EVENT_ID.to_owned(), "missing field".to_owned()],
    });
    inputs
}

#[tokio::test]
async fn publishes_every_sample_rejects_bad_input_and_keeps_serving() {
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let mut env = moto::process_env();
    env.extend(families.env());
    // moto has no Marketplace Catalog, Agreement or Partner Central API to enrich from
    // (enrichment has its own tests: change_set_details.rs, agreement_details.rs,
    // cosell_details.rs); off,
    // the body is exactly `registry::render_text`'s.
    env.push((ENRICH_VARIABLE.to_owned(), "false".to_owned()));
    env.push((ENRICH_AGREEMENTS_VARIABLE.to_owned(), "false".to_owned()));
    env.push((ENRICH_COSELL_VARIABLE.to_owned(), "false".to_owned()));
    let mut lambda = Lambda::start(&env).await;

    let (held_back, first): (Vec<_>, Vec<_>) = sample_events()
        .into_iter()
        .partition(|(file, _)| file == AFTER_ERRORS);
    assert_eq!(held_back.len(), 1, "events/{AFTER_ERRORS} is missing");

    // file → (family, payload, message id the function reported)
    let mut sent: BTreeMap<String, (TopicKind, Value, String)> = BTreeMap::new();
    let mut publish = async |lambda: &mut Lambda, file: String, payload: Value| {
        let kind = contract::topic_kind(&payload);
        let topic = families.topics.arn_for(kind).expect("a topic per family");
        let reply = lambda.invoke(bytes(&payload)).await.expect_response(&file);
        let message_id = reply["messageId"].clone();
        assert!(
            message_id.as_str().is_some_and(|id| !id.is_empty()),
            "{file}: no message id in {reply}"
        );
        assert_eq!(
            reply,
            contract::published_reply(&payload, topic, &message_id),
            "{file}"
        );
        let message_id = message_id.as_str().unwrap_or_default().to_owned();
        sent.insert(file, (kind, payload, message_id));
    };

    for (file, payload) in first {
        publish(&mut lambda, file, payload).await;
    }
    for bad in bad_inputs() {
        let (error_type, message) = lambda.invoke(bad.payload).await.expect_error(&bad.label);
        assert_eq!(error_type, bad.error_type, "{}: {message}", bad.label);
        for needle in &bad.mentions {
            assert!(
                message.contains(needle.as_str()),
                "{}: the error should mention {needle:?}: {message}",
                bad.label
            );
        }
    }
    for (file, payload) in held_back {
        publish(&mut lambda, file, payload).await;
    }

    // Each queue holds exactly its family's notifications, each once, as rendered.
    for kind in families.kinds() {
        let expected: Vec<_> = sent
            .iter()
            .filter(|(_, (sent_kind, _, _))| *sent_kind == kind)
            .collect();
        let deliveries = moto
            .receive_exactly(families.queue(kind), expected.len(), WAIT)
            .await;
        let topic = families.topics.arn_for(kind).expect("a topic per family");
        for (file, (_, payload, message_id)) in expected {
            let delivery = deliveries
                .iter()
                .find(|delivery| &delivery.message_id == message_id)
                .unwrap_or_else(|| panic!("{file}: {message_id} not on the {} queue", kind.name()));
            let event = MarketplaceEvent::parse(payload.clone()).expect("a sample parses");
            delivery.assert_is(topic, &event.render(&TextRenderer), file);
            delivery.assert_contract_attributes(payload, file);
        }
    }
    // The emulator kept the connection alive, and the runtime's client reused it.
    let invocations = sent.len() + bad_inputs().len();
    assert!(
        lambda.api.connections() < invocations,
        "{} connections for {invocations} invocations",
        lambda.api.connections()
    );
}

#[tokio::test]
async fn unknown_detail_type_is_skipped_when_no_other_events_topic_is_set() {
    let moto = Moto::connect().await;
    let families = moto.families(false).await;
    let mut env = moto::process_env();
    env.extend(families.env());
    assert!(
        env.iter()
            .all(|(name, _)| name != TopicKind::OTHER.variable()),
        "the other-events topic must be unset here"
    );
    let mut lambda = Lambda::start(&env).await;
    let payload = sample_event("unknown-detail-type.json");

    let reply = lambda
        .invoke(bytes(&payload))
        .await
        .expect_response("unknown detail type");

    assert_eq!(reply["status"], "skipped", "{reply}");
    assert_eq!(reply["detailType"], contract::detail_type(&payload));
    assert_eq!(reply["eventId"], contract::event_id(&payload));
    let reason = reply["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("OTHER_EVENTS_TOPIC_ARN"), "{reply}");
    for kind in families.kinds() {
        assert_eq!(
            moto.message_count(families.queue(kind)).await,
            0,
            "nothing may be published to the {} topic",
            kind.name()
        );
    }
}

#[tokio::test]
async fn payout_and_cosell_events_are_skipped_when_their_topics_are_unset() {
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let mut env = moto::process_env();
    env.extend(families.env().into_iter().filter(|(name, _)| {
        name != TopicKind::PAYMENTS.variable() && name != TopicKind::COSELL.variable()
    }));
    // The function starts without either variable.
    let mut lambda = Lambda::start(&env).await;
    for (sample, variable) in [
        ("disbursement-paused.json", TopicKind::PAYMENTS.variable()),
        (
            "cosell-engagement-invitation-created.json",
            TopicKind::COSELL.variable(),
        ),
    ] {
        let payload = sample_event(sample);
        let reply = lambda.invoke(bytes(&payload)).await.expect_response(sample);
        assert_eq!(reply["status"], "skipped", "{sample}: {reply}");
        assert_eq!(reply["eventId"], contract::event_id(&payload));
        let reason = reply["reason"].as_str().unwrap_or_default();
        assert!(reason.contains(variable), "{sample}: {reply}");
    }
    for kind in families.kinds() {
        assert_eq!(
            moto.message_count(families.queue(kind)).await,
            0,
            "nothing may be published to the {} topic",
            kind.name()
        );
    }
}

#[tokio::test]
async fn missing_security_topic_stops_init_naming_the_variable() {
    let env: Vec<(String, String)> = [
        (
            "OFFERS_TOPIC_ARN",
            "arn:aws:sns:us-east-1:123456789012:offers",
        ),
        (
            "CHANGE_SETS_TOPIC_ARN",
            "arn:aws:sns:us-east-1:123456789012:change-sets",
        ),
        ("AWS_REGION", "us-east-1"),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect();
    let mut lambda = Lambda::start(&env).await;

    let (body, header, status) = lambda.expect_init_failure().await;

    assert_eq!(body["errorType"], "InvalidConfiguration", "{body}");
    let message = body["errorMessage"].as_str().unwrap_or_default();
    assert!(message.contains("SECURITY_TOPIC_ARN"), "{body}");
    assert_eq!(header.as_deref(), Some("InvalidConfiguration"));
    assert!(
        !status.success(),
        "the process must exit non-zero: {status}"
    );
    assert_eq!(
        lambda.api.next_calls(),
        0,
        "it must not ask for invocations"
    );
}

#[tokio::test]
async fn dry_run_serves_without_topics_and_prints_the_notification() {
    let env = vec![("NOTIFIER_DRY_RUN".to_owned(), "true".to_owned())];
    let mut lambda = Lambda::start(&env).await;
    let file = "change-set-failed-client-error.json";
    let payload = sample_event(file);

    let reply = lambda.invoke(bytes(&payload)).await.expect_response(file);

    let topic = TopicArn::parse("arn:aws:sns:us-east-1:000000000000:dry-run-change-sets")
        .expect("the dry-run placeholder is a valid ARN");
    assert_eq!(
        reply,
        contract::published_reply(&payload, &topic, "dry-run-1")
    );
    let event = MarketplaceEvent::parse(payload).expect("a sample parses");
    lambda
        .wait_for_stdout(&readable(&topic, &event.render(&TextRenderer)))
        .await;
}

#[tokio::test]
async fn an_event_nested_past_the_limit_is_refused_at_the_front_with_or_without_the_durable_check()
{
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let table = crate::support::unique_name("deep");
    delivery_table::create(&aws_sdk_dynamodb::Client::new(&moto.config), &table).await;
    // 203 levels deep: past serde_json's own limit, so no later reader could parse it.
    let deep = std::fs::read(
        crate::support::root().join("tests/hostile/nesting-past-the-parser-limit.json"),
    )
    .expect("the hostile fixture reads");
    for durable in [false, true] {
        let mut env = moto::process_env();
        env.extend(families.env());
        if durable {
            env.push((DEDUPE_TABLE_VARIABLE.to_owned(), table.clone()));
        }
        let mut lambda = Lambda::start(&env).await;
        let (error_type, message) = lambda
            .invoke(deep.clone())
            .await
            .expect_error("a 203-deep event");
        assert_eq!(
            error_type, "InvalidEvent",
            "durable check {durable}: {message}"
        );
        assert!(message.contains("at most 120"), "{message}");
        assert!(
            message.contains("9b2f1c3e-7a41-4d0e-9c55-2f8e6b1a0d11"),
            "{message}"
        );
        // The function keeps serving: the next event is published.
        let reply = lambda
            .invoke(bytes(&sample_event("change-set-succeeded.json")))
            .await
            .expect_response("the next event");
        assert_eq!(
            reply["status"], "published",
            "durable check {durable}: {reply}"
        );
    }
}
