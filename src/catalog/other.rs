//! The generic catalog rendering: a Marketplace Catalog event whose detail type has no
//! dedicated family (AWS adds types over time) — the type, time, resources and the whole
//! detail, pretty-printed.

use serde_json::Value;
use serde_json::value::RawValue;

use super::{base_message, event_section};
use crate::event::{CatalogDetail, Envelope, FieldError, untyped};
use crate::message::{Line, Message, Section, Severity};
use crate::text::{list_with_more, single_line};

/// Keeps the whole detail: anything in it may matter to the reader.
pub fn parse(detail: &RawValue) -> Result<CatalogDetail, FieldError> {
    untyped(detail).map(CatalogDetail::Unrecognised)
}

/// Resources listed in full before "... and N more".
const MAX_LISTED_RESOURCES: usize = 10;

pub fn unrecognised(detail: &Value, envelope: &Envelope) -> Message {
    let detail_type = single_line(&envelope.detail_type);
    // Serialising a `Value` cannot fail; the compact form is a fallback that never shows.
    let pretty = serde_json::to_string_pretty(detail).unwrap_or_else(|_| detail.to_string());

    let mut message = base_message(envelope, Severity::Info);
    message.headline = format!("Marketplace catalog event: {detail_type}");
    message.summary = format!(
        "AWS Marketplace sent a catalog event of type \"{detail_type}\", which has no dedicated format yet. Its full detail follows."
    );
    let mut detail_section = Section::new("Detail");
    detail_section.push(Line::Verbatim(pretty));
    let mut event = event_section(envelope, None);
    if !envelope.resources.is_empty() {
        event.push_field(
            "Resources",
            list_with_more(&envelope.resources, MAX_LISTED_RESOURCES),
        );
    }
    message.sections = vec![event, detail_section];
    // The generic rendering has no next steps, so the position only matters for order.
    message.next_steps_before = Some(message.sections.len());
    message.thread_key = single_line(&envelope.id);
    message.keywords = vec!["catalog".to_owned(), detail_type];
    message.attributes = message.attributes.with("source", &envelope.source);
    message
}
