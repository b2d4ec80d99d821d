//! Formatters: each turns one family of typed events into a [`Notification`]. They are pure
//! functions of the detail and the envelope; the parts every notification shares live here.

mod body;
pub mod change_set;
pub mod offer;
pub mod other;
pub mod security;

pub use body::Body;

use crate::event::Envelope;
use crate::notification::{Attributes, Severity, Subject};
use crate::text::{NOT_GIVEN, list_with_more, single_line, timestamp};

/// Region Marketplace Catalog events come from when the envelope does not say.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The attributes every notification carries, before the type-specific ones.
pub fn base_attributes(envelope: &Envelope) -> Attributes {
    Attributes::new()
        .with("detail_type", &envelope.detail_type)
        .with("event_id", &envelope.id)
}

/// Subjects of anything above `info` start with the severity, so inbox rules and a
/// glance at a list of mails can pick them out.
pub fn subject(severity: Severity, text: &str) -> Subject {
    match severity {
        Severity::Info => Subject::new(text),
        other => Subject::new(&format!("[{}] {text}", other.as_str().to_uppercase())),
    }
}

/// The closing "Event" section: where the notification came from, for tracing it back.
pub fn event_section(
    body: &mut Body,
    envelope: &Envelope,
    catalog: Option<&str>,
    request_id: Option<&str>,
) {
    body.section("Event")
        .field("Detail type", single_line(&envelope.detail_type))
        .field("Event ID", single_line(&envelope.id))
        .field("Time", timestamp(&envelope.time))
        .field("Region", region(envelope))
        .field(
            "Account",
            envelope
                .account
                .as_deref()
                .map(single_line)
                .unwrap_or_else(|| NOT_GIVEN.to_owned()),
        );
    if let Some(catalog) = catalog {
        body.field("Catalog", single_line(catalog));
    }
    if let Some(request_id) = request_id {
        body.field("Request ID", single_line(request_id));
    }
    if !envelope.resources.is_empty() {
        body.field(
            "Resources",
            list_with_more(&envelope.resources, MAX_LISTED_RESOURCES),
        );
    }
}

/// The event's region, or the region Marketplace Catalog events come from.
pub fn region(envelope: &Envelope) -> String {
    envelope
        .region
        .as_deref()
        .map(single_line)
        .filter(|region| !region.is_empty())
        .unwrap_or_else(|| DEFAULT_REGION.to_owned())
}

/// Resources listed in full before "... and N more".
const MAX_LISTED_RESOURCES: usize = 10;
