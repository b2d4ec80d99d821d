use std::sync::Arc;

use chrono::Utc;
use serde_json::{Value, json};

use super::*;
use crate::clock::Clock;
use crate::config::{TopicKind, Topics};
use crate::digest::MemoryStore;
use crate::notification::Channel;
use crate::publish::RecordingPublisher;
use crate::routing::{RouteContext, parse_routing};

const AGREEMENTS: &str = "arn:aws:sns:us-east-1:123456789012:agreements";
const CHANGE_SETS: &str = "arn:aws:sns:us-east-1:123456789012:change-sets";
const TEAM: &str = "arn:aws:sns:us-east-1:123456789012:team";

fn notifier(routes: &str) -> Notifier<RecordingPublisher> {
    let routing = parse_routing(
        routes,
        RouteContext {
            chat_topic: None,
            has_digest_table: true,
        },
    )
    .unwrap_or_else(|reason| panic!("{reason}"));
    let topics = Topics::new()
        .with(TopicKind::AGREEMENTS, TopicArn::parse(AGREEMENTS).unwrap())
        .with(
            TopicKind::CHANGE_SETS,
            TopicArn::parse(CHANGE_SETS).unwrap(),
        );
    Notifier::new(topics, RecordingPublisher::new())
        .with_routing(routing)
        .with_digest_store(Some(Arc::new(MemoryStore::default())))
}

fn event(id: &str, detail_type: &str) -> Value {
    json!({
        "version": "0", "id": id, "detail-type": detail_type,
        "source": "aws.marketplacecatalog", "account": "123456789012",
        "time": "2026-12-01T10:00:00Z", "region": "us-east-1", "resources": [],
        "detail": {"requestId": "r", "Catalog": "AWSMarketplace", "ChangeSetId": format!("cs-{id}"),
                   "ChangeSetName": "Update pricing", "FailureCode": "CLIENT_ERROR"}
    })
}

async fn digest(notifier: &Notifier<RecordingPublisher>, cadence: &str) -> Outcome {
    notifier
        .handle(json!({ "digest": cadence }))
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}

#[tokio::test]
async fn each_destination_gets_one_digest_of_exactly_its_pending_items_once() {
    let notifier = notifier(&format!(
        r#"{{"routes": [
            {{"match": {{"detail_type": ["Change Set Failed"]}}, "to": [{{"topic": "{TEAM}", "format": "chat"}}], "cadence": "weekly", "continue": true}},
            {{"match": {{}}, "to": ["family"], "cadence": "daily"}}
        ]}}"#
    ));
    for (id, detail_type) in [
        ("e-1", "Change Set Succeeded"),
        ("e-2", "Change Set Failed"),
        ("e-3", "Change Set Cancelled"),
        // A redelivery: queued once.
        ("e-1", "Change Set Succeeded"),
    ] {
        let outcome = notifier.handle(event(id, detail_type)).await.unwrap();
        assert!(matches!(outcome, Outcome::Queued { .. }), "{outcome:?}");
    }
    assert!(notifier.publisher().published().is_empty());

    let Outcome::Digest { published, .. } = digest(&notifier, "daily").await else {
        panic!("a digest outcome");
    };
    assert_eq!(published.len(), 1);
    assert_eq!(
        (published[0].topic_arn.as_str(), published[0].items),
        (CHANGE_SETS, 3)
    );
    let sent = notifier.publisher().published();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].notification.channel(), Channel::TEXT);
    assert_eq!(
        sent[0].notification.subject().as_str(),
        "Daily digest: 3 events, 2 need action"
    );

    let Outcome::Digest { published, .. } = digest(&notifier, "weekly").await else {
        panic!("a digest outcome");
    };
    assert_eq!(
        (published[0].topic_arn.as_str(), published[0].items),
        (TEAM, 1)
    );
    let sent = notifier.publisher().published();
    assert_eq!(sent[1].notification.channel(), Channel::CHAT);

    // Sent once: nothing pending any more.
    for cadence in ["daily", "weekly"] {
        let Outcome::Digest { published, .. } = digest(&notifier, cadence).await else {
            panic!("a digest outcome");
        };
        assert!(published.is_empty(), "{cadence}");
    }
    assert_eq!(notifier.publisher().published().len(), 2);
}

#[tokio::test]
async fn a_failed_publish_keeps_the_items_and_fails_the_invocation() {
    let notifier = notifier(r#"{"routes": [{"match": {}, "to": ["family"], "cadence": "daily"}]}"#);
    notifier
        .handle(event("e-1", "Change Set Succeeded"))
        .await
        .unwrap();
    notifier.publisher().fail_with(Some("SNS is down"));
    let error = notifier
        .handle(json!({"digest": "daily"}))
        .await
        .expect_err("the publish failed");
    assert_eq!(error.error_type(), "PublishFailed");
    assert!(error.to_string().contains("SNS is down"), "{error}");
    notifier.publisher().fail_with(None);
    let Outcome::Digest { published, .. } = digest(&notifier, "daily").await else {
        panic!("a digest outcome");
    };
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].items, 1);
}

#[tokio::test]
async fn a_destination_claimed_by_another_invocation_is_left_to_it() {
    let store = Arc::new(MemoryStore::default());
    let notifier = notifier(r#"{"routes": [{"match": {}, "to": ["family"], "cadence": "daily"}]}"#)
        .with_digest_store(Some(store.clone()));
    notifier
        .handle(event("e-1", "Change Set Succeeded"))
        .await
        .unwrap();
    let stream = Stream {
        cadence: Cadence::Daily,
        channel: Channel::TEXT.name,
        topic: TopicArn::parse(CHANGE_SETS).unwrap(),
    };
    let held = store
        .claim(&stream, SystemTime::now() + Duration::from_secs(60))
        .await
        .unwrap()
        .expect("free");
    let Outcome::Digest {
        published,
        claimed_elsewhere,
        ..
    } = digest(&notifier, "daily").await
    else {
        panic!("a digest outcome");
    };
    assert!(published.is_empty());
    assert_eq!(claimed_elsewhere, [CHANGE_SETS]);
    store.release(&stream, &held).await.unwrap();
    let Outcome::Digest { published, .. } = digest(&notifier, "daily").await else {
        panic!("a digest outcome");
    };
    assert_eq!(published.len(), 1);
}

#[tokio::test]
async fn a_digest_request_without_a_store_sends_nothing_and_an_unknown_cadence_is_refused() {
    let topics = Topics::new().with(
        TopicKind::CHANGE_SETS,
        TopicArn::parse(CHANGE_SETS).unwrap(),
    );
    let notifier = Notifier::new(topics, RecordingPublisher::new());
    assert_eq!(
        digest(&notifier, "daily").await,
        Outcome::Digest {
            cadence: Cadence::Daily,
            published: Vec::new(),
            claimed_elsewhere: Vec::new(),
        }
    );
    let error = notifier
        .handle(json!({"digest": "monthly"}))
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("\"monthly\""), "{error}");
}

/// A cancellation request submitted `days_ago` days ago (it auto-approves 7 days after).
fn cancellation_request(id: &str, request: &str, days_ago: i64) -> Value {
    let time = (Utc::now() - chrono::TimeDelta::days(days_ago)).to_rfc3339();
    json!({
        "version": "0", "id": id,
        "detail-type": "Agreement Cancellation Request Pending Approval - Proposer",
        "source": "aws.agreement-marketplace", "account": "123456789012",
        "time": time, "region": "us-east-1", "resources": [],
        "detail": {"agreement": {"id": format!("agmt-{request}"), "acceptorId": "845735284135"},
                   "agreementCancellationRequest": {"id": request}}
    })
}

#[tokio::test]
async fn the_report_lists_open_items_first_and_the_daily_digest_what_is_due_soon() {
    let notifier = notifier(&format!(
        r#"{{"routes": [{{"match": {{}}, "to": ["family"], "cadence": "daily"}}],
            "open_items": {{"to": [{{"topic": "{TEAM}", "format": "text"}}, "family"], "cadence": "weekly"}}}}"#
    ));
    // Due in a week, and due in under a day.
    for (id, request, days_ago) in [("e-1", "acr-late", 0), ("e-2", "acr-soon", 6)] {
        notifier
            .handle(cancellation_request(id, request, days_ago))
            .await
            .unwrap();
    }
    // The weekly digest lists both on the team topic and the agreements topic, with no
    // events pending there.
    let Outcome::Digest { published, .. } = digest(&notifier, "weekly").await else {
        panic!("a digest outcome");
    };
    let mut listed: Vec<(&str, usize, usize)> = published
        .iter()
        .map(|sent| (sent.topic_arn.as_str(), sent.items, sent.open_items))
        .collect();
    listed.sort();
    assert_eq!(listed, [(AGREEMENTS, 0, 2), (TEAM, 0, 2)]);
    let sent = notifier.publisher().published();
    let body = sent[0].notification.body();
    assert!(
        sent[0]
            .notification
            .subject()
            .as_str()
            .ends_with(", 2 still open"),
        "{:?}",
        sent[0].notification.subject()
    );
    assert!(body.contains("Still open: 2"), "{body}");
    let soon = body.find("acr-soon").or_else(|| body.find("agmt-acr-soon"));
    let late = body.find("agmt-acr-late");
    assert!(soon < late && soon.is_some(), "sorted by deadline: {body}");

    // The daily digest carries the events and, on the report's destinations, only what
    // is due within 48 hours.
    let Outcome::Digest { published, .. } = digest(&notifier, "daily").await else {
        panic!("a digest outcome");
    };
    let mut listed: Vec<(&str, usize, usize)> = published
        .iter()
        .map(|sent| (sent.topic_arn.as_str(), sent.items, sent.open_items))
        .collect();
    listed.sort();
    assert_eq!(listed, [(AGREEMENTS, 2, 1), (TEAM, 0, 1)]);
    let sent = notifier.publisher().published();
    let team = sent
        .iter()
        .skip(2)
        .find(|sent| sent.topic.as_str() == TEAM)
        .expect("the team's daily digest");
    let body = team.notification.body();
    assert!(body.contains("Due within 48 hours: 1"), "{body}");
    assert!(
        body.contains("agmt-acr-soon") && !body.contains("agmt-acr-late"),
        "{body}"
    );

    // A change-set family topic gets no open items: none of its kinds go there.
    assert!(published.iter().all(|sent| sent.topic_arn != CHANGE_SETS));
}

/// A notifier whose digests, and the store behind them, tell the time by `clock`.
fn notifier_at(routes: &str, clock: Clock) -> Notifier<RecordingPublisher> {
    notifier(routes)
        .with_clock(clock)
        .with_digest_store(Some(Arc::new(MemoryStore::with_clock(clock))))
}

#[tokio::test]
async fn a_fixed_clock_dates_the_digest_and_words_deadlines_from_its_instant() {
    let routes = format!(
        r#"{{"routes": [{{"match": {{"source": ["aws.marketplacecatalog"]}}, "to": ["family"], "cadence": "daily"}}],
            "open_items": {{"to": [{{"topic": "{TEAM}", "format": "text"}}], "cadence": "weekly"}}}}"#
    );
    // Submitted on 1 March 2023: it auto-approves on the 8th, long past by the system clock.
    let mut request = cancellation_request("e-1", "acr-2023", 0);
    request["time"] = json!("2023-03-01T10:00:00Z");
    let at = "2023-03-02T10:00:00Z".parse().expect("a valid instant");

    let now = notifier_at(&routes, Clock::System);
    now.handle(request.clone()).await.unwrap();
    let Outcome::Digest { published, .. } = digest(&now, "weekly").await else {
        panic!("a digest outcome");
    };
    assert!(published.is_empty(), "expired by today: {published:?}");

    let then = notifier_at(&routes, Clock::Fixed(at));
    then.handle(request).await.unwrap();
    let Outcome::Digest { published, .. } = digest(&then, "weekly").await else {
        panic!("a digest outcome");
    };
    assert_eq!(published.len(), 1);
    assert_eq!(published[0].open_items, 1);
    let sent = then.publisher().published();
    let notification = &sent[0].notification;
    let body = notification.body();
    assert!(
        body.contains("due in 6 days (2023-03-08 10:00 UTC)"),
        "{body}"
    );
    assert_eq!(
        notification.attributes().get("event_id"),
        Some("weekly-digest-2023-03-02")
    );
}
