//! What both per-event benchmarks run: a sample made into the payload EventBridge delivers,
//! and the handler's work on it up to the publish. `notify` times it with criterion;
//! `instructions` repeats it for an instruction counter.

use marketplace_catalog_notifier::event::payload_text;
use marketplace_catalog_notifier::lookup::Found;
use marketplace_catalog_notifier::registry::MarketplaceEvent;
use marketplace_catalog_notifier::render::{self, Shared};

/// What the Lambda handler does with one payload, minus the publish: the invocation's
/// bytes, as the runtime hands them over, read as UTF-8 text, then validation, routing,
/// composing and both renderings, the e-mail/SQS text and the chat JSON (with a chat topic
/// configured), which share the subject made once from the headline.
pub fn parse_route_render(payload: &[u8]) -> (usize, usize, usize) {
    let text = payload_text(payload).expect("sample events are UTF-8");
    let event = MarketplaceEvent::from_json(text).expect("sample events are valid events");
    let message = event.compose(&Found::Nothing);
    let shared = Shared::of(&message);
    let text = render::text::render_shared(&message, &shared);
    let chat = render::chat::render_shared(&message, &shared);
    (
        event.topic.name().len(),
        text.size_in_bytes(),
        chat.size_in_bytes(),
    )
}

/// A sample as EventBridge hands it to the function: compact JSON, without the indentation
/// the files in `events/` carry for people to read. Whitespace between tokens is dropped;
/// strings are copied as they are. The result must read as the same JSON.
pub fn as_delivered(indented: &[u8]) -> Vec<u8> {
    let mut compact = Vec::with_capacity(indented.len());
    let (mut in_string, mut escaped) = (false, false);
    for &byte in indented {
        if in_string {
            compact.push(byte);
            if escaped {
                escaped = false;
            } else if byte == b'\\' {
                escaped = true;
            } else if byte == b'"' {
                in_string = false;
            }
        } else if !matches!(byte, b' ' | b'\n' | b'\r' | b'\t') {
            in_string = byte == b'"';
            compact.push(byte);
        }
    }
    let as_value = |bytes: &[u8]| serde_json::from_slice::<serde_json::Value>(bytes).ok();
    assert_eq!(
        as_value(&compact),
        as_value(indented),
        "compacting changed a sample"
    );
    compact
}
