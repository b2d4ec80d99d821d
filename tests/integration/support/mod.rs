//! Shared helpers for the integration tests: the sample events and other files under the
//! package root, one envelope builder, the test topics, an SNS/SQS world on the local moto
//! server ([`moto`]), the attributes every notification must carry ([`contract`]), a
//! Lambda Runtime API emulator that runs the notifier binary the way Lambda does
//! ([`lambda`]), and the durable duplicate check's delivery table ([`delivery_table`]).
//! Services with no local equivalent are a test's handler on a local HTTP server
//! ([`http_server`]); the lookup suites point the SDK at it and time one publication
//! ([`lookups`]). The end-to-end suite adds EventBridge rules on moto ([`eventbridge`])
//! built from template.yaml's declarations ([`template`]), and a fault-injecting proxy in
//! front of moto ([`fault_proxy`]).

pub mod contract;
pub mod delivery_table;
pub mod digest_table;
pub mod eventbridge;
pub mod fault_proxy;
pub mod http_server;
// The Invoke endpoint serves `notifier-redrive`, built only with the `redrive` feature.
#[cfg(feature = "redrive")]
pub mod invoke;
pub mod lambda;
pub mod lookups;
pub mod moto;
pub mod template;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use marketplace_catalog_notifier::Config;
use marketplace_catalog_notifier::families::catalog::SOURCE;
use marketplace_catalog_notifier::notification::Notification;
use marketplace_catalog_notifier::registry::MarketplaceEvent;
use marketplace_catalog_notifier::render::TextRenderer;
use serde_json::{Value, json};

/// Test topics, one per family, in a made-up account.
pub const OFFERS: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-offers";
pub const CHANGE_SETS: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-change-sets";
pub const SECURITY: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-security";
pub const OTHER: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-other";
pub const AGREEMENTS: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-agreements";
pub const PAYMENTS: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-payments";
pub const COSELL: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-cosell";

/// How long any single wait in these tests may take before the test fails. Generous, because
/// a loaded two-core machine may also be compiling, yet bounded, so nothing hangs.
pub const WAIT: Duration = Duration::from_secs(30);

/// The package root, where `events/` and `tests/fixtures/` live.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `events/*.json` as `(file name, payload)`, sorted by name.
pub fn sample_events() -> Vec<(String, Value)> {
    let events: Vec<(String, Value)> = json_files(&root().join("events"))
        .into_iter()
        .map(|path| (file_name(&path), parse_file(&path)))
        .collect();
    assert!(!events.is_empty(), "no sample events in events/");
    events
}

/// Every `events/*.json` file name, sorted.
pub fn sample_names() -> Vec<String> {
    sample_events().into_iter().map(|(name, _)| name).collect()
}

/// One sample event by file name, e.g. `"change-set-succeeded.json"`.
pub fn sample_event(name: &str) -> Value {
    parse_file(&root().join("events").join(name))
}

/// The configuration with the test topics (agreements, payments and co-sell included); the other-events topic
/// only `with_other`.
pub fn config(with_other: bool) -> Config {
    Config::from_lookup(|name| match name {
        "OFFERS_TOPIC_ARN" => Some(OFFERS.to_owned()),
        "CHANGE_SETS_TOPIC_ARN" => Some(CHANGE_SETS.to_owned()),
        "SECURITY_TOPIC_ARN" => Some(SECURITY.to_owned()),
        "OTHER_EVENTS_TOPIC_ARN" if with_other => Some(OTHER.to_owned()),
        "AGREEMENTS_TOPIC_ARN" => Some(AGREEMENTS.to_owned()),
        "PAYMENTS_TOPIC_ARN" => Some(PAYMENTS.to_owned()),
        "COSELL_TOPIC_ARN" => Some(COSELL.to_owned()),
        _ => None,
    })
    .unwrap_or_else(|error| panic!("test configuration: {error}"))
}

/// A dry run's configuration: the library's placeholder topic for every family.
pub fn dry_run_config() -> Config {
    Config::from_lookup(|name| (name == "NOTIFIER_DRY_RUN").then(|| "true".to_owned()))
        .unwrap_or_else(|error| panic!("dry-run configuration: {error}"))
}

/// An EventBridge envelope around `detail`, from the Marketplace Catalog source; tests that
/// need another id, time or source overwrite that field.
pub fn envelope(detail_type: &str, detail: Value) -> Value {
    json!({
        "version": "0",
        "id": "7f0e8c1a-0000-4000-8000-000000000001",
        "detail-type": detail_type,
        "source": SOURCE,
        "account": "123456789012",
        "time": "2024-01-01T00:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": detail
    })
}

/// The JSON bytes of an event, as the Runtime API hands them to the function.
pub fn bytes(payload: &Value) -> Vec<u8> {
    serde_json::to_vec(payload).expect("JSON serialises")
}

/// The notification the notifier renders for `payload` with enrichment off, computed
/// independently of the path under test; a failure names `context`.
pub fn render(payload: &Value, context: &str) -> Notification {
    let event = MarketplaceEvent::parse(payload.clone())
        .unwrap_or_else(|error| panic!("{context}: the event does not parse: {error}"));
    event.render(&TextRenderer)
}

/// The files in `tests/fixtures/invalid/` (text that is not valid JSON) as raw bytes.
pub fn invalid_fixtures() -> Vec<(String, Vec<u8>)> {
    let fixtures: Vec<(String, Vec<u8>)> = json_files(&root().join("tests/fixtures/invalid"))
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            (file_name(&path), bytes)
        })
        .collect();
    assert!(
        !fixtures.is_empty(),
        "no fixtures in tests/fixtures/invalid"
    );
    fixtures
}

/// A name no other test (or earlier run against the same moto server) has used:
/// `notifier-<purpose>-<pid>-<counter>-<nanoseconds>`, within the 80 characters SQS allows.
pub fn unique_name(purpose: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or_default();
    let name = format!(
        "notifier-{purpose}-{}-{}-{nanos:09}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    assert!(name.len() <= 80, "name too long for SQS: {name}");
    name
}

/// The `*.json` files in `dir`, sorted by name.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

pub fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

pub fn parse_file(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not valid JSON: {error}", path.display()))
}
