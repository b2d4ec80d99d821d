//! One open item, its kind and its id (`<kind>#<key>`), and what the store keeps per id: the
//! item while it is open, or a closed marker so an opening that arrives late stays closed.

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};

use crate::topic::TopicKind;

/// How long an item is kept past its deadline (or, without one, past its opening), and how
/// long a closed marker is kept past its closing: then the table's TTL removes it.
pub const RETENTION: TimeDelta = TimeDelta::days(30);

/// What kind of thing is open; each has its own opening and closing events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A buyer's cancellation request, until the buyer answers or AWS auto-approves it.
    CancellationRequest,
    /// An agreement that ends without auto-renewal, until renewed or ended.
    AgreementEnding,
    /// An account's security report with issues, until a report without issues.
    SecurityReport,
    /// An AWS referral (engagement invitation), until accepted, rejected or expired.
    AwsReferral,
    /// A paused disbursement, until closed by hand or 30 days old.
    PausedDisbursement,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::CancellationRequest,
        Kind::AgreementEnding,
        Kind::SecurityReport,
        Kind::AwsReferral,
        Kind::PausedDisbursement,
    ];

    /// The name in ids, the table and the command's `KIND` filter.
    pub const fn as_str(self) -> &'static str {
        match self {
            Kind::CancellationRequest => "cancellation-request",
            Kind::AgreementEnding => "agreement-ending",
            Kind::SecurityReport => "security-report",
            Kind::AwsReferral => "aws-referral",
            Kind::PausedDisbursement => "paused-disbursement",
        }
    }

    /// How a digest line names it.
    pub const fn title(self) -> &'static str {
        match self {
            Kind::CancellationRequest => "Cancellation request",
            Kind::AgreementEnding => "Agreement ending",
            Kind::SecurityReport => "Security report",
            Kind::AwsReferral => "AWS referral",
            Kind::PausedDisbursement => "Paused disbursement",
        }
    }

    /// The family topic its events go to: where the `"family"` destination lists it.
    pub const fn topic(self) -> TopicKind {
        match self {
            Kind::CancellationRequest | Kind::AgreementEnding => TopicKind::AGREEMENTS,
            Kind::SecurityReport => TopicKind::SECURITY,
            Kind::AwsReferral => TopicKind::COSELL,
            Kind::PausedDisbursement => TopicKind::PAYMENTS,
        }
    }

    pub fn parse(text: &str) -> Result<Kind, String> {
        Kind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text)
            .ok_or_else(|| {
                format!(
                    "{text:?} is not a kind of open item (expected one of {})",
                    Kind::ALL.map(Kind::as_str).join(", ")
                )
            })
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An item's id: its kind and the key its opening and closing events share.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId {
    pub kind: Kind,
    pub key: String,
}

impl ItemId {
    pub fn new(kind: Kind, key: impl Into<String>) -> Self {
        Self {
            kind,
            key: key.into(),
        }
    }

    /// Reads `<kind>#<key>`, as the command prints it.
    pub fn parse(text: &str) -> Result<ItemId, String> {
        let (kind, key) = text
            .split_once('#')
            .ok_or_else(|| format!("{text:?} is not an item id (expected <kind>#<key>)"))?;
        if key.trim().is_empty() {
            return Err(format!("{text:?}: the key after # is empty"));
        }
        Ok(ItemId::new(Kind::parse(kind)?, key))
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.kind, self.key)
    }
}

/// Something open, as its opening event described it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenItem {
    pub id: ItemId,
    /// The account as notifications label it ("Acme EU (111122223333)").
    pub account: Option<String>,
    /// What it is, in a few words ("Cancellation request for agmt-1, buyer 845735284135").
    pub title: String,
    pub deadline: Option<DateTime<Utc>>,
    /// The money at stake, when the event or the lookup says ("USD 120000.00").
    pub value: Option<String>,
    /// Where to act.
    pub link: Option<String>,
    /// The event that opened it, and when that event happened.
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
}

impl OpenItem {
    /// When the store may forget it: 30 days past its deadline, or past its opening when it
    /// has none (a paused disbursement: nothing closes it but a person or this).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.deadline.unwrap_or(self.opened_at) + RETENTION
    }
}

/// What the store keeps under an item id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Open(OpenItem),
    /// Closed by `by` (an event id, or "by hand") at `at`; kept so a late opening stays
    /// closed.
    Closed {
        id: ItemId,
        at: DateTime<Utc>,
        by: String,
    },
}

impl Entry {
    pub fn id(&self) -> &ItemId {
        match self {
            Entry::Open(item) => &item.id,
            Entry::Closed { id, .. } => id,
        }
    }

    /// The time of the event behind the entry: a change older than it does not apply.
    pub fn at(&self) -> DateTime<Utc> {
        match self {
            Entry::Open(item) => item.opened_at,
            Entry::Closed { at, .. } => *at,
        }
    }

    /// The event behind the entry.
    pub fn event(&self) -> &str {
        match self {
            Entry::Open(item) => &item.opened_by,
            Entry::Closed { by, .. } => by,
        }
    }

    /// When the table's TTL may remove it.
    pub fn expires_at(&self) -> DateTime<Utc> {
        match self {
            Entry::Open(item) => item.expires_at(),
            Entry::Closed { at, .. } => *at + RETENTION,
        }
    }

    pub fn open(&self) -> Option<&OpenItem> {
        match self {
            Entry::Open(item) => Some(item),
            Entry::Closed { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back_as_printed() {
        let id = ItemId::new(Kind::AwsReferral, "arn:aws:partnercentral:x#y");
        assert_eq!(id.to_string(), "aws-referral#arn:aws:partnercentral:x#y");
        assert_eq!(ItemId::parse(&id.to_string()), Ok(id));
        assert!(
            ItemId::parse("nothing")
                .unwrap_err()
                .contains("<kind>#<key>")
        );
        assert!(
            ItemId::parse("aws-referal#x")
                .unwrap_err()
                .contains("aws-referral")
        );
        assert!(
            ItemId::parse("aws-referral# ")
                .unwrap_err()
                .contains("empty")
        );
    }
}
