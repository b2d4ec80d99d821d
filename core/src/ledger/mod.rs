//! The ledger of open items: things an event leaves waiting for someone (a cancellation
//! request the buyer has not answered, an agreement about to end, a security report due,
//! an AWS referral, a paused disbursement), kept until another event or a person closes
//! them. This module is the pure core: what an item is ([`OpenItem`]), the change an event
//! makes ([`LedgerChange`]) and how a change applies to what is stored ([`apply`]); the
//! families say which change their events make, the digest store keeps the entries.

mod apply;
mod change;
mod item;
mod relative;
mod report;
mod table;

pub use apply::{Applied, apply};
pub use change::{Closing, LedgerChange};
pub use item::{Entry, ItemId, Kind, OpenItem, RETENTION};
pub use relative::deadline_words;
pub use report::{DUE_SOON, Report, section};
pub use table::{Filter, table};
