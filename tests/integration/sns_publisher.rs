//! The real [`SnsPublisher`] against an SNS-compatible server: moto on 127.0.0.1, started by
//! `make test` (scripts/with-moto.sh), with an SQS queue subscribed to every topic. Each test
//! publishes, reads the SNS envelopes back from the queues and compares subject, body and
//! message attributes with the rendered notification and with the contract.
//!
//! Without `MOTO_ENDPOINT` these tests fail and say to run `make test`.

use std::collections::{BTreeMap, BTreeSet};

use marketplace_catalog_notifier::aws::SnsPublisher;
use marketplace_catalog_notifier::config::{TopicArn, TopicKind, Topics};
use marketplace_catalog_notifier::families::catalog::offer::MAX_LISTED_BUYERS;
use marketplace_catalog_notifier::message::{Attributes, Severity};
use marketplace_catalog_notifier::notification::{
    Channel, MAX_MESSAGE_BYTES, Notification, Subject,
};
use marketplace_catalog_notifier::publish::Publisher;
use marketplace_catalog_notifier::{Notifier, NotifierError, Outcome};
use serde_json::{Value, json};

use crate::support::moto::{Delivery, Moto};
use crate::support::{WAIT, contract, render, sample_event, sample_events, unique_name};

/// One notification the test published, and where it went.
struct Sent {
    file: String,
    payload: Value,
    topic: TopicArn,
    message_id: String,
    notification: Notification,
}

/// Finds the delivery with SNS message id `message_id`.
fn delivery_with_id<'a>(deliveries: &'a [Delivery], message_id: &str, file: &str) -> &'a Delivery {
    deliveries
        .iter()
        .find(|delivery| delivery.message_id == message_id)
        .unwrap_or_else(|| panic!("{file}: message {message_id} is not on its family's queue"))
}

#[tokio::test]
async fn every_sample_event_reaches_its_familys_queue_and_no_other() {
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let notifier = Notifier::new(
        families.topics.clone(),
        SnsPublisher::from_sdk_config(&moto.config),
    );

    let mut sent: BTreeMap<&'static str, Vec<Sent>> = BTreeMap::new();
    for (file, payload) in sample_events() {
        let kind = contract::topic_kind(&payload);
        let topic = families
            .topics
            .arn_for(kind)
            .expect("every family has a topic")
            .clone();
        let outcome = notifier
            .handle(payload.clone())
            .await
            .unwrap_or_else(|error| panic!("{file}: {error}"));
        let (Outcome::Published { .. }, Some(message_id)) = (&outcome, outcome.message_id()) else {
            panic!("{file}: not published: {outcome:?}");
        };
        assert!(!message_id.is_empty(), "{file}: empty message id");
        assert_eq!(
            serde_json::to_value(&outcome).expect("an outcome serialises"),
            json!({
                "status": "published",
                "detailType": contract::detail_type(&payload),
                "eventId": contract::event_id(&payload),
                "topicArn": topic.as_str(),
                "messageId": message_id,
            }),
            "{file}: outcome"
        );
        let notification = render(&payload, &file);
        sent.entry(kind.name()).or_default().push(Sent {
            message_id: message_id.to_owned(),
            file,
            payload,
            topic,
            notification,
        });
    }

    for kind in families.kinds() {
        let expected = sent.get(kind.name()).map(Vec::as_slice).unwrap_or_default();
        assert!(
            !expected.is_empty(),
            "events/ has no sample for the {} topic",
            kind.name()
        );
        // Exactly as many messages as were sent to this family: none from another one.
        let deliveries = moto
            .receive_exactly(families.queue(kind), expected.len(), WAIT)
            .await;
        for sent in expected {
            let delivery = delivery_with_id(&deliveries, &sent.message_id, &sent.file);
            delivery.assert_is(&sent.topic, &sent.notification, &sent.file);
            delivery.assert_contract_attributes(&sent.payload, &sent.file);
        }
    }
}

#[tokio::test]
async fn publishing_to_a_topic_that_does_not_exist_fails_naming_topic_and_event() {
    let moto = Moto::connect().await;
    let arn = format!(
        "arn:aws:sns:us-east-1:123456789012:{}",
        unique_name("absent")
    );
    let absent = TopicArn::parse(&arn).expect("a well-formed ARN");
    let topics = TopicKind::ALL
        .into_iter()
        .filter(|kind| kind.is_required())
        .fold(Topics::new(), |all, kind| all.with(kind, absent.clone()));
    let notifier = Notifier::new(topics, SnsPublisher::from_sdk_config(&moto.config));
    let payload = sample_event("change-set-failed-client-error.json");
    let event_id = contract::event_id(&payload).to_owned();

    let error = notifier
        .handle(payload)
        .await
        .expect_err("publishing to a missing topic must fail the invocation");

    match &error {
        NotifierError::Publish {
            event_id: failed_event,
            topic_arn,
            reason,
        } => {
            assert_eq!(failed_event, &event_id);
            assert_eq!(topic_arn, &arn);
            // SNS's own code and message, not the SDK's debug dump of the raw response.
            assert!(reason.starts_with("NotFound"), "{reason}");
            assert!(
                reason.len() < 200 && !reason.contains("headers"),
                "{reason}"
            );
        }
        other => panic!("expected NotifierError::Publish, got {other:?}"),
    }
    assert_eq!(error.error_type(), "PublishFailed");
    let message = error.to_string();
    assert!(message.contains(&arn), "{message}");
    assert!(message.contains(&event_id), "{message}");
}

#[tokio::test]
async fn a_severity_filter_policy_receives_only_matching_notifications() {
    let moto = Moto::connect().await;
    let topic = moto.create_topic("severity").await;
    let urgent = moto.create_queue("urgent").await;
    let everything = moto.create_queue("everything").await;
    let policy = json!({"severity": ["error", "critical"]});
    moto.subscribe(&topic, &urgent, Some(&policy)).await;
    moto.subscribe(&topic, &everything, None).await;
    // Every family on the one topic, so every sample passes the filter or not.
    let topics = TopicKind::ALL
        .into_iter()
        .fold(Topics::new(), |all, kind| all.with(kind, topic.clone()));
    let notifier = Notifier::new(topics, SnsPublisher::from_sdk_config(&moto.config));

    let events = sample_events();
    let mut matching = BTreeSet::new();
    for (file, payload) in &events {
        notifier
            .handle(payload.clone())
            .await
            .unwrap_or_else(|error| panic!("{file}: {error}"));
        if matches!(contract::severity(payload), "error" | "critical") {
            matching.insert(contract::event_id(payload).to_owned());
        }
    }
    assert!(
        !matching.is_empty() && matching.len() < events.len(),
        "the samples should include both urgent and routine events"
    );

    let received = moto.receive_exactly(&urgent, matching.len(), WAIT).await;
    let received: BTreeSet<String> = received
        .iter()
        .map(|delivery| delivery.event_id().to_owned())
        .collect();
    assert_eq!(received, matching, "events that passed the filter");
    moto.receive_exactly(&everything, events.len(), WAIT).await;
}

/// Publishes one sample with the bare [`SnsPublisher`] to a fresh topic and returns the
/// rendered notification with what the topic's queue received, after checking that they
/// agree, that the contract's attributes are there and that SNS's limits hold.
async fn publish_alone(moto: &Moto, file: &str) -> (Notification, Delivery) {
    let (topic, queue) = moto.topic_with_queue("alone").await;
    let payload = sample_event(file);
    let notification = render(&payload, file);
    assert!(
        notification.size_in_bytes() <= MAX_MESSAGE_BYTES,
        "{file}: {} bytes",
        notification.size_in_bytes()
    );
    let message_id = SnsPublisher::from_sdk_config(&moto.config)
        .publish(&topic, &notification)
        .await
        .unwrap_or_else(|error| panic!("{file}: {error}"));

    let delivery = moto
        .receive_exactly(&queue, 1, WAIT)
        .await
        .pop()
        .expect("one delivery");
    assert_eq!(delivery.message_id, message_id, "{file}");
    delivery.assert_is(&topic, &notification, file);
    delivery.assert_contract_attributes(&payload, file);
    assert!(
        delivery.size_in_bytes() <= MAX_MESSAGE_BYTES,
        "{file}: delivered {} bytes",
        delivery.size_in_bytes()
    );
    let subject = delivery.subject.as_deref().expect("a subject");
    assert!(
        subject.encode_utf16().count() < 100 && !subject.chars().any(char::is_control),
        "{file}: subject breaks SNS rules: {subject:?}"
    );
    (notification, delivery)
}

#[tokio::test]
async fn the_30000_buyer_offer_arrives_with_its_buyer_list_cut_short() {
    let moto = Moto::connect().await;
    let file = "offer-released-30000-buyers.json";
    let (notification, delivery) = publish_alone(&moto, file).await;
    let payload = sample_event(file);
    let buyers: Vec<&str> = payload["detail"]["targetedBuyerAccountIds"]
        .as_array()
        .expect("a buyer list")
        .iter()
        .map(|buyer| buyer.as_str().expect("a buyer account id"))
        .collect();
    assert_eq!(buyers.len(), 30_000);
    let body = &delivery.message;
    assert!(body.contains("30000 accounts"), "the count is missing");
    assert!(body.contains(buyers[0]), "the first buyer is missing");
    let more = format!("... and {} more", buyers.len() - MAX_LISTED_BUYERS);
    assert!(body.contains(&more), "{more:?} is missing");
    assert!(
        !body.contains(buyers[buyers.len() - 1]),
        "the list was not cut"
    );
    assert_eq!(
        notification.truncated_bytes(),
        0,
        "cut by the list, not by size"
    );
}

#[tokio::test]
async fn hostile_seller_names_arrive_intact() {
    let moto = Moto::connect().await;
    let file = "offer-released-hostile-names.json";
    let (notification, delivery) = publish_alone(&moto, file).await;
    assert_eq!(notification.truncated_bytes(), 0);
    // The seller-written names reach the body with their emoji and non-Latin text.
    let payload = sample_event(file);
    let name = payload["detail"]["offer"]["name"]
        .as_str()
        .expect("an offer name");
    let words: Vec<&str> = name
        .split_whitespace()
        .filter(|word| !word.is_ascii())
        .collect();
    assert!(
        !words.is_empty(),
        "the hostile offer name has non-ASCII text"
    );
    for word in words {
        // Zero-width joiners (U+200D) are format characters, dropped from every
        // notification: a joined emoji sequence arrives as its separate emoji.
        let word = word.replace('\u{200D}', "");
        assert!(
            delivery.message.contains(&word),
            "{word:?} missing from the body"
        );
    }
}

#[tokio::test]
async fn a_body_cut_to_the_size_limit_is_accepted_and_arrives_whole() {
    let moto = Moto::connect().await;
    let (topic, queue) = moto.topic_with_queue("cut").await;
    let attributes = Attributes::new()
        .with("detail_type", "Entity Archived")
        .with("event_id", "c0ffee00-0000-4000-8000-000000000001");
    // 400,000 bytes of two-byte characters: far over the limit, and cut mid-way.
    let body = "é".repeat(200_000);
    let notification = Notification::new(
        Channel::TEXT,
        Subject::new("A very large notification"),
        &body,
        Severity::Info,
        attributes,
    );
    assert!(
        notification.truncated_bytes() > 0,
        "the body should need cutting"
    );

    let message_id = SnsPublisher::from_sdk_config(&moto.config)
        .publish(&topic, &notification)
        .await
        .expect("a message cut to the limit is accepted");

    let delivery = moto
        .receive_exactly(&queue, 1, WAIT)
        .await
        .pop()
        .expect("one delivery");
    assert_eq!(delivery.message_id, message_id);
    delivery.assert_is(&topic, &notification, "cut body");
    assert!(
        delivery
            .message
            .contains("left out to fit the 256 KiB SNS limit")
    );
    let size = delivery.size_in_bytes();
    assert!(
        (MAX_MESSAGE_BYTES - 1024..=MAX_MESSAGE_BYTES).contains(&size),
        "{size} bytes: over the limit, or cut far more than needed"
    );
}
