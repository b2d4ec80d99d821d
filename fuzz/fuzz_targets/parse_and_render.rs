//! Fuzz target: any bytes through the path an invocation takes before publishing (JSON,
//! envelope and detail parsing, routing, composing, both renderings). It must never panic,
//! whatever it renders must obey the SNS limits, and the chat rendering must be JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marketplace_catalog_notifier::message::MAX_ATTRIBUTES;
use marketplace_catalog_notifier::notification::{MAX_MESSAGE_BYTES, MAX_SUBJECT_UTF16_UNITS};
use marketplace_catalog_notifier::registry::MarketplaceEvent;
use marketplace_catalog_notifier::render::{ChatRenderer, TextRenderer};

fuzz_target!(|data: &[u8]| {
    // JSON text, as the Lambda runtime hands the payload over; the parser must reject
    // anything else with an error, never a panic.
    let Ok(payload) = std::str::from_utf8(data) else { return };
    let Ok(event) = MarketplaceEvent::from_json(payload) else { return };
    for notification in [event.render(&TextRenderer), event.render(&ChatRenderer)] {
        assert!(notification.size_in_bytes() <= MAX_MESSAGE_BYTES);
        assert!(notification.attributes().len() <= MAX_ATTRIBUTES);
        assert!(notification.subject().as_str().encode_utf16().count() <= MAX_SUBJECT_UTF16_UNITS);
    }
    let chat = event.render(&ChatRenderer);
    assert!(serde_json::from_str::<serde_json::Value>(chat.body()).is_ok());
});
