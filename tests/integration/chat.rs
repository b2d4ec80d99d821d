//! The chat rendering of every sample event: a reviewed snapshot of each custom
//! notification, each one valid against the JSON Schema of the documented format in
//! `tests/fixtures/`, and hostile names (the `tests/hostile/` corpus and generated ones)
//! rendering to chat JSON with no mention, link or markup taken from the input.

use marketplace_catalog_notifier::notification::{MAX_MESSAGE_BYTES, Notification};
use marketplace_catalog_notifier::registry::MarketplaceEvent;
use marketplace_catalog_notifier::render::{ChatRenderer, TextRenderer};

use marketplace_catalog_notifier::render::chat::MAX_DESCRIPTION_CHARS;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Markup a hostile name may carry; none of it may reach the chat JSON as written.
const HOSTILE_TOKENS: &[&str] = &[
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U012AB3CD>",
    "@here",
    "@channel",
    "@everyone",
    "<https://evil.example|Claim your refund>",
    "[Claim your refund](https://evil.example)",
    "https://evil.example",
    "```",
    "`rm -rf /`",
    "*bold*",
    "_italic_",
    "~strike~",
    "#general",
    "\u{202E}",
    "\u{2066}",
    "\u{200B}",
    "\u{200D}",
    "\u{FEFF}",
];

fn validator() -> jsonschema::Validator {
    let path = crate::support::root().join("tests/fixtures/chat-notification.schema.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

/// The chat payload, checked against the schema and SNS's size limit.
fn checked_payload(validator: &jsonschema::Validator, name: &str, chat: &Notification) -> Value {
    assert!(chat.size_in_bytes() <= MAX_MESSAGE_BYTES, "{name}");
    assert_eq!(
        chat.truncated_bytes(),
        0,
        "{name}: the JSON must never be cut"
    );
    let payload: Value = serde_json::from_str(chat.body())
        .unwrap_or_else(|error| panic!("{name}: chat body is not JSON: {error}"));
    let errors: Vec<String> = validator
        .iter_errors(&payload)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{name}: {errors:#?}\n{payload:#}");
    let description = payload["content"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        description.chars().count() <= MAX_DESCRIPTION_CHARS,
        "{name}"
    );
    payload
}

/// Every string in the payload, keys included.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| strings(item, out)),
        Value::Object(map) => map.iter().for_each(|(key, item)| {
            out.push(key.clone());
            strings(item, out)
        }),
        _ => {}
    }
}

fn assert_inert(name: &str, payload: &Value) {
    let mut texts = Vec::new();
    strings(payload, &mut texts);
    for text in &texts {
        // The generic rendering's one code block is the notifier's own: two fences, no more.
        let fences = text.matches("```").count();
        assert!(
            fences == 0 || (fences == 2 && text.contains("Detail\n```\n")),
            "{name}: {fences} code fences in {text:?}"
        );
        let text = text.replace("```", "");
        for token in HOSTILE_TOKENS.iter().filter(|token| **token != "```") {
            assert!(
                !contains_markup(&text, token),
                "{name}: {token:?} reached the chat JSON in {text:?}"
            );
        }
    }
}

/// Whether `token` appears in `text` where it would act. An underscore inside a word
/// (`CLIENT_ERROR`, `x_italic_`) is not emphasis in Slack or Teams markdown, so `_italic_`
/// counts only at a word's start.
fn contains_markup(text: &str, token: &str) -> bool {
    if !token.starts_with('_') {
        return text.contains(token);
    }
    text.match_indices(token).any(|(at, _)| {
        !text[..at]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
    })
}

#[test]
fn chat_notifications_match_their_snapshots_and_the_schema() {
    let validator = validator();
    for (name, payload) in crate::support::sample_events() {
        let event = MarketplaceEvent::parse(payload).unwrap_or_else(|e| panic!("{name}: {e}"));
        let chat = event.render(&ChatRenderer);
        let payload = checked_payload(&validator, &name, &chat);
        assert_eq!(payload["id"], event.envelope.id.as_str(), "{name}");
        let text = event.render(&TextRenderer);
        assert_eq!(
            chat.attributes(),
            text.attributes(),
            "{name}: both renderings carry the same attributes"
        );
        let pretty = serde_json::to_string_pretty(&payload).expect("JSON serialises");
        insta::assert_snapshot!(format!("chat-{}", name.trim_end_matches(".json")), pretty);
    }
}

#[test]
fn hostile_corpus_renders_to_inert_valid_chat_json() {
    let validator = validator();
    let directory = crate::support::root().join("tests/hostile");
    let mut rendered = 0;
    for entry in std::fs::read_dir(&directory).expect("tests/hostile exists") {
        let path = entry.expect("readable directory entry").path();
        let Ok(payload) = serde_json::from_slice::<Value>(&std::fs::read(&path).expect("read"))
        else {
            continue;
        };
        let Ok(event) = MarketplaceEvent::parse(payload) else {
            continue;
        };
        let name = path.display().to_string();
        let payload = checked_payload(&validator, &name, &event.render(&ChatRenderer));
        // The corpus's names carry control characters and emoji, not markup; the tokens
        // must be absent all the same.
        assert_inert(&name, &payload);
        rendered += 1;
    }
    assert!(rendered >= 4, "only {rendered} hostile files rendered");
}

#[test]
fn the_hostile_names_sample_is_inert_in_chat() {
    let event = MarketplaceEvent::parse(crate::support::sample_event(
        "offer-released-hostile-names.json",
    ))
    .expect("the sample parses");
    let payload = checked_payload(
        &validator(),
        "offer-released-hostile-names.json",
        &event.render(&ChatRenderer),
    );
    assert_inert("offer-released-hostile-names.json", &payload);
}

fn offer_event(offer_name: &str, product_title: &str, seller_name: &str) -> Value {
    json!({
        "version": "0", "id": "7a4c35de-0b6e-4b0e-8f0e-0a1b2c3d4e5f",
        "detail-type": "Offer Released", "source": "aws.marketplacecatalog",
        "account": "111111111111", "time": "2025-01-01T00:00:00Z", "region": "us-east-1",
        "resources": ["arn:aws:catalog:us-east-1:111111111111:Offer/offer-1"],
        "detail": {
            "catalog": "AWSMarketplace",
            "offer": {"id": "offer-1", "name": offer_name},
            "product": {"id": "prod-1", "title": product_title},
            "manufacturer": {"accountId": "111111111111"},
            "sellerOfRecord": {"accountId": "222222222222", "name": seller_name},
            "targetedBuyerAccountIds": ["333333333333"]
        }
    })
}

/// A name made of hostile tokens and arbitrary text.
fn hostile_name() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(HOSTILE_TOKENS).prop_map(str::to_owned),
            "\\PC{0,12}",
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_hostile_names_never_reach_chat_as_markup(
        offer in hostile_name(),
        product in hostile_name(),
        seller in hostile_name(),
    ) {
        let event = MarketplaceEvent::parse(offer_event(&offer, &product, &seller))
            .expect("an offer event with any names parses");
        let payload = checked_payload(&validator(), "generated", &event.render(&ChatRenderer));
        // A token may also arise by joining arbitrary text with a neighbour, so the check
        // is on the rendered strings, whatever the input's pieces were.
        assert_inert(&format!("{offer:?} / {product:?} / {seller:?}"), &payload);
    }
}
