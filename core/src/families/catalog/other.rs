//! The generic catalog rendering: a Marketplace Catalog event whose detail type has no
//! dedicated family (AWS adds types over time) — the type, time, resources and the whole
//! detail, pretty-printed.

use serde_json::Value;

use crate::event::{DetailJson, Envelope, FieldError, untyped};
use crate::families::common::{UNKNOWN_EVENT, base_message, event_section};
use crate::family::{Detail, boxed};
use crate::lookup::Found;
use crate::message::{Line, Message, Section, Severity};
use crate::text::{list_with_more, pretty_json, single_line};

/// A catalog detail type AWS added that has no family yet, kept whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unrecognised(pub Value);

/// Keeps the whole detail: anything in it may matter to the reader.
pub fn parse(_: &str, detail: &DetailJson) -> Result<Box<dyn Detail>, FieldError> {
    untyped(detail).map(|detail| boxed(Unrecognised(detail)))
}

impl Detail for Unrecognised {
    fn compose(&self, envelope: &Envelope, _: &Found) -> Message {
        unrecognised(&self.0, envelope)
    }
}

/// Resources listed in full before "... and N more".
const MAX_LISTED_RESOURCES: usize = 10;

pub fn unrecognised(detail: &Value, envelope: &Envelope) -> Message {
    let detail_type = single_line(&envelope.detail_type);
    // Bounded: a hostile detail's indentation could otherwise grow it many times over.
    let pretty = pretty_json(detail);

    let mut message = base_message(envelope, Severity::Info);
    message.headline = format!("Marketplace catalog event: {detail_type}");
    message.summary = UNKNOWN_EVENT.to_owned();
    // Nobody can tell from here whether it matters: a person has to read it.
    message.action_required = true;
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

/// The generic message under another family's name: `headline` before the detail type,
/// `summary` given the detail type, `keyword` as the family's search word. Families whose
/// unknown detail types read like the catalog's (payouts, co-sell) share it.
pub fn unrecognised_as(
    detail: &Value,
    envelope: &Envelope,
    headline: &str,
    summary: impl FnOnce(&str) -> String,
    keyword: &str,
) -> Message {
    let mut message = unrecognised(detail, envelope);
    let detail_type = single_line(&envelope.detail_type);
    message.headline = format!("{headline}: {detail_type}");
    message.summary = summary(&detail_type);
    message.keywords = vec![keyword.to_owned(), detail_type];
    message
}
