//! One queued event as its digest line needs it, taken from the composed message when the
//! event arrives: the digest never parses or looks anything up again.

use chrono::{DateTime, Utc};

use crate::message::{Message, Severity};
use crate::registry::MarketplaceEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestItem {
    pub event_id: String,
    pub headline: String,
    pub severity: Severity,
    pub action_required: bool,
    /// The account as notifications label it ("Acme EU (111122223333)").
    pub account: Option<String>,
    /// When the event happened (its envelope's `time`).
    pub time: DateTime<Utc>,
    /// Where to act or read more: the first next step's link, else the message's first link.
    pub link: Option<String>,
    /// The heading it is listed under: its family topic's title ("Agreements").
    pub group: String,
}

impl DigestItem {
    /// The line `message`, composed for `event`, contributes to a digest.
    pub fn new(event: &MarketplaceEvent, message: &Message) -> Self {
        let link = message.first_link().map(str::to_owned);
        Self {
            event_id: event.envelope.id.clone(),
            headline: message.headline.clone(),
            severity: message.severity,
            action_required: message.action_required,
            account: event.envelope.account_label(),
            time: event.envelope.time,
            link,
            group: event.topic.title().to_owned(),
        }
    }
}
