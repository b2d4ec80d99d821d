//! Change-set enrichment with the real Marketplace Catalog SDK client against a local HTTP
//! server that answers `DescribeChangeSet` the way the API reference shows: full error lists,
//! a failure description alone, no list at all, a validation-only change set (Intent
//! VALIDATE), and slow, 500 and AccessDenied answers.

use std::convert::Infallible;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use marketplace_catalog_notifier::Notifier;
use marketplace_catalog_notifier::aws::CatalogApi;
use marketplace_catalog_notifier::config::TopicKind;
use marketplace_catalog_notifier::publish::{RecordingPublisher, readable};
use serde_json::{Value, json};

use crate::support::{dry_run_config, envelope, http_server, lookups, sample_event};

/// Short, so the slow case stays quick; the server's slow answer takes far longer.
const ENRICH_TIMEOUT: Duration = Duration::from_millis(400);
const SLOW_ANSWER: Duration = Duration::from_secs(5);

/// What the fake Catalog API answers for each change set id.
fn answer(change_set_id: &str) -> (StatusCode, Option<&'static str>, Value) {
    match change_set_id {
        "cs-with-errors" => (
            StatusCode::OK,
            None,
            json!({
                "ChangeSetId": "cs-with-errors", "ChangeSetName": "Update listing", "Status": "FAILED",
                "FailureCode": "CLIENT_ERROR",
                "FailureDescription": "One or more changes in the request failed validation.",
                "ChangeSet": [
                    {"ChangeType": "UpdateInformation", "ChangeName": "Rename",
                     "Entity": {"Type": "SaaSProduct@1.0", "Identifier": "prod-abc123"},
                     "ErrorDetailList": [
                        {"ErrorCode": "INVALID_INPUT", "ErrorMessage": "ProductTitle must be at most 72 characters."},
                        {"ErrorCode": "INVALID_INPUT", "ErrorMessage": "ShortDescription is required.\nAdd one."}
                     ]},
                    {"ChangeType": "UpdateDimensions",
                     "Entity": {"Type": "SaaSProduct@1.0", "Identifier": "prod-abc123"},
                     "ErrorDetailList": []},
                    {"ChangeType": "UpdatePricingTerms",
                     "Entity": {"Type": "Offer@1.0", "Identifier": "offer-xyz789"},
                     "ErrorDetailList": [{"ErrorCode": "INCOMPATIBLE_DIMENSIONS", "ErrorMessage": "Pricing refers to dimension 'users' that does not exist."}]}
                ]
            }),
        ),
        "cs-description-only" => (
            StatusCode::OK,
            None,
            json!({"ChangeSetId": "cs-description-only", "Status": "FAILED", "FailureCode": "CLIENT_ERROR",
                   "FailureDescription": "The entity is locked by another change set in progress.", "ChangeSet": []}),
        ),
        "cs-server-fault" => (
            StatusCode::OK,
            None,
            json!({"ChangeSetId": "cs-server-fault", "Status": "FAILED", "FailureCode": "SERVER_FAULT"}),
        ),
        "cs-succeeded" => (
            StatusCode::OK,
            None,
            json!({"ChangeSetId": "cs-succeeded", "Status": "SUCCEEDED", "Intent": "APPLY", "ChangeSet": [
                {"ChangeType": "AddDeliveryOptions", "Entity": {"Type": "AmiProduct@1.0", "Identifier": "prod-ami1"}, "ErrorDetailList": []},
                {"ChangeType": "CreateOffer", "Entity": {"Type": "Offer@1.0"}, "ErrorDetailList": []}
            ]}),
        ),
        "cs-validate-only" => (
            StatusCode::OK,
            None,
            json!({"ChangeSetId": "cs-validate-only", "ChangeSetName": "Check new pricing",
                   "Status": "SUCCEEDED", "Intent": "VALIDATE", "ChangeSet": [
                {"ChangeType": "UpdatePricingTerms", "Entity": {"Type": "Offer@1.0", "Identifier": "offer-xyz789"}, "ErrorDetailList": []}
            ]}),
        ),
        "cs-denied" => (
            StatusCode::FORBIDDEN,
            Some("AccessDeniedException"),
            json!({"Message": "User: arn:aws:sts::123456789012:assumed-role/notifier-role/fn is not authorized to perform: aws-marketplace:DescribeChangeSet"}),
        ),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Some("InternalServiceException"),
            json!({"Message": "Internal failure"}),
        ),
    }
}

async fn respond(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let query = request.uri().query().unwrap_or_default().to_owned();
    let change_set_id = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("changeSetId="))
        .unwrap_or_default()
        .to_owned();
    if change_set_id == "cs-slow" {
        tokio::time::sleep(SLOW_ANSWER).await;
    }
    let (status, error_type, body) = answer(&change_set_id);
    let mut response = Response::builder()
        .status(status)
        .header("content-type", "application/json");
    if let Some(error_type) = error_type {
        response = response.header("x-amzn-ErrorType", error_type);
    }
    Ok(response
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("static response parts are valid"))
}

async fn notifier() -> Notifier<RecordingPublisher> {
    let sdk_config = lookups::sdk_config(http_server::serve(respond).await).await;
    Notifier::new(dry_run_config().topics, RecordingPublisher::new()).with_change_set_details(
        Some(CatalogApi::from_sdk_config(&sdk_config, ENRICH_TIMEOUT)),
        ENRICH_TIMEOUT,
    )
}

fn change_set_event(detail_type: &str, change_set_id: &str, failure_code: Option<&str>) -> Value {
    let mut event = envelope(
        detail_type,
        json!({"requestId": "r-1", "Catalog": "AWSMarketplace", "ChangeSetId": change_set_id,
               "ChangeSetName": "Update listing",
               "StartTime": "2024-05-01T09:55:00Z", "EndTime": "2024-05-01T09:59:30Z"}),
    );
    event["id"] = json!(format!("event-{change_set_id}"));
    event["time"] = json!("2024-05-01T10:00:00Z");
    if let Some(code) = failure_code {
        event["detail"]["FailureCode"] = json!(code);
    }
    event
}

/// Handles one event and returns the published notification as text, and how long it took.
async fn publish(event: Value) -> (String, Duration) {
    lookups::publish_once(&notifier().await, event, TopicKind::CHANGE_SETS).await
}

#[tokio::test]
async fn a_failed_change_set_lists_each_failed_change_and_its_errors() {
    let (text, _) = publish(change_set_event(
        "Change Set Failed",
        "cs-with-errors",
        Some("CLIENT_ERROR"),
    ))
    .await;
    assert!(
        text.contains("One or more changes in the request failed validation."),
        "{text}"
    );
    assert!(
        text.contains("UpdateInformation on SaaSProduct@1.0 prod-abc123 (\"Rename\")"),
        "{text}"
    );
    assert!(
        text.contains("INVALID_INPUT: ProductTitle must be at most 72 characters."),
        "{text}"
    );
    assert!(
        text.contains("INVALID_INPUT: ShortDescription is required. Add one."),
        "{text}"
    );
    assert!(
        text.contains("INCOMPATIBLE_DIMENSIONS: Pricing refers to dimension 'users'"),
        "{text}"
    );
    assert!(
        !text.contains("UpdateDimensions"),
        "a change without errors is not listed as failed:\n{text}"
    );
    insta::assert_snapshot!("failed_with_error_list", text);
}

#[tokio::test]
async fn a_failure_description_alone_is_shown() {
    let (text, _) = publish(change_set_event(
        "Change Set Failed",
        "cs-description-only",
        Some("CLIENT_ERROR"),
    ))
    .await;
    assert!(
        text.contains(
            "Cause (a failure of the change set as a whole, not of one change): The entity is locked by another change set in progress."
        ),
        "{text}"
    );
    assert!(!text.contains("rejected; the error list"), "{text}");
    assert!(
        text.contains("Wait for that change set to finish"),
        "a locked entity means waiting, then resubmitting:\n{text}"
    );
    insta::assert_snapshot!("failed_with_description_only", text);
}

#[tokio::test]
async fn a_server_fault_without_details_says_so() {
    let (text, _) = publish(change_set_event(
        "Change Set Failed",
        "cs-server-fault",
        Some("SERVER_FAULT"),
    ))
    .await;
    assert!(
        text.contains("SERVER_FAULT: a problem on AWS's side"),
        "{text}"
    );
    assert!(
        text.contains("AWS returned no error details for this change set"),
        "{text}"
    );
    assert!(text.contains("ClientRequestToken"), "{text}");
    assert!(
        text.contains("https://aws.amazon.com/marketplace/management/contact-us/"),
        "{text}"
    );
    insta::assert_snapshot!("server_fault_without_list", text);
}

#[tokio::test]
async fn a_succeeded_change_set_lists_what_it_changed() {
    let (text, _) = publish(change_set_event(
        "Change Set Succeeded",
        "cs-succeeded",
        None,
    ))
    .await;
    assert!(text.contains("Changes in this change set"), "{text}");
    assert!(
        text.contains("1. AddDeliveryOptions on AmiProduct@1.0 prod-ami1"),
        "{text}"
    );
    assert!(text.contains("2. CreateOffer on a new Offer@1.0"), "{text}");
    assert!(text.contains("its changes are applied"), "{text}");
    insta::assert_snapshot!("succeeded_with_changes", text);
}

#[tokio::test]
async fn a_validation_only_sample_says_nothing_was_applied() {
    let (text, _) = publish(sample_event("change-set-succeeded-validate-only.json")).await;
    assert!(
        text.contains("passed validation; nothing was applied"),
        "{text}"
    );
    assert!(
        !text.replace("nothing was applied", "").contains("applied"),
        "{text}"
    );
    assert!(text.contains("Subject:    Change set validated:"), "{text}");
    insta::assert_snapshot!("validate_only_sample", text);
}

#[tokio::test]
async fn the_description_only_sample_names_its_cause() {
    let (text, _) = publish(sample_event("change-set-failed-description-only.json")).await;
    assert!(
        text.contains("The entity is locked by another change set in progress."),
        "{text}"
    );
    insta::assert_snapshot!("description_only_sample", text);
}

#[tokio::test]
async fn a_slow_api_does_not_hold_up_the_notification() {
    let (text, elapsed) = publish(change_set_event(
        "Change Set Failed",
        "cs-slow",
        Some("CLIENT_ERROR"),
    ))
    .await;
    assert!(text.contains("The details could not be fetched"), "{text}");
    assert!(
        elapsed < ENRICH_TIMEOUT + Duration::from_millis(600),
        "published after {elapsed:?}, bound is {ENRICH_TIMEOUT:?}"
    );
    assert!(
        text.contains("describe-change-set --catalog=AWSMarketplace --change-set-id=cs-slow"),
        "{text}"
    );
}

#[tokio::test]
async fn server_errors_and_access_denied_publish_without_details() {
    for (change_set_id, expected, message) in [
        (
            "cs-internal-error",
            "error code InternalServiceException",
            "Internal failure",
        ),
        (
            "cs-denied",
            "error code AccessDeniedException",
            "not authorized",
        ),
    ] {
        let (text, _) = publish(change_set_event(
            "Change Set Failed",
            change_set_id,
            Some("CLIENT_ERROR"),
        ))
        .await;
        assert!(text.contains("The details could not be fetched"), "{text}");
        assert!(text.contains(expected), "{change_set_id}: {text}");
        // The AWS message (a role ARN, an account id) goes to the log, not to the reader.
        assert!(!text.contains(message), "{change_set_id}: {text}");
        assert!(!text.contains("assumed-role"), "{change_set_id}: {text}");
    }
}

#[tokio::test]
async fn other_event_types_are_never_looked_up() {
    let notifier = notifier().await;
    let security = envelope(
        "Products Security Report Created",
        json!({"numberOfProductsWithIssues": 1, "numberOfVersionsWithIssues": 1,
               "numberOfLatestVersionsWithIssues": 1, "newIssuesFound": true,
               "upcomingResolutionDueDate": "2024-06-01T00:00:00Z"}),
    );
    notifier.handle(security).await.expect("published");
    let text = readable(
        &notifier.publisher().published()[0].topic,
        &notifier.publisher().published()[0].notification,
    );
    assert!(!text.contains("could not be fetched"), "{text}");
}
