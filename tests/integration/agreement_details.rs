//! Agreement enrichment with the real SDK clients against a local server speaking the real
//! wire protocols: `DescribeAgreement` in Smithy RPC v2 CBOR (as aws-sdk-marketplaceagreement
//! sends it) and the Catalog API's `DescribeEntity` in REST-JSON for the product title. The
//! server answers, denies or hangs; each case is published within the deadline. The last
//! test runs the binary as Lambda does, pointed at the fake by its endpoint variables and
//! publishing to moto (`make test` provides it).

use std::convert::Infallible;
use std::time::Duration;

use ciborium::Value as Cbor;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use marketplace_catalog_notifier::Notifier;
use marketplace_catalog_notifier::aws::{AgreementApi, CatalogApi};
use marketplace_catalog_notifier::config::TopicKind;
use marketplace_catalog_notifier::publish::RecordingPublisher;
use serde_json::{Value, json};

use crate::support::lambda::Lambda;
use crate::support::moto::{self, Moto};
use crate::support::{WAIT, dry_run_config, http_server, lookups};

/// Short, so the hanging case stays quick; the server's hang lasts far longer.
const ENRICH_TIMEOUT: Duration = Duration::from_millis(400);
const HANG: Duration = Duration::from_secs(5);
const DESCRIBE_AGREEMENT_PATH: &str =
    "/service/AWSMPCommerceService_v20200301/operation/DescribeAgreement";

fn text(value: &str) -> Cbor {
    Cbor::Text(value.to_owned())
}

/// An RPC v2 CBOR timestamp: tag 1 around epoch seconds.
fn epoch(seconds: i64) -> Cbor {
    Cbor::Tag(1, Box::new(Cbor::Integer(seconds.into())))
}

fn map(entries: Vec<(&str, Cbor)>) -> Cbor {
    Cbor::Map(entries.into_iter().map(|(k, v)| (text(k), v)).collect())
}

fn described_agreement(agreement_id: &str) -> Cbor {
    map(vec![
        ("agreementId", text(agreement_id)),
        ("acceptor", map(vec![("accountId", text("845735284135"))])),
        ("proposer", map(vec![("accountId", text("123456789012"))])),
        ("agreementType", text("PurchaseAgreement")),
        ("status", text("ACTIVE")),
        ("acceptanceTime", epoch(1_796_396_638)), // 2026-12-04T15:03:58Z
        ("startTime", epoch(1_796_428_800)),      // 2026-12-05T00:00:00Z
        ("endTime", epoch(1_827_964_799)),        // 2027-12-04T23:59:59Z
        (
            "estimatedCharges",
            map(vec![
                ("agreementValue", text("120000.00")),
                ("currencyCode", text("USD")),
            ]),
        ),
        (
            "proposalSummary",
            map(vec![
                ("offerId", text("offer-3sdqk7x2jz6bq")),
                (
                    "resources",
                    Cbor::Array(vec![map(vec![
                        ("id", text("prod-aw4fgf5tyo5w2")),
                        ("type", text("SaaSProduct")),
                    ])]),
                ),
            ]),
        ),
    ])
}

fn cbor_response(status: StatusCode, body: &Cbor) -> Response<Full<Bytes>> {
    let mut bytes = Vec::new();
    ciborium::into_writer(body, &mut bytes).expect("CBOR encodes into memory");
    Response::builder()
        .status(status)
        .header("smithy-protocol", "rpc-v2-cbor")
        .header("content-type", "application/cbor")
        .body(Full::new(Bytes::from(bytes)))
        .expect("static response parts are valid")
}

async fn describe_agreement(request: Request<Incoming>) -> Response<Full<Bytes>> {
    assert_eq!(
        request
            .headers()
            .get("smithy-protocol")
            .map(|v| v.as_bytes()),
        Some(&b"rpc-v2-cbor"[..]),
        "DescribeAgreement must be sent as RPC v2 CBOR"
    );
    let body = request
        .into_body()
        .collect()
        .await
        .expect("request body")
        .to_bytes();
    let input: Cbor = ciborium::from_reader(body.as_ref()).expect("a CBOR request body");
    let agreement_id = input
        .as_map()
        .and_then(|entries| {
            entries
                .iter()
                .find(|(key, _)| key.as_text() == Some("agreementId"))
        })
        .and_then(|(_, value)| value.as_text())
        .unwrap_or_default()
        .to_owned();
    match agreement_id.as_str() {
        "agmt-hangs" => {
            tokio::time::sleep(HANG).await;
            cbor_response(StatusCode::OK, &described_agreement(&agreement_id))
        }
        "agmt-denied" => cbor_response(
            StatusCode::FORBIDDEN,
            &map(vec![
                (
                    "__type",
                    text("com.amazonaws.marketplaceagreement#AccessDeniedException"),
                ),
                (
                    "message",
                    text("User is not authorized to perform aws-marketplace:DescribeAgreement"),
                ),
            ]),
        ),
        _ => cbor_response(StatusCode::OK, &described_agreement(&agreement_id)),
    }
}

/// The Catalog API's `DescribeEntity` (REST-JSON, GET with query parameters).
fn describe_entity(query: &str) -> Response<Full<Bytes>> {
    assert!(query.contains("entityId=prod-aw4fgf5tyo5w2"), "{query}");
    let details = json!({"Description": {"ProductTitle": "Acme Log Analytics"}}).to_string();
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(
            json!({"EntityType": "SaaSProduct@1.0", "EntityIdentifier": "prod-aw4fgf5tyo5w2",
                   "Details": details})
            .to_string(),
        )))
        .expect("static response parts are valid")
}

async fn respond(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let path = request.uri().path().to_owned();
    Ok(if path == DESCRIBE_AGREEMENT_PATH {
        describe_agreement(request).await
    } else if path == "/DescribeEntity" {
        describe_entity(request.uri().query().unwrap_or_default())
    } else {
        Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Full::new(Bytes::from(format!("unexpected path {path}"))))
            .expect("static response parts are valid")
    })
}

async fn notifier() -> Notifier<RecordingPublisher> {
    let sdk_config = lookups::sdk_config(http_server::serve(respond).await).await;
    Notifier::new(dry_run_config().topics, RecordingPublisher::new())
        .with_change_set_details(None::<CatalogApi>, ENRICH_TIMEOUT)
        .with_agreement_details(
            Some(AgreementApi::from_sdk_config(&sdk_config, ENRICH_TIMEOUT)),
            ENRICH_TIMEOUT,
        )
}

/// A `Purchase Agreement Created - Proposer` event as AWS documents it: no product at all.
fn created_event(agreement_id: &str) -> Value {
    json!({
        "version": "0", "id": format!("event-{agreement_id}"),
        "detail-type": "Purchase Agreement Created - Proposer",
        "source": "aws.agreement-marketplace", "account": "123456789012",
        "time": "2026-11-28T15:04:11Z", "region": "us-east-1",
        "resources": [format!("arn:aws:aws-marketplace::aws:agreement:{agreement_id}")],
        "detail": {
            "requestId": "r-1", "catalog": "AWSMarketplace",
            "agreement": {"id": agreement_id, "intent": "NEW", "status": "ACTIVE"},
            "resaleAuthorization": {"id": null},
            "acceptor": {"accountId": "845735284135"},
            "proposer": {"accountId": "123456789012"},
            "offer": {"id": "offer-3sdqk7x2jz6bq"}
        }
    })
}

/// Handles one event; returns the published notification as text and how long it took.
async fn publish(event: Value) -> (String, Duration) {
    lookups::publish_once(&notifier().await, event, TopicKind::AGREEMENTS).await
}

#[tokio::test]
async fn an_answer_adds_value_term_and_the_catalog_title() {
    let (text, _) = publish(created_event("agmt-answers")).await;
    assert!(
        text.contains("New agreement: Acme Log Analytics, USD 120,000, buyer 845735284135"),
        "{text}"
    );
    assert!(
        text.contains("Estimated value:       USD 120,000.00"),
        "{text}"
    );
    assert!(
        text.contains("Product ID:            prod-aw4fgf5tyo5w2"),
        "{text}"
    );
    assert!(
        text.contains("Product title:         Acme Log Analytics"),
        "{text}"
    );
    // Timestamps arrive as CBOR tag 1 (epoch seconds) and are shown in UTC.
    assert!(
        text.contains("Start:                 2026-12-05 00:00:00 UTC"),
        "{text}"
    );
    assert!(
        text.contains("End:                   2027-12-04 23:59:59 UTC"),
        "{text}"
    );
    assert!(!text.contains("could not be fetched"), "{text}");
}

#[tokio::test]
async fn a_denied_lookup_is_published_with_the_error_code_only() {
    let (text, elapsed) = publish(created_event("agmt-denied")).await;
    assert!(
        text.contains("Agreement details could not be fetched (AccessDeniedException)."),
        "{text}"
    );
    assert!(!text.contains("not authorized"), "{text}");
    assert!(elapsed < HANG, "took {elapsed:?}");
}

#[tokio::test]
async fn a_hanging_lookup_is_abandoned_at_the_deadline_and_published() {
    let (text, elapsed) = publish(created_event("agmt-hangs")).await;
    assert!(
        text.contains("Agreement details could not be fetched (Timeout)."),
        "{text}"
    );
    // The deadline plus scheduling slack on a loaded machine, far below the hang.
    assert!(
        elapsed < ENRICH_TIMEOUT + Duration::from_secs(2),
        "took {elapsed:?}"
    );
}

#[tokio::test]
async fn the_binary_reaches_the_agreement_api_named_by_its_endpoint_variable() {
    let fake = http_server::serve(respond).await;
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let mut env = moto::process_env();
    env.extend(families.env());
    env.push(("ENRICH_CHANGE_SETS".to_owned(), "false".to_owned()));
    // Service-specific endpoints take precedence over moto's AWS_ENDPOINT_URL.
    env.push((
        "AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT".to_owned(),
        fake.clone(),
    ));
    env.push(("AWS_ENDPOINT_URL_MARKETPLACE_CATALOG".to_owned(), fake));
    let mut lambda = Lambda::start(&env).await;

    let event = created_event("agmt-answers");
    let reply = lambda
        .invoke(event.to_string().into_bytes())
        .await
        .expect_response("agreement event");
    assert_eq!(reply["status"], "published", "{reply}");
    let deliveries = moto
        .receive_exactly(families.queue(TopicKind::AGREEMENTS), 1, WAIT)
        .await;
    let message = &deliveries[0].message;
    assert!(message.contains("USD 120,000.00"), "{message}");
    assert!(message.contains("Acme Log Analytics"), "{message}");
}
