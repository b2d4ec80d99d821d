//! Composition of agreement Messages, asserted on the Message's fields, not on any rendering.

use serde_json::Value;

use super::*;
use crate::lookup::AgreementFacts;

fn sample(json: &str) -> (AgreementDetail, Envelope) {
    let payload: Value = serde_json::from_str(json).unwrap();
    let (envelope, detail) = crate::family::parse_payload::<AgreementDetail>(
        &payload,
        super::super::FAMILY.otherwise.parse,
    )
    .unwrap();
    (detail, envelope)
}

fn compose_sample(json: &str, lookup: &AgreementLookup) -> Message {
    let (detail, envelope) = sample(json);
    compose(&detail, &envelope, lookup)
}

fn field_value<'a>(message: &'a Message, section: &str, label: &str) -> Option<&'a str> {
    message
        .sections
        .iter()
        .find(|s| s.title == section)?
        .lines
        .iter()
        .find_map(|line| match line {
            Line::Field { label: l, value } if l == label => Some(value.as_str()),
            _ => None,
        })
}

fn facts() -> AgreementLookup {
    AgreementLookup::Described(Box::new(AgreementFacts {
        status: Some("ACTIVE".into()),
        acceptor_account_id: Some("845735284135".into()),
        offer_id: Some("offer-3sdqk7x2jz6bq".into()),
        product_id: Some("prod-aw4fgf5tyo5w2".into()),
        product_title: Some("Acme Log Analytics".into()),
        agreement_value: Some("120000.00".into()),
        currency_code: Some("USD".into()),
        ..AgreementFacts::default()
    }))
}

const CREATED: &str = include_str!("../../../../../events/agreement-created-as-proposer.json");
const CREATED_CPPO: &str =
    include_str!("../../../../../events/agreement-created-as-manufacturer-cppo.json");
const ENDING: &str = include_str!("../../../../../events/agreement-ending-in-30-days.json");
const PENDING: &str =
    include_str!("../../../../../events/agreement-cancellation-pending-approval.json");
const BILLING_FAILED: &str =
    include_str!("../../../../../events/agreement-billing-adjustment-failed.json");
const ACCEPTOR: &str = include_str!("../../../../../events/agreement-acceptor-created.json");

#[test]
fn a_new_agreement_names_buyer_offer_role_and_says_what_is_missing() {
    let message = compose_sample(CREATED, &AgreementLookup::NotAttempted);
    // No product in the event and no lookup: the offer stands in for it.
    assert_eq!(
        message.headline,
        "New agreement: offer offer-3sdqk7x2jz6bq, buyer 845735284135"
    );
    assert_eq!(message.severity, Severity::Info);
    assert!(!message.action_required);
    assert_eq!(message.thread_key, "agmt-1n3wvuxyzd7kdr1nmk36gqz1a");
    assert_eq!(
        field_value(&message, "Agreement", "Your role"),
        Some("seller of record (proposer)")
    );
    assert_eq!(field_value(&message, "Agreement", "Intent"), Some("NEW"));
    assert_eq!(
        field_value(&message, "Offer and product", "Product title"),
        None,
        "a fact the event does not give is left out"
    );
    let attributes = &message.attributes;
    assert_eq!(attributes.get("party"), Some("proposer"));
    assert_eq!(
        attributes.get("agreement_id"),
        Some("agmt-1n3wvuxyzd7kdr1nmk36gqz1a")
    );
    assert_eq!(attributes.get("offer_id"), Some("offer-3sdqk7x2jz6bq"));
    assert_eq!(attributes.get("acceptor_account_id"), Some("845735284135"));
    assert_eq!(attributes.get("action_required"), Some("false"));
    assert_eq!(attributes.get("product_id"), None);
    // Room is left for the severity the renderer adds.
    assert!(attributes.len() < 10);
    assert_eq!(message.sections.last().unwrap().title, "Event");
}

#[test]
fn a_lookup_adds_value_and_title() {
    let message = compose_sample(CREATED, &facts());
    assert_eq!(
        message.headline,
        "New agreement: Acme Log Analytics, USD 120,000, buyer 845735284135"
    );
    assert_eq!(
        field_value(&message, "Agreement", "Estimated value"),
        Some("USD 120,000.00")
    );
    assert!(
        message.summary.contains("Estimated value: USD 120,000.00."),
        "{}",
        message.summary
    );
    assert_eq!(
        message.attributes.get("product_id"),
        Some("prod-aw4fgf5tyo5w2")
    );
}

#[test]
fn a_channel_partner_resale_tells_the_manufacturer_who_sold_it() {
    let message = compose_sample(CREATED_CPPO, &AgreementLookup::NotAttempted);
    assert_eq!(message.attributes.get("party"), Some("manufacturer"));
    assert_eq!(
        field_value(&message, "Agreement", "Your role"),
        Some("manufacturer: the ISV whose product a channel partner resold")
    );
    assert!(
        message
            .summary
            .contains("channel partner (account 987654321098)"),
        "{}",
        message.summary
    );
    assert_eq!(
        field_value(&message, "Parties", "Resale authorization"),
        Some("resaleauthz-9a8b7c6d5e4f3")
    );
}

#[test]
fn an_agreement_ending_without_renewal_needs_action_and_counts_days() {
    let message = compose_sample(ENDING, &AgreementLookup::NotAttempted);
    assert_eq!(
        message.headline,
        "Agreement ends in 30 days: Acme Log Analytics, buyer 845735284135"
    );
    assert_eq!(message.severity, Severity::Warning);
    assert!(message.action_required);
    assert_eq!(field_value(&message, "Agreement", "Days left"), Some("30"));
    assert_eq!(
        field_value(&message, "Renewal", "Auto-renewal"),
        Some("off (switched off by the seller)")
    );
    assert!(message.next_steps[0].text.contains("renewal offer"));
}

#[test]
fn a_pending_cancellation_gives_the_auto_approval_deadline_and_how_to_withdraw() {
    let message = compose_sample(PENDING, &AgreementLookup::NotAttempted);
    assert_eq!(message.severity, Severity::Warning);
    assert!(message.action_required);
    assert_eq!(message.attributes.get("action_required"), Some("true"));
    assert_eq!(
        field_value(&message, "Cancellation request", "Auto-approval on"),
        Some("2026-12-06 13:12:22 UTC")
    );
    assert!(
        message.next_steps[0]
            .text
            .contains("2026-12-06 13:12:22 UTC")
    );
    let withdraw = message.next_steps[1].command.as_deref().unwrap();
    assert!(
        withdraw.contains("cancel-agreement-cancellation-request"),
        "{withdraw}"
    );
    assert!(
        withdraw.contains("--agreement-cancellation-request-id acr-6t5r4e3w2q1"),
        "{withdraw}"
    );
    assert_eq!(
        message.attributes.get("acceptor_account_id"),
        Some("845735284135")
    );
    assert_eq!(
        message.attributes.get("product_id"),
        Some("prod-aw4fgf5tyo5w2")
    );
}

#[test]
fn a_failed_billing_adjustment_is_an_error_that_says_how_to_find_out_why() {
    let message = compose_sample(BILLING_FAILED, &AgreementLookup::NotAttempted);
    assert_eq!(message.severity, Severity::Error);
    assert!(message.action_required);
    assert_eq!(
        message.headline,
        "Billing adjustment failed: USD -1,000.00, agreement agmt-1n3wvuxyzd7kdr1nmk36gqz1a"
    );
    let first = &message.next_steps[0];
    assert!(
        first.command.as_deref().unwrap().contains(
            "get-billing-adjustment-request --agreement-id agmt-1n3wvuxyzd7kdr1nmk36gqz1a --billing-adjustment-request-id ba-2w3e4r5t6y7u"
        ),
        "{first:?}"
    );
    // The event names no buyer; only the lookup can.
    assert_eq!(message.attributes.get("acceptor_account_id"), None);
    assert_eq!(field_value(&message, "Agreement", "Buyer account"), None);
    let looked_up = compose_sample(BILLING_FAILED, &facts());
    assert_eq!(
        looked_up.attributes.get("acceptor_account_id"),
        Some("845735284135")
    );
}

#[test]
fn a_failed_lookup_adds_one_line_with_the_error_code() {
    let message = compose_sample(
        CREATED,
        &AgreementLookup::Unavailable("AccessDeniedException".into()),
    );
    let notes: Vec<&Line> = message
        .sections
        .iter()
        .flat_map(|s| &s.lines)
        .filter(|line| matches!(line, Line::Bullet(text) if text.contains("could not be fetched")))
        .collect();
    assert_eq!(
        notes,
        [&Line::Bullet(
            "Agreement details could not be fetched (AccessDeniedException).".into()
        )]
    );
}

#[test]
fn buyer_side_events_get_the_generic_message() {
    let message = compose_sample(ACCEPTOR, &AgreementLookup::NotAttempted);
    assert_eq!(
        message.headline,
        "Marketplace agreement event: Purchase Agreement Created - Acceptor"
    );
    assert_eq!(message.attributes.get("party"), Some("acceptor"));
    assert_eq!(
        message.attributes.get("agreement_id"),
        Some("agmt-b0u9y8e7r6b5u4y3e2r1a0a0a")
    );
    assert_eq!(message.attributes.get("offer_id"), Some("offer-vendorbuy1"));
    assert_eq!(
        message.attributes.get("acceptor_account_id"),
        Some("123456789012")
    );
    assert!(message.attributes.len() < 10);
    assert!(matches!(
        message.sections.last().unwrap().lines.as_slice(),
        [Line::Verbatim(json)] if json.contains("offer-vendorbuy1")
    ));
}

#[test]
fn money_groups_thousands_and_keeps_odd_amounts_as_given() {
    assert_eq!(money("105000.00", Some("USD")), "USD 105,000.00");
    assert_eq!(money("-100.00", Some("EUR")), "EUR -100.00");
    assert_eq!(money("1234567", None), "1,234,567");
    assert_eq!(money("0", Some("USD")), "USD 0");
    assert_eq!(money("1e6", Some("USD")), "USD 1e6");
}

const PENDING_AS_ISV: &str =
    include_str!("../../../../../events/agreement-cancellation-pending-approval-manufacturer.json");
const REFUND_AS_ISV: &str =
    include_str!("../../../../../events/agreement-billing-adjustment-completed-manufacturer.json");

#[test]
fn the_isv_reads_its_channel_partners_request_in_its_own_terms() {
    let message = compose_sample(PENDING_AS_ISV, &AgreementLookup::NotAttempted);
    assert!(
        message
            .headline
            .starts_with("Channel partner asked to cancel"),
        "{}",
        message.headline
    );
    assert!(!message.action_required);
    assert_eq!(message.severity, Severity::Info);
    assert!(message.summary.contains("Your channel partner asked"));
    assert!(!message.summary.contains("Your request"));
    assert_eq!(
        field_value(&message, "Agreement", "Your role"),
        Some("manufacturer: the ISV whose product a channel partner resold")
    );
    // No withdrawal command: the request is the partner's, not the ISV's.
    assert!(message.next_steps.iter().all(|step| {
        step.command
            .as_deref()
            .is_none_or(|command| !command.contains("cancel-agreement-cancellation-request"))
    }));
    assert_eq!(message.attributes.get("party"), Some("manufacturer"));
}

#[test]
fn the_isv_hears_that_its_channel_partner_refunded_the_buyer() {
    let message = compose_sample(REFUND_AS_ISV, &AgreementLookup::NotAttempted);
    assert_eq!(
        message.headline,
        "Channel partner refunded the buyer: USD -2,500.00, agreement agmt-5kq2rz8wx1cppo7mnf3v0d9ht"
    );
    assert_eq!(message.severity, Severity::Warning);
    assert!(!message.action_required);
    assert!(
        message
            .summary
            .contains("the buyer of your product was credited")
    );
}
