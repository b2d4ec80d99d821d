//! Fuzz target: any bytes through the path an invocation takes before publishing (JSON,
//! envelope and detail parsing, routing, rendering). It must never panic, and whatever it
//! renders must obey the SNS limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marketplace_catalog_notifier::event::CatalogEvent;
use marketplace_catalog_notifier::notification::{MAX_ATTRIBUTES, MAX_MESSAGE_BYTES, MAX_SUBJECT_UTF16_UNITS};
use marketplace_catalog_notifier::router;

fuzz_target!(|data: &[u8]| {
    let Ok(payload) = serde_json::from_slice(data) else { return };
    let Ok(event) = CatalogEvent::parse(payload) else { return };
    let _ = router::topic_for(&event.detail);
    let notification = router::render(&event);
    assert!(notification.size_in_bytes() <= MAX_MESSAGE_BYTES);
    assert!(notification.attributes().len() <= MAX_ATTRIBUTES);
    assert!(notification.subject().as_str().encode_utf16().count() <= MAX_SUBJECT_UTF16_UNITS);
});
