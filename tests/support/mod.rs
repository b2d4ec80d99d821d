//! Shared helpers for the integration tests: the sample events, an SNS/SQS world on the
//! local moto server ([`moto`]), the attributes the contract requires of every
//! notification ([`contract`]), and a Lambda Runtime API emulator that runs the notifier
//! binary the way Lambda does ([`lambda`]). The end-to-end suite adds EventBridge rules on
//! moto ([`eventbridge`]) built from template.yaml's declarations ([`template`]), and a
//! fault-injecting proxy in front of moto ([`fault_proxy`]).
//!
//! Every test crate includes this module with `mod support;` and uses only part of it.
#![allow(dead_code)]

pub mod contract;
pub mod eventbridge;
pub mod fault_proxy;
pub mod lambda;
pub mod moto;
pub mod template;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

/// How long any single wait in these tests may take before the test fails. Generous, because
/// a loaded two-core machine may also be compiling, yet bounded, so nothing hangs.
pub const WAIT: Duration = Duration::from_secs(30);

/// The package root, where `events/` and `tests/fixtures/` live.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `events/*.json` as `(file name, payload)`, sorted by name.
pub fn sample_events() -> Vec<(String, Value)> {
    let mut events: Vec<(String, Value)> = json_files(&root().join("events"))
        .into_iter()
        .map(|path| (file_name(&path), parse_file(&path)))
        .collect();
    events.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!events.is_empty(), "no sample events in events/");
    events
}

/// One sample event by file name, e.g. `"change-set-succeeded.json"`.
pub fn sample_event(name: &str) -> Value {
    parse_file(&root().join("events").join(name))
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

fn json_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("a file name")
        .to_string_lossy()
        .into_owned()
}

fn parse_file(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not valid JSON: {error}", path.display()))
}
