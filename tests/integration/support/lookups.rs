//! What the lookup suites share: the SDK configuration that points the real Marketplace
//! clients at a fake API ([`super::http_server`]), and one event handled by a notifier that
//! records what it publishes, timed so a suite can check the lookup's deadline.

use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_marketplacecatalog::config::Credentials;
use marketplace_catalog_notifier::config::TopicKind;
use marketplace_catalog_notifier::publish::{RecordingPublisher, readable};
use marketplace_catalog_notifier::{Notifier, Outcome};
use serde_json::Value;

use super::dry_run_config;

/// The test region and credentials, with every service's endpoint at `url`.
pub async fn sdk_config(url: String) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .endpoint_url(url)
        .load()
        .await
}

/// Handles `event`, which must be published once, to `kind`'s dry-run topic, whatever the
/// lookup answered; returns the notification as text and how long handling took.
pub async fn publish_once(
    notifier: &Notifier<RecordingPublisher>,
    event: Value,
    kind: TopicKind,
) -> (String, Duration) {
    let started = Instant::now();
    let outcome = notifier
        .handle(event)
        .await
        .expect("enrichment never fails the invocation");
    let elapsed = started.elapsed();
    assert!(matches!(outcome, Outcome::Published { .. }), "{outcome:?}");
    let published = notifier.publisher().published();
    assert_eq!(published.len(), 1);
    assert_eq!(
        Some(&published[0].topic),
        dry_run_config().topics.arn_for(kind)
    );
    (
        readable(&published[0].topic, &published[0].notification),
        elapsed,
    )
}
