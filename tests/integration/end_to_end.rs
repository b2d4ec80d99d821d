//! End to end as deployed, on loopback: template.yaml's topics and EventBridge rules rebuilt
//! on moto, each sample event put on the bus, the event the rule delivers handed to the
//! notifier binary through the Lambda Runtime API emulator, and the notifications read back
//! from SQS subscribers (one per topic, one with a severity filter policy, one with raw
//! delivery). Then the faults a deployment meets: SNS unreachable, hanging up, answering
//! errors or too slowly (through a fault-injecting proxy in front of moto), a topic that
//! does not exist, and EventBridge delivering the same event twice.
//!
//! moto's EventBridge cannot invoke Lambda, so each rule targets an SQS queue and the test
//! plays Lambda's part: it invokes the function with exactly what the rule delivered.
//! Needs `MOTO_ENDPOINT` and `NOTIFIER_PYTHON` (`make test` sets both).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use hyper::StatusCode;
use marketplace_catalog_notifier::config::{
    DUPLICATE_WINDOW_VARIABLE, ENRICH_AGREEMENTS_VARIABLE, ENRICH_COSELL_VARIABLE, ENRICH_VARIABLE,
    TopicArn, TopicKind, Topics,
};
use marketplace_catalog_notifier::notification::Notification;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::support::eventbridge::{EventBus, MAX_ENTRY_BYTES, entry_size};
use crate::support::fault_proxy::{Fault, FaultProxy};
use crate::support::lambda::Lambda;
use crate::support::moto::{self, Delivery, Families, Moto, Queue};
use crate::support::template::Declared;
use crate::support::{WAIT, bytes, contract, render, sample_event, sample_events, unique_name};

/// The SNS client's timeout for one attempt (src/aws/mod.rs).
const SDK_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// The SNS client's timeout for all attempts of one publish together (src/aws/mod.rs).
const SDK_OPERATION_TIMEOUT: Duration = Duration::from_secs(15);
/// Attempts the SDK's standard retry mode makes for a retryable error.
const SDK_ATTEMPTS: usize = 3;
/// The longest a failed publish may take to come back as an invocation error: the operation
/// timeout, plus slack for a loaded two-core machine. Far inside the function's 30 s.
const ERROR_WITHIN: Duration = Duration::from_secs(SDK_OPERATION_TIMEOUT.as_secs() + 5);

/// The severities the filter-policy subscriber asks for, like a pager would.
const URGENT: [&str; 2] = ["error", "critical"];

/// Asserts `reply` reports `payload` published to `topic`; returns the message id.
fn assert_published(reply: &Value, payload: &Value, topic: &TopicArn, context: &str) -> String {
    let message_id = reply["messageId"]
        .as_str()
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| panic!("{context}: no message id in {reply}"))
        .to_owned();
    assert_eq!(
        reply,
        &contract::published_reply(payload, topic, &message_id),
        "{context}: response"
    );
    message_id
}

/// The environment the function runs with on moto: endpoint, credentials, the families'
/// topics, and enrichment off (moto has no Marketplace Catalog, Agreement or Partner Central
/// API).
fn function_env(families: &Families) -> Vec<(String, String)> {
    let mut env = moto::process_env();
    env.extend(families.env());
    env.push((ENRICH_VARIABLE.to_owned(), "false".to_owned()));
    env.push((ENRICH_AGREEMENTS_VARIABLE.to_owned(), "false".to_owned()));
    env.push((ENRICH_COSELL_VARIABLE.to_owned(), "false".to_owned()));
    env
}

/// Replaces (or adds) one variable of a process environment.
fn set_var(env: &mut Vec<(String, String)>, name: &str, value: &str) {
    env.retain(|(existing, _)| existing != name);
    env.push((name.to_owned(), value.to_owned()));
}

/// The families' topics created from template.yaml: one moto topic per topic the function's
/// environment references, named after its logical id, each with its own queue.
async fn template_families(moto: &Moto, declared: &Declared) -> Families {
    let referenced: BTreeSet<&String> = declared.topic_variables.values().collect();
    let declared_topics: BTreeSet<&String> = declared.topics.iter().collect();
    assert_eq!(
        referenced, declared_topics,
        "every topic in template.yaml must be given to the function, and only those"
    );
    let mut topics = BTreeMap::new();
    let mut queues = Vec::new();
    for kind in TopicKind::ALL {
        let logical_id = declared
            .topic_variables
            .get(kind.variable())
            .unwrap_or_else(|| panic!("template.yaml does not set {}", kind.variable()));
        let (topic, queue) = moto.topic_with_queue(logical_id).await;
        topics.insert(kind.variable(), topic);
        queues.push((kind, queue));
    }
    let topics = TopicKind::ALL.into_iter().fold(Topics::new(), |all, kind| {
        all.with(kind, topics[kind.variable()].clone())
    });
    Families::new(topics, queues)
}

/// The rules of template.yaml created on moto, each with its own target queue:
/// `(template rule id, queue)`.
async fn template_rules(moto: &Moto, bus: &EventBus, declared: &Declared) -> Vec<(String, Queue)> {
    assert!(
        !declared.rules.is_empty(),
        "template.yaml has no EventBridge rule targeting the function"
    );
    let mut rules = Vec::new();
    for rule in &declared.rules {
        let queue = moto.create_queue("rule-target").await;
        let name = unique_name("rule");
        bus.rule_to_queue(
            &name,
            rule.bus.as_deref(),
            &rule.state,
            &rule.pattern,
            &queue,
        )
        .await;
        rules.push((rule.id.clone(), queue));
    }
    rules
}

/// The template rules whose target queue received something after a `PutEvents` (moto
/// delivers to targets during the call, so the counts are final).
async fn fired(moto: &Moto, rules: &[(String, Queue)]) -> Vec<(String, Queue)> {
    let mut fired = Vec::new();
    for (id, queue) in rules {
        if moto.message_count(queue).await > 0 {
            fired.push((id.clone(), queue.clone()));
        }
    }
    fired
}

/// Checks the event a rule delivered is the one put on the bus: EventBridge's id, the
/// sample's source, detail type, detail, resources, time and region, unchanged (no input
/// transformer). moto leaves `account` out of what it delivers; AWS includes it.
fn assert_delivered_unchanged(sample: &Value, delivered: &Value, event_id: &str, file: &str) {
    assert_eq!(delivered["id"], event_id, "{file}: delivered id");
    for field in [
        "version",
        "source",
        "detail-type",
        "time",
        "region",
        "resources",
        "detail",
    ] {
        assert_eq!(
            delivered[field], sample[field],
            "{file}: the delivered event's {field} differs from the sample's"
        );
    }
    assert!(
        delivered.get("account").is_none() || delivered["account"] == sample["account"],
        "{file}: delivered account {}",
        delivered["account"]
    );
    let known: BTreeSet<&str> = [
        "version",
        "id",
        "detail-type",
        "source",
        "account",
        "time",
        "region",
        "resources",
        "detail",
    ]
    .into();
    let fields = delivered.as_object().expect("an event object");
    for field in fields.keys() {
        assert!(
            known.contains(field.as_str()),
            "{file}: unexpected field {field} in the delivered event"
        );
    }
}

/// One notification the deployed-shape test expects on the subscribers.
struct Sent {
    file: String,
    /// The event the function was invoked with.
    event: Value,
    kind: TopicKind,
    message_id: String,
    notification: Notification,
}

#[tokio::test]
async fn every_sample_goes_from_the_bus_through_the_function_to_its_subscribers() {
    let declared = Declared::load();
    let moto = Moto::connect().await;
    let bus = EventBus::new(&moto.config);
    let families = template_families(&moto, &declared).await;
    let topics: Vec<TopicArn> = families
        .kinds()
        .filter_map(|kind| families.topics.arn_for(kind).cloned())
        .collect();

    // Two more subscribers on every topic: a pager that only wants urgent severities, and
    // a consumer that wants the bare message with its attributes (raw delivery).
    let urgent = moto.create_queue("urgent").await;
    let raw = moto.create_queue("raw").await;
    let urgent_policy = json!({ "severity": URGENT });
    for topic in &topics {
        moto.subscribe(topic, &urgent, Some(&urgent_policy)).await;
        moto.subscribe_with(topic, &raw, &[("RawMessageDelivery", "true".to_owned())])
            .await;
    }
    let rules = template_rules(&moto, &bus, &declared).await;

    // Another Marketplace source with a catalog detail type: no rule may fire.
    let mut foreign = sample_event("change-set-succeeded.json");
    foreign["source"] = json!("aws.vendor-insights");
    bus.put(&foreign).await;
    let wrongly_fired = fired(&moto, &rules).await;
    assert!(
        wrongly_fired.is_empty(),
        "an aws.vendor-insights event fired {:?}",
        wrongly_fired.iter().map(|(id, _)| id).collect::<Vec<_>>()
    );

    let mut lambda = Lambda::start(&function_env(&families)).await;
    let mut sent = Vec::new();
    let mut too_large_for_the_bus = Vec::new();
    for (file, sample) in sample_events() {
        let event = if entry_size(&sample) > MAX_ENTRY_BYTES {
            // EventBridge refuses such an entry (moto does not check): no rule could deliver
            // it, so the function gets the sample as it is.
            too_large_for_the_bus.push(file.clone());
            sample.clone()
        } else {
            let event_id = bus.put(&sample).await;
            let fired = fired(&moto, &rules).await;
            assert_eq!(
                fired.len(),
                1,
                "{file}: exactly one rule must deliver a catalog event, fired: {:?}",
                fired.iter().map(|(id, _)| id).collect::<Vec<_>>()
            );
            let messages = moto.take_exactly(&fired[0].1, 1, WAIT).await;
            let body = messages[0].body().expect("a delivered event");
            let delivered: Value = serde_json::from_str(body)
                .unwrap_or_else(|error| panic!("{file}: the rule delivered no JSON ({error})"));
            assert_delivered_unchanged(&sample, &delivered, &event_id, &file);
            delivered
        };

        let kind = contract::topic_kind(&event);
        let topic = families
            .topics
            .arn_for(kind)
            .expect("every family has a topic");
        let reply = lambda.invoke(bytes(&event)).await.expect_response(&file);
        let message_id = assert_published(&reply, &event, topic, &file);
        sent.push(Sent {
            notification: render(&event, &file),
            file,
            event,
            kind,
            message_id,
        });
    }
    // Only the 30,000-buyer offer exceeds the entry limit; if it shrinks, it goes by the bus.
    assert!(
        too_large_for_the_bus.len() < sent.len() / 2,
        "most samples must travel through the bus: {too_large_for_the_bus:?}"
    );
    eprintln!(
        "{} samples delivered by {:?}; invoked directly, too large for EventBridge: {:?}",
        sent.len() - too_large_for_the_bus.len(),
        rules.iter().map(|(id, _)| id).collect::<Vec<_>>(),
        too_large_for_the_bus
    );

    // Each topic's queue holds exactly its family's notifications, as rendered.
    for kind in families.kinds() {
        let expected: Vec<&Sent> = sent.iter().filter(|sent| sent.kind == kind).collect();
        let deliveries = moto
            .receive_exactly(families.queue(kind), expected.len(), WAIT)
            .await;
        let topic = families.topics.arn_for(kind).expect("a topic");
        for sent in expected {
            let delivery = deliveries
                .iter()
                .find(|delivery| delivery.message_id == sent.message_id)
                .unwrap_or_else(|| panic!("{}: not on the {} queue", sent.file, kind.name()));
            delivery.assert_is(topic, &sent.notification, &sent.file);
            delivery.assert_contract_attributes(&sent.event, &sent.file);
        }
    }

    // The filter policy lets through exactly the urgent ones.
    let expected_urgent: BTreeSet<&str> = sent
        .iter()
        .filter(|sent| URGENT.contains(&contract::severity(&sent.event)))
        .map(|sent| contract::event_id(&sent.event))
        .collect();
    assert!(
        !expected_urgent.is_empty() && expected_urgent.len() < sent.len(),
        "the samples must include urgent and other severities"
    );
    let urgent_deliveries = moto
        .take_exactly(&urgent, expected_urgent.len(), WAIT)
        .await;
    let received_urgent: BTreeSet<String> = urgent_deliveries
        .iter()
        .map(|message| {
            let delivery = Delivery::from_sqs_body(message.body().expect("a body"));
            let severity = delivery.attribute("severity").unwrap_or_default();
            assert!(URGENT.contains(&severity), "{delivery:?}");
            delivery.event_id().to_owned()
        })
        .collect();
    let received_urgent: BTreeSet<&str> = received_urgent.iter().map(String::as_str).collect();
    assert_eq!(received_urgent, expected_urgent, "the urgent subscriber");

    // Raw delivery: the body is the notification itself, the attributes SQS attributes.
    let raw_messages = moto.take_exactly(&raw, sent.len(), WAIT).await;
    let mut raw_seen = BTreeSet::new();
    for message in &raw_messages {
        let attributes: BTreeMap<String, (String, String)> = message
            .message_attributes()
            .map(|attributes| {
                attributes
                    .iter()
                    .map(|(name, value)| {
                        let text = value.string_value().unwrap_or_default().to_owned();
                        (name.clone(), (value.data_type().to_owned(), text))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let event_id = attributes
            .get("event_id")
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| panic!("a raw message without event_id: {attributes:?}"));
        let sent = sent
            .iter()
            .find(|sent| contract::event_id(&sent.event) == event_id)
            .unwrap_or_else(|| panic!("raw message for an event not sent: {event_id}"));
        assert!(
            message.body() == Some(sent.notification.body()),
            "{}: the raw body is not the bare notification: {:.200}",
            sent.file,
            message.body().unwrap_or_default()
        );
        let expected: BTreeMap<String, (String, String)> = sent
            .notification
            .attributes()
            .iter()
            .map(|(name, value)| (name.to_owned(), ("String".to_owned(), value.to_owned())))
            .collect();
        assert_eq!(
            attributes, expected,
            "{}: raw message attributes",
            sent.file
        );
        assert!(
            raw_seen.insert(event_id),
            "{}: delivered twice raw",
            sent.file
        );
    }
}

/// One fault the SNS client meets, and what the invocation error must say about it.
struct FaultCase {
    label: &'static str,
    fault: Fault,
    /// Text the `errorMessage` must contain.
    reason: &'static str,
    /// HTTP requests the SDK sends while the fault lasts (retries included).
    requests: usize,
    /// The invocation cannot fail sooner (e.g. it waits out an attempt timeout).
    at_least: Duration,
}

fn fault_cases() -> Vec<FaultCase> {
    vec![
        FaultCase {
            label: "nothing listening on the SNS endpoint",
            fault: Fault::Closed,
            reason: "could not reach the endpoint",
            requests: 0,
            at_least: Duration::ZERO,
        },
        FaultCase {
            label: "SNS closes the connection without answering",
            fault: Fault::HangUp,
            reason: "connection closed before message completed",
            requests: SDK_ATTEMPTS,
            at_least: Duration::ZERO,
        },
        FaultCase {
            label: "SNS answers 500 InternalError",
            fault: Fault::sns_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Receiver",
                "InternalError",
                "Request could not be completed",
            ),
            reason: "InternalError: Request could not be completed",
            requests: SDK_ATTEMPTS,
            at_least: Duration::ZERO,
        },
        FaultCase {
            label: "SNS throttles (400 Throttling)",
            fault: Fault::sns_error(
                StatusCode::BAD_REQUEST,
                "Sender",
                "Throttling",
                "Rate exceeded",
            ),
            reason: "Throttling: Rate exceeded",
            requests: SDK_ATTEMPTS,
            at_least: Duration::ZERO,
        },
        FaultCase {
            label: "a front end answers 429 Too Many Requests",
            fault: Fault::Respond {
                status: StatusCode::TOO_MANY_REQUESTS,
                content_type: "text/plain",
                body: "Too Many Requests".to_owned(),
            },
            // Without an AWS error code the SDK does not know it is throttling and does
            // not retry; Lambda's own retries of the failed invocation cover it.
            reason: "HTTP 429 Too Many Requests without an AWS error code",
            requests: 1,
            at_least: Duration::ZERO,
        },
        FaultCase {
            label: "SNS answers later than the attempt timeout",
            fault: Fault::Stall(SDK_ATTEMPT_TIMEOUT * 2),
            reason: "no answer within the SDK's timeout",
            requests: SDK_ATTEMPTS,
            at_least: SDK_ATTEMPT_TIMEOUT,
        },
    ]
}

#[tokio::test]
async fn sns_faults_fail_the_invocation_in_time_and_the_redelivery_publishes_once() {
    let moto = Moto::connect().await;
    let families = moto.families(false).await;
    let mut proxy = FaultProxy::start(&moto::endpoint()).await;
    let mut env = function_env(&families);
    set_var(&mut env, "AWS_ENDPOINT_URL", &proxy.url());
    let mut lambda = Lambda::start(&env).await;
    let sample = sample_event("change-set-failed-client-error.json");
    let topic = families.topic(TopicKind::CHANGE_SETS).clone();
    let queue = families.queue(TopicKind::CHANGE_SETS).clone();

    for (index, case) in fault_cases().into_iter().enumerate() {
        let label = case.label;
        // Each fault gets its own event, redelivered unchanged once the fault clears.
        let mut event = sample.clone();
        event["id"] = json!(format!("e2e-fault-{index}-{}", contract::event_id(&sample)));
        let event_id = contract::event_id(&event).to_owned();

        proxy.set(case.fault).await;
        let requests_before = proxy.requests();
        let started = Instant::now();
        let reply = lambda.invoke(bytes(&event)).await;
        let took = started.elapsed();
        let (error_type, message) = reply.expect_error(label);
        let requests = proxy.requests() - requests_before;
        eprintln!("{label}: {error_type} after {took:.2?}, {requests} requests: {message}");

        assert_eq!(error_type, "PublishFailed", "{label}: {message}");
        for needle in [event_id.as_str(), topic.as_str(), case.reason] {
            assert!(
                message.contains(needle),
                "{label}: {needle:?} not in {message}"
            );
        }
        assert!(
            took < ERROR_WITHIN && took >= case.at_least,
            "{label}: the invocation failed after {took:?}, expected {:?}..{ERROR_WITHIN:?}",
            case.at_least
        );
        assert_eq!(requests, case.requests, "{label}: requests sent to SNS");
        lambda.wait_for_next_poll().await;
        assert_eq!(
            moto.message_count(&queue).await,
            0,
            "{label}: nothing may be published while SNS fails"
        );

        proxy.set(Fault::PassThrough).await;
        let started = Instant::now();
        let reply = lambda
            .invoke(bytes(&event))
            .await
            .expect_response(&format!("{label}, redelivered"));
        let took = started.elapsed();
        let message_id = assert_published(&reply, &event, &topic, label);
        let messages = moto.take_exactly(&queue, 1, WAIT).await;
        let delivery = Delivery::from_sqs_body(messages[0].body().expect("a body"));
        assert_eq!(delivery.message_id, message_id, "{label}");
        assert_eq!(delivery.event_id(), event_id, "{label}");
        eprintln!("{label}: redelivery published once in {took:.2?}");
    }
}

#[tokio::test]
async fn a_topic_that_does_not_exist_fails_until_it_is_created() {
    let moto = Moto::connect().await;
    let families = moto.families(false).await;
    // A well-formed ARN in moto's account and region, of a topic nobody created yet.
    let existing = families.topic(TopicKind::SECURITY).as_str();
    let name = unique_name("created-later");
    let prefix = existing
        .rsplit_once(':')
        .map(|(prefix, _)| prefix)
        .expect("a topic ARN has colons");
    let missing = TopicArn::parse(&format!("{prefix}:{name}")).expect("a valid topic ARN");
    let mut env = function_env(&families);
    set_var(&mut env, TopicKind::SECURITY.variable(), missing.as_str());
    let mut lambda = Lambda::start(&env).await;
    let file = "products-security-report-overdue.json";
    let event = sample_event(file);

    let started = Instant::now();
    let (error_type, message) = lambda.invoke(bytes(&event)).await.expect_error(file);
    let took = started.elapsed();
    eprintln!("topic that does not exist: {error_type} after {took:.2?}: {message}");
    assert_eq!(error_type, "PublishFailed", "{message}");
    for needle in [contract::event_id(&event), missing.as_str(), "NotFound"] {
        assert!(message.contains(needle), "{needle:?} not in {message}");
    }
    // Not retried by the SDK: a missing topic stays missing within one invocation.
    assert!(took < SDK_ATTEMPT_TIMEOUT, "took {took:?}");
    lambda.wait_for_next_poll().await;

    // The topic is (re)created, e.g. by a stack update; the next delivery gets through.
    let created = moto.sns.create_topic().name(&name).send().await;
    let created = created.unwrap_or_else(|error| panic!("CreateTopic {name}: {error:?}"));
    assert_eq!(created.topic_arn(), Some(missing.as_str()));
    let queue = moto.create_queue("created-later").await;
    moto.subscribe(&missing, &queue, None).await;

    let reply = lambda.invoke(bytes(&event)).await.expect_response(file);
    let message_id = assert_published(&reply, &event, &missing, file);
    let deliveries = moto.receive_exactly(&queue, 1, WAIT).await;
    assert_eq!(deliveries[0].message_id, message_id);
    assert_eq!(deliveries[0].event_id(), contract::event_id(&event));
}

#[tokio::test]
async fn a_redelivered_event_is_published_once_per_warm_instance() {
    let moto = Moto::connect().await;
    let families = moto.families(false).await;
    let env = function_env(&families);
    let mut lambda = Lambda::start(&env).await;
    let file = "offer-released-by-isv.json";
    let event = sample_event(file);
    let topic = &families.topic(TopicKind::OFFERS);
    let queue = families.queue(TopicKind::OFFERS);

    let first = lambda.invoke(bytes(&event)).await.expect_response(file);
    let message_id = assert_published(&first, &event, topic, file);
    let second = lambda.invoke(bytes(&event)).await.expect_response(file);
    assert_eq!(
        second,
        json!({
            "status": "duplicate",
            "detailType": contract::detail_type(&event),
            "eventId": contract::event_id(&event),
            "messageId": message_id,
        })
    );
    let deliveries = moto.take_exactly(queue, 1, WAIT).await;
    let delivery = Delivery::from_sqs_body(deliveries[0].body().expect("a body"));
    assert_eq!(delivery.message_id, message_id);

    // Another instance (a cold start, or one running concurrently) has not seen the id.
    drop(lambda);
    let mut cold = Lambda::start(&env).await;
    let again = cold.invoke(bytes(&event)).await.expect_response(file);
    let second_id = assert_published(&again, &event, topic, file);
    assert_ne!(second_id, message_id);
    moto.take_exactly(queue, 1, WAIT).await;
}

#[tokio::test]
async fn with_duplicate_detection_off_every_delivery_publishes() {
    let moto = Moto::connect().await;
    let families = moto.families(false).await;
    let mut env = function_env(&families);
    set_var(&mut env, DUPLICATE_WINDOW_VARIABLE, "0");
    let mut lambda = Lambda::start(&env).await;
    let file = "offer-released-by-isv.json";
    let event = sample_event(file);
    let topic = &families.topic(TopicKind::OFFERS);

    let mut message_ids = BTreeSet::new();
    for _ in 0..2 {
        let reply = lambda.invoke(bytes(&event)).await.expect_response(file);
        message_ids.insert(assert_published(&reply, &event, topic, file));
    }
    assert_eq!(message_ids.len(), 2, "two publishes, two message ids");
    let deliveries = moto
        .receive_exactly(families.queue(TopicKind::OFFERS), 2, WAIT)
        .await;
    let delivered: BTreeSet<String> = deliveries
        .into_iter()
        .map(|delivery| delivery.message_id)
        .collect();
    assert_eq!(delivered, message_ids);
}
