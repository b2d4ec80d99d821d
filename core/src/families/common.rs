//! What every family's message takes from the envelope, built in one place: the base
//! attributes (detail type, event id, account), the base message, the closing "Event"
//! section and the region; and the one line a failed lookup leaves.

use crate::event::Envelope;
use crate::message::{Attributes, Message, Section, Severity};
use crate::text::{single_line, timestamp};

/// Region Marketplace events come from when the envelope does not say.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The one sentence an event of a type no family composes gets: nobody can tell from here
/// whether it matters, so a person has to read it.
pub const UNKNOWN_EVENT: &str =
    "AWS sent an event this notifier does not know yet; read it (its full detail follows).";

/// The one line a notification carries when its lookup gave no answer: what could not be
/// fetched ("Agreement", "Co-sell") and the error code alone, never AWS's message, which
/// may name a role or an account (the function's log has it).
pub fn details_unavailable(what: &str, code: &str) -> String {
    format!(
        "{what} details could not be fetched ({}).",
        single_line(code)
    )
}

/// The attributes every notification carries, before the type-specific ones. `account`
/// lets a team subscribe to its own seller accounts' notifications.
pub fn base_attributes(envelope: &Envelope) -> Attributes {
    Attributes::new()
        .with("detail_type", &envelope.detail_type)
        .with("event_id", &envelope.id)
        .with("account", envelope.account.as_deref().unwrap_or_default())
}

/// A message with what every notification takes from the envelope (event id, detail type,
/// the event's resources and the base attributes) filled in.
pub fn base_message(envelope: &Envelope, severity: Severity) -> Message {
    Message {
        severity,
        event_id: envelope.id.clone(),
        event_type: envelope.detail_type.clone(),
        related_resources: envelope.resources.clone(),
        attributes: base_attributes(envelope),
        ..Message::default()
    }
}

/// The closing "Event" section, kept short: what traces the notification back to the
/// event. The event's resource ARNs are left out: each family shows its resources once, in
/// one ARN form.
pub fn event_section(envelope: &Envelope, request_id: Option<&str>) -> Section {
    let mut section = Section::new("Event")
        .field("Detail type", single_line(&envelope.detail_type))
        .field("Event ID", single_line(&envelope.id))
        .field("Time", timestamp(&envelope.time))
        .field("Region", region(envelope));
    if let Some(account) = envelope.account_label() {
        section.push_field("Account", account);
    }
    if let Some(request_id) = request_id {
        section.push_field("Request ID", single_line(request_id));
    }
    section
}

/// The event's region, or the region Marketplace events come from.
pub fn region(envelope: &Envelope) -> String {
    envelope
        .region
        .as_deref()
        .map(single_line)
        .filter(|region| !region.is_empty())
        .unwrap_or_else(|| DEFAULT_REGION.to_owned())
}
