//! Agreement events (`aws.agreement-marketplace`): purchase agreements, licences,
//! cancellation requests and billing adjustments. Names the detail types, picks the detail
//! shape by type and the reader's role by the ` - Proposer`/` - Manufacturer` suffix; any
//! agreement type not listed here (buyer-side ` - Acceptor` ones included) stays generic.

pub mod compose;
pub mod details;
mod ledger;

pub use compose::compose;
pub use details::{BillingAdjustmentDetail, CancellationDetail, LifecycleDetail};

use serde_json::Value;

use crate::event::{DetailJson, Envelope, FieldError, typed, untyped};
use crate::family::{Detail, DetailType, Family, Otherwise, boxed};
use crate::ledger::LedgerChange;
use crate::lookup::{Found, LookupRequest};
use crate::message::Message;
use crate::topic::TopicKind;

/// The EventBridge source of every agreement event.
pub const SOURCE: &str = "aws.agreement-marketplace";

/// Seller-side detail types as the seller guide spells them, "Amazon EventBridge events".
pub mod detail_type {
    pub const CREATED_PROPOSER: &str = "Purchase Agreement Created - Proposer";
    pub const CREATED_MANUFACTURER: &str = "Purchase Agreement Created - Manufacturer";
    pub const AMENDED_PROPOSER: &str = "Purchase Agreement Amended - Proposer";
    pub const AMENDED_MANUFACTURER: &str = "Purchase Agreement Amended - Manufacturer";
    pub const ENDED_PROPOSER: &str = "Purchase Agreement Ended - Proposer";
    pub const ENDED_MANUFACTURER: &str = "Purchase Agreement Ended - Manufacturer";
    pub const ADVISORY_ISSUED_MANUFACTURER: &str =
        "Purchase Agreement Advisory Issued - Manufacturer";
    pub const ADVISORY_RESOLVED_MANUFACTURER: &str =
        "Purchase Agreement Advisory Resolved - Manufacturer";
    pub const ENDING_PROPOSER: &str = "Purchase Agreement Ending - Proposer";
    pub const RENEWAL_TERMS_FINALIZED_PROPOSER: &str =
        "Purchase Agreement Renewal Terms Finalized - Proposer";
    pub const RENEWAL_UPCOMING_PROPOSER: &str = "Purchase Agreement Renewal Upcoming - Proposer";
    pub const LICENSE_UPDATED_MANUFACTURER: &str = "License Updated - Manufacturer";
    pub const LICENSE_DEPROVISIONED_MANUFACTURER: &str = "License Deprovisioned - Manufacturer";
    pub const CANCELLATION_PENDING_APPROVAL_PROPOSER: &str =
        "Agreement Cancellation Request Pending Approval - Proposer";
    pub const CANCELLATION_APPROVED_PROPOSER: &str =
        "Agreement Cancellation Request Approved - Proposer";
    pub const CANCELLATION_REJECTED_PROPOSER: &str =
        "Agreement Cancellation Request Rejected - Proposer";
    pub const CANCELLATION_CANCELLED_PROPOSER: &str =
        "Agreement Cancellation Request Cancelled - Proposer";
    pub const CANCELLATION_VALIDATION_FAILED_PROPOSER: &str =
        "Agreement Cancellation Request Validation Failed - Proposer";
    pub const BILLING_ADJUSTMENT_COMPLETED_PROPOSER: &str =
        "Purchase Agreement Billing Adjustment Completed - Proposer";
    pub const BILLING_ADJUSTMENT_FAILED_PROPOSER: &str =
        "Purchase Agreement Billing Adjustment Failed - Proposer";
    // What the ISV receives when a channel partner's resale of its product is cancelled or
    // refunded. The seller guide names the role suffix in prose ("Manufacturer for ISVs");
    // its examples show only the Proposer variants, whose shape these share.
    pub const CANCELLATION_PENDING_APPROVAL_MANUFACTURER: &str =
        "Agreement Cancellation Request Pending Approval - Manufacturer";
    pub const CANCELLATION_APPROVED_MANUFACTURER: &str =
        "Agreement Cancellation Request Approved - Manufacturer";
    pub const CANCELLATION_REJECTED_MANUFACTURER: &str =
        "Agreement Cancellation Request Rejected - Manufacturer";
    pub const CANCELLATION_CANCELLED_MANUFACTURER: &str =
        "Agreement Cancellation Request Cancelled - Manufacturer";
    pub const CANCELLATION_VALIDATION_FAILED_MANUFACTURER: &str =
        "Agreement Cancellation Request Validation Failed - Manufacturer";
    pub const BILLING_ADJUSTMENT_COMPLETED_MANUFACTURER: &str =
        "Purchase Agreement Billing Adjustment Completed - Manufacturer";
    pub const BILLING_ADJUSTMENT_FAILED_MANUFACTURER: &str =
        "Purchase Agreement Billing Adjustment Failed - Manufacturer";
}

/// Every agreement detail type with a dedicated composition, and what it is.
pub const KNOWN_DETAIL_TYPES: &[(&str, Kind)] = {
    use self::detail_type as dt;
    &[
        (dt::CREATED_PROPOSER, Kind::Lifecycle(Lifecycle::Created)),
        (
            dt::CREATED_MANUFACTURER,
            Kind::Lifecycle(Lifecycle::Created),
        ),
        (dt::AMENDED_PROPOSER, Kind::Lifecycle(Lifecycle::Amended)),
        (
            dt::AMENDED_MANUFACTURER,
            Kind::Lifecycle(Lifecycle::Amended),
        ),
        (dt::ENDED_PROPOSER, Kind::Lifecycle(Lifecycle::Ended)),
        (dt::ENDED_MANUFACTURER, Kind::Lifecycle(Lifecycle::Ended)),
        (
            dt::ADVISORY_ISSUED_MANUFACTURER,
            Kind::Lifecycle(Lifecycle::AdvisoryIssued),
        ),
        (
            dt::ADVISORY_RESOLVED_MANUFACTURER,
            Kind::Lifecycle(Lifecycle::AdvisoryResolved),
        ),
        (dt::ENDING_PROPOSER, Kind::Lifecycle(Lifecycle::Ending)),
        (
            dt::RENEWAL_TERMS_FINALIZED_PROPOSER,
            Kind::Lifecycle(Lifecycle::RenewalTermsFinalized),
        ),
        (
            dt::RENEWAL_UPCOMING_PROPOSER,
            Kind::Lifecycle(Lifecycle::RenewalUpcoming),
        ),
        (
            dt::LICENSE_UPDATED_MANUFACTURER,
            Kind::Lifecycle(Lifecycle::LicenseUpdated),
        ),
        (
            dt::LICENSE_DEPROVISIONED_MANUFACTURER,
            Kind::Lifecycle(Lifecycle::LicenseDeprovisioned),
        ),
        (
            dt::CANCELLATION_PENDING_APPROVAL_PROPOSER,
            Kind::Cancellation(Cancellation::PendingApproval),
        ),
        (
            dt::CANCELLATION_APPROVED_PROPOSER,
            Kind::Cancellation(Cancellation::Approved),
        ),
        (
            dt::CANCELLATION_REJECTED_PROPOSER,
            Kind::Cancellation(Cancellation::Rejected),
        ),
        (
            dt::CANCELLATION_CANCELLED_PROPOSER,
            Kind::Cancellation(Cancellation::Cancelled),
        ),
        (
            dt::CANCELLATION_VALIDATION_FAILED_PROPOSER,
            Kind::Cancellation(Cancellation::ValidationFailed),
        ),
        (
            dt::BILLING_ADJUSTMENT_COMPLETED_PROPOSER,
            Kind::BillingAdjustment(BillingAdjustment::Completed),
        ),
        (
            dt::BILLING_ADJUSTMENT_FAILED_PROPOSER,
            Kind::BillingAdjustment(BillingAdjustment::Failed),
        ),
        (
            dt::CANCELLATION_PENDING_APPROVAL_MANUFACTURER,
            Kind::Cancellation(Cancellation::PendingApproval),
        ),
        (
            dt::CANCELLATION_APPROVED_MANUFACTURER,
            Kind::Cancellation(Cancellation::Approved),
        ),
        (
            dt::CANCELLATION_REJECTED_MANUFACTURER,
            Kind::Cancellation(Cancellation::Rejected),
        ),
        (
            dt::CANCELLATION_CANCELLED_MANUFACTURER,
            Kind::Cancellation(Cancellation::Cancelled),
        ),
        (
            dt::CANCELLATION_VALIDATION_FAILED_MANUFACTURER,
            Kind::Cancellation(Cancellation::ValidationFailed),
        ),
        (
            dt::BILLING_ADJUSTMENT_COMPLETED_MANUFACTURER,
            Kind::BillingAdjustment(BillingAdjustment::Completed),
        ),
        (
            dt::BILLING_ADJUSTMENT_FAILED_MANUFACTURER,
            Kind::BillingAdjustment(BillingAdjustment::Failed),
        ),
    ]
};

/// Which shape a detail type has, and which event of that family it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Lifecycle(Lifecycle),
    Cancellation(Cancellation),
    BillingAdjustment(BillingAdjustment),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifecycle {
    Created,
    Amended,
    Ended,
    AdvisoryIssued,
    AdvisoryResolved,
    Ending,
    RenewalTermsFinalized,
    RenewalUpcoming,
    LicenseUpdated,
    LicenseDeprovisioned,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancellation {
    PendingApproval,
    Approved,
    Rejected,
    Cancelled,
    ValidationFailed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillingAdjustment {
    Completed,
    Failed,
}

/// Who the receiving account is in the agreement: the detail type's suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The seller of record: the ISV for its own offers, the channel partner for a resale.
    Proposer,
    /// The ISV whose product the agreement is for.
    Manufacturer,
    /// The buyer (the seller's account also buys on AWS Marketplace).
    Acceptor,
}

impl Party {
    /// The `party` attribute value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Party::Proposer => "proposer",
            Party::Manufacturer => "manufacturer",
            Party::Acceptor => "acceptor",
        }
    }

    /// Reads the role from `<event name> - <Role>`.
    pub fn from_detail_type(detail_type: &str) -> Option<Self> {
        match detail_type.rsplit_once(" - ")?.1 {
            "Proposer" => Some(Party::Proposer),
            "Manufacturer" => Some(Party::Manufacturer),
            "Acceptor" => Some(Party::Acceptor),
            _ => None,
        }
    }
}

/// An agreement event's detail, typed by `detail-type`.
#[derive(Debug, Clone, PartialEq)]
pub enum AgreementDetail {
    Lifecycle(Lifecycle, Party, Box<LifecycleDetail>),
    Cancellation(Cancellation, Party, Box<CancellationDetail>),
    BillingAdjustment(BillingAdjustment, Party, Box<BillingAdjustmentDetail>),
    /// An agreement type with no dedicated composition (a new one, or a buyer-side one):
    /// kept whole for the generic rendering (the role, if any, is read from the type).
    Unrecognised(Value),
}

impl AgreementDetail {
    /// The agreement id, where the detail is typed (always present there).
    pub fn agreement_id(&self) -> Option<&str> {
        match self {
            AgreementDetail::Lifecycle(_, _, detail) => Some(detail.agreement.id.as_str()),
            AgreementDetail::Cancellation(_, _, detail) => Some(detail.agreement.id.as_str()),
            AgreementDetail::BillingAdjustment(_, _, detail) => Some(detail.agreement.id.as_str()),
            AgreementDetail::Unrecognised(..) => None,
        }
    }

    /// The product id the event names, if any.
    pub fn product_id(&self) -> Option<&str> {
        match self {
            AgreementDetail::Lifecycle(_, _, detail) => {
                detail.product.as_ref().and_then(|p| p.id.as_deref())
            }
            AgreementDetail::Cancellation(_, _, detail) => detail.agreement.product_id.as_deref(),
            _ => None,
        }
        .filter(|id| !id.trim().is_empty())
    }

    /// The product title the event carries, if any.
    pub fn product_title(&self) -> Option<&str> {
        match self {
            AgreementDetail::Lifecycle(_, _, detail) => detail
                .product
                .as_ref()
                .and_then(|p| p.title.as_deref())
                .filter(|title| !title.trim().is_empty()),
            _ => None,
        }
    }
}

/// Parses `detail` for an agreement detail type; errors are `(field path, reason)`.
pub fn parse_detail(detail_type: &str, detail: &DetailJson) -> Result<AgreementDetail, FieldError> {
    let kind = KNOWN_DETAIL_TYPES
        .iter()
        .find(|(name, _)| *name == detail_type)
        .map(|(_, kind)| *kind);
    // Every known type ends in a role, so `party` is set whenever `kind` is.
    let (Some(kind), Some(party)) = (kind, Party::from_detail_type(detail_type)) else {
        return untyped(detail).map(AgreementDetail::Unrecognised);
    };
    Ok(match kind {
        Kind::Lifecycle(event) => AgreementDetail::Lifecycle(event, party, typed(detail)?),
        Kind::Cancellation(event) => AgreementDetail::Cancellation(event, party, typed(detail)?),
        Kind::BillingAdjustment(event) => {
            AgreementDetail::BillingAdjustment(event, party, typed(detail)?)
        }
    })
}

/// The family's parser for every agreement detail type, listed or not.
fn parse(detail_type: &str, detail: &DetailJson) -> Result<Box<dyn Detail>, FieldError> {
    parse_detail(detail_type, detail).map(boxed)
}

impl Detail for AgreementDetail {
    /// The agreement's value, term and status are only in `DescribeAgreement`.
    fn lookup(&self) -> Option<LookupRequest<'_>> {
        Some(LookupRequest::Agreement {
            agreement_id: self.agreement_id()?,
            product_id: self.product_id(),
            product_title: self.product_title(),
        })
    }

    fn compose(&self, envelope: &Envelope, found: &Found) -> Message {
        compose(self, envelope, found.agreement())
    }

    fn ledger(&self, envelope: &Envelope, found: &Found) -> Option<LedgerChange> {
        ledger::change(self, envelope, found)
    }
}

/// Every listed detail type goes to the agreements topic, parsed by [`parse`].
const DETAIL_TYPES: [DetailType; KNOWN_DETAIL_TYPES.len()] =
    DetailType::table(KNOWN_DETAIL_TYPES, TopicKind::AGREEMENTS, parse);

/// The agreement family as the registry lists it. New agreement types and the buyer-side
/// "- Acceptor" ones stay generic, but on the agreements topic, where the people who follow
/// agreements read.
pub static FAMILY: Family = Family {
    name: "agreement",
    source: SOURCE,
    detail_types: &DETAIL_TYPES,
    otherwise: Otherwise {
        topic: TopicKind::AGREEMENTS,
        parse,
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    /// [`parse_detail`] on a detail written as a JSON value.
    fn parse_value(detail_type: &str, detail: Value) -> Result<AgreementDetail, FieldError> {
        let text = serde_json::value::to_raw_value(&detail).expect("a Value serialises");
        parse_detail(detail_type, &DetailJson::detail(&text))
    }
    use serde_json::json;

    fn created() -> Value {
        json!({
            "requestId": "r-1", "catalog": "AWSMarketplace",
            "agreement": {"id": "agmt-1", "intent": "NEW", "status": "ACTIVE",
                          "startTime": "2026-12-01T00:00:00Z"},
            "resaleAuthorization": {"id": null},
            "acceptor": {"accountId": "845735284135"},
            "proposer": {"accountId": "123456789012"},
            "offer": {"id": "offer-1"}
        })
    }

    #[test]
    fn every_known_type_names_its_role() {
        for (name, _) in KNOWN_DETAIL_TYPES {
            let party = Party::from_detail_type(name);
            assert!(
                matches!(party, Some(Party::Proposer | Party::Manufacturer)),
                "{name}"
            );
        }
    }

    #[test]
    fn lifecycle_events_are_typed_with_their_role() {
        let detail = parse_value(detail_type::CREATED_MANUFACTURER, created()).unwrap();
        let AgreementDetail::Lifecycle(Lifecycle::Created, Party::Manufacturer, detail) = detail
        else {
            panic!("not a created event: {detail:?}")
        };
        assert_eq!(detail.agreement.id.as_str(), "agmt-1");
        assert_eq!(detail.resale_authorization.unwrap().id, None);
        assert_eq!(detail.product, None);
    }

    #[test]
    fn missing_identifying_fields_are_named() {
        let mut detail = created();
        detail["agreement"].as_object_mut().unwrap().remove("id");
        let (field, _) = parse_value(detail_type::CREATED_PROPOSER, detail).unwrap_err();
        assert_eq!(field, "detail.agreement.id");

        let mut detail = created();
        detail["acceptor"] = json!({});
        let (field, _) = parse_value(detail_type::ENDED_PROPOSER, detail).unwrap_err();
        assert_eq!(field, "detail.acceptor.accountId");

        let mut detail = created();
        detail["proposer"]["accountId"] = json!(" ");
        let (field, reason) = parse_value(detail_type::AMENDED_PROPOSER, detail).unwrap_err();
        assert_eq!(field, "detail.proposer.accountId");
        assert!(reason.contains("empty"), "{reason}");

        let cancellation = json!({"agreement": {"id": "agmt-1"}});
        let (field, _) = parse_value(
            detail_type::CANCELLATION_PENDING_APPROVAL_PROPOSER,
            cancellation,
        )
        .unwrap_err();
        assert_eq!(field, "detail.agreement.acceptorId");
    }

    #[test]
    fn billing_adjustments_need_only_the_agreement() {
        let detail = parse_value(
            detail_type::BILLING_ADJUSTMENT_FAILED_PROPOSER,
            json!({"agreement": {"id": "agmt-1"}}),
        )
        .unwrap();
        assert_eq!(detail.agreement_id(), Some("agmt-1"));
        let (field, _) = parse_value(
            detail_type::BILLING_ADJUSTMENT_COMPLETED_PROPOSER,
            json!({"billingAdjustmentRequest": {"id": "ba-1"}}),
        )
        .unwrap_err();
        assert_eq!(field, "detail.agreement");
    }

    #[test]
    fn unknown_and_buyer_side_types_stay_generic() {
        let detail = parse_value("Purchase Agreement Created - Acceptor", json!("anything"));
        assert_eq!(detail, Ok(AgreementDetail::Unrecognised(json!("anything"))));
        let detail = parse_value("Agreement Something New", json!({}));
        assert_eq!(detail, Ok(AgreementDetail::Unrecognised(json!({}))));
        // An undocumented role variant of a known event stays generic.
        let detail = parse_value(
            "Purchase Agreement Renewal Upcoming - Manufacturer",
            json!({}),
        );
        assert_eq!(detail, Ok(AgreementDetail::Unrecognised(json!({}))));
        // The ISV's side of a channel partner's cancellation is typed with its role.
        let detail = parse_value(
            detail_type::CANCELLATION_REJECTED_MANUFACTURER,
            json!({"agreement": {"id": "agmt-1", "acceptorId": "845735284135"}}),
        );
        assert!(matches!(
            detail,
            Ok(AgreementDetail::Cancellation(
                Cancellation::Rejected,
                Party::Manufacturer,
                _
            ))
        ));
    }

    #[test]
    fn descriptive_fields_may_be_missing_but_not_mistyped() {
        let detail = parse_value(
            detail_type::ENDING_PROPOSER,
            json!({"agreement": {"id": "agmt-1"}, "acceptor": {"accountId": "1"},
                   "proposer": {"accountId": "2"}}),
        );
        assert!(detail.is_ok());
        let (field, _) = parse_value(
            detail_type::ENDING_PROPOSER,
            json!({"agreement": {"id": "agmt-1", "daysBeforeEndTime": "thirty"},
                   "acceptor": {"accountId": "1"}, "proposer": {"accountId": "2"}}),
        )
        .unwrap_err();
        assert_eq!(field, "detail.agreement.daysBeforeEndTime");
    }
}
