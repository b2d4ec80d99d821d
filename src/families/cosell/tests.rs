//! The co-sell family on the developer guide's example bodies: typing, the referral's
//! deadline and severity, and Sandbox events kept at `info`.

use chrono::TimeDelta;
use serde_json::{Value, json};

use super::*;
use crate::message::Severity;

fn event(detail_type: &str, detail: Value) -> (Envelope, CosellEvent) {
    let payload = json!({
        "version": "0", "id": "c0-1", "detail-type": detail_type, "source": SOURCE,
        "account": "123456789012", "time": "2026-12-01T09:00:00Z", "region": "us-east-1",
        "resources": [], "detail": detail
    });
    crate::family::parse_payload::<CosellEvent>(&payload, FAMILY.otherwise.parse).unwrap()
}

fn referral(catalog: &str, expires: &str, side: &str) -> Value {
    json!({"catalog": catalog, "engagementInvitation": {
        "id": "engi-1", "engagementId": "eng-1", "senderCompanyName": "AWS",
        "expirationDate": expires, "participantType": side,
        "payloadType": "OpportunityInvitation"}})
}

#[test]
fn a_referral_says_how_long_is_left_and_rises_as_the_expiry_nears() {
    let (envelope, typed) = event(
        "Engagement Invitation Created",
        referral("AWS", "2026-12-11T09:00:00Z", "Receiver"),
    );
    let message = typed.compose(&envelope, &Found::default());
    assert!(message.action_required);
    assert_eq!(message.severity, Severity::Warning);
    assert_eq!(
        message.headline,
        "Co-sell opportunity invitation expires in 10 days: AWS"
    );
    assert!(
        message
            .summary
            .contains("expires in 10 days (before 2026-12-11 09:00:00 UTC)"),
        "{}",
        message.summary
    );
    assert_eq!(
        message.attributes.get("engagement_invitation_id"),
        Some("engi-1")
    );
    assert_eq!(
        invitation_severity(Some(TimeDelta::hours(20)), false, false),
        Severity::Critical
    );
    assert_eq!(
        invitation_severity(Some(TimeDelta::days(2)), false, false),
        Severity::Error
    );
    assert_eq!(invitation_severity(None, false, false), Severity::Warning);
    assert_eq!(
        invitation_severity(Some(TimeDelta::hours(1)), false, true),
        Severity::Info
    );
}

#[test]
fn sandbox_events_are_tests_and_never_above_info() {
    let (envelope, typed) = event(
        "Engagement Invitation Created",
        referral("Sandbox", "2026-12-01T12:00:00Z", "Receiver"),
    );
    let message = typed.compose(&envelope, &Found::default());
    assert_eq!(message.severity, Severity::Info);
    assert!(!message.action_required);
    assert!(message.headline.starts_with("[Sandbox test] "));
    assert!(
        message
            .summary
            .contains("test event from the Sandbox catalog")
    );
    assert_eq!(message.attributes.get("catalog"), Some("Sandbox"));
}

#[test]
fn every_listed_type_is_typed_and_others_stay_generic() {
    for (name, kind) in KNOWN_DETAIL_TYPES {
        let (envelope, typed) = event(name, json!({"catalog": "AWS"}));
        assert_eq!(typed.kind, kind, "{name}");
        let message = typed.compose(&envelope, &Found::default());
        assert!(!message.headline.is_empty(), "{name}");
    }
    let payload = json!({
        "version": "0", "id": "c0-2", "detail-type": "Engagement Created", "source": SOURCE,
        "account": "123456789012", "time": "2026-12-01T09:00:00Z", "resources": [],
        "detail": {"catalog": "AWS", "engagement": {"engagementId": "eng-9"}}
    });
    let generic =
        crate::family::parse_payload::<OtherCosellEvent>(&payload, FAMILY.otherwise.parse);
    assert!(generic.is_ok());
}

#[test]
fn identifiers_come_from_whichever_object_carries_them() {
    let (_, typed) = event(
        "Engagement Resource Snapshot Created",
        json!({"catalog": "AWS", "resourceSnapshot": {"engagementId": "eng-2",
               "resourceType": "Opportunity", "resourceId": "O42"}}),
    );
    assert_eq!(typed.detail.opportunity_id(), Some("O42"));
    assert_eq!(typed.detail.engagement_id(), Some("eng-2"));
    let payload = json!({
        "version": "0", "id": "c0-3", "detail-type": "Opportunity Updated", "source": SOURCE,
        "time": "2026-12-01T09:00:00Z", "detail": {"opportunity": {"identifier": 7}}
    });
    let error =
        crate::family::parse_payload::<CosellEvent>(&payload, FAMILY.otherwise.parse).unwrap_err();
    assert_eq!(error.0, "detail.opportunity.identifier");
}

#[test]
fn a_received_referral_is_open_until_answered_or_expired() {
    use crate::ledger::LedgerChange;
    let (envelope, typed) = event(
        "Engagement Invitation Created",
        referral("AWS", "2026-12-11T09:00:00Z", "Receiver"),
    );
    let Some(LedgerChange::Open(item)) = typed.ledger(&envelope, &Found::default()) else {
        panic!("opens");
    };
    assert_eq!(item.id.to_string(), "aws-referral#engi-1");
    assert_eq!(
        item.deadline.map(|at| at.to_rfc3339()),
        Some("2026-12-11T09:00:00+00:00".to_owned())
    );
    for closing in [
        "Engagement Invitation Accepted",
        "Engagement Invitation Rejected",
        "Engagement Invitation Expired",
    ] {
        let (envelope, typed) = event(closing, referral("AWS", "", "Receiver"));
        let change = typed.ledger(&envelope, &Found::default());
        assert!(
            matches!(&change, Some(LedgerChange::Close(c)) if c.id == item.id),
            "{closing}: {change:?}"
        );
    }
    // Sent invitations and Sandbox tests are not tracked.
    for (catalog, side) in [("AWS", "Sender"), ("Sandbox", "Receiver")] {
        let (envelope, typed) = event(
            "Engagement Invitation Created",
            referral(catalog, "2026-12-11T09:00:00Z", side),
        );
        assert_eq!(typed.ledger(&envelope, &Found::default()), None);
    }
}
