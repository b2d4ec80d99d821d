//! The registry's tests: every family's routes parse and compose, envelopes and details
//! that do not fit are reported with their field and event id.

use serde_json::{Value, json};

use super::*;
use crate::event::MISSING_EVENT_ID;
use crate::families::agreement::{self, AgreementDetail};
use crate::families::catalog::change_set::{ChangeSetEvent, ChangeSetOutcome, FailureCode};
use crate::families::catalog::other::Unrecognised;
use crate::lookup::Found;

/// A detail that satisfies every known shape at once, so one fixture reaches every arm.
fn universal_detail() -> Value {
    json!({
        "catalog": "AWSMarketplace",
        "offer": {"id": "offer-1"},
        "product": {"id": "prod-1"},
        "manufacturer": {"accountId": "123456789012"},
        "sellerOfRecord": {"accountId": "123456789012"},
        "offerSet": {"id": "offerset-1"},
        "Catalog": "AWSMarketplace",
        "ChangeSetId": "cs-1",
        "FailureCode": "CLIENT_ERROR",
        "numberOfProductsWithIssues": 1,
        "numberOfVersionsWithIssues": 1,
        "numberOfLatestVersionsWithIssues": 1,
        "newIssuesFound": false,
        "upcomingResolutionDueDate": "2030-01-01T00:00:00Z",
        "agreement": {"id": "agmt-1", "acceptorId": "210987654321"},
        "acceptor": {"accountId": "210987654321"},
        "proposer": {"accountId": "123456789012"}
    })
}

fn event(source: &str, detail_type: &str) -> MarketplaceEvent {
    MarketplaceEvent::parse(json!({
        "id": "e-1", "detail-type": detail_type, "source": source,
        "account": "123456789012", "time": "2029-12-01T00:00:00Z", "region": "us-east-1",
        "resources": [], "detail": universal_detail()
    }))
    .unwrap()
}

#[test]
fn every_route_parses_composes_and_keeps_its_detail_type() {
    for route in routes() {
        let event = event(route.source, route.detail_type);
        assert_eq!(event.topic, route.topic, "{}", route.detail_type);
        let message = event.compose(&Found::Nothing);
        assert_eq!(
            message.attributes.get("detail_type"),
            Some(route.detail_type)
        );
        assert_eq!(message.event_type, route.detail_type);
        assert!(!message.thread_key.is_empty(), "{}", route.detail_type);
    }
    let unknown = event(catalog::SOURCE, "Entity Archived");
    assert_eq!(unknown.topic, TopicKind::OTHER);
    assert!(unknown.detail.downcast_ref::<Unrecognised>().is_some());
    let buyer_side = event(agreement::SOURCE, "Purchase Agreement Created - Acceptor");
    assert_eq!(buyer_side.topic, TopicKind::AGREEMENTS);
    assert!(matches!(
        buyer_side.detail.downcast_ref::<AgreementDetail>(),
        Some(AgreementDetail::Unrecognised(_))
    ));
}

#[test]
fn every_agreement_type_has_its_route() {
    for (detail_type, _) in agreement::KNOWN_DETAIL_TYPES {
        assert!(
                routes().any(|route| route.source == agreement::SOURCE
                        && route.detail_type == *detail_type),
                "{detail_type} has no route"
            );
    }
    assert_eq!(
        routes()
            .filter(|route| route.source == agreement::SOURCE)
            .count(),
        agreement::KNOWN_DETAIL_TYPES.len()
    );
}

#[test]
fn known_detail_types_mirror_the_routes() {
    let names = known_detail_types();
    assert_eq!(names.len(), routes().count());
    for (name, route) in names.iter().zip(routes()) {
        assert_eq!(*name, route.detail_type);
    }
}

#[test]
fn unknown_sources_have_no_route() {
    let registry = Registry::standard();
    assert!(registry.route("aws.ec2", "Offer Released").is_none());
    assert!(registry.route(catalog::SOURCE, "Anything New").is_some());
    assert_eq!(
        registry
            .route(agreement::SOURCE, "Anything New")
            .map(|(topic, _)| topic),
        Some(TopicKind::AGREEMENTS)
    );
}

fn envelope(detail_type: &str, detail: Value) -> Value {
    json!({
        "version": "0",
        "id": "11111111-2222-3333-4444-555555555555",
        "detail-type": detail_type,
        "source": "aws.marketplacecatalog",
        "account": "123456789012",
        "time": "2023-08-26T00:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    })
}

fn change_set_detail() -> Value {
    json!({
        "requestId": "r-1",
        "Catalog": "AWSMarketplace",
        "ChangeSetId": "cs-1",
        "ChangeSetName": "Create my product",
        "StartTime": "2018-02-27T13:45:22Z",
        "EndTime": "2018-02-27T14:55:22Z"
    })
}

fn error_of(payload: Value) -> NotifierError {
    MarketplaceEvent::parse(payload).expect_err("should be rejected")
}

#[test]
fn change_set_outcomes_follow_the_detail_type() {
    let event =
        MarketplaceEvent::parse(envelope("Change Set Succeeded", change_set_detail())).unwrap();
    assert!(matches!(
        event.detail.downcast_ref::<ChangeSetEvent>(),
        Some(ChangeSetEvent {
            outcome: ChangeSetOutcome::Succeeded,
            ..
        })
    ));

    let mut failed = change_set_detail();
    failed["FailureCode"] = json!("SERVER_FAULT");
    let event = MarketplaceEvent::parse(envelope("Change Set Failed", failed)).unwrap();
    assert_eq!(
        event.detail.downcast_ref::<ChangeSetEvent>(),
        Some(&ChangeSetEvent {
            outcome: ChangeSetOutcome::Failed(FailureCode::ServerFault),
            detail: serde_json::from_value(event_detail_with_code("SERVER_FAULT")).unwrap()
        })
    );
}

fn event_detail_with_code(code: &str) -> Value {
    let mut detail = change_set_detail();
    detail["FailureCode"] = json!(code);
    detail
}

#[test]
fn failed_change_set_without_failure_code_names_the_field() {
    let error = error_of(envelope("Change Set Failed", change_set_detail()));
    let message = error.to_string();
    assert_eq!(error.error_type(), "InvalidDetail");
    assert!(message.contains("detail.FailureCode"), "{message}");
    assert!(
        message.contains("11111111-2222-3333-4444-555555555555"),
        "{message}"
    );
}

#[test]
fn missing_nested_field_is_named_with_its_path() {
    let detail = json!({
        "catalog": "AWSMarketplace",
        "offer": {"arn": "arn:aws:catalog:us-east-1:123456789012:Offer/offer-1"},
        "product": {"id": "prod-1"},
        "manufacturer": {"accountId": "123456789012"},
        "sellerOfRecord": {"accountId": "123456789012"}
    });
    let message = error_of(envelope("Offer Released", detail)).to_string();
    assert!(message.contains("field `detail.offer.id`"), "{message}");
}

#[test]
fn mistyped_field_is_named_with_its_value() {
    let detail = json!({
        "numberOfProductsWithIssues": "one",
        "numberOfVersionsWithIssues": 1,
        "numberOfLatestVersionsWithIssues": 1,
        "newIssuesFound": true,
        "upcomingResolutionDueDate": "2023-12-01T00:00:00Z"
    });
    let message = error_of(envelope("Products Security Report Created", detail)).to_string();
    assert!(
        message.contains("detail.numberOfProductsWithIssues"),
        "{message}"
    );
    assert!(message.contains("\"one\""), "{message}");
}

#[test]
fn detail_as_a_string_is_rejected_for_known_types() {
    let message = error_of(envelope(
        "Change Set Succeeded",
        json!("{\"ChangeSetId\":\"x\"}"),
    ))
    .to_string();
    assert!(message.contains("field `detail`"), "{message}");
}

#[test]
fn empty_identifier_is_rejected() {
    let mut detail = change_set_detail();
    detail["ChangeSetId"] = json!("  ");
    let message = error_of(envelope("Change Set Cancelled", detail)).to_string();
    assert!(message.contains("detail.ChangeSetId"), "{message}");
    assert!(message.contains("empty"), "{message}");
}

#[test]
fn other_sources_are_rejected_before_the_detail_is_read() {
    let mut payload = envelope("Offer Released", json!("not even an object"));
    payload["source"] = json!("aws.vendor-insights");
    let error = error_of(payload);
    assert_eq!(error.error_type(), "UnsupportedSource");
    assert!(error.to_string().contains("aws.vendor-insights"));
}

#[test]
fn agreement_events_are_parsed_by_their_family() {
    let mut payload = envelope(
        "Purchase Agreement Billing Adjustment Failed - Proposer",
        json!({"agreement": {"id": "agmt-1"}}),
    );
    payload["source"] = json!("aws.agreement-marketplace");
    let event = MarketplaceEvent::parse(payload.clone()).unwrap();
    assert!(event.detail.downcast_ref::<AgreementDetail>().is_some());

    payload["detail"] = json!({});
    let error = error_of(payload);
    assert_eq!(error.error_type(), "InvalidDetail");
    let message = error.to_string();
    assert!(message.contains("detail.agreement"), "{message}");
    assert!(
        message.contains("11111111-2222-3333-4444-555555555555"),
        "{message}"
    );
}

#[test]
fn envelope_errors_name_the_field() {
    let message = error_of(json!({})).to_string();
    assert!(message.contains(MISSING_EVENT_ID), "{message}");
    assert!(message.contains("detail-type"), "{message}");

    let mut payload = envelope("Change Set Succeeded", change_set_detail());
    payload.as_object_mut().unwrap().remove("time");
    let message = error_of(payload).to_string();
    assert!(message.contains("field `time`"), "{message}");

    let mut payload = envelope("Change Set Succeeded", change_set_detail());
    payload["time"] = json!("yesterday");
    let message = error_of(payload).to_string();
    assert!(message.contains("field `time`"), "{message}");

    let mut payload = envelope("Change Set Succeeded", change_set_detail());
    payload.as_object_mut().unwrap().remove("id");
    assert!(error_of(payload).to_string().contains("field `id`"));
}

#[test]
fn text_that_is_not_one_json_object_is_rejected_as_the_payload() {
    for (text, expected) in [
        ("not json", "not valid JSON"),
        (
            "[1, 2]",
            "expected a JSON object (an EventBridge event), found an array",
        ),
        ("\"Offer Released\"", "found a string"),
        (
            "{\"id\": \"e-9\"} {}",
            "not valid JSON: trailing characters",
        ),
    ] {
        let error = MarketplaceEvent::from_json(text).expect_err(text);
        assert_eq!(error.error_type(), "InvalidEnvelope", "{text}");
        let message = error.to_string();
        assert!(message.contains("field `(payload)`"), "{message}");
        assert!(message.contains(expected), "{message}");
    }
}

#[test]
fn reasons_name_the_field_not_a_position_in_the_text() {
    let detail = json!({"numberOfProductsWithIssues": "one"});
    let payload = envelope("Products Security Report Created", detail).to_string();
    let message = MarketplaceEvent::from_json(&payload)
        .expect_err("mistyped")
        .to_string();
    assert!(
        message.contains("detail.numberOfProductsWithIssues"),
        "{message}"
    );
    assert!(!message.contains(" at line "), "{message}");
    assert!(!message.contains(" column "), "{message}");
}

#[test]
fn unknown_detail_types_keep_their_detail() {
    let event =
        MarketplaceEvent::parse(envelope("Entity Archived", json!({"entityId": "e-1"}))).unwrap();
    assert_eq!(
        event.detail.downcast_ref::<Unrecognised>(),
        Some(&Unrecognised(json!({"entityId": "e-1"})))
    );
}

#[test]
fn timestamps_accept_fractions_and_offsets() {
    let mut detail = change_set_detail();
    detail["StartTime"] = json!("2024-03-05T09:15:30.123Z");
    detail["EndTime"] = json!("2024-03-05T10:20:45.5+01:00");
    let event = MarketplaceEvent::parse(envelope("Change Set Succeeded", detail)).unwrap();
    let Some(ChangeSetEvent { detail, .. }) = event.detail.downcast_ref::<ChangeSetEvent>() else {
        panic!("not a change set")
    };
    assert_eq!(
        detail.start_time.unwrap().to_rfc3339(),
        "2024-03-05T09:15:30.123+00:00"
    );
    assert_eq!(
        detail.end_time.unwrap().to_rfc3339(),
        "2024-03-05T09:20:45.500+00:00"
    );
}

#[test]
fn unknown_extra_fields_are_accepted() {
    let mut detail = change_set_detail();
    detail["SomethingNew"] = json!({"deeply": {"nested": [1, 2, 3]}});
    let mut payload = envelope("Change Set Succeeded", detail);
    payload["new-envelope-field"] = json!(true);
    assert!(MarketplaceEvent::parse(payload).is_ok());
}
