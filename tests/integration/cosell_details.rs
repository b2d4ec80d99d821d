//! Co-sell enrichment with the real Partner Central Selling client against a local server
//! speaking its wire protocol, AWS JSON 1.0: every call is a `POST /` naming its operation
//! in `X-Amz-Target` (`AWSPartnerCentralSelling.GetEngagementInvitation`, `...GetOpportunity`)
//! with a JSON body, and errors carry their code in `__type`. The server answers, denies
//! or hangs; each case is published within the deadline. The last test runs the binary as
//! Lambda does, pointed at the fake by `AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING` and
//! publishing to moto (`make test` provides it).

use std::convert::Infallible;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use marketplace_catalog_notifier::Notifier;
use marketplace_catalog_notifier::aws::PartnerCentralApi;
use marketplace_catalog_notifier::config::TopicKind;
use marketplace_catalog_notifier::publish::RecordingPublisher;
use serde_json::{Value, json};

use crate::support::lambda::Lambda;
use crate::support::moto::{self, Moto};
use crate::support::{WAIT, dry_run_config, http_server, lookups, sample_event};

/// Short, so the hanging case stays quick; the server's hang lasts far longer.
const ENRICH_TIMEOUT: Duration = Duration::from_millis(400);
const HANG: Duration = Duration::from_secs(5);
const TARGET_PREFIX: &str = "AWSPartnerCentralSelling.";

/// The invitation of `events/cosell-engagement-invitation-created.json`, as
/// `GetEngagementInvitation` describes an AWS referral.
fn invitation(identifier: &str) -> Value {
    json!({
        "Arn": format!("arn:aws:partnercentral:us-east-1::catalog/AWS/engagement-invitation/{identifier}"),
        "Catalog": "AWS",
        "Id": identifier,
        "EngagementId": "eng-7pz3r8k2wq5n1",
        "EngagementTitle": "Retail analytics",
        "ExpirationDate": "2026-11-16T09:00:00Z",
        "InvitationDate": "2026-11-06T09:00:00Z",
        "SenderAwsAccountId": "aws",
        "SenderCompanyName": "Amazon Web Services",
        "Status": "PENDING",
        "PayloadType": "OpportunityInvitation",
        "Payload": {"OpportunityInvitation": {
            "Customer": {"CompanyName": "Example Retail Co", "CountryCode": "US",
                         "Industry": "Retail", "WebsiteUrl": "https://retail.example.com"},
            "Project": {"Title": "Data lake migration", "BusinessProblem": "Reports take days",
                        "TargetCompletionDate": "2027-03-31", "ExpectedCustomerSpend": []},
            "ReceiverResponsibilities": ["Software Partner"]
        }}
    })
}

fn opportunity(identifier: &str) -> Value {
    json!({
        "Catalog": "AWS",
        "Id": identifier,
        "CreatedDate": "2026-10-01T00:00:00Z",
        "LastModifiedDate": "2026-11-03T10:00:00Z",
        "LifeCycle": {"Stage": "Technical Validation", "ReviewStatus": "Approved"},
        "Project": {"Title": "Data lake migration"},
        "Customer": {"Account": {"CompanyName": "Example Retail Co"}}
    })
}

fn json_response(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/x-amz-json-1.0")
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("static response parts are valid")
}

/// The fake API: the operation from `X-Amz-Target`, the catalog and identifier from the
/// body; an identifier ending in `denied` is refused, one ending in `hangs` never answers
/// in time.
async fn respond(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    assert_eq!(request.method(), "POST");
    assert_eq!(request.uri().path(), "/");
    assert_eq!(
        request.headers().get("content-type").map(|v| v.as_bytes()),
        Some(&b"application/x-amz-json-1.0"[..]),
        "the Selling API is AWS JSON 1.0"
    );
    let operation = request
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .and_then(|target| target.strip_prefix(TARGET_PREFIX))
        .unwrap_or_default()
        .to_owned();
    let body = request
        .into_body()
        .collect()
        .await
        .expect("request body")
        .to_bytes();
    let input: Value = serde_json::from_slice(&body).expect("a JSON request body");
    assert_eq!(input["Catalog"], "AWS", "the event's catalog is passed on");
    let identifier = input["Identifier"].as_str().unwrap_or_default().to_owned();
    if identifier.ends_with("hangs") {
        tokio::time::sleep(HANG).await;
    }
    if identifier.ends_with("denied") {
        return Ok(json_response(
            StatusCode::FORBIDDEN,
            &json!({"__type": "AccessDeniedException",
                    "message": "User: arn:aws:sts::123456789012:assumed-role/x is not authorized"}),
        ));
    }
    Ok(match operation.as_str() {
        "GetEngagementInvitation" => json_response(StatusCode::OK, &invitation(&identifier)),
        "GetOpportunity" => json_response(StatusCode::OK, &opportunity(&identifier)),
        other => json_response(
            StatusCode::BAD_REQUEST,
            &json!({"__type": "UnknownOperationException", "message": other}),
        ),
    })
}

async fn notifier() -> Notifier<RecordingPublisher> {
    let sdk_config = lookups::sdk_config(http_server::serve(respond).await).await;
    Notifier::new(dry_run_config().topics, RecordingPublisher::new()).with_cosell_details(
        Some(PartnerCentralApi::from_sdk_config(
            &sdk_config,
            ENRICH_TIMEOUT,
        )),
        ENRICH_TIMEOUT,
    )
}

/// The sample referral with invitation `id` and no expiry of its own, so the one shown can
/// only come from the lookup.
fn referral(id: &str) -> Value {
    let mut event = sample_event("cosell-engagement-invitation-created.json");
    event["id"] = json!(format!("event-{id}"));
    let invitation = &mut event["detail"]["engagementInvitation"];
    invitation["id"] = json!(id);
    if let Some(fields) = invitation.as_object_mut() {
        fields.remove("expirationDate");
    }
    event
}

fn opportunity_updated(id: &str) -> Value {
    let mut event = sample_event("cosell-opportunity-updated.json");
    event["id"] = json!(format!("event-{id}"));
    event["detail"]["opportunity"]["identifier"] = json!(id);
    event
}

/// Handles one event; returns the published notification as text and how long it took.
async fn publish(event: Value) -> (String, Duration) {
    lookups::publish_once(&notifier().await, event, TopicKind::COSELL).await
}

#[tokio::test]
async fn an_invitation_is_shown_with_its_customer_project_and_the_lookups_expiry() {
    let (text, _) = publish(referral("engi-4kq9w2zt7hxm1")).await;
    for expected in [
        "Subject:    [WARNING] Co-sell opportunity invitation expires in 10 days: Example Retail Co\n",
        "Customer:              Example Retail Co",
        "Project:               Data lake migration",
        "for Example Retail Co: \"Data lake migration\"",
        "expires in 10 days (before 2026-11-16 09:00:00 UTC)",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    assert!(!text.contains("could not be fetched"), "{text}");
}

#[tokio::test]
async fn an_opportunity_update_names_its_stage() {
    let (text, _) = publish(opportunity_updated("O8123456")).await;
    assert!(
        text.contains("Co-sell opportunity updated: O8123456 (Technical Validation)"),
        "{text}"
    );
    assert!(
        text.contains("It is in the Technical Validation stage."),
        "{text}"
    );
    assert!(!text.contains("could not be fetched"), "{text}");
}

#[tokio::test]
async fn a_denied_lookup_is_published_with_the_error_code_only() {
    for event in [referral("engi-denied"), opportunity_updated("O-denied")] {
        let (text, elapsed) = publish(event).await;
        assert!(
            text.contains("Co-sell details could not be fetched (AccessDeniedException)."),
            "{text}"
        );
        assert!(!text.contains("not authorized"), "{text}");
        assert!(elapsed < HANG, "took {elapsed:?}");
    }
}

#[tokio::test]
async fn a_hanging_lookup_is_abandoned_at_the_deadline_and_published() {
    for event in [referral("engi-hangs"), opportunity_updated("O-hangs")] {
        let (text, elapsed) = publish(event).await;
        assert!(
            text.contains("Co-sell details could not be fetched (Timeout)."),
            "{text}"
        );
        // The deadline plus scheduling slack on a loaded machine, far below the hang.
        assert!(
            elapsed < ENRICH_TIMEOUT + Duration::from_secs(2),
            "took {elapsed:?}"
        );
    }
}

#[tokio::test]
async fn the_binary_reaches_partner_central_named_by_its_endpoint_variable() {
    let fake = http_server::serve(respond).await;
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let mut env = moto::process_env();
    env.extend(families.env());
    env.push(("ENRICH_CHANGE_SETS".to_owned(), "false".to_owned()));
    env.push(("ENRICH_AGREEMENTS".to_owned(), "false".to_owned()));
    // The SDK reads AWS_ENDPOINT_URL_<service id, upper case, spaces as underscores>; the
    // service id is "PartnerCentral Selling". It takes precedence over moto's AWS_ENDPOINT_URL.
    env.push(("AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING".to_owned(), fake));
    let mut lambda = Lambda::start(&env).await;

    let reply = lambda
        .invoke(referral("engi-4kq9w2zt7hxm1").to_string().into_bytes())
        .await
        .expect_response("co-sell event");
    assert_eq!(reply["status"], "published", "{reply}");
    let deliveries = moto
        .receive_exactly(families.queue(TopicKind::COSELL), 1, WAIT)
        .await;
    let message = &deliveries[0].message;
    assert!(message.contains("Example Retail Co"), "{message}");
    assert!(message.contains("Data lake migration"), "{message}");
    assert!(
        message.contains("before 2026-11-16 09:00:00 UTC"),
        "{message}"
    );
}
