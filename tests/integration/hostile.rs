//! The hostile input corpus in `tests/hostile/`: each file with the outcome it must have.
//! Inputs are handed to the notifier as Lambda's runtime hands them, the invocation's bytes;
//! none may panic, every rejection names what was wrong, and nothing rejected is published.

use std::path::PathBuf;

use marketplace_catalog_notifier::config::TopicKind;
use marketplace_catalog_notifier::notification::MAX_MESSAGE_BYTES;
use marketplace_catalog_notifier::publish::RecordingPublisher;
use marketplace_catalog_notifier::{Notifier, Outcome};
use serde_json::json;

use crate::support::{dry_run_config, envelope, file_name, json_files, root};

/// What one hostile input must lead to.
enum Expected {
    /// Rejected by the handler with this error type, the message containing each text.
    Rejected(&'static str, &'static [&'static str]),
    /// Published to this topic family.
    Published(TopicKind),
}

const CORPUS: &[(&str, Expected)] = &[
    (
        "control-characters-in-names.json",
        Expected::Published(TopicKind::OFFERS),
    ),
    (
        "deeply-nested-unknown-fields.json",
        Expected::Published(TopicKind::CHANGE_SETS),
    ),
    (
        "detail-as-string.json",
        Expected::Rejected("InvalidDetail", &["field `detail`", "invalid type: string"]),
    ),
    (
        "detail-type-wrong-case.json",
        Expected::Published(TopicKind::OTHER),
    ),
    (
        // No example body is published: a detail of any shape is still published, with
        // the missing facts named.
        "disbursement-paused-with-another-shape.json",
        Expected::Published(TopicKind::PAYMENTS),
    ),
    (
        "emoji-10kb-names.json",
        Expected::Published(TopicKind::OFFERS),
    ),
    (
        "empty-event-id.json",
        Expected::Rejected("InvalidEnvelope", &["field `id`", "(no event id)"]),
    ),
    (
        "empty-object.json",
        Expected::Rejected("InvalidEnvelope", &["detail-type", "(no event id)"]),
    ),
    (
        "impossible-time.json",
        Expected::Rejected(
            "InvalidEnvelope",
            &["field `time`", "9b2f1c3e-7a41-4d0e-9c55-2f8e6b1a0d11"],
        ),
    ),
    (
        "json-array.json",
        Expected::Rejected(
            "InvalidEnvelope",
            &["expected a JSON object", "found an array"],
        ),
    ),
    (
        "json-null.json",
        Expected::Rejected("InvalidEnvelope", &["expected a JSON object", "found null"]),
    ),
    (
        "missing-change-set-id.json",
        Expected::Rejected(
            "InvalidDetail",
            &[
                "detail.ChangeSetId",
                "missing field",
                "9b2f1c3e-7a41-4d0e-9c55-2f8e6b1a0d11",
            ],
        ),
    ),
    (
        "mistyped-security-count.json",
        Expected::Rejected(
            "InvalidDetail",
            &["detail.numberOfProductsWithIssues", "\"3\""],
        ),
    ),
    (
        "mistyped-start-time.json",
        Expected::Rejected("InvalidDetail", &["detail.StartTime", "1706785200"]),
    ),
    (
        "nesting-past-the-parser-limit.json",
        Expected::Rejected(
            "InvalidEvent",
            &["at most 120", "9b2f1c3e-7a41-4d0e-9c55-2f8e6b1a0d11"],
        ),
    ),
    (
        "null-failure-code.json",
        Expected::Rejected("InvalidDetail", &["detail.FailureCode"]),
    ),
    (
        "source-with-trailing-space.json",
        Expected::Rejected("UnsupportedSource", &["\"aws.marketplacecatalog \""]),
    ),
    (
        "truncated-json.json",
        Expected::Rejected(
            "InvalidEnvelope",
            &[
                "not valid JSON",
                "EOF while parsing",
                "9b2f1c3e-7a41-4d0e-9c55-2f8e6b1a0d11",
            ],
        ),
    ),
    (
        "unknown-detail-type.json",
        Expected::Published(TopicKind::OTHER),
    ),
    (
        "unparsable-expiration-date.json",
        Expected::Rejected(
            "InvalidDetail",
            &[
                "detail.offer.expirationDate",
                "9b2f1c3e-7a41-4d0e-9c55-2f8e6b1a0d12",
            ],
        ),
    ),
    (
        "wrong-source.json",
        Expected::Rejected("UnsupportedSource", &["aws.vendor-insights"]),
    ),
];

fn hostile_dir() -> PathBuf {
    root().join("tests/hostile")
}

fn notifier() -> Notifier<RecordingPublisher> {
    Notifier::new(dry_run_config().topics, RecordingPublisher::new())
}

#[test]
fn every_corpus_file_has_an_expected_outcome() {
    let files: Vec<String> = json_files(&hostile_dir())
        .iter()
        .map(|path| file_name(path))
        .collect();
    let listed: Vec<&str> = CORPUS.iter().map(|(name, _)| *name).collect();
    assert_eq!(files, listed);
}

#[tokio::test]
async fn each_hostile_input_has_its_expected_outcome() {
    let dir = hostile_dir();
    for (name, expected) in CORPUS {
        let notifier = notifier();
        let bytes = std::fs::read(dir.join(name)).expect("corpus file is readable");
        match expected {
            Expected::Rejected(error_type, mentions) => {
                let error = notifier.handle_payload(&bytes, None).await.expect_err(name);
                assert_eq!(error.error_type(), *error_type, "{name}: {error}");
                for mention in *mentions {
                    assert!(
                        error.to_string().contains(mention),
                        "{name}: {error} lacks {mention:?}"
                    );
                }
                assert!(
                    notifier.publisher().published().is_empty(),
                    "{name} published"
                );
            }
            Expected::Published(kind) => {
                let outcome = notifier
                    .handle_payload(&bytes, None)
                    .await
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert!(
                    matches!(outcome, Outcome::Published { .. }),
                    "{name}: {outcome:?}"
                );
                let published = notifier.publisher().published();
                assert_eq!(published.len(), 1, "{name}");
                assert!(
                    published[0].topic.as_str().ends_with(kind.name()),
                    "{name}: {}",
                    published[0].topic
                );
                assert!(
                    published[0].notification.size_in_bytes() <= MAX_MESSAGE_BYTES,
                    "{name}"
                );
            }
        }
    }
}

#[tokio::test]
async fn fifty_thousand_targeted_buyers_fit_in_one_readable_message() {
    let buyers: Vec<String> = (0..50_000u64)
        .map(|i| format!("{:012}", 100_000_000_000 + i))
        .collect();
    let mut payload = envelope(
        "Offer Released",
        json!({"catalog": "AWSMarketplace",
               "offer": {"id": "offer-50k", "name": "Everyone"}, "product": {"id": "prod-50k"},
               "manufacturer": {"accountId": "123456789012"}, "sellerOfRecord": {"accountId": "123456789012"},
               "targetedBuyerAccountIds": buyers}),
    );
    payload["id"] = json!("5e1d7c9a-50k0-4b11-8c2d-000000050000");
    let notifier = notifier();
    notifier.handle(payload).await.expect("published");
    let notification = &notifier.publisher().published()[0].notification;
    assert!(
        notification
            .body()
            .contains("50000 accounts: 100000000000, 100000000001")
    );
    // Every buyer a private offer can target (26) is listed; the rest are counted.
    assert!(notification.body().contains("... and 49974 more"));
    assert!(
        notification.size_in_bytes() < 10_000,
        "buyer list is summarised, not dumped"
    );
}
