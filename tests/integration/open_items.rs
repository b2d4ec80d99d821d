//! The ledger of open items on moto's DynamoDB: the digest table keeps each item once,
//! applies a redelivered event once, keeps a closing that arrived first, and stores the TTL
//! the template's table expires items by; end to end, the function binary under the Runtime
//! API emulator opens and closes items from events and its weekly report and daily digest
//! list them on moto's SNS, and `notifier-open-items` prints exactly the open ones. Needs
//! `MOTO_ENDPOINT` (`make test`).

use std::process::Command;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, TimeDelta, Utc};
use marketplace_catalog_notifier::aws::{DIGEST_EXPIRES_AT, DigestTable, ledger_partition};
use marketplace_catalog_notifier::config::{
    DIGEST_TABLE_VARIABLE, ENRICH_AGREEMENTS_VARIABLE, ENRICH_VARIABLE, ROUTES_VARIABLE, TopicArn,
};
use marketplace_catalog_notifier::digest::DigestStore;
use marketplace_catalog_notifier::ledger::{Closing, ItemId, Kind, LedgerChange, OpenItem};
use serde_json::{Value, json};

use crate::support::lambda::Lambda;
use crate::support::moto::{self, Moto, Queue};
use crate::support::{WAIT, digest_table, unique_name};

const OPEN_ITEMS: &str = env!("CARGO_BIN_EXE_notifier-open-items");
/// The function name the emulator gives the binary: it qualifies the ledger's partition.
const FUNCTION: &str = "marketplace-catalog-notifier-test";

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

/// Every event to its family topic at once; the open items weekly to the sales-ops topic.
fn routes(team: &TopicArn) -> String {
    json!({
        "routes": [{"match": {}, "to": ["family"]}],
        "open_items": {"to": [{"topic": team.to_string(), "format": "text"}], "cadence": "weekly"}
    })
    .to_string()
}

fn at(offset: TimeDelta) -> DateTime<Utc> {
    Utc::now() + offset
}

fn envelope(
    id: &str,
    source: &str,
    detail_type: &str,
    time: DateTime<Utc>,
    detail: Value,
) -> Value {
    json!({
        "version": "0", "id": id, "detail-type": detail_type, "source": source,
        "account": "123456789012", "time": time.to_rfc3339(), "region": "us-east-1",
        "resources": [], "detail": detail
    })
}

/// A cancellation request event for `request`, submitted at `created`.
fn cancellation(id: &str, status: &str, request: &str, created: DateTime<Utc>) -> Value {
    envelope(
        id,
        "aws.agreement-marketplace",
        &format!("Agreement Cancellation Request {status} - Proposer"),
        created,
        json!({"agreement": {"id": format!("agmt-{request}"), "acceptorId": "845735284135"},
               "agreementCancellationRequest": {"id": request, "createdAt": created.to_rfc3339()}}),
    )
}

fn lifecycle(id: &str, detail_type: &str, agreement: Value) -> Value {
    envelope(
        id,
        "aws.agreement-marketplace",
        detail_type,
        at(TimeDelta::zero()),
        json!({"agreement": agreement,
               "renewalSummary": {"tcv": "120000.00", "currency": "USD"},
               "acceptor": {"accountId": "845735284135"},
               "proposer": {"accountId": "123456789012"}}),
    )
}

fn security_report(id: &str, products: u64, time: DateTime<Utc>) -> Value {
    envelope(
        id,
        "aws.marketplacecatalog",
        "Products Security Report Created",
        time,
        json!({"numberOfProductsWithIssues": products, "numberOfVersionsWithIssues": products,
               "numberOfLatestVersionsWithIssues": products, "newIssuesFound": products > 0,
               "upcomingResolutionDueDate": at(TimeDelta::days(10)).to_rfc3339()}),
    )
}

fn referral(id: &str) -> Value {
    envelope(
        id,
        "aws.partnercentral-selling",
        "Engagement Invitation Created",
        at(TimeDelta::zero()),
        json!({"catalog": "AWS", "engagementInvitation": {
            "id": "engi-e2e", "senderCompanyName": "AWS", "participantType": "Receiver",
            "payloadType": "OpportunityInvitation",
            "expirationDate": at(TimeDelta::days(10)).to_rfc3339()}}),
    )
}

struct World {
    moto: Moto,
    table: String,
    team: TopicArn,
    team_queue: Queue,
    lambda: Lambda,
}

impl World {
    async fn new() -> Self {
        let moto = Moto::connect().await;
        let dynamodb = aws_sdk_dynamodb::Client::new(&moto.config);
        let table = unique_name("open-items");
        digest_table::create(&dynamodb, &table).await;
        let families = moto.families(true).await;
        let (team, team_queue) = moto.topic_with_queue("sales-ops").await;
        let mut env = moto::process_env();
        env.extend(families.env());
        // moto has no Marketplace APIs; the value comes from the events here.
        env.push((ENRICH_VARIABLE.to_owned(), "false".to_owned()));
        env.push((ENRICH_AGREEMENTS_VARIABLE.to_owned(), "false".to_owned()));
        env.push((ROUTES_VARIABLE.to_owned(), routes(&team)));
        env.push((DIGEST_TABLE_VARIABLE.to_owned(), table.clone()));
        let lambda = Lambda::start(&env).await;
        Self {
            moto,
            table,
            team,
            team_queue,
            lambda,
        }
    }

    /// Delivers `event`; `status` is what the function must answer.
    async fn send_as(&mut self, event: &Value, status: &str) {
        let name = event["id"].as_str().unwrap_or_default().to_owned();
        let answer = self
            .lambda
            .invoke(serde_json::to_vec(event).expect("JSON"))
            .await
            .expect_response(&name);
        assert_eq!(answer["status"], status, "{name}: {answer}");
    }

    async fn send(&mut self, event: &Value) {
        self.send_as(event, "published").await;
    }

    /// Runs the `cadence` digest; the team's digest body, if one was published.
    async fn digest(&mut self, cadence: &str) -> Option<String> {
        let answer = self
            .lambda
            .invoke(serde_json::to_vec(&json!({ "digest": cadence })).expect("JSON"))
            .await
            .expect_response(cadence);
        let published = answer["published"].as_array().cloned().unwrap_or_default();
        let team: Vec<&Value> = published
            .iter()
            .filter(|sent| sent["topicArn"] == self.team.to_string())
            .collect();
        let deliveries = self
            .moto
            .take_exactly_deliveries(&self.team_queue, team.len(), WAIT)
            .await;
        let delivery = deliveries.into_iter().next()?;
        let listed = team[0]["openItems"].as_u64().unwrap_or_default();
        assert!(
            delivery.message.contains(&format!(": {listed}")),
            "the answer's count is the section's: {answer} {}",
            delivery.message
        );
        Some(delivery.message)
    }

    /// `notifier-open-items` against the table, with `args`: its standard output.
    fn command(&self, args: &[&str]) -> String {
        let output = Command::new(OPEN_ITEMS)
            .env_clear()
            .envs(moto::process_env())
            .env("DIGEST_TABLE_NAME", &self.table)
            .env("FUNCTION_NAME", FUNCTION)
            .args(args)
            .output()
            .expect("notifier-open-items runs");
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8")
    }

    /// The item ids the command prints.
    fn listed(&self, args: &[&str]) -> Vec<String> {
        self.command(args)
            .lines()
            .skip(1)
            .filter_map(|line| line.split_whitespace().next())
            .map(str::to_owned)
            .collect()
    }
}

#[tokio::test]
async fn the_weekly_report_lists_what_is_open_until_its_closing_event() {
    let mut world = World::new().await;

    // A cancellation request: listed with its auto-approval date until it is approved.
    let created = at(-TimeDelta::days(1));
    world
        .send(&cancellation(
            "e-pending",
            "Pending Approval",
            "acr-e2e",
            created,
        ))
        .await;
    let body = world.digest("weekly").await.expect("a weekly report");
    let auto_approval = (created + TimeDelta::days(7))
        .format("%Y-%m-%d %H:%M UTC")
        .to_string();
    assert!(body.contains("Still open: 1"), "{body}");
    assert!(body.contains("agmt-acr-e2e"), "{body}");
    assert!(body.contains(&auto_approval), "{auto_approval}: {body}");
    world
        .send(&cancellation(
            "e-approved",
            "Approved",
            "acr-e2e",
            at(TimeDelta::zero()),
        ))
        .await;
    assert_eq!(
        world.digest("weekly").await,
        None,
        "nothing open, nothing queued"
    );

    // An agreement ending in 30 days: listed with its value until it is renewed.
    let ending = json!({"id": "agmt-ending-e2e", "endTime": at(TimeDelta::days(30)).to_rfc3339(),
                        "daysBeforeEndTime": 30, "autoRenewalEnabled": false});
    world
        .send(&lifecycle(
            "e-ending",
            "Purchase Agreement Ending - Proposer",
            ending,
        ))
        .await;
    let body = world.digest("weekly").await.expect("a weekly report");
    assert!(
        body.contains("agmt-ending-e2e") && body.contains("USD 120000.00"),
        "{body}"
    );
    let renewal = json!({"id": "agmt-renewed-e2e", "intent": "RENEW",
                         "previousAgreementId": "agmt-ending-e2e"});
    world
        .send(&lifecycle(
            "e-renewed",
            "Purchase Agreement Created - Proposer",
            renewal,
        ))
        .await;
    assert_eq!(world.digest("weekly").await, None);

    // A security report with issues, then one without.
    world
        .send(&security_report("e-report-1", 2, at(-TimeDelta::hours(2))))
        .await;
    let body = world.digest("weekly").await.expect("a weekly report");
    assert!(
        body.contains("Security report: 2 products with issues"),
        "{body}"
    );
    world
        .send(&security_report("e-report-2", 0, at(-TimeDelta::hours(1))))
        .await;
    assert_eq!(world.digest("weekly").await, None);

    // The same opening event twice: listed once.
    world.send(&referral("e-referral")).await;
    world.send_as(&referral("e-referral"), "duplicate").await;
    let body = world.digest("weekly").await.expect("a weekly report");
    assert!(body.contains("Still open: 1"), "{body}");
    assert_eq!(
        body.matches("Co-sell opportunity invitation").count(),
        1,
        "{body}"
    );

    // A cancellation request due tomorrow is in the daily digest though the report is
    // weekly; the referral, due in 10 days, is not.
    world
        .send(&cancellation(
            "e-soon",
            "Pending Approval",
            "acr-soon",
            at(-TimeDelta::days(6)),
        ))
        .await;
    let body = world.digest("daily").await.expect("a daily digest");
    assert!(body.contains("Due within 48 hours: 1"), "{body}");
    assert!(
        body.contains("agmt-acr-soon") && !body.contains("Co-sell"),
        "{body}"
    );

    // The command prints exactly the open items, filtered as asked, and closes by hand.
    let mut listed = world.listed(&[]);
    listed.sort();
    assert_eq!(
        listed,
        ["aws-referral#engi-e2e", "cancellation-request#acr-soon"]
    );
    assert_eq!(
        world.listed(&["--kind", "aws-referral"]),
        ["aws-referral#engi-e2e"]
    );
    assert_eq!(world.listed(&["--account", "123456789012"]).len(), 2);
    assert_eq!(
        world.command(&["--account", "999999999999"]),
        "No open items.\n"
    );
    assert_eq!(
        world.command(&["--close", "aws-referral#engi-e2e"]),
        "closed aws-referral#engi-e2e\n"
    );
    assert_eq!(world.listed(&[]), ["cancellation-request#acr-soon"]);
    // The stack's NotifierFunctionArn output names the same function.
    let by_arn = Command::new(OPEN_ITEMS)
        .env_clear()
        .envs(moto::process_env())
        .env("DIGEST_TABLE_NAME", &world.table)
        .env(
            "FUNCTION_NAME",
            format!("arn:aws:lambda:us-east-1:123456789012:function:{FUNCTION}"),
        )
        .output()
        .expect("notifier-open-items runs");
    assert!(
        String::from_utf8_lossy(&by_arn.stdout).contains("cancellation-request#acr-soon"),
        "{}",
        String::from_utf8_lossy(&by_arn.stderr)
    );
}
