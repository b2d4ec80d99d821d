//! The operator commands on moto: `notifier-redrive` (what `make redrive` runs) takes failed
//! events out of a failure queue in both formats the stack's queues receive and hands them
//! to the function (the real binary behind a loopback Lambda Invoke endpoint), deleting only
//! what the function accepted; `notifier-confirm-subscription`
//! (what `make confirm-subscription` runs) confirms a subscription from its link.

use std::collections::BTreeMap;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use crate::support::fault_proxy::{Fault, FaultProxy};
use crate::support::invoke::InvokeEndpoint;
use crate::support::moto::{Families, Moto, Queue, process_env};
use crate::support::{WAIT, contract, parse_file, root, sample_event};
use marketplace_catalog_notifier::config::TopicKind;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

/// Short, so a run's kept messages (and a killed run's unfinished ones) come back quickly.
const VISIBILITY_SECONDS: u64 = 2;
/// The function name the redrive is given; the Invoke endpoint serves any.
const FUNCTION: &str = "marketplace-catalog-notifier-test";

const REDRIVE: &str = env!("CARGO_BIN_EXE_notifier-redrive");
const CONFIRM: &str = env!("CARGO_BIN_EXE_notifier-confirm-subscription");

/// Lambda's on-failure invocation record around an event, as the destination queue gets it.
fn invocation_record(event: &Value) -> String {
    let mut record = parse_file(&root().join("tests/fixtures/invocation-record.json"));
    record["requestPayload"] = event.clone();
    record.to_string()
}

/// A change-set event whose detail lacks the change set id: the notifier still rejects it.
fn invalid_event() -> Value {
    let mut event = sample_event("change-set-succeeded.json");
    event["id"] = json!("7d0c1a52-0000-4000-8000-00000000dead");
    event["detail"]
        .as_object_mut()
        .expect("a detail object")
        .remove("ChangeSetId");
    event
}

async fn send(moto: &Moto, queue: &Queue, body: &str) {
    moto.sqs
        .send_message()
        .queue_url(&queue.url)
        .message_body(body)
        .send()
        .await
        .unwrap_or_else(|error| panic!("SendMessage {}: {error:?}", queue.url));
}

/// The notifier function publishing to `families`' topics, behind a Lambda Invoke endpoint;
/// `extra` adds or overrides its environment variables.
async fn function(families: &Families, extra: &[(&str, String)]) -> InvokeEndpoint {
    let mut env = process_env();
    env.extend(families.env());
    // No Catalog API on moto: the notifier publishes without change-set details.
    env.push(("ENRICH_CHANGE_SETS".to_owned(), "false".to_owned()));
    env.extend(
        extra
            .iter()
            .map(|(name, value)| ((*name).to_owned(), value.clone())),
    );
    InvokeEndpoint::start(&env).await
}

/// The redrive process for `queue`, handing its events to `function`.
fn start_redrive(queue: &Queue, function: &InvokeEndpoint, args: &[&str]) -> Child {
    let mut command = Command::new(REDRIVE);
    command
        .args(["--queue-url", &queue.url])
        .args(["--function-name", FUNCTION])
        .args(["--visibility-timeout", &VISIBILITY_SECONDS.to_string()])
        .args(args)
        .env_clear()
        .envs(process_env())
        // SQS on moto; Invoke on the function's endpoint.
        .env("AWS_ENDPOINT_URL_LAMBDA", &function.url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
        .spawn()
        .unwrap_or_else(|error| panic!("start {REDRIVE}: {error}"))
}

struct Finished {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Finished {
    /// The summary line: the last line of standard output.
    fn summary(&self) -> &str {
        self.stdout.lines().last().unwrap_or_default()
    }
}

async fn finish(child: Child) -> Finished {
    let output = tokio::time::timeout(WAIT, child.wait_with_output())
        .await
        .expect("the redrive finishes in time")
        .expect("the redrive's output");
    Finished {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

async fn redrive(queue: &Queue, families: &Families, args: &[&str]) -> Finished {
    let function = function(families, &[]).await;
    finish(start_redrive(queue, &function, args)).await
}

/// The event ids published to each family's queue so far (deleting what it reads, so a
/// later call sees only what was published since).
async fn take_published(moto: &Moto, families: &Families) -> BTreeMap<String, usize> {
    let mut published = BTreeMap::new();
    for kind in families.kinds() {
        let queue = families.queue(kind);
        let count = moto.message_count(queue).await;
        for message in moto.take_exactly(queue, count, WAIT).await {
            let body = message.body().expect("a body");
            let delivery = crate::support::moto::Delivery::from_sqs_body(body);
            *published.entry(delivery.event_id().to_owned()).or_default() += 1;
        }
    }
    published
}

fn once_each(events: &[&Value]) -> BTreeMap<String, usize> {
    events
        .iter()
        .map(|event| (contract::event_id(event).to_owned(), 1))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redrives_both_formats_keeps_the_rest_and_a_rerun_publishes_nothing_new() {
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let failed = moto.create_queue("redrive-failed").await;

    let from_function = [
        sample_event("change-set-failed-client-error.json"),
        sample_event("products-security-report-new-issues.json"),
    ];
    let from_rule = [
        sample_event("offer-released-by-isv.json"),
        sample_event("unknown-detail-type.json"),
    ];
    for event in &from_function {
        send(&moto, &failed, &invocation_record(event)).await;
    }
    for event in &from_rule {
        send(&moto, &failed, &event.to_string()).await;
    }
    send(&moto, &failed, &invocation_record(&invalid_event())).await;
    send(&moto, &failed, "RetriesExhausted: see the logs").await;

    let first = redrive(&failed, &families, &[]).await;
    assert_eq!(
        first.status.code(),
        Some(1),
        "messages kept: {}",
        first.stderr
    );
    assert!(
        first
            .summary()
            .ends_with("4 redriven, 1 still failing, 1 not an event"),
        "summary: {}\nstderr: {}",
        first.stdout,
        first.stderr
    );
    // Each kept message is reported with its reason.
    assert!(
        first.stderr.contains("ChangeSetId") && first.stderr.contains("7d0c1a52"),
        "the invalid event's reason names the field and the event: {}",
        first.stderr
    );
    assert!(
        first.stderr.contains("not JSON"),
        "the plain-text message's reason: {}",
        first.stderr
    );

    let good: Vec<&Value> = from_function.iter().chain(&from_rule).collect();
    assert_eq!(take_published(&moto, &families).await, once_each(&good));
    for event in &good {
        let kind: TopicKind = contract::topic_kind(event);
        assert!(families.kinds().any(|family| family == kind));
    }
    assert_eq!(
        moto.message_count(&failed).await,
        2,
        "the invalid event and the plain text stay in the failure queue"
    );

    // The kept messages were made visible again at the end: a rerun sees them at once.
    let second = redrive(&failed, &families, &[]).await;
    assert_eq!(second.status.code(), Some(1), "{}", second.stderr);
    assert!(
        second
            .summary()
            .ends_with("0 redriven, 1 still failing, 1 not an event"),
        "rerun summary: {}",
        second.stdout
    );
    assert_eq!(take_published(&moto, &families).await, BTreeMap::new());
    assert_eq!(moto.message_count(&failed).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_lists_but_invokes_and_deletes_nothing() {
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let failed = moto.create_queue("redrive-dry").await;
    let event = sample_event("change-set-succeeded.json");
    send(&moto, &failed, &invocation_record(&event)).await;

    let endpoint = function(&families, &[]).await;
    let run = finish(start_redrive(&failed, &endpoint, &["--dry-run"])).await;
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    assert_eq!(endpoint.invocations(), 0, "a dry run invokes nothing");
    assert!(
        run.summary().ends_with(
            "1 would be sent to the function (dry run: nothing invoked or deleted), 0 still failing, 0 not an event"
        ),
        "{}",
        run.stdout
    );
    let listed = format!(
        "would invoke {FUNCTION} with event {} (Change Set Succeeded)",
        contract::event_id(&event)
    );
    assert!(
        run.stderr.contains(&listed),
        "the dry run lists what it would send: {}",
        run.stderr
    );
    assert_eq!(take_published(&moto, &families).await, BTreeMap::new());
    assert_eq!(moto.message_count(&failed).await, 1, "nothing deleted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_of_25_is_emptied_though_tried_messages_come_back_during_the_run() {
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let failed = moto.create_queue("redrive-25").await;
    let mut good = Vec::new();
    for index in 0..20 {
        let mut event = sample_event("change-set-succeeded.json");
        event["id"] = json!(format!("25a0c1a5-0000-4000-8000-{index:012}"));
        send(&moto, &failed, &invocation_record(&event)).await;
        good.push(event);
    }
    for index in 0..5 {
        let mut event = invalid_event();
        event["id"] = json!(format!("25b0c1a5-0000-4000-8000-{index:012}"));
        send(&moto, &failed, &event.to_string()).await;
    }

    let endpoint = function(&families, &[]).await;
    let run = finish(start_redrive(&failed, &endpoint, &[])).await;
    assert!(
        run.summary()
            .ends_with("20 redriven, 5 still failing, 0 not an event"),
        "summary: {}\nstderr: {}",
        run.stdout,
        run.stderr
    );
    assert_eq!(endpoint.invocations(), 25, "each event handed over once");
    assert_eq!(
        take_published(&moto, &families).await,
        once_each(&good.iter().collect::<Vec<_>>())
    );
    assert_eq!(
        moto.message_count(&failed).await,
        5,
        "the rejected ones stay"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_after_its_first_publish_loses_nothing_and_repeats_nothing() {
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let failed = moto.create_queue("redrive-killed").await;
    let events = [
        sample_event("change-set-cancelled.json"),
        sample_event("offerset-released.json"),
        sample_event("products-security-report-overdue.json"),
    ];
    for event in &events {
        send(&moto, &failed, &event.to_string()).await;
    }

    // SNS goes through the proxy, which lets the first publish through and holds the
    // second; SQS goes to moto directly.
    let mut proxy = FaultProxy::start(&crate::support::moto::endpoint()).await;
    proxy
        .set(Fault::PassThenStall {
            passes: 1,
            stall: Duration::from_secs(60),
        })
        .await;
    let stalled = function(&families, &[("AWS_ENDPOINT_URL_SNS", proxy.url())]).await;
    let mut child = start_redrive(&failed, &stalled, &[]);
    let deadline = tokio::time::Instant::now() + WAIT;
    while proxy.requests() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the redrive did not start its second publish"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().await.expect("kill the redrive");

    let after_kill = take_published(&moto, &families).await;
    assert_eq!(
        after_kill.len(),
        1,
        "one event published before the kill: {after_kill:?}"
    );
    assert_eq!(
        moto.message_count(&failed).await,
        2,
        "the two unfinished messages are still in the queue"
    );

    // The killed run's received messages come back after their visibility timeout.
    tokio::time::sleep(Duration::from_secs(VISIBILITY_SECONDS + 1)).await;
    let rerun = redrive(&failed, &families, &[]).await;
    assert_eq!(rerun.status.code(), Some(0), "{}", rerun.stderr);
    assert!(
        rerun
            .summary()
            .ends_with("2 redriven, 0 still failing, 0 not an event"),
        "{}",
        rerun.stdout
    );
    let mut published = after_kill;
    for (event_id, count) in take_published(&moto, &families).await {
        *published.entry(event_id).or_default() += count;
    }
    assert_eq!(
        published,
        once_each(&events.iter().collect::<Vec<_>>()),
        "every event published exactly once over both runs"
    );
    assert_eq!(moto.message_count(&failed).await, 0);
}

async fn confirm(link: &str) -> Finished {
    let child = Command::new(CONFIRM)
        .arg(link)
        .env_clear()
        .envs(process_env())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|error| panic!("start {CONFIRM}: {error}"));
    finish(child).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn confirms_a_subscription_from_its_link() {
    let moto = Moto::connect().await;
    let topic = moto.create_topic("confirm").await;
    let link = format!(
        "https://sns.us-east-1.amazonaws.com/confirmation.html?TopicArn={}&Token=2336412f37fb687f&Endpoint=ops%40example.com",
        topic.as_str().replace(':', "%3A")
    );
    let run = confirm(&link).await;
    assert_eq!(run.status.code(), Some(0), "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with(&format!("confirmed {}:", topic.as_str())),
        "the subscription ARN under the topic: {}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_to_an_unknown_topic_fails_with_the_reason() {
    let link = "https://sns.us-east-1.amazonaws.com/confirmation.html?\
                TopicArn=arn:aws:sns:us-east-1:123456789012:no-such-topic&Token=t";
    let run = confirm(link).await;
    assert_eq!(run.status.code(), Some(1));
    assert!(
        run.stderr.contains("no-such-topic") && run.stderr.contains("NotFound"),
        "{}",
        run.stderr
    );

    let run = confirm("https://sns.us-east-1.amazonaws.com/unsubscribe.html").await;
    assert_eq!(run.status.code(), Some(2));
    assert!(run.stderr.contains("no query string"), "{}", run.stderr);
}
