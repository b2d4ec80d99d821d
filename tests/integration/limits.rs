//! Property tests: whatever names, ids, sizes and characters an event holds, the rendered
//! notification obeys SNS's Publish rules (subject, attributes, message size).

use marketplace_catalog_notifier::event::limits::MAX_EVENT_BYTES;
use marketplace_catalog_notifier::message::{MAX_ATTRIBUTES, is_valid_attribute_name};
use marketplace_catalog_notifier::notification::{
    MAX_MESSAGE_BYTES, MAX_SUBJECT_UTF16_UNITS, Notification,
};
use marketplace_catalog_notifier::registry::MarketplaceEvent;
use marketplace_catalog_notifier::render::TextRenderer;

use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::envelope;

/// Asserts every SNS rule on one notification.
fn assert_publishable(n: &Notification) -> Result<(), TestCaseError> {
    let subject = n.subject().as_str();
    prop_assert!(!subject.is_empty());
    prop_assert!(
        subject.encode_utf16().count() <= MAX_SUBJECT_UTF16_UNITS,
        "subject too long: {subject:?}"
    );
    prop_assert!(
        !subject.chars().any(char::is_control),
        "control character in {subject:?}"
    );
    prop_assert!(!subject.starts_with(char::is_whitespace));

    prop_assert!(n.attributes().len() <= MAX_ATTRIBUTES);
    for (name, value) in n.attributes().iter() {
        prop_assert!(is_valid_attribute_name(name), "attribute name {name:?}");
        prop_assert!(!value.trim().is_empty(), "empty value for {name}");
        prop_assert!(
            !value.chars().any(char::is_control),
            "control character in {name}"
        );
    }
    prop_assert_eq!(n.attributes().get("severity"), Some(n.severity().as_str()));

    prop_assert!(
        n.size_in_bytes() <= MAX_MESSAGE_BYTES,
        "{} bytes",
        n.size_in_bytes()
    );
    prop_assert!(
        !n.body()
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "control character in body"
    );
    Ok(())
}

fn render(payload: Value) -> Result<Notification, TestCaseError> {
    let event = MarketplaceEvent::parse(payload).map_err(|e| TestCaseError::fail(e.to_string()))?;
    Ok(event.render(&TextRenderer))
}

/// Any text, weighted towards what breaks naive code: controls, line breaks, emoji, length.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[\\x00-\\x1f\\x7f a-z\\n\\r\\t🚀👨‍👩‍👧中文]{0,400}",
        (1usize..12_000).prop_map(|n| "名".repeat(n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn offers_with_any_names_and_buyer_counts_are_publishable(
        offer_name in hostile_text(),
        title in hostile_text(),
        seller_name in hostile_text(),
        offer_id in "[ -~\\n🚀]{1,300}",
        buyers in 0usize..40_000,
    ) {
        prop_assume!(!offer_id.trim().is_empty());
        let buyer_ids: Vec<String> = (0..buyers).map(|i| format!("{i:012}")).collect();
        let detail = json!({
            "catalog": "AWSMarketplace",
            "offer": {"id": offer_id, "name": offer_name},
            "product": {"id": "prod-1", "title": title},
            "manufacturer": {"accountId": "123456789012", "name": seller_name},
            "sellerOfRecord": {"accountId": "210987654321", "name": seller_name},
            "targetedBuyerAccountIds": buyer_ids,
        });
        assert_publishable(&render(envelope("Offer Released", detail))?)?;
    }

    #[test]
    fn change_sets_with_any_names_are_publishable(
        name in hostile_text(),
        id in "[a-z0-9 ;'\"\\n]{1,200}",
        code in "[A-Z_\\n]{1,40}",
    ) {
        prop_assume!(!id.trim().is_empty() && !code.trim().is_empty());
        let detail = json!({
            "Catalog": "AWSMarketplace", "ChangeSetId": id, "ChangeSetName": name,
            "StartTime": "2024-01-01T00:00:00Z", "EndTime": "2023-12-31T00:00:00Z", "FailureCode": code,
        });
        assert_publishable(&render(envelope("Change Set Failed", detail))?)?;
    }

    #[test]
    fn unknown_detail_types_of_any_size_are_publishable(
        detail_type in hostile_text(),
        blob in hostile_text(),
        copies in 1usize..80,
    ) {
        prop_assume!(!detail_type.is_empty());
        let detail = json!({"items": vec![blob; copies]});
        let payload = envelope(&detail_type, detail);
        // Past the front door's size limit an event is refused, naming the limit; any
        // event within it is published within SNS's limits.
        if payload.to_string().len() > MAX_EVENT_BYTES {
            let error = MarketplaceEvent::parse(payload).expect_err("over the size limit");
            prop_assert_eq!(error.error_type(), "InvalidEvent");
            prop_assert!(error.to_string().contains("at most"), "{}", error);
        } else {
            assert_publishable(&render(payload)?)?;
        }
    }

    #[test]
    fn security_reports_with_any_counts_are_publishable(
        products in any::<u64>(),
        versions in any::<u64>(),
        new_issues in any::<bool>(),
        due_offset_days in -100_000i64..100_000,
    ) {
        let due = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").unwrap()
            + chrono::TimeDelta::days(due_offset_days);
        let detail = json!({
            "numberOfProductsWithIssues": products, "numberOfVersionsWithIssues": versions,
            "numberOfLatestVersionsWithIssues": versions, "newIssuesFound": new_issues,
            "upcomingResolutionDueDate": due.to_rfc3339(),
        });
        assert_publishable(&render(envelope("Products Security Report Created", detail))?)?;
    }
}
