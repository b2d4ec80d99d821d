//! The change one event makes to the ledger, as its family reports it through
//! `Detail::ledger`.

use chrono::{DateTime, Utc};

use super::{ItemId, OpenItem};

/// What an event does to the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LedgerChange {
    /// Opens the item unless it was closed already (a closing event may arrive first).
    Open(OpenItem),
    /// Opens the item, or replaces an older one or an older closing: the account's latest
    /// security report is the one that counts, and an instrument paused again is open again.
    Replace(OpenItem),
    /// Closes the item, open or not yet seen.
    Close(Closing),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    pub id: ItemId,
    /// The closing event's id ("by hand" for the command).
    pub by: String,
    /// The closing event's time.
    pub at: DateTime<Utc>,
}

impl LedgerChange {
    pub fn id(&self) -> &ItemId {
        match self {
            LedgerChange::Open(item) | LedgerChange::Replace(item) => &item.id,
            LedgerChange::Close(closing) => &closing.id,
        }
    }

    /// The event that makes the change.
    pub fn event(&self) -> &str {
        match self {
            LedgerChange::Open(item) | LedgerChange::Replace(item) => &item.opened_by,
            LedgerChange::Close(closing) => &closing.by,
        }
    }
}
