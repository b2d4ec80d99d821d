//! What the issue's contract promises for an event, worked out from the raw EventBridge JSON
//! alone and not from the library's renderer, so the tests hold the code to the contract
//! instead of to itself: the topic family, the severity and the message attributes that
//! subscription filter policies rely on.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta};
use marketplace_catalog_notifier::config::{TopicArn, TopicKind};
use serde::Serialize;
use serde_json::{Value, json};

/// The source of agreement events, all routed to the agreements topic.
pub const AGREEMENT_SOURCE: &str = "aws.agreement-marketplace";

fn is_agreement(payload: &Value) -> bool {
    payload["source"] == AGREEMENT_SOURCE
}

/// The source of payout events, all routed to the payments topic.
pub const PAYMENTS_SOURCE: &str = "aws.marketplace";

/// AWS stopped paying the seller: critical, and a person must act.
pub const DISBURSEMENT_PAUSED: &str = "Disbursement Paused";

fn is_payment(payload: &Value) -> bool {
    payload["source"] == PAYMENTS_SOURCE
}

/// The source of AWS Partner Central's co-sell events, all routed to the co-sell topic.
pub const COSELL_SOURCE: &str = "aws.partnercentral-selling";

fn is_cosell(payload: &Value) -> bool {
    payload["source"] == COSELL_SOURCE
}

/// A co-sell event from the `Sandbox` catalog: a test, never above `info`, never an action.
fn is_sandbox(payload: &Value) -> bool {
    payload["detail"]["catalog"]
        .as_str()
        .is_some_and(|catalog| catalog.eq_ignore_ascii_case("sandbox"))
}

/// An AWS referral to answer: an invitation created for the receiving account, not a test.
fn is_referral_to_answer(payload: &Value) -> bool {
    is_cosell(payload)
        && detail_type(payload) == "Engagement Invitation Created"
        && payload["detail"]["engagementInvitation"]["participantType"] != "Sender"
        && !is_sandbox(payload)
}

/// A referral's severity by the time left between the event and its expiry: `critical`
/// within a day, `error` within three, else (or unknown) `warning`.
fn referral_severity(payload: &Value) -> &'static str {
    let expiry = &payload["detail"]["engagementInvitation"]["expirationDate"];
    if expiry.is_null() {
        return "warning";
    }
    let left = timestamp(expiry) - timestamp(&payload["time"]);
    if left <= TimeDelta::days(1) {
        "critical"
    } else if left <= TimeDelta::days(3) {
        "error"
    } else {
        "warning"
    }
}

/// The topic family the contract routes an event to: agreement and payout events by
/// source, catalog events by `detail-type`.
pub fn topic_kind(payload: &Value) -> TopicKind {
    if is_agreement(payload) {
        return TopicKind::AGREEMENTS;
    }
    if is_payment(payload) {
        return TopicKind::PAYMENTS;
    }
    if is_cosell(payload) {
        return TopicKind::COSELL;
    }
    match detail_type(payload) {
        "Offer Released" | "OfferSet Released" => TopicKind::OFFERS,
        "Change Set Succeeded" | "Change Set Failed" | "Change Set Cancelled" => {
            TopicKind::CHANGE_SETS
        }
        "Products Security Report Created" => TopicKind::SECURITY,
        _ => TopicKind::OTHER,
    }
}

/// The `severity` the contract assigns: `critical` for a security report whose due date is
/// at most 7 days after the event (or past), `error` for one with new issues and a later
/// date, else `warning`;
/// `error` for a failed change set, `warning` for a cancelled one; `critical` for a paused
/// disbursement; an AWS referral to answer by the time left (`referral_severity`); `info`
/// for the rest, Sandbox co-sell events included.
pub fn severity(payload: &Value) -> &'static str {
    if is_agreement(payload) {
        return agreement_severity(payload);
    }
    if is_payment(payload) {
        return if detail_type(payload) == DISBURSEMENT_PAUSED {
            "critical"
        } else {
            "info"
        };
    }
    if is_cosell(payload) {
        return if is_referral_to_answer(payload) {
            referral_severity(payload)
        } else {
            "info"
        };
    }
    match detail_type(payload) {
        "Change Set Failed" => "error",
        "Change Set Cancelled" => "warning",
        "Products Security Report Created" => {
            let detail = &payload["detail"];
            let new_issues = detail["newIssuesFound"]
                .as_bool()
                .expect("newIssuesFound is a boolean");
            let time_left =
                timestamp(&detail["upcomingResolutionDueDate"]) - timestamp(&payload["time"]);
            if time_left <= TimeDelta::days(7) {
                "critical"
            } else if new_issues {
                "error"
            } else {
                "warning"
            }
        }
        _ => "info",
    }
}

/// Whether the contract says a person must act (`action_required`): every failed or
/// cancelled change set, every security report and offer set, and an offer the receiving
/// account sells to targeted buyers; a paused disbursement; an AWS referral to answer.
pub fn action_required(payload: &Value) -> &'static str {
    let detail = &payload["detail"];
    if is_payment(payload) {
        return if detail_type(payload) == DISBURSEMENT_PAUSED {
            "true"
        } else {
            "false"
        };
    }
    if is_cosell(payload) {
        return if is_referral_to_answer(payload) {
            "true"
        } else {
            "false"
        };
    }
    if is_agreement(payload) {
        return if agreement_action_required(payload) {
            "true"
        } else {
            "false"
        };
    }
    let required = match detail_type(payload) {
        "Change Set Failed" | "Change Set Cancelled" => true,
        "Products Security Report Created" | "OfferSet Released" => true,
        "Offer Released" => {
            let sells = payload["account"] == detail["sellerOfRecord"]["accountId"];
            let targeted = detail["targetedBuyerAccountIds"]
                .as_array()
                .is_some_and(|buyers| !buyers.is_empty());
            sells && targeted
        }
        _ => false,
    };
    if required { "true" } else { "false" }
}

/// Agreements that need a person: a failed billing adjustment, a cancellation request that
/// is pending, rejected or failed validation, a deprovisioned licence (the buyer's access
/// must go), and an agreement ending without auto-renewal. The ISV's ` - Manufacturer`
/// copies of a channel partner's cancellation requests and refunds need none.
fn agreement_action_required(payload: &Value) -> bool {
    let event = detail_type(payload)
        .rsplit_once(" - ")
        .map_or(detail_type(payload), |(event, _)| event);
    if is_partners_request(payload) {
        // The ISV hears about its channel partner's request or refund; the partner and
        // the buyer act on it.
        return false;
    }
    match event {
        "Purchase Agreement Billing Adjustment Failed"
        | "Agreement Cancellation Request Validation Failed"
        | "Agreement Cancellation Request Pending Approval"
        | "Agreement Cancellation Request Rejected"
        | "License Deprovisioned" => true,
        "Purchase Agreement Ending" => {
            payload["detail"]["agreement"]["autoRenewalEnabled"] != json!(true)
        }
        _ => false,
    }
}

/// A cancellation request or billing adjustment as the ISV sees it (` - Manufacturer`): its
/// channel partner's, on a resale of the ISV's product.
fn is_partners_request(payload: &Value) -> bool {
    let detail_type = detail_type(payload);
    detail_type.ends_with(" - Manufacturer")
        && (detail_type.starts_with("Agreement Cancellation Request ")
            || detail_type.starts_with("Purchase Agreement Billing Adjustment "))
}

/// Agreements: `error` for a failed billing adjustment or a cancellation request AWS did not
/// validate; `warning` for what costs revenue or needs an answer (ended, ending without
/// auto-renewal, advisory issued, licence deprovisioned, cancellation pending or rejected);
/// `info` for the rest.
fn agreement_severity(payload: &Value) -> &'static str {
    let event = detail_type(payload)
        .rsplit_once(" - ")
        .map_or(detail_type(payload), |(event, _)| event);
    if is_partners_request(payload) {
        // For the ISV, what costs it revenue is a warning: an approved cancellation (the
        // agreement ends) and a completed refund; the rest is information.
        return match event {
            "Agreement Cancellation Request Approved"
            | "Purchase Agreement Billing Adjustment Completed" => "warning",
            _ => "info",
        };
    }
    match event {
        "Purchase Agreement Billing Adjustment Failed"
        | "Agreement Cancellation Request Validation Failed" => "error",
        "Purchase Agreement Ended"
        | "Purchase Agreement Advisory Issued"
        | "License Deprovisioned"
        | "Agreement Cancellation Request Pending Approval"
        | "Agreement Cancellation Request Rejected" => "warning",
        "Purchase Agreement Ending"
            if payload["detail"]["agreement"]["autoRenewalEnabled"] != json!(true) =>
        {
            "warning"
        }
        _ => "info",
    }
}

/// The agreement attributes present in the raw event: the agreement, the reader's role and
/// the buyer, offer and product wherever the family carries them.
fn agreement_attributes(payload: &Value, attributes: &mut BTreeMap<&'static str, String>) {
    let detail = &payload["detail"];
    let agreement = &detail["agreement"];
    if let Some(id) = agreement["id"].as_str() {
        attributes.insert("agreement_id", id.to_owned());
    }
    if let Some((_, role)) = detail_type(payload).rsplit_once(" - ") {
        attributes.insert("party", role.to_lowercase());
    }
    for (name, value) in [
        ("acceptor_account_id", &detail["acceptor"]["accountId"]),
        ("acceptor_account_id", &agreement["acceptorId"]),
        ("offer_id", &detail["offer"]["id"]),
        ("offer_id", &agreement["offerId"]),
        ("product_id", &detail["product"]["id"]),
        ("product_id", &agreement["productId"]),
    ] {
        if let Some(value) = value.as_str() {
            attributes.insert(name, value.to_owned());
        }
    }
}

/// The message attributes the contract requires, with their values: `detail_type`,
/// `severity`, `action_required`, `event_id`, `account` (when the event names one), and the
/// ids that matter for the event's type.
pub fn required_attributes(payload: &Value) -> BTreeMap<&'static str, String> {
    let detail = &payload["detail"];
    let mut attributes = BTreeMap::from([
        ("detail_type", detail_type(payload).to_owned()),
        ("severity", severity(payload).to_owned()),
        ("action_required", action_required(payload).to_owned()),
        ("event_id", text(&payload["id"]).to_owned()),
    ]);
    if let Some(account) = payload["account"]
        .as_str()
        .filter(|account| !account.is_empty())
    {
        attributes.insert("account", account.to_owned());
    }
    if is_agreement(payload) {
        agreement_attributes(payload, &mut attributes);
        return attributes;
    }
    if is_payment(payload) {
        // The samples spell the instrument as the payout family's tests assume AWS does
        // (no example body is published); the family's own tests cover other spellings.
        if let Some(instrument) = detail["paymentInstrumentArn"].as_str() {
            attributes.insert("payment_instrument", instrument.to_owned());
        }
        if detail_type(payload) != DISBURSEMENT_PAUSED {
            attributes.insert("source", PAYMENTS_SOURCE.to_owned());
        }
        return attributes;
    }
    if is_cosell(payload) {
        for (name, value) in [
            ("opportunity_id", &detail["opportunity"]["identifier"]),
            (
                "engagement_invitation_id",
                &detail["engagementInvitation"]["id"],
            ),
            ("catalog", &detail["catalog"]),
        ] {
            if let Some(value) = value.as_str() {
                attributes.insert(name, value.to_owned());
            }
        }
        return attributes;
    }
    match detail_type(payload) {
        "Offer Released" => {
            attributes.insert("offer_id", text(&detail["offer"]["id"]).to_owned());
            attributes.insert("product_id", text(&detail["product"]["id"]).to_owned());
        }
        "OfferSet Released" => {
            attributes.insert("offer_set_id", text(&detail["offerSet"]["id"]).to_owned());
        }
        "Change Set Succeeded" | "Change Set Cancelled" => {
            attributes.insert("change_set_id", text(&detail["ChangeSetId"]).to_owned());
        }
        "Change Set Failed" => {
            attributes.insert("change_set_id", text(&detail["ChangeSetId"]).to_owned());
            attributes.insert("failure_code", text(&detail["FailureCode"]).to_owned());
        }
        _ => {}
    }
    attributes
}

/// The event's `detail-type`.
pub fn detail_type(payload: &Value) -> &str {
    text(&payload["detail-type"])
}

/// The event's EventBridge `id`.
pub fn event_id(payload: &Value) -> &str {
    text(&payload["id"])
}

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string in the sample event, found {value}"))
}

fn timestamp(value: &Value) -> DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(text(value))
        .unwrap_or_else(|error| panic!("{value} is not an RFC 3339 time: {error}"))
}

/// The response the function returns when it publishes `payload` to `topic`.
pub fn published_reply(payload: &Value, topic: &TopicArn, message_id: impl Serialize) -> Value {
    json!({
        "status": "published",
        "detailType": detail_type(payload),
        "eventId": event_id(payload),
        "topicArn": topic.as_str(),
        "messageId": message_id,
    })
}
