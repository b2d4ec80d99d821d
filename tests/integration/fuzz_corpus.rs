//! Replays the fuzzer's corpus (`fuzz/corpus/parse_and_render`, grown by `make fuzz`) through
//! the same path as the fuzz target, so CI sees zero panics on every input found so far
//! without needing the fuzzer itself.

use marketplace_catalog_notifier::message::MAX_ATTRIBUTES;
use marketplace_catalog_notifier::notification::{MAX_MESSAGE_BYTES, MAX_SUBJECT_UTF16_UNITS};
use marketplace_catalog_notifier::registry::MarketplaceEvent;
use marketplace_catalog_notifier::render::{ChatRenderer, TextRenderer};

use crate::support::root;

#[test]
fn every_corpus_input_is_handled_without_panicking() {
    let dir = root().join("fuzz/corpus/parse_and_render");
    let mut replayed = 0;
    let mut rendered = 0;
    for entry in std::fs::read_dir(&dir).expect("the fuzz corpus is readable") {
        let path = entry.expect("corpus entry").path();
        let data = std::fs::read(&path).expect("corpus file is readable");
        replayed += 1;
        // The text as the Lambda runtime hands it over: no JSON value in between.
        let Ok(payload) = std::str::from_utf8(&data) else {
            continue;
        };
        let Ok(event) = MarketplaceEvent::from_json(payload) else {
            continue;
        };
        rendered += 1;
        let name = path.display();
        // Both renderings, as the target makes them; in this debug build the chat one also
        // checks that the payload it built clean is clean.
        let (text, chat) = (event.render(&TextRenderer), event.render(&ChatRenderer));
        for notification in [&text, &chat] {
            assert!(notification.size_in_bytes() <= MAX_MESSAGE_BYTES, "{name}");
            assert!(notification.attributes().len() <= MAX_ATTRIBUTES, "{name}");
            assert!(
                notification.subject().as_str().encode_utf16().count() <= MAX_SUBJECT_UTF16_UNITS,
                "{name}"
            );
        }
        let parsed = serde_json::from_str::<serde_json::Value>(chat.body());
        assert!(parsed.is_ok(), "{name}: {parsed:?}");
    }
    // The corpus starts from the sample events, so an empty replay means it went missing.
    assert!(
        replayed >= 10 && rendered >= 10,
        "replayed {replayed}, rendered {rendered}"
    );
}
