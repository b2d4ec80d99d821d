//! The co-sell family on the developer guide's example bodies: typing, the referral's
//! deadline and severity, Sandbox events kept at `info`, and what each lookup answer (or
//! its absence) adds.

use chrono::TimeDelta;
use serde_json::{Value, json};

use super::*;
use crate::lookup::{CosellLookup, InvitationFacts, OpportunityFacts};
use crate::message::{Line, Severity};

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

fn invitation_found(expires: Option<&str>) -> Found {
    Found::Cosell(CosellLookup::Invitation(Box::new(InvitationFacts {
        customer: Some("Example Retail Co".into()),
        project_title: Some("Data lake migration".into()),
        sender: Some("Amazon Web Services".into()),
        expires_at: expires.map(|at| at.parse().unwrap()),
        status: Some("PENDING".into()),
    })))
}

#[test]
fn invitation_and_opportunity_events_ask_for_their_lookup_in_the_events_catalog() {
    let (_, typed) = event(
        "Engagement Invitation Accepted",
        referral("Sandbox", "2026-12-11T09:00:00Z", "Receiver"),
    );
    assert_eq!(
        typed.lookup(),
        Some(LookupRequest::EngagementInvitation {
            catalog: "Sandbox",
            invitation_id: "engi-1"
        })
    );
    let (_, typed) = event(
        "Opportunity Updated",
        json!({"catalog": "AWS", "opportunity": {"identifier": "O1234"}}),
    );
    assert_eq!(
        typed.lookup(),
        Some(LookupRequest::Opportunity {
            catalog: "AWS",
            opportunity_id: "O1234"
        })
    );
    // No catalog or no identifier: nothing to ask; members and snapshots never ask.
    let (_, typed) = event(
        "Opportunity Updated",
        json!({"opportunity": {"identifier": "O1234"}}),
    );
    assert_eq!(typed.lookup(), None);
    let (_, typed) = event("Opportunity Created", json!({"catalog": "AWS"}));
    assert_eq!(typed.lookup(), None);
    let (_, typed) = event(
        "Engagement Member Joined",
        json!({"catalog": "AWS", "engagement": {"id": "eng-1"}}),
    );
    assert_eq!(typed.lookup(), None);
}

#[test]
fn a_found_invitation_names_the_customer_and_project_and_keeps_the_events_expiry() {
    let (envelope, typed) = event(
        "Engagement Invitation Created",
        referral("AWS", "2026-12-11T09:00:00Z", "Receiver"),
    );
    let message = typed.compose(&envelope, &invitation_found(Some("2026-12-02T09:00:00Z")));
    assert_eq!(
        message.headline,
        "Co-sell opportunity invitation expires in 10 days: Example Retail Co"
    );
    assert!(
        message.summary.contains(
            "AWS invited you to co-sell (opportunity invitation engi-1) for Example Retail Co: \"Data lake migration\". It expires in 10 days"
        ),
        "{}",
        message.summary
    );
    assert_eq!(message.severity, Severity::Warning);
    let facts = format!("{:?}", message.sections[0]);
    assert!(facts.contains("Example Retail Co") && facts.contains("Data lake migration"));
    assert!(!facts.contains("could not be fetched"), "{facts}");
}

#[test]
fn the_lookups_expiry_is_used_when_the_event_lacks_one_and_drives_the_severity() {
    let mut detail = referral("AWS", "", "Receiver");
    detail["engagementInvitation"]
        .as_object_mut()
        .unwrap()
        .remove("expirationDate");
    detail["engagementInvitation"]
        .as_object_mut()
        .unwrap()
        .remove("senderCompanyName");
    let (envelope, typed) = event("Engagement Invitation Created", detail);
    let message = typed.compose(&envelope, &invitation_found(Some("2026-12-02T03:00:00Z")));
    assert_eq!(message.severity, Severity::Critical);
    assert!(
        message
            .summary
            .contains("Amazon Web Services invited you to co-sell"),
        "{}",
        message.summary
    );
    assert!(
        message
            .summary
            .contains("expires in less than a day (before 2026-12-02 03:00:00 UTC)"),
        "{}",
        message.summary
    );
    // Without the lookup the same event has no expiry to go on.
    let bare = typed.compose(&envelope, &Found::default());
    assert_eq!(bare.severity, Severity::Warning);
    assert!(
        bare.summary
            .contains("has an expiry the event does not give")
    );
}

#[test]
fn a_found_opportunity_names_its_stage() {
    let (envelope, typed) = event(
        "Opportunity Updated",
        json!({"catalog": "AWS", "opportunity": {"identifier": "O1234"}}),
    );
    let found = Found::Cosell(CosellLookup::Opportunity(Box::new(OpportunityFacts {
        stage: Some("Technical Validation".into()),
        review_status: Some("Approved".into()),
        project_title: Some("Data lake migration".into()),
        customer: Some("Example Retail Co".into()),
    })));
    let message = typed.compose(&envelope, &found);
    assert_eq!(
        message.headline,
        "Co-sell opportunity updated: O1234 (Technical Validation)"
    );
    assert_eq!(
        message.summary,
        "Opportunity O1234 for Example Retail Co: \"Data lake migration\" was updated in AWS Partner Central (catalog AWS). It is in the Technical Validation stage."
    );
    let facts = format!("{:?}", message.sections[0]);
    assert!(
        facts.contains("Stage") && facts.contains("Approved"),
        "{facts}"
    );
    assert_eq!(message.severity, Severity::Info);
}

#[test]
fn an_unavailable_lookup_adds_one_line_and_changes_nothing_else() {
    for (detail_type, detail) in [
        (
            "Engagement Invitation Created",
            referral("AWS", "2026-12-11T09:00:00Z", "Receiver"),
        ),
        (
            "Opportunity Updated",
            json!({"catalog": "AWS", "opportunity": {"identifier": "O1234"}}),
        ),
    ] {
        let (envelope, typed) = event(detail_type, detail);
        let without = typed.compose(&envelope, &Found::default());
        let denied = typed.compose(
            &envelope,
            &Found::Cosell(CosellLookup::Unavailable("AccessDeniedException".into())),
        );
        let line =
            Line::Bullet("Co-sell details could not be fetched (AccessDeniedException).".into());
        let lines = &denied.sections[0].lines;
        assert_eq!(
            lines.iter().filter(|l| **l == line).count(),
            1,
            "{detail_type}: {lines:?}"
        );
        assert_eq!(denied.headline, without.headline, "{detail_type}");
        assert_eq!(denied.summary, without.summary, "{detail_type}");
        assert_eq!(denied.severity, without.severity, "{detail_type}");
        assert_eq!(lines.len(), without.sections[0].lines.len() + 1);
    }
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
