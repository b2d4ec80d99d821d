//! Every sample in `events/` through the notifier with a recording publisher: the topic,
//! severity and attributes each one gets, and a reviewed snapshot of each rendered
//! notification, so a wording change shows up as a diff.

use marketplace_catalog_notifier::config::TopicKind;
use marketplace_catalog_notifier::families::agreement;
use marketplace_catalog_notifier::lookup::{AgreementFacts, AgreementLookup, Found};
use marketplace_catalog_notifier::notification::MAX_MESSAGE_BYTES;
use marketplace_catalog_notifier::outcome::Delivery;
use marketplace_catalog_notifier::publish::{RecordingPublisher, readable};
use marketplace_catalog_notifier::registry::{self, MarketplaceEvent};
use marketplace_catalog_notifier::render::{Renderer, TextRenderer};
use marketplace_catalog_notifier::{Notifier, NotifierError, Outcome};
use serde_json::{Value, json};

use crate::support::{CHANGE_SETS, config, contract, invalid_fixtures, sample_event, sample_names};

/// A sample file and attributes it must carry. Its topic and severity are the contract's
/// (`support::contract`), the one oracle for routing.
type Expectation = (&'static str, &'static [(&'static str, &'static str)]);

/// What each sample must become. Adding a file to `events/` without a row here fails
/// `every_sample_has_an_expectation`.
const EXPECTED: &[Expectation] = &[
    (
        "agreement-acceptor-created.json",
        &[("party", "acceptor"), ("action_required", "true")],
    ),
    (
        "agreement-amended-seller-opt-out.json",
        &[("party", "proposer"), ("action_required", "false")],
    ),
    (
        "agreement-amended.json",
        &[("product_id", "prod-aw4fgf5tyo5w2"), ("party", "proposer")],
    ),
    (
        "agreement-billing-adjustment-completed-manufacturer.json",
        &[
            ("party", "manufacturer"),
            ("action_required", "false"),
            ("agreement_id", "agmt-5kq2rz8wx1cppo7mnf3v0d9ht"),
        ],
    ),
    (
        "agreement-billing-adjustment-failed-manufacturer.json",
        &[("party", "manufacturer"), ("action_required", "false")],
    ),
    (
        "agreement-billing-adjustment-failed.json",
        &[
            ("action_required", "true"),
            ("agreement_id", "agmt-1n3wvuxyzd7kdr1nmk36gqz1a"),
        ],
    ),
    (
        "agreement-cancellation-approved-manufacturer.json",
        &[
            ("party", "manufacturer"),
            ("acceptor_account_id", "210987654321"),
        ],
    ),
    (
        "agreement-cancellation-approved.json",
        &[("action_required", "false"), ("severity", "info")],
    ),
    (
        "agreement-cancellation-cancelled-manufacturer.json",
        &[("party", "manufacturer")],
    ),
    (
        "agreement-cancellation-pending-approval-manufacturer.json",
        &[
            ("party", "manufacturer"),
            ("action_required", "false"),
            ("offer_id", "offer-9cppo2h7kq4zx"),
        ],
    ),
    (
        "agreement-cancellation-pending-approval.json",
        &[
            ("action_required", "true"),
            ("acceptor_account_id", "845735284135"),
            ("offer_id", "offer-3sdqk7x2jz6bq"),
        ],
    ),
    (
        "agreement-cancellation-rejected-manufacturer.json",
        &[
            ("party", "manufacturer"),
            ("product_id", "prod-aw4fgf5tyo5w2"),
        ],
    ),
    (
        "agreement-cancellation-validation-failed-manufacturer.json",
        &[("party", "manufacturer"), ("action_required", "false")],
    ),
    (
        "agreement-created-as-manufacturer-cppo.json",
        &[
            ("party", "manufacturer"),
            ("acceptor_account_id", "210987654321"),
        ],
    ),
    (
        "agreement-created-as-proposer.json",
        &[
            ("party", "proposer"),
            ("agreement_id", "agmt-1n3wvuxyzd7kdr1nmk36gqz1a"),
            ("offer_id", "offer-3sdqk7x2jz6bq"),
        ],
    ),
    (
        "agreement-created-renew.json",
        &[
            ("agreement_id", "agmt-3renew0new1term2d3e4f5"),
            ("severity", "info"),
        ],
    ),
    (
        "agreement-created-replace.json",
        &[
            ("offer_id", "offer-public0acme"),
            ("action_required", "false"),
        ],
    ),
    (
        "agreement-ended-container.json",
        &[("action_required", "true")],
    ),
    (
        "agreement-ended-renewed.json",
        &[("action_required", "false"), ("severity", "info")],
    ),
    ("agreement-ended-saas.json", &[("action_required", "true")]),
    ("agreement-ended.json", &[("action_required", "true")]),
    (
        "agreement-ending-in-180-days.json",
        &[("action_required", "false"), ("severity", "info")],
    ),
    (
        "agreement-ending-in-30-days.json",
        &[("action_required", "true")],
    ),
    (
        "agreement-license-deprovisioned.json",
        &[
            ("party", "manufacturer"),
            ("product_id", "prod-aw4fgf5tyo5w2"),
        ],
    ),
    (
        "agreement-renewal-upcoming.json",
        &[("acceptor_account_id", "556677889900")],
    ),
    (
        "change-set-cancelled.json",
        &[("change_set_id", "76yesvf8y165pa4f98td2crtg")],
    ),
    (
        "change-set-failed-client-error.json",
        &[
            ("failure_code", "CLIENT_ERROR"),
            ("change_set_id", "76yesvf8y165pa4f98td2crtg"),
        ],
    ),
    (
        "change-set-failed-description-only.json",
        &[
            ("failure_code", "CLIENT_ERROR"),
            ("action_required", "true"),
        ],
    ),
    (
        "change-set-failed-server-fault.json",
        &[("failure_code", "SERVER_FAULT")],
    ),
    (
        "change-set-succeeded-fractional-offset-times.json",
        &[("change_set_id", "5pz8kw3ry1dn6vq0hxm2tjc7e")],
    ),
    (
        "change-set-succeeded-validate-only.json",
        &[
            ("change_set_id", "cs-validate-only"),
            ("action_required", "false"),
        ],
    ),
    (
        "change-set-succeeded.json",
        &[
            ("change_set_id", "76yesvf8y165pa4f98td2crtg"),
            ("action_required", "false"),
        ],
    ),
    (
        "cosell-engagement-invitation-accepted.json",
        &[
            ("engagement_invitation_id", "engi-4kq9w2zt7hxm1"),
            ("action_required", "false"),
        ],
    ),
    (
        "cosell-engagement-invitation-created-expiring.json",
        &[
            ("action_required", "true"),
            ("engagement_id", "eng-7pz3r8k2wq5n1"),
        ],
    ),
    (
        "cosell-engagement-invitation-created.json",
        &[
            ("action_required", "true"),
            ("engagement_invitation_id", "engi-4kq9w2zt7hxm1"),
            ("catalog", "AWS"),
        ],
    ),
    (
        "cosell-engagement-invitation-expired.json",
        &[("engagement_invitation_id", "engi-4kq9w2zt7hxm1")],
    ),
    (
        "cosell-engagement-invitation-rejected.json",
        &[("engagement_invitation_id", "engi-4kq9w2zt7hxm1")],
    ),
    (
        "cosell-engagement-member-added.json",
        &[("engagement_id", "eng-7pz3r8k2wq5n1")],
    ),
    (
        "cosell-engagement-member-joined.json",
        &[
            ("engagement_id", "eng-7pz3r8k2wq5n1"),
            ("action_required", "false"),
        ],
    ),
    (
        "cosell-engagement-resource-snapshot-created.json",
        &[
            ("opportunity_id", "O8123456"),
            ("engagement_id", "eng-7pz3r8k2wq5n1"),
        ],
    ),
    (
        "cosell-opportunity-accepted.json",
        &[("opportunity_id", "O8123456")],
    ),
    (
        "cosell-opportunity-created.json",
        &[("opportunity_id", "O8123456"), ("action_required", "false")],
    ),
    (
        "cosell-opportunity-rejected.json",
        &[("opportunity_id", "O8123456")],
    ),
    (
        "cosell-opportunity-updated.json",
        &[("opportunity_id", "O8123456"), ("catalog", "AWS")],
    ),
    (
        "cosell-resource-snapshot-created.json",
        &[("opportunity_id", "O8123456")],
    ),
    (
        "cosell-sandbox-engagement-invitation-created.json",
        &[("catalog", "Sandbox"), ("action_required", "false")],
    ),
    (
        "disbursement-paused.json",
        &[
            ("action_required", "true"),
            (
                "payment_instrument",
                "arn:aws:payments::123456789012:payment-instrument/pi-4f8a2c9d1e7b",
            ),
        ],
    ),
    (
        "offer-released-26-buyers.json",
        &[
            ("release_case", "own_offer"),
            ("action_required", "true"),
            ("severity", "warning"),
        ],
    ),
    ("offer-released-30000-buyers.json", &[]),
    (
        "offer-released-as-channel-partner.json",
        &[
            ("release_case", "your_offer_as_channel_partner"),
            ("offer_id", "offer-1234567890123"),
        ],
    ),
    (
        "offer-released-bidi-zero-width-urls.json",
        &[
            ("release_case", "channel_partner_offer_for_your_product"),
            ("action_required", "false"),
        ],
    ),
    (
        "offer-released-by-channel-partner-for-isv.json",
        &[
            ("release_case", "channel_partner_offer_for_your_product"),
            ("seller_of_record_account_id", "987654321098"),
        ],
    ),
    (
        "offer-released-by-isv.json",
        &[
            ("release_case", "own_offer"),
            ("product_id", "bbbbaaaa-abcd-1111-abcd-666666666666"),
        ],
    ),
    ("offer-released-hostile-names.json", &[]),
    ("offer-released-public-minimal.json", &[]),
    ("offerset-released.json", &[]),
    (
        "payments-unknown-detail-type.json",
        &[("source", "aws.marketplace"), ("action_required", "true")],
    ),
    (
        "products-security-report-due-in-3-days.json",
        &[("new_issues_found", "false"), ("action_required", "true")],
    ),
    (
        "products-security-report-new-issues.json",
        &[("new_issues_found", "true")],
    ),
    (
        "products-security-report-overdue.json",
        &[("new_issues_found", "false")],
    ),
    (
        "products-security-report-reminder.json",
        &[("new_issues_found", "false")],
    ),
    (
        "unknown-detail-type.json",
        &[
            ("source", "aws.marketplacecatalog"),
            ("action_required", "true"),
        ],
    ),
];

#[test]
fn every_sample_has_an_expectation() {
    let expected: Vec<&str> = EXPECTED.iter().map(|(name, ..)| *name).collect();
    assert_eq!(sample_names(), expected);
}

#[test]
fn every_known_detail_type_has_a_sample() {
    let covered: Vec<String> = sample_names()
        .iter()
        .map(|name| {
            sample_event(name)["detail-type"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    // Agreement types share three detail shapes; events/ holds one sample per family
    // (created, amended, ended, ending, renewal, cancellation, billing, licence), each
    // composed from the same typed detail as its siblings.
    for detail_type in registry::known_detail_types().iter().filter(|detail_type| {
        !agreement::KNOWN_DETAIL_TYPES
            .iter()
            .any(|(name, _)| name == *detail_type)
    }) {
        assert!(
            covered.iter().any(|c| c == detail_type),
            "no sample in events/ for {detail_type:?}"
        );
    }
}

#[tokio::test]
async fn every_sample_is_published_to_its_topic_with_its_attributes() {
    let config = config(true);
    let notifier = Notifier::new(config.topics.clone(), RecordingPublisher::new());
    for (index, (name, attributes)) in EXPECTED.iter().enumerate() {
        let payload = sample_event(name);
        let (kind, severity) = (contract::topic_kind(&payload), contract::severity(&payload));
        let outcome = notifier
            .handle(payload.clone())
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let topic = config.topics.arn_for(kind).expect("topic configured");
        assert_eq!(
            outcome,
            Outcome::Published {
                detail_type: payload["detail-type"].as_str().unwrap().to_owned(),
                event_id: payload["id"].as_str().unwrap().to_owned(),
                deliveries: vec![Delivery {
                    channel: "text",
                    topic_arn: topic.to_string(),
                    message_id: format!("recorded-{}", index + 1),
                }],
                queued: Vec::new(),
            },
            "{name}"
        );
        let published = notifier.publisher().published();
        let last = published.last().expect("one publish per sample");
        assert_eq!(&last.topic, topic, "{name}");
        let n = &last.notification;
        assert_eq!(n.severity().as_str(), severity, "{name}");
        assert_eq!(n.attributes().get("severity"), Some(severity), "{name}");
        assert_eq!(
            n.attributes().get("detail_type"),
            payload["detail-type"].as_str(),
            "{name}"
        );
        assert_eq!(
            n.attributes().get("event_id"),
            payload["id"].as_str(),
            "{name}"
        );
        for (attribute, value) in *attributes {
            assert_eq!(
                n.attributes().get(attribute),
                Some(*value),
                "{name}: {attribute}"
            );
        }
        assert!(n.size_in_bytes() <= MAX_MESSAGE_BYTES, "{name}");
    }
    assert_eq!(notifier.publisher().published().len(), EXPECTED.len());
}

#[test]
fn rendered_notifications_match_their_snapshots() {
    let config = config(true);
    for name in sample_names() {
        let event =
            MarketplaceEvent::parse(sample_event(&name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let kind = event.topic;
        let topic = config.topics.arn_for(kind).expect("topic configured");
        let text = readable(topic, &event.render(&TextRenderer));
        insta::assert_snapshot!(name.trim_end_matches(".json"), text);
    }
}

/// The Ended samples named for a product type, composed with what DescribeAgreement says
/// about that type (the event itself never carries it): the wording for that type alone.
#[test]
fn ended_samples_with_their_product_type_match_their_snapshots() {
    let config = config(true);
    for (name, product_type) in [
        ("agreement-ended-saas.json", "SaaSProduct"),
        ("agreement-ended-container.json", "ContainerProduct"),
    ] {
        let event =
            MarketplaceEvent::parse(sample_event(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let found = Found::Agreement(AgreementLookup::Described(Box::new(AgreementFacts {
            product_type: Some(product_type.to_owned()),
            ..AgreementFacts::default()
        })));
        let topic = config
            .topics
            .arn_for(event.topic)
            .expect("topic configured");
        let message = event.compose(&found);
        let text = readable(topic, &TextRenderer.render(&message));
        let snapshot = format!("{}-described", name.trim_end_matches(".json"));
        insta::assert_snapshot!(snapshot, text);
    }
}

#[tokio::test]
async fn agreement_events_are_skipped_without_an_agreements_topic() {
    let topics = config(true).topics.without(TopicKind::AGREEMENTS);
    let notifier = Notifier::new(topics, RecordingPublisher::new());
    let outcome = notifier
        .handle(sample_event("agreement-billing-adjustment-failed.json"))
        .await
        .expect("skipped, not failed");
    let Outcome::Skipped { reason, .. } = outcome else {
        panic!("expected a skip, got {outcome:?}")
    };
    assert!(reason.contains("AGREEMENTS_TOPIC_ARN"), "{reason}");
    assert!(notifier.publisher().published().is_empty());
}

#[tokio::test]
async fn payout_events_are_skipped_without_a_payments_topic() {
    let topics = config(true).topics.without(TopicKind::PAYMENTS);
    let notifier = Notifier::new(topics, RecordingPublisher::new());
    for sample in [
        "disbursement-paused.json",
        "payments-unknown-detail-type.json",
    ] {
        let outcome = notifier
            .handle(sample_event(sample))
            .await
            .expect("skipped, not failed");
        let Outcome::Skipped { reason, .. } = outcome else {
            panic!("{sample}: expected a skip, got {outcome:?}")
        };
        assert!(reason.contains("PAYMENTS_TOPIC_ARN"), "{reason}");
    }
    assert!(notifier.publisher().published().is_empty());
}

#[tokio::test]
async fn cosell_events_are_skipped_without_a_cosell_topic() {
    let topics = config(true).topics.without(TopicKind::COSELL);
    let notifier = Notifier::new(topics, RecordingPublisher::new());
    let outcome = notifier
        .handle(sample_event("cosell-engagement-invitation-created.json"))
        .await
        .expect("skipped, not failed");
    let Outcome::Skipped { reason, .. } = outcome else {
        panic!("expected a skip, got {outcome:?}")
    };
    assert!(reason.contains("COSELL_TOPIC_ARN"), "{reason}");
    assert!(notifier.publisher().published().is_empty());
}

#[tokio::test]
async fn unknown_detail_type_is_skipped_without_an_other_events_topic() {
    let notifier = Notifier::new(config(false).topics, RecordingPublisher::new());
    let outcome = notifier
        .handle(sample_event("unknown-detail-type.json"))
        .await
        .expect("skipped, not failed");
    let Outcome::Skipped {
        detail_type,
        reason,
        ..
    } = outcome
    else {
        panic!("expected a skip, got {outcome:?}")
    };
    assert_eq!(detail_type, "Entity Archived");
    assert!(reason.contains("OTHER_EVENTS_TOPIC_ARN"), "{reason}");
    assert!(notifier.publisher().published().is_empty());
}

#[tokio::test]
async fn publish_failure_fails_the_invocation_and_names_event_and_topic() {
    let notifier = Notifier::new(config(true).topics, RecordingPublisher::new());
    notifier.publisher().fail_with(Some("connection refused"));
    let error = notifier
        .handle(sample_event("change-set-succeeded.json"))
        .await
        .expect_err("must fail");
    assert!(matches!(error, NotifierError::Publish { .. }));
    let message = error.to_string();
    assert!(
        message.contains("f330a10b-9efe-4904-a61c-980e7426b628"),
        "{message}"
    );
    assert!(message.contains(CHANGE_SETS), "{message}");
    assert!(message.contains("connection refused"), "{message}");

    notifier.publisher().fail_with(None);
    assert!(
        notifier
            .handle(sample_event("change-set-succeeded.json"))
            .await
            .is_ok()
    );
    assert_eq!(notifier.publisher().published().len(), 1);
}

#[tokio::test]
async fn rejected_events_publish_nothing() {
    let notifier = Notifier::new(config(true).topics, RecordingPublisher::new());
    let mut other_source = sample_event("offer-released-by-isv.json");
    other_source["source"] = json!("aws.vendor-insights");
    let mut no_agreement_id = sample_event("agreement-created-as-proposer.json");
    no_agreement_id["detail"]["agreement"]
        .as_object_mut()
        .unwrap()
        .remove("id");
    let mut no_acceptor = sample_event("agreement-cancellation-pending-approval.json");
    no_acceptor["detail"]["agreement"]
        .as_object_mut()
        .unwrap()
        .remove("acceptorId");
    let mut no_offer_id = sample_event("offer-released-by-isv.json");
    no_offer_id["detail"]["offer"]
        .as_object_mut()
        .unwrap()
        .remove("id");
    for (payload, error_type, mentions) in [
        (other_source, "UnsupportedSource", "aws.vendor-insights"),
        (no_agreement_id, "InvalidDetail", "detail.agreement.id"),
        (no_acceptor, "InvalidDetail", "detail.agreement.acceptorId"),
        (no_offer_id, "InvalidDetail", "detail.offer.id"),
        (json!({}), "InvalidEnvelope", "detail-type"),
        (json!("just a string"), "InvalidEnvelope", "found a string"),
    ] {
        let error = notifier
            .handle(payload)
            .await
            .expect_err("must be rejected");
        assert_eq!(error.error_type(), error_type, "{error}");
        assert!(error.to_string().contains(mentions), "{error}");
    }
    assert!(notifier.publisher().published().is_empty());
}

#[test]
fn the_invalid_examples_aws_publishes_are_reported_with_their_position() {
    let fixtures = invalid_fixtures();
    for (name, bytes) in &fixtures {
        let error = serde_json::from_slice::<Value>(bytes).expect_err("fixture is invalid JSON");
        assert!(error.line() >= 1 && error.column() > 0, "{name}: {error}");
    }
    assert_eq!(fixtures.len(), 2);
}

#[tokio::test]
async fn a_redelivered_event_is_published_once_by_a_warm_instance() {
    let notifier = Notifier::new(config(true).topics, RecordingPublisher::new())
        .with_duplicate_window(std::time::Duration::from_secs(60));
    let event = sample_event("change-set-failed-client-error.json");

    // A failed publish is not remembered, so Lambda's retry still publishes.
    notifier.publisher().fail_with(Some("throttled"));
    assert!(notifier.handle(event.clone()).await.is_err());
    notifier.publisher().fail_with(None);

    let first = notifier.handle(event.clone()).await.expect("published");
    let (Outcome::Published { .. }, Some(message_id)) = (&first, first.message_id()) else {
        panic!("expected a publish, got {first:?}")
    };
    let message_id = message_id.to_owned();
    let second = notifier
        .handle(event)
        .await
        .expect("duplicate is not an error");
    assert_eq!(
        second,
        Outcome::Duplicate {
            detail_type: "Change Set Failed".into(),
            event_id: "0e6c783b-d0d3-4ac1-b938-1640553d574d".into(),
            message_id,
        }
    );
    assert_eq!(notifier.publisher().published().len(), 1);
}
