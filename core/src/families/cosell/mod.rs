//! The co-sell family (`aws.partnercentral-selling`): AWS Partner Central's opportunity,
//! engagement-invitation (AWS referral), engagement-member and resource-snapshot events.
//! The events carry identifiers only (Partner Central developer guide, "Notifications for
//! the AWS Partner Central Selling API", whose example bodies the typed detail follows);
//! every field is optional, so a shape AWS changes still reaches a person. `catalog` is
//! `AWS`, or `Sandbox` for a partner's tests: those are marked as test events and never
//! rise above `info`. Invitation and opportunity events ask Partner Central for what the
//! event leaves out (customer, project, expiry, stage) in the event's catalog.

mod compose;
mod ledger;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use crate::event::{DetailJson, Envelope, FieldError, typed, untyped};
use crate::family::{Detail, DetailType, Family, Otherwise, boxed};
use crate::ledger::LedgerChange;
use crate::lookup::{Found, LookupRequest};
use crate::message::Message;
use crate::topic::TopicKind;

pub use compose::{PARTNER_CENTRAL, invitation_severity};

/// The EventBridge source of every co-sell event.
pub const SOURCE: &str = "aws.partnercentral-selling";

/// The detail types the EventBridge event reference lists ("AWS Partner Central Selling
/// events"), as AWS spells them, with what each is.
pub const KNOWN_DETAIL_TYPES: [(&str, Kind); 12] = [
    ("Opportunity Created", Kind::Opportunity(Change::Created)),
    ("Opportunity Updated", Kind::Opportunity(Change::Updated)),
    ("Opportunity Accepted", Kind::Opportunity(Change::Accepted)),
    ("Opportunity Rejected", Kind::Opportunity(Change::Rejected)),
    (
        "Engagement Invitation Created",
        Kind::Invitation(Change::Created),
    ),
    (
        "Engagement Invitation Accepted",
        Kind::Invitation(Change::Accepted),
    ),
    (
        "Engagement Invitation Rejected",
        Kind::Invitation(Change::Rejected),
    ),
    (
        "Engagement Invitation Expired",
        Kind::Invitation(Change::Expired),
    ),
    ("Engagement Member Joined", Kind::Member),
    ("Engagement Member Added", Kind::Member),
    ("Resource Snapshot Created", Kind::Snapshot),
    ("Engagement Resource Snapshot Created", Kind::Snapshot),
];

/// What a co-sell event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Opportunity(Change),
    /// An engagement invitation: an AWS referral, or a partner's invitation.
    Invitation(Change),
    Member,
    Snapshot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Updated,
    Accepted,
    Rejected,
    Expired,
}

/// A co-sell event's detail: whichever objects the event carries.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CosellDetail {
    /// `AWS`, or `Sandbox` for tests.
    pub catalog: Option<String>,
    pub opportunity: Option<OpportunityRef>,
    pub engagement_invitation: Option<Invitation>,
    pub engagement: Option<EngagementRef>,
    pub engagement_member: Option<Member>,
    pub resource_snapshot: Option<Snapshot>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct OpportunityRef {
    pub identifier: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub id: Option<String>,
    pub arn: Option<String>,
    pub engagement_id: Option<String>,
    pub sender_account_id: Option<String>,
    pub receiver_account_id: Option<String>,
    pub sender_company_name: Option<String>,
    /// A string in the guide's example; read as an instant when it is one.
    pub expiration_date: Option<String>,
    /// `Sender` or `Receiver`: which side of the invitation the receiving account is.
    pub participant_type: Option<String>,
    /// `OpportunityInvitation` or `LeadInvitation`.
    pub payload_type: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EngagementRef {
    pub id: Option<String>,
    pub engagement_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub account_id: Option<String>,
    pub company_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub arn: Option<String>,
    pub engagement_id: Option<String>,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub created_by: Option<String>,
    pub resource_snapshot_template_name: Option<String>,
}

/// A typed co-sell event.
#[derive(Debug, Clone, PartialEq)]
pub struct CosellEvent {
    pub kind: Kind,
    pub detail: CosellDetail,
}

/// A co-sell detail type the reference does not list, kept whole for the generic message.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherCosellEvent(pub Value);

impl CosellDetail {
    /// A `Sandbox` catalog event: a partner's test, never a real customer.
    pub fn is_sandbox(&self) -> bool {
        self.catalog
            .as_deref()
            .is_some_and(|catalog| catalog.trim().eq_ignore_ascii_case("sandbox"))
    }

    pub fn opportunity_id(&self) -> Option<&str> {
        let from_snapshot = self
            .resource_snapshot
            .as_ref()
            .filter(|s| s.resource_type.as_deref() == Some("Opportunity"))
            .and_then(|s| s.resource_id.as_deref());
        present(
            self.opportunity
                .as_ref()
                .and_then(|o| o.identifier.as_deref())
                .or(from_snapshot),
        )
    }

    pub fn invitation_id(&self) -> Option<&str> {
        present(
            self.engagement_invitation
                .as_ref()
                .and_then(|i| i.id.as_deref()),
        )
    }

    pub fn engagement_id(&self) -> Option<&str> {
        present(
            self.engagement
                .as_ref()
                .and_then(|e| e.id.as_deref().or(e.engagement_id.as_deref()))
                .or_else(|| {
                    self.engagement_invitation
                        .as_ref()
                        .and_then(|i| i.engagement_id.as_deref())
                })
                .or_else(|| {
                    self.resource_snapshot
                        .as_ref()
                        .and_then(|s| s.engagement_id.as_deref())
                }),
        )
    }

    /// When the invitation expires, if the event says so as an instant.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        let text = self
            .engagement_invitation
            .as_ref()?
            .expiration_date
            .as_deref()?;
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|at| at.with_timezone(&Utc))
    }

    /// Whether the receiving account sent the invitation (rather than received it).
    pub fn is_sender(&self) -> bool {
        self.engagement_invitation
            .as_ref()
            .and_then(|i| i.participant_type.as_deref())
            .is_some_and(|side| side.trim().eq_ignore_ascii_case("sender"))
    }
}

fn present(value: Option<&str>) -> Option<&str> {
    value.filter(|value| !value.trim().is_empty())
}

fn parse(detail_type: &str, detail: &DetailJson) -> Result<Box<dyn Detail>, FieldError> {
    match KNOWN_DETAIL_TYPES
        .iter()
        .find(|(name, _)| *name == detail_type)
    {
        Some((_, kind)) => Ok(boxed(CosellEvent {
            kind: *kind,
            detail: typed(detail)?,
        })),
        None => untyped(detail).map(|detail| boxed(OtherCosellEvent(detail))),
    }
}

impl Detail for CosellEvent {
    /// An invitation's customer, project and expiry, or an opportunity's stage, from the
    /// catalog the event names; without a catalog or an identifier there is nothing to ask.
    fn lookup(&self) -> Option<LookupRequest<'_>> {
        let catalog = present(self.detail.catalog.as_deref())?.trim();
        match self.kind {
            Kind::Invitation(_) => Some(LookupRequest::EngagementInvitation {
                catalog,
                invitation_id: self.detail.invitation_id()?.trim(),
            }),
            Kind::Opportunity(_) => Some(LookupRequest::Opportunity {
                catalog,
                opportunity_id: self.detail.opportunity_id()?.trim(),
            }),
            Kind::Member | Kind::Snapshot => None,
        }
    }

    fn compose(&self, envelope: &Envelope, found: &Found) -> Message {
        compose::compose(self, envelope, found.cosell())
    }

    fn ledger(&self, envelope: &Envelope, _: &Found) -> Option<LedgerChange> {
        ledger::change(self, envelope)
    }
}

impl Detail for OtherCosellEvent {
    fn compose(&self, envelope: &Envelope, _: &Found) -> Message {
        compose::other(&self.0, envelope)
    }
}

const DETAIL_TYPES: [DetailType; KNOWN_DETAIL_TYPES.len()] =
    DetailType::table(&KNOWN_DETAIL_TYPES, TopicKind::COSELL, parse);

/// The co-sell family as the registry lists it; detail types AWS adds later (the guide
/// already shows Engagement Created and Updated) get the generic message on its topic.
pub static FAMILY: Family = Family {
    name: "cosell",
    source: SOURCE,
    detail_types: &DETAIL_TYPES,
    otherwise: Otherwise {
        topic: TopicKind::COSELL,
        parse,
    },
};

#[cfg(test)]
mod tests;
