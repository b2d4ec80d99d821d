//! Unit tests of the change-set family: failure codes, shell quoting, long names and what
//! each failure code means.

use super::*;
use crate::message::Line;

#[test]
fn failure_codes_parse_known_and_unknown_values() {
    let parse = |s: &str| serde_json::from_value::<FailureCode>(serde_json::json!(s));
    assert_eq!(parse("CLIENT_ERROR").unwrap(), FailureCode::ClientError);
    assert_eq!(parse("SERVER_FAULT").unwrap(), FailureCode::ServerFault);
    assert_eq!(
        parse("THROTTLED").unwrap(),
        FailureCode::Other("THROTTLED".into())
    );
    assert!(parse("").is_err());
}

#[test]
fn a_long_name_is_shortened_after_its_full_appearance_in_the_summary() {
    let long = format!("Rename {}", "x".repeat(200));
    let (envelope, event) = crate::family::parse_payload::<ChangeSetEvent>(
        &serde_json::json!({
            "version": "0", "id": "e-1", "detail-type": CHANGE_SET_CANCELLED,
            "source": "aws.marketplacecatalog", "account": "123456789012",
            "time": "2024-01-01T00:00:00Z", "region": "us-east-1", "resources": [],
            "detail": {"Catalog": "AWSMarketplace", "ChangeSetId": "cs-1", "ChangeSetName": long}
        }),
        parse,
    )
    .unwrap();
    let message = change_set(
        &event.outcome,
        &event.detail,
        &Enrichment::NotAttempted,
        &envelope,
    );
    assert!(message.summary.contains(&long));
    let facts = message
        .sections
        .iter()
        .find(|section| section.title == "Change set")
        .unwrap();
    assert_eq!(
        facts.lines[0],
        Line::Field {
            label: "Name".into(),
            value: shorten(&long)
        }
    );
}

#[test]
fn every_failure_code_is_explained() {
    assert!(failure_meaning(&FailureCode::ClientError).contains("rejected"));
    assert!(failure_meaning(&FailureCode::ServerFault).contains("submit it again"));
    assert!(failure_meaning(&FailureCode::Other("NEW".into())).starts_with("NEW:"));
}
