//! The one-pass reading held to the two-pass one: for every sample, and for payloads that
//! order, repeat, escape or mistype the envelope's members, both give the same event (the
//! same envelope, topic and message) or the same error.

use serde_json::{Value, json};

use super::*;

type Read = Result<(Envelope, TopicKind, Message), String>;

fn outcome(result: Result<MarketplaceEvent, NotifierError>) -> Read {
    result
        .map(|event| {
            let message = event.compose(&Found::Nothing);
            (event.envelope, event.topic, message)
        })
        .map_err(|error| error.to_string())
}

/// The registry's reading of `payload`, and the two-pass reading of it.
fn both_readings(payload: &str) -> (Read, Read) {
    let registry = Registry::standard();
    (
        outcome(MarketplaceEvent::read(&registry, payload)),
        outcome(MarketplaceEvent::read_in_two_passes(&registry, payload)),
    )
}

fn samples() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
    let mut samples = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "json") {
            let text = std::fs::read_to_string(&path).unwrap();
            samples.push((path.display().to_string(), text));
        }
    }
    samples
}

#[test]
fn every_sample_is_read_in_one_pass_as_in_two() {
    let registry = Registry::standard();
    let samples = samples();
    assert!(samples.len() > 60, "{}", samples.len());
    for (path, written) in samples {
        // The samples keep EventBridge's order of members: read in one pass.
        assert!(
            MarketplaceEvent::read_in_one_pass(&registry, &written).is_some(),
            "{path}: not read in one pass"
        );
        // serde_json's `Value` sorts them, putting the detail before the source: read in two.
        let sorted = serde_json::from_str::<Value>(&written).unwrap().to_string();
        assert!(MarketplaceEvent::read_in_one_pass(&registry, &sorted).is_none());
        for payload in [written.as_str(), sorted.as_str()] {
            let (one, two) = both_readings(payload);
            assert!(two.is_ok(), "{path}: {two:?}");
            assert_eq!(one, two, "{path}");
        }
    }
}

/// An offer event whose members are written in `order`, each as `members` gives it.
fn offer_with(members: &[(&str, Value)]) -> String {
    let mut text = String::from("{");
    for (index, (key, value)) in members.iter().enumerate() {
        if index > 0 {
            text.push(',');
        }
        text.push_str(&format!("{}:{value}", Value::from(*key)));
    }
    text.push('}');
    text
}

fn offer_members() -> Vec<(&'static str, Value)> {
    vec![
        ("version", json!("0")),
        ("id", json!("e-1")),
        ("detail-type", json!("Offer Released")),
        ("source", json!("aws.marketplacecatalog")),
        ("account", json!("123456789012")),
        ("time", json!("2024-06-30T23:59:59Z")),
        ("region", json!("us-east-1")),
        (
            "resources",
            json!(["arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Offer/offer-1"]),
        ),
        (
            "detail",
            json!({
                "requestId": "r-1",
                "catalog": "AWSMarketplace",
                "offer": {"id": "offer-1", "arn": "arn:aws:catalog:us-east-1:123456789012:Offer/offer-1", "name": "Deal"},
                "product": {"id": "prod-1", "arn": "arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/SaaSProduct/prod-1", "title": "Widget"},
                "manufacturer": {"accountId": "123456789012", "name": "Acme"},
                "sellerOfRecord": {"accountId": "123456789012", "name": "Acme"}
            }),
        ),
    ]
}

#[test]
fn payloads_that_bend_the_envelope_are_read_as_in_two_passes() {
    let with = |key: &str, value: Value| {
        let mut members = offer_members();
        members.iter_mut().find(|(k, _)| *k == key).unwrap().1 = value;
        offer_with(&members)
    };
    let without = |key: &str| {
        let mut members = offer_members();
        members.retain(|(k, _)| *k != key);
        offer_with(&members)
    };
    let mut reversed = offer_members();
    reversed.reverse();
    let mut repeated = offer_members();
    repeated.push(("source", json!("aws.marketplacecatalog")));
    let mut extra = offer_members();
    extra.insert(2, ("note", json!({"nested": [1, {"a": "\"quoted\""}]})));
    let plain = offer_with(&offer_members());
    let registry = Registry::standard();
    assert!(MarketplaceEvent::read_in_one_pass(&registry, &plain).is_some());
    let payloads = [
        plain.clone(),
        offer_with(&reversed),
        offer_with(&repeated),
        offer_with(&extra),
        with("version", json!(1)),
        with("id", json!("")),
        with("id", json!(null)),
        with("time", json!("not a time")),
        with("time", json!("2024-06-30T23:59:59.5+02:00")),
        with("source", json!("aws.other")),
        with("detail-type", json!("Offer Set Released")),
        with("detail-type", json!("Something New")),
        with("resources", json!("not a list")),
        with("account", json!(null)),
        with("detail", json!("a string")),
        with("detail", json!(null)),
        with("detail", json!({"offer": {"id": 7}})),
        without("id"),
        without("time"),
        without("detail"),
        without("source"),
        plain.replace("\"detail-type\"", "\"detail\\u002dtype\""),
        plain.replace("Offer Released", "Offer\\u0020Released"),
        format!("{plain} trailing"),
        plain[..plain.len() - 1].to_owned(),
    ];
    for payload in payloads {
        let (one, two) = both_readings(&payload);
        assert_eq!(one, two, "{payload}");
    }
}
