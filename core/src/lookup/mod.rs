//! Lookups: what a family may ask the AWS APIs about an event before it is composed. A
//! family states what it wants as a [`LookupRequest`] (a value, not a call); the one
//! [`Lookups`] service answers it within a deadline with a [`Found`], and a failed lookup
//! becomes a line in the notification, never a lost event.

mod agreement;
mod agreement_facts;
mod change_set;
mod cosell;
mod service;

pub use agreement::{DescribeAgreement, TIMEOUT_CODE, look_up};
pub use agreement_facts::{AgreementFacts, AgreementLookup};
pub use change_set::{
    ChangeError, ChangeReport, ChangeSetReport, DescribeChangeSet, Enrichment, enrich,
};
pub use cosell::{
    CosellLookup, CosellRequest, InvitationFacts, OpportunityFacts, PartnerCentral, look_up_cosell,
};
pub use service::Lookups;

use std::future::Future;
use std::time::Duration;

use tokio::time::{Instant, timeout_at};

/// The default bound on the whole lookup, retries included: long enough for a healthy API
/// (tens of milliseconds), short enough that publishing is never held up noticeably.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// What a family wants looked up before its message is composed, borrowed from its detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupRequest<'a> {
    /// `DescribeChangeSet` in the event's seller account.
    ChangeSet {
        catalog: &'a str,
        change_set_id: &'a str,
    },
    /// `DescribeAgreement`, and the product title when the event has none.
    Agreement {
        agreement_id: &'a str,
        product_id: Option<&'a str>,
        product_title: Option<&'a str>,
    },
    /// `GetEngagementInvitation` in the event's catalog (`AWS` or `Sandbox`).
    EngagementInvitation {
        catalog: &'a str,
        invitation_id: &'a str,
    },
    /// `GetOpportunity` in the event's catalog.
    Opportunity {
        catalog: &'a str,
        opportunity_id: &'a str,
    },
}

/// What the lookups found for one event, as composition sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Found {
    /// Nothing was asked, or that kind of lookup is switched off.
    #[default]
    Nothing,
    ChangeSet(Enrichment),
    Agreement(AgreementLookup),
    /// An engagement invitation's or an opportunity's facts from Partner Central.
    Cosell(CosellLookup),
}

static NO_CHANGE_SET: Enrichment = Enrichment::NotAttempted;
static NO_AGREEMENT: AgreementLookup = AgreementLookup::NotAttempted;
static NO_COSELL: CosellLookup = CosellLookup::NotAttempted;

impl Found {
    /// The change-set lookup's answer (`NotAttempted` when there was none).
    pub fn change_set(&self) -> &Enrichment {
        match self {
            Found::ChangeSet(enrichment) => enrichment,
            _ => &NO_CHANGE_SET,
        }
    }

    /// The agreement lookup's answer (`NotAttempted` when there was none).
    pub fn agreement(&self) -> &AgreementLookup {
        match self {
            Found::Agreement(lookup) => lookup,
            _ => &NO_AGREEMENT,
        }
    }

    /// The co-sell lookup's answer (`NotAttempted` when there was none).
    pub fn cosell(&self) -> &CosellLookup {
        match self {
            Found::Cosell(lookup) => lookup,
            _ => &NO_COSELL,
        }
    }

    /// Why a lookup that was attempted gave no usable answer, for the log.
    pub fn unavailable(&self) -> Option<&str> {
        match self {
            Found::ChangeSet(Enrichment::Unavailable(reason))
            | Found::Agreement(AgreementLookup::Unavailable(reason))
            | Found::Cosell(CosellLookup::Unavailable(reason)) => Some(reason),
            _ => None,
        }
    }
}

/// `lookup`'s answer, or the reason `timed_out` gives when `deadline` passes first: the
/// bound every lookup runs under, whatever the clients' own timeouts do.
async fn by_deadline<T>(
    deadline: Instant,
    lookup: impl Future<Output = Result<T, String>>,
    timed_out: impl FnOnce() -> String,
) -> Result<T, String> {
    timeout_at(deadline, lookup)
        .await
        .unwrap_or_else(|_| Err(timed_out()))
}
