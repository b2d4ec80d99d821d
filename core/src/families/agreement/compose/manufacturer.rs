//! How a channel partner's cancellation requests and refunds read for the ISV whose product
//! it resold (the ` - Manufacturer` variants): the partner asked or refunded, the buyer
//! decided, and what that means for the ISV, which is rarely asked to act. The proposer's
//! wording stays in `cancellation` and `billing_adjustment`; these helpers replace only
//! the verdict (headline, severity, action required, summary) and the steps.

use super::super::{BillingAdjustment, Cancellation, Party};
use super::step;
use crate::message::{NextStep, Severity};
use crate::text::{concat, or_not_given};

/// Headline, severity, action required and summary.
pub(super) type Verdict = (String, Severity, bool, String);

/// The ISV receives ` - Manufacturer` cancellation and refund events only for a channel
/// partner's resale of its product, so its role line says so.
pub(super) fn resold(party: Party) -> bool {
    party == Party::Manufacturer
}

/// What the ISV reads about a cancellation its channel partner requested. The event does not
/// name the partner (cancellation events carry only the buyer, offer and product).
pub(super) fn cancellation(
    event: Cancellation,
    id: &str,
    buyer: &str,
    label: &str,
    reason: &str,
    status_message: Option<&str>,
    deadline: &str,
) -> (Verdict, Vec<NextStep>) {
    match event {
        Cancellation::PendingApproval => (
            (
                concat([
                    "Channel partner asked to cancel: ",
                    label,
                    ", buyer ",
                    buyer,
                ]),
                Severity::Info,
                false,
                concat([
                    "Your channel partner asked to cancel buyer account ",
                    buyer,
                    "'s agreement ",
                    id,
                    " for your product",
                    reason,
                    ". The buyer has until ",
                    deadline,
                    " to answer; without an answer AWS approves the cancellation then. Nothing is needed from you yet.",
                ]),
            ),
            vec![step(
                "If the cancellation may go ahead, ask your channel partner why, and plan for the buyer's service ending with the agreement.",
            )],
        ),
        Cancellation::Approved => (
            (
                format!("Channel partner's cancellation approved: {label}, buyer {buyer}"),
                Severity::Warning,
                false,
                format!(
                    "The cancellation your channel partner requested for agreement {id} with buyer account {buyer}{reason} was approved, by the buyer or automatically after 7 days: the agreement for your product ends."
                ),
            ),
            vec![step(
                "Expect the agreement's Ended and License Deprovisioned events; stop serving the buyer once the licence is deprovisioned.",
            )],
        ),
        Cancellation::Rejected => (
            (
                concat([
                    "Buyer kept the agreement your channel partner sold: ",
                    label,
                    ", buyer ",
                    buyer,
                ]),
                Severity::Info,
                false,
                concat([
                    "Buyer account ",
                    buyer,
                    " rejected your channel partner's request to cancel agreement ",
                    id,
                    ": ",
                    &or_not_given(status_message),
                    ". The agreement for your product stays in force.",
                ]),
            ),
            Vec::new(),
        ),
        Cancellation::Cancelled => (
            (
                format!("Channel partner withdrew a cancellation: {label}, buyer {buyer}"),
                Severity::Info,
                false,
                format!(
                    "Your channel partner withdrew its request to cancel agreement {id} with buyer account {buyer}; the agreement for your product stays as it is."
                ),
            ),
            Vec::new(),
        ),
        Cancellation::ValidationFailed => (
            (
                format!("Channel partner's cancellation failed validation: {label}, buyer {buyer}"),
                Severity::Info,
                false,
                format!(
                    "AWS did not accept your channel partner's request to cancel agreement {id}: {}. The agreement for your product stays in force; the partner may submit a new request.",
                    or_not_given(status_message)
                ),
            ),
            Vec::new(),
        ),
    }
}

/// What the ISV reads about a refund its channel partner gave the buyer.
pub(super) fn billing_adjustment(
    event: BillingAdjustment,
    id: &str,
    amount: &str,
    on_invoice: &str,
    reason: &str,
) -> (Verdict, Vec<NextStep>) {
    match event {
        BillingAdjustment::Completed => (
            (
                format!("Channel partner refunded the buyer: {amount}, agreement {id}"),
                Severity::Warning,
                false,
                format!(
                    "Your channel partner's billing adjustment of {amount}{on_invoice} for agreement {id} was processed{reason}: the buyer of your product was credited."
                ),
            ),
            vec![step(
                "Check how the refund shows in your billing and disbursement reports; ask your channel partner if the reason is unclear.",
            )],
        ),
        BillingAdjustment::Failed => (
            (
                format!("Channel partner's refund failed: {amount}, agreement {id}"),
                Severity::Info,
                false,
                format!(
                    "Your channel partner's billing adjustment of {amount}{on_invoice} for agreement {id} failed validation and was not applied: the buyer has not been credited. Nothing is needed from you; the partner corrects and resubmits it."
                ),
            ),
            Vec::new(),
        ),
    }
}
