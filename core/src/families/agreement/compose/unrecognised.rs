//! The generic message for an agreement event with no dedicated composition.

use serde_json::Value;

use super::super::Party;
use super::{bool_text, section};
use crate::event::Envelope;
use crate::families::common::{UNKNOWN_EVENT, base_attributes, base_message, event_section};
use crate::message::{Line, Message, Severity};
use crate::text::{pretty_json, single_line};

/// An agreement event with no dedicated composition: its type, the envelope and the whole
/// detail, so nothing AWS sent is hidden.
pub(super) fn unrecognised(detail: &Value, envelope: &Envelope) -> Message {
    let party = Party::from_detail_type(&envelope.detail_type);
    let detail_type = single_line(&envelope.detail_type);
    let agreement_id = text_at(detail, ["agreement", "id"])
        .map(single_line)
        .filter(|id| !id.is_empty());
    // Bounded: a hostile detail's indentation could otherwise grow it many times over.
    let pretty = pretty_json(detail);
    // No `source` attribute as on the generic catalog message: this topic has one source,
    // and the attribute budget (10 per SNS message) goes to the identifiers below.
    let mut attributes = base_attributes(envelope).with("action_required", bool_text(true));
    if let Some(id) = &agreement_id {
        attributes = attributes.with("agreement_id", id);
    }
    // Where the usual fields are, in either family's layout, so filters still work.
    for (name, paths) in [
        ("offer_id", [["offer", "id"], ["agreement", "offerId"]]),
        (
            "product_id",
            [["product", "id"], ["agreement", "productId"]],
        ),
        (
            "acceptor_account_id",
            [["acceptor", "accountId"], ["agreement", "acceptorId"]],
        ),
    ] {
        if let Some(value) = paths.into_iter().find_map(|path| text_at(detail, path)) {
            attributes = attributes.with(name, value);
        }
    }
    if let Some(party) = party {
        attributes = attributes.with("party", party.as_str());
    }
    let sections = vec![
        event_section(envelope, None),
        section("Detail", vec![Line::Verbatim(pretty)]),
    ];
    Message {
        headline: format!("Marketplace agreement event: {detail_type}"),
        summary: UNKNOWN_EVENT.to_owned(),
        // Nobody can tell from here whether it matters: a person has to read it.
        action_required: true,
        // No next steps; the position only keeps the event facts before the raw detail.
        next_steps_before: Some(sections.len()),
        sections,
        thread_key: agreement_id
            .clone()
            .unwrap_or_else(|| single_line(&envelope.id)),
        keywords: vec!["AWS Marketplace".to_owned(), "agreement".to_owned()],
        attributes,
        ..base_message(envelope, Severity::Info)
    }
}

/// The text at `path` (object keys from the top), or `None` where the detail has none:
/// looked up key by key, without parsing and copying a JSON pointer's tokens each time.
fn text_at<'a>(detail: &'a Value, path: [&str; 2]) -> Option<&'a str> {
    path.iter()
        .try_fold(detail, |value, key| value.get(key))
        .and_then(Value::as_str)
}
