//! What the Agreement API (`DescribeAgreement`) and the Catalog API (`DescribeEntity`, for
//! the product title) said about an agreement, as composition sees it.

use chrono::{DateTime, Utc};

/// The outcome of looking an agreement up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum AgreementLookup {
    /// Not looked up (switched off, or an event without an agreement id).
    #[default]
    NotAttempted,
    Described(Box<AgreementFacts>),
    /// Looked up, but no usable answer; holds the error code only (e.g.
    /// `AccessDeniedException`, `Timeout`), never a message that could leak details.
    Unavailable(String),
}

impl AgreementLookup {
    pub fn facts(&self) -> Option<&AgreementFacts> {
        match self {
            AgreementLookup::Described(facts) => Some(facts),
            _ => None,
        }
    }
}

/// The parts of `DescribeAgreement` (and the product title) a notification shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgreementFacts {
    pub status: Option<String>,
    pub acceptance_time: Option<DateTime<Utc>>,
    pub start_time: Option<DateTime<Utc>>,
    /// `None` for pay-as-you-go agreements.
    pub end_time: Option<DateTime<Utc>>,
    pub acceptor_account_id: Option<String>,
    pub proposer_account_id: Option<String>,
    pub offer_id: Option<String>,
    pub product_id: Option<String>,
    pub product_title: Option<String>,
    /// The product's type as `proposalSummary.resources[].type` names it (`SaaSProduct`,
    /// `ContainerProduct`, `AmiProduct`, ...): what the seller must do at the end depends on it.
    pub product_type: Option<String>,
    /// `estimatedCharges.agreementValue`: the known total over the agreement's life.
    pub agreement_value: Option<String>,
    pub currency_code: Option<String>,
}
