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
/// `error` for a failed change set, `warning` for a cancelled one; `warning` for an offer
/// buyers can accept for at most 7 more days after its release (or no longer: a week is
/// the least a seller needs to reach the buyers); `critical` for a paused disbursement; an
/// AWS referral to answer by the time left (`referral_severity`); `info` for the rest,
/// Sandbox co-sell events included.
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
        "Offer Released" => {
            let expires_soon = payload["detail"]["offer"]["expirationDate"]
                .as_str()
                .is_some_and(|at| {
                    timestamp(&json!(at)) - timestamp(&payload["time"]) <= TimeDelta::days(7)
                });
            if expires_soon { "warning" } else { "info" }
        }
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
/// cancelled change set, every security report and offer set, an offer the receiving
/// account sells to targeted buyers, any catalog or agreement detail type no family knows
/// (nobody can tell whether it matters without reading it); a paused disbursement; an AWS
/// referral to answer.
pub fn action_required(payload: &Value) -> &'static str {
    let detail = &payload["detail"];
    if is_payment(payload) {
        // Disbursement Paused stops the seller's revenue; any other type is one no family
        // knows yet, which a person has to read (like every unknown type).
        return "true";
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
        "Change Set Succeeded" => false,
        _ => true,
    };
    if required { "true" } else { "false" }
}

/// Agreements that need a person: a failed billing adjustment, a cancellation request that
/// is pending, rejected or failed validation, a deprovisioned licence (the buyer's access
/// must go), an agreement ending without auto-renewal, and an agreement that ended other
/// than by renewal or replacement. The ISV's ` - Manufacturer` copies of a channel
/// partner's cancellation requests and refunds need none.
/// For an ended agreement or a revoked licence the seller
/// guide's "Managing SaaS subscription events with Amazon EventBridge" asks for the final
/// metering records within one hour and the buyer's access revoked; "Container product
/// billing, metering, and licensing integrations" leaves a container product's metering and
/// entitlement to AWS. The product type is only in DescribeAgreement, never in the event, so
/// from the event alone both stay "action required". A type the seller-side list in "Amazon
/// EventBridge events" does not name (buyer-side `- Acceptor` ones included) gets no
/// dedicated message: a person has to read it.
fn agreement_action_required(payload: &Value) -> bool {
    let detail_type = detail_type(payload);
    if !KNOWN_AGREEMENT_TYPES.contains(&detail_type) {
        return true;
    }
    let event = detail_type
        .rsplit_once(" - ")
        .map_or(detail_type, |(event, _)| event);
    if is_partners_request(payload) {
        // The ISV hears about its channel partner's request or refund; the partner and
        // the buyer act on it.
        return false;
    }
    match event {
        "Purchase Agreement Ended" => !renewed_or_replaced(payload),
        "Purchase Agreement Billing Adjustment Failed"
        | "Agreement Cancellation Request Validation Failed"
        | "Agreement Cancellation Request Pending Approval"
        | "Agreement Cancellation Request Rejected"
        | "License Deprovisioned" => true,
        "Purchase Agreement Ending" => ending_needs_a_person(payload),
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
/// validate; `warning` for what costs revenue or needs an answer (ended other than by
/// renewal or replacement, ending without auto-renewal, advisory issued, licence
/// deprovisioned, cancellation pending or rejected); `info` for the rest. An agreement that
/// ended as `RENEWED` or `REPLACED` goes on under a new one (the buyer guide's agreement
/// events list renewed and replaced among the ways an agreement ends).
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
        "Purchase Agreement Ended" if renewed_or_replaced(payload) => "info",
        "Purchase Agreement Billing Adjustment Failed"
        | "Agreement Cancellation Request Validation Failed" => "error",
        "Purchase Agreement Ended"
        | "Purchase Agreement Advisory Issued"
        | "License Deprovisioned"
        | "Agreement Cancellation Request Pending Approval"
        | "Agreement Cancellation Request Rejected" => "warning",
        "Purchase Agreement Ending" if ending_needs_a_person(payload) => "warning",
        _ => "info",
    }
}

/// An Ending notice needs a person (and is a warning) when the agreement will not renew
/// and the end is close: at most 30 days left, or the renewal decision deadline
/// (`renewalSummary.lockoutStartTime`) reached, whichever comes first. AWS sends Ending at
/// 180, 120, 90, 60 and 30 days (seller guide, "Amazon EventBridge events"); the earlier
/// notices are information, so a non-renewing agreement does not raise five identical
/// warnings. Days come from `daysBeforeEndTime`, else `endTime`; unknown counts as close.
fn ending_needs_a_person(payload: &Value) -> bool {
    let agreement = &payload["detail"]["agreement"];
    if agreement["autoRenewalEnabled"] == json!(true) {
        return false;
    }
    let now = timestamp(&payload["time"]);
    let days = agreement["daysBeforeEndTime"].as_i64().or_else(|| {
        agreement["endTime"].as_str().map(|end| {
            let seconds = (timestamp(&json!(end)) - now).num_seconds();
            seconds.div_euclid(86_400) + i64::from(seconds.rem_euclid(86_400) > 0)
        })
    });
    let lockout_reached = payload["detail"]["renewalSummary"]["lockoutStartTime"]
        .as_str()
        .is_some_and(|deadline| timestamp(&json!(deadline)) <= now);
    days.is_none_or(|days| days <= 30) || lockout_reached
}

/// Whether an Ended event says the agreement goes on under a new one.
fn renewed_or_replaced(payload: &Value) -> bool {
    matches!(
        payload["detail"]["agreement"]["status"].as_str(),
        Some("RENEWED" | "REPLACED")
    )
}

/// The seller-side agreement detail types of the seller guide's "Amazon EventBridge events",
/// copied here rather than read from the library, so the contract does not follow the code.
const KNOWN_AGREEMENT_TYPES: &[&str] = &[
    "Purchase Agreement Created - Proposer",
    "Purchase Agreement Created - Manufacturer",
    "Purchase Agreement Amended - Proposer",
    "Purchase Agreement Amended - Manufacturer",
    "Purchase Agreement Ended - Proposer",
    "Purchase Agreement Ended - Manufacturer",
    "Purchase Agreement Advisory Issued - Manufacturer",
    "Purchase Agreement Advisory Resolved - Manufacturer",
    "Purchase Agreement Ending - Proposer",
    "Purchase Agreement Renewal Terms Finalized - Proposer",
    "Purchase Agreement Renewal Upcoming - Proposer",
    "License Updated - Manufacturer",
    "License Deprovisioned - Manufacturer",
    "Agreement Cancellation Request Pending Approval - Proposer",
    "Agreement Cancellation Request Approved - Proposer",
    "Agreement Cancellation Request Rejected - Proposer",
    "Agreement Cancellation Request Cancelled - Proposer",
    "Agreement Cancellation Request Validation Failed - Proposer",
    "Purchase Agreement Billing Adjustment Completed - Proposer",
    "Purchase Agreement Billing Adjustment Failed - Proposer",
    "Agreement Cancellation Request Pending Approval - Manufacturer",
    "Agreement Cancellation Request Approved - Manufacturer",
    "Agreement Cancellation Request Rejected - Manufacturer",
    "Agreement Cancellation Request Cancelled - Manufacturer",
    "Agreement Cancellation Request Validation Failed - Manufacturer",
    "Purchase Agreement Billing Adjustment Completed - Manufacturer",
    "Purchase Agreement Billing Adjustment Failed - Manufacturer",
];

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
