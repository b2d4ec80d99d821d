//! The typed `detail` of agreement events, one shape per family, with AWS's camelCase field
//! names (seller guide, "Amazon EventBridge events"). Agreement and party account ids are
//! required; everything descriptive is optional because the examples leave much of it out.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::event::Id;

/// Purchase agreement lifecycle, advisory, renewal and licence events: the parties sit in
/// their own objects (`acceptor`, `proposer`, `offer`, `product`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleDetail {
    pub request_id: Option<String>,
    pub catalog: Option<String>,
    pub agreement: LifecycleAgreement,
    pub renewal_summary: Option<RenewalSummary>,
    /// `{"id": null}`, `null` or absent for a direct offer; an id for a channel partner's resale.
    pub resale_authorization: Option<OptionalId>,
    pub acceptor: Account,
    pub proposer: Account,
    pub offer: Option<OptionalId>,
    pub product: Option<ProductRef>,
    pub license: Option<License>,
    pub advisory: Option<Advisory>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleAgreement {
    pub id: Id,
    pub intent: Option<String>,
    pub status: Option<String>,
    #[serde(default, deserialize_with = "crate::event::timestamp::optional")]
    pub acceptance_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::event::timestamp::optional")]
    pub start_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::event::timestamp::optional")]
    pub end_time: Option<DateTime<Utc>>,
    pub auto_renewal_enabled: Option<bool>,
    pub previous_agreement_id: Option<String>,
    /// 180, 120, 90, 60 or 30 in `Purchase Agreement Ending`.
    pub days_before_end_time: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenewalSummary {
    /// The renewal decision deadline: the last day either side can switch auto-renewal.
    #[serde(default, deserialize_with = "crate::event::timestamp::optional")]
    pub lockout_start_time: Option<DateTime<Utc>>,
    pub lockout_reached: Option<bool>,
    /// `ACCEPTOR` or `PROPOSER`: who switched auto-renewal off.
    pub disabled_by: Option<String>,
    /// Total contract value of the renewal, a decimal string.
    pub tcv: Option<String>,
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "crate::event::timestamp::optional")]
    pub terms_finalized_time: Option<DateTime<Utc>>,
}

/// An account that must be named: the buyer (acceptor) or the seller of record (proposer).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub account_id: Id,
    pub name: Option<String>,
}

/// An object whose `id` may be null or missing (offer, resale authorization).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct OptionalId {
    pub id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ProductRef {
    pub id: Option<String>,
    pub title: Option<String>,
    pub code: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct License {
    /// Printed without the leading `arn:` in AWS's examples; shown as given.
    pub arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Advisory {
    #[serde(default, deserialize_with = "crate::event::timestamp::optional")]
    pub issued_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::event::timestamp::optional")]
    pub resolved_at: Option<DateTime<Utc>>,
}

/// `Agreement Cancellation Request …` events: buyer, product and offer sit flat inside
/// `agreement`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancellationDetail {
    pub request_id: Option<String>,
    pub catalog: Option<String>,
    pub agreement: CancellationAgreement,
    pub agreement_cancellation_request: Option<CancellationRequest>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancellationAgreement {
    pub id: Id,
    pub acceptor_id: Id,
    pub product_id: Option<String>,
    pub offer_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancellationRequest {
    pub id: Option<String>,
    pub reason_code: Option<String>,
    /// The seller's explanation; often "" (treated as not given).
    pub reason_message: Option<String>,
    pub status_code: Option<String>,
    /// The buyer's rejection reason, the withdrawal note or the validation error.
    pub status_message: Option<String>,
    #[serde(default, deserialize_with = "crate::event::timestamp::optional")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::event::timestamp::optional")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// `Purchase Agreement Billing Adjustment …` events: no parties at all, only the agreement.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingAdjustmentDetail {
    pub request_id: Option<String>,
    pub catalog: Option<String>,
    pub agreement: AgreementRef,
    pub billing_adjustment_request: Option<BillingAdjustmentRequest>,
    pub invoice: Option<Invoice>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AgreementRef {
    pub id: Id,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingAdjustmentRequest {
    pub id: Option<String>,
    /// A decimal string; negative in AWS's examples (a credit to the buyer).
    pub adjustment_amount: Option<String>,
    pub currency_code: Option<String>,
    pub adjustment_reason_code: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invoice {
    pub original_invoice_id: Option<String>,
}
