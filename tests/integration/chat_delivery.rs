//! End to end on moto, through the notifier binary under the Lambda Runtime API emulator:
//! with CHAT_TOPIC_ARN set, every sample reaches the chat topic's subscribers — an SQS
//! queue and an `http` endpoint on 127.0.0.1, which moto posts to as SNS would to Amazon Q
//! Developer — as the chat JSON with the text's attributes (moto posts no attributes to
//! http endpoints, so those are checked on the SQS subscriber), while the family topics
//! still receive the text; a chat-topic fault fails the invocation and the retry publishes
//! only the chat rendering; without CHAT_TOPIC_ARN the response is exactly what it was.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::support::lambda::Lambda;
use crate::support::moto::{self, Delivery, Moto};
use crate::support::{WAIT, contract, http_server, sample_event, sample_events, unique_name};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use marketplace_catalog_notifier::config::{
    CHAT_TOPIC_VARIABLE, ENRICH_AGREEMENTS_VARIABLE, ENRICH_COSELL_VARIABLE, ENRICH_VARIABLE,
    TopicArn, TopicKind,
};
use marketplace_catalog_notifier::registry::MarketplaceEvent;
use marketplace_catalog_notifier::render::{ChatRenderer, TextRenderer};

use serde_json::Value;

/// An `http` subscriber on 127.0.0.1: keeps every body posted to it.
struct HttpSubscriber {
    url: String,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl HttpSubscriber {
    async fn start() -> Self {
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&bodies);
        let server = http_server::serve(move |request: Request<Incoming>| {
            let kept = Arc::clone(&kept);
            async move {
                let body = request
                    .into_body()
                    .collect()
                    .await
                    .map(|collected| collected.to_bytes())
                    .unwrap_or_default();
                kept.lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(String::from_utf8_lossy(&body).into_owned());
                Ok::<_, Infallible>(Response::new(Full::new(Bytes::new())))
            }
        })
        .await;
        let url = format!("{server}/chat");
        Self { url, bodies }
    }

    /// The SNS notifications posted so far (confirmation requests left out), once `count`
    /// have arrived.
    async fn notifications(&self, count: usize) -> Vec<Value> {
        let deadline = Instant::now() + WAIT;
        loop {
            let notifications: Vec<Value> = self
                .bodies
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .filter_map(|body| serde_json::from_str::<Value>(body).ok())
                .filter(|envelope| envelope["Type"] == "Notification")
                .collect();
            if notifications.len() >= count {
                return notifications;
            }
            assert!(
                Instant::now() < deadline,
                "the http subscriber got {} of {count} notifications",
                notifications.len()
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

async fn subscribe_http(moto: &Moto, topic: &TopicArn, url: &str) {
    moto.sns
        .subscribe()
        .topic_arn(topic.as_str())
        .protocol("http")
        .endpoint(url)
        .send()
        .await
        .unwrap_or_else(|error| panic!("Subscribe {url} to {topic}: {error:?}"));
}

/// The environment of a notifier process on moto, without change-set lookups (so every
/// body is exactly the rendering of the event alone).
fn env(families: &[(String, String)], chat_topic: Option<&TopicArn>) -> Vec<(String, String)> {
    let mut env = moto::process_env();
    env.extend(families.iter().cloned());
    // moto has no Marketplace Catalog, Agreement or Partner Central API: without lookups the delivered
    // bodies are exactly the registry's renderings.
    env.push((ENRICH_VARIABLE.to_owned(), "false".to_owned()));
    env.push((ENRICH_AGREEMENTS_VARIABLE.to_owned(), "false".to_owned()));
    env.push((ENRICH_COSELL_VARIABLE.to_owned(), "false".to_owned()));
    if let Some(topic) = chat_topic {
        env.push((CHAT_TOPIC_VARIABLE.to_owned(), topic.to_string()));
    }
    env
}

fn assert_chat_delivery(
    delivery: &Delivery,
    topic: &TopicArn,
    event: &MarketplaceEvent,
    file: &str,
) {
    let chat = event.render(&ChatRenderer);
    delivery.assert_is(topic, &chat, file);
    let payload: Value = serde_json::from_str(&delivery.message)
        .unwrap_or_else(|error| panic!("{file}: chat message is not JSON: {error}"));
    assert_eq!(payload["version"], "1.0", "{file}");
    assert_eq!(payload["source"], "custom", "{file}");
    assert_eq!(payload["id"], event.envelope.id.as_str(), "{file}");
}

#[tokio::test]
async fn every_sample_reaches_chat_subscribers_as_json_and_family_subscribers_as_text() {
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let (chat_topic, chat_queue) = moto.topic_with_queue("chat").await;
    let http = HttpSubscriber::start().await;
    subscribe_http(&moto, &chat_topic, &http.url).await;
    let mut lambda = Lambda::start(&env(&families.env(), Some(&chat_topic))).await;

    let samples = sample_events();
    let mut sent = Vec::new();
    for (file, payload) in &samples {
        let reply = lambda
            .invoke(serde_json::to_vec(payload).expect("JSON"))
            .await
            .expect_response(file);
        let kind = contract::topic_kind(payload);
        let topic = families.topics.arn_for(kind).expect("a topic per family");
        // The text delivery keeps its place in the response; the chat one is added.
        let text_id = reply["messageId"].as_str().expect("messageId").to_owned();
        let mut expected = contract::published_reply(payload, topic, &text_id);
        let chat_id = reply["chat"]["messageId"]
            .as_str()
            .unwrap_or_else(|| panic!("{file}: no chat delivery in {reply}"))
            .to_owned();
        expected["chat"] =
            serde_json::json!({"topicArn": chat_topic.as_str(), "messageId": chat_id});
        assert_eq!(reply, expected, "{file}");
        sent.push((file.clone(), payload.clone(), kind, text_id, chat_id));
    }

    let chat = moto.receive_exactly(&chat_queue, samples.len(), WAIT).await;
    for (file, payload, _, _, chat_id) in &sent {
        let event = MarketplaceEvent::parse(payload.clone()).expect("a sample parses");
        let delivery = chat
            .iter()
            .find(|delivery| &delivery.message_id == chat_id)
            .unwrap_or_else(|| panic!("{file}: {chat_id} not on the chat queue"));
        assert_chat_delivery(delivery, &chat_topic, &event, file);
        delivery.assert_contract_attributes(payload, file);
    }
    for kind in families.kinds() {
        let expected: Vec<_> = sent.iter().filter(|sent| sent.2 == kind).collect();
        let deliveries = moto
            .receive_exactly(families.queue(kind), expected.len(), WAIT)
            .await;
        let topic = families.topics.arn_for(kind).expect("topic");
        for (file, payload, _, text_id, _) in expected {
            let event = MarketplaceEvent::parse(payload.clone()).expect("a sample parses");
            let delivery = deliveries
                .iter()
                .find(|delivery| &delivery.message_id == text_id)
                .unwrap_or_else(|| panic!("{file}: {text_id} not on the {} queue", kind.name()));
            delivery.assert_is(topic, &event.render(&TextRenderer), file);
        }
    }

    // The http subscriber got the same chat JSON, with the attributes, for every sample.
    let posted = http.notifications(samples.len()).await;
    assert_eq!(posted.len(), samples.len());
    for (file, payload, _, _, chat_id) in &sent {
        let event = MarketplaceEvent::parse(payload.clone()).expect("a sample parses");
        let envelope = posted
            .iter()
            .find(|envelope| envelope["MessageId"] == chat_id.as_str())
            .unwrap_or_else(|| panic!("{file}: {chat_id} was not posted to the http subscriber"));
        assert_eq!(envelope["TopicArn"], chat_topic.as_str(), "{file}");
        assert_eq!(
            envelope["Message"].as_str(),
            Some(event.render(&ChatRenderer).body()),
            "{file}"
        );
        // moto leaves message attributes out of what it posts to http endpoints (real SNS
        // includes them); the SQS subscriber above shows the chat message carries them.
        assert_eq!(
            envelope["Subject"].as_str(),
            Some(event.render(&ChatRenderer).subject().as_str()),
            "{file}"
        );
    }
}

#[tokio::test]
async fn a_chat_topic_fault_fails_the_invocation_and_the_retry_sends_only_chat() {
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    // A chat topic that does not exist yet: moto answers NotFound, a real publish failure.
    let name = unique_name("chat-later");
    let arn = families.topic(TopicKind::OFFERS).as_str();
    let prefix = &arn[..arn.rfind(':').expect("an ARN has colons") + 1];
    let chat_topic = TopicArn::parse(&format!("{prefix}{name}")).expect("a valid ARN");
    let mut lambda = Lambda::start(&env(&families.env(), Some(&chat_topic))).await;

    let file = "change-set-failed-client-error.json";
    let payload = sample_event(file);
    let bytes = serde_json::to_vec(&payload).expect("JSON");
    let (error_type, message) = lambda.invoke(bytes.clone()).await.expect_error(file);
    assert_eq!(error_type, "PublishFailed");
    assert!(
        message.contains(chat_topic.as_str()) && message.contains(contract::event_id(&payload)),
        "{message}"
    );

    // The topic comes back; Lambda's retry of the same event sends only the chat rendering.
    moto.sns
        .create_topic()
        .name(&name)
        .send()
        .await
        .expect("CreateTopic");
    let chat_queue = moto.create_queue("chat-later").await;
    moto.subscribe(&chat_topic, &chat_queue, None).await;
    let reply = lambda.invoke(bytes).await.expect_response(file);
    assert_eq!(reply["status"], "published", "{reply}");
    assert_eq!(reply["chat"]["topicArn"], chat_topic.as_str(), "{reply}");

    let event = MarketplaceEvent::parse(payload.clone()).expect("a sample parses");
    let chat = moto.receive_exactly(&chat_queue, 1, WAIT).await;
    assert_chat_delivery(&chat[0], &chat_topic, &event, file);
    assert_eq!(
        reply["chat"]["messageId"].as_str(),
        Some(chat[0].message_id.as_str())
    );
    // The text went out once, on the first attempt, and kept its message id.
    let kind = contract::topic_kind(&payload);
    let text = moto.receive_exactly(families.queue(kind), 1, WAIT).await;
    assert_eq!(
        reply["messageId"].as_str(),
        Some(text[0].message_id.as_str())
    );
    text[0].assert_is(
        families.topics.arn_for(kind).expect("topic"),
        &event.render(&TextRenderer),
        file,
    );
}

#[tokio::test]
async fn without_chat_topic_arn_the_response_and_deliveries_are_unchanged() {
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let mut lambda = Lambda::start(&env(&families.env(), None)).await;
    let file = "offer-released-by-isv.json";
    let payload = sample_event(file);
    let reply = lambda
        .invoke(serde_json::to_vec(&payload).expect("JSON"))
        .await
        .expect_response(file);
    let kind = contract::topic_kind(&payload);
    let topic = families.topics.arn_for(kind).expect("topic");
    let deliveries = moto.receive_exactly(families.queue(kind), 1, WAIT).await;
    assert_eq!(
        reply,
        contract::published_reply(&payload, topic, &deliveries[0].message_id),
        "no chat key without a chat topic"
    );
    let event = MarketplaceEvent::parse(payload).expect("a sample parses");
    deliveries[0].assert_is(topic, &event.render(&TextRenderer), file);
}

mod in_process {
    //! The same choices without a server: which channels a notification goes to.

    use marketplace_catalog_notifier::channel::ChannelRoute;
    use marketplace_catalog_notifier::config::{Config, TopicArn};
    use marketplace_catalog_notifier::message::Severity;
    use marketplace_catalog_notifier::publish::RecordingPublisher;
    use marketplace_catalog_notifier::{Notifier, Outcome};

    use crate::support::sample_event;

    const CHAT: &str = "arn:aws:sns:us-east-1:123456789012:chat";

    fn notifier(severities: Vec<Severity>) -> Notifier<RecordingPublisher> {
        let config =
            Config::from_lookup(|name| (name == "NOTIFIER_DRY_RUN").then(|| "true".to_owned()))
                .expect("dry-run configuration");
        let chat = ChannelRoute::chat(TopicArn::parse(CHAT).expect("valid ARN"));
        Notifier::new(config.topics, RecordingPublisher::new())
            .with_channel(chat.with_severities(severities))
    }

    #[tokio::test]
    async fn both_renderings_are_published_and_reported() {
        let notifier = notifier(Vec::new());
        let outcome = notifier
            .handle(sample_event("change-set-cancelled.json"))
            .await
            .expect("published");
        let published = notifier.publisher().published();
        assert_eq!(published.len(), 2);
        let chat = published
            .iter()
            .find(|p| p.topic.as_str() == CHAT)
            .expect("a chat publish");
        let text = published
            .iter()
            .find(|p| p.topic.as_str() != CHAT)
            .expect("a text publish");
        assert_eq!(
            chat.notification.attributes(),
            text.notification.attributes()
        );
        let (Some(text_delivery), Some(chat_delivery)) =
            (outcome.delivery("text"), outcome.delivery("chat"))
        else {
            panic!("expected both deliveries, got {outcome:?}")
        };
        assert_eq!(text_delivery.topic_arn, text.topic.as_str());
        assert_eq!(chat_delivery.topic_arn, CHAT);
        assert_ne!(text_delivery.message_id, chat_delivery.message_id);
    }

    #[tokio::test]
    async fn severities_left_out_of_chat_go_to_their_family_topic_only() {
        let notifier = notifier(vec![Severity::Error, Severity::Critical]);
        // A cancelled change set is a warning: text only.
        let outcome = notifier
            .handle(sample_event("change-set-cancelled.json"))
            .await
            .expect("published");
        assert!(
            matches!(outcome, Outcome::Published { .. }) && outcome.delivery("chat").is_none(),
            "{outcome:?}"
        );
        assert_eq!(notifier.publisher().published().len(), 1);
        // A failed one is an error: both.
        let outcome = notifier
            .handle(sample_event("change-set-failed-server-fault.json"))
            .await
            .expect("published");
        assert!(outcome.delivery("chat").is_some(), "{outcome:?}");
        assert_eq!(notifier.publisher().published().len(), 3);
    }

    #[tokio::test]
    async fn a_second_delivery_of_the_event_is_a_duplicate_on_both_channels() {
        let notifier =
            notifier(Vec::new()).with_duplicate_window(std::time::Duration::from_secs(60));
        let event = sample_event("offer-released-by-isv.json");
        notifier.handle(event.clone()).await.expect("published");
        let outcome = notifier.handle(event).await.expect("duplicate");
        assert!(matches!(outcome, Outcome::Duplicate { .. }), "{outcome:?}");
        assert_eq!(notifier.publisher().published().len(), 2);
    }
}
