//! Per-event cost of the notifier's pure work: the EventBridge payload bytes parsed into a
//! typed event, routed to its topic family and rendered into an SNS-ready notification, for
//! every sample event in `events/`; plus the SNS limit enforcement on hostile input, and the
//! added cost of the second (chat) rendering per event.
//!
//! `make bench` runs this and copies the medians into BENCHMARKS.md.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use marketplace_catalog_notifier::enrich::Enrichment;
use marketplace_catalog_notifier::event::CatalogEvent;
use marketplace_catalog_notifier::notification::{Attributes, Notification, Severity, Subject};
use marketplace_catalog_notifier::registry;
use marketplace_catalog_notifier::render;
use serde_json::Value;

/// The offer with 30,000 targeted buyers is measured on its own: it is the size outlier,
/// not a typical event.
const LARGE_EVENT: &str = "offer-released-30000-buyers";
/// The event the cold-start harness sends, also measured step by step.
const PHASES_EVENT: &str = "offer-released-by-isv";

/// What the Lambda handler does with one payload, minus the publish: bytes to JSON value
/// (lambda_runtime's part), then validation, routing and rendering (the library's part).
fn parse_route_render(payload: &[u8]) -> (usize, usize) {
    let value: Value = serde_json::from_slice(payload).expect("sample events are valid JSON");
    let event = CatalogEvent::parse(value).expect("sample events are valid Catalog events");
    let kind = event.topic;
    let notification = registry::render_text(&event);
    (kind as usize, notification.size_in_bytes())
}

/// Every `events/*.json` file as (name without extension, bytes), sorted by name.
fn sample_events() -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("events");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .and_then(|stem| stem.to_str())
                .expect("UTF-8 file name")
                .to_owned();
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            (name, bytes)
        })
        .collect()
}

fn seed_events(c: &mut Criterion) {
    let events = sample_events();
    assert!(
        events.iter().any(|(name, _)| name == LARGE_EVENT),
        "events/{LARGE_EVENT}.json is missing"
    );
    let mut group = c.benchmark_group("parse_route_render");
    for (name, payload) in events.iter().filter(|(name, _)| name != LARGE_EVENT) {
        parse_route_render(payload); // fail before measuring, not during
        group.throughput(Throughput::Bytes(payload.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), payload, |b, payload| {
            b.iter(|| parse_route_render(black_box(payload)))
        });
    }
    group.finish();
}

fn large_offer(c: &mut Criterion) {
    let (_, payload) = sample_events()
        .into_iter()
        .find(|(name, _)| name == LARGE_EVENT)
        .expect("the 30,000-buyer offer is in events/");
    let mut group = c.benchmark_group("large_event");
    group.throughput(Throughput::Bytes(payload.len() as u64));
    group.bench_function(LARGE_EVENT, |b| {
        b.iter(|| parse_route_render(black_box(&payload)))
    });
    group.finish();
}

/// The same work split into its steps for one typical event, to show where the time goes.
fn phases(c: &mut Criterion) {
    let (_, payload) = sample_events()
        .into_iter()
        .find(|(name, _)| name == PHASES_EVENT)
        .expect("the phases event is in events/");
    let value: Value = serde_json::from_slice(&payload).expect("valid JSON");
    let event = CatalogEvent::parse(value.clone()).expect("valid event");
    let mut group = c.benchmark_group("phases");
    group.bench_function("1_bytes_to_json_value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&payload)))
    });
    group.bench_function("2_catalog_event_parse", |b| {
        b.iter_batched(
            || value.clone(),
            |value| CatalogEvent::parse(black_box(value)),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("3_route_and_render", |b| {
        b.iter(|| {
            let event = black_box(&event);
            (event.topic, registry::render_text(event))
        })
    });
    group.finish();
}

/// What publishing to a chat topic adds per event: composing once and rendering twice,
/// against composing once and rendering the text alone. The difference is the second
/// rendering's cost.
fn chat_rendering(c: &mut Criterion) {
    let mut group = c.benchmark_group("chat_rendering");
    for (name, payload) in sample_events() {
        let value: Value = serde_json::from_slice(&payload).expect("valid JSON");
        let event = CatalogEvent::parse(value).expect("valid event");
        group.bench_with_input(BenchmarkId::new("text_only", &name), &event, |b, event| {
            b.iter(|| {
                let message = registry::compose(black_box(event), &Enrichment::NotAttempted);
                render::text::render(&message)
            })
        });
        group.bench_with_input(
            BenchmarkId::new("text_and_chat", &name),
            &event,
            |b, event| {
                b.iter(|| {
                    let message = registry::compose(black_box(event), &Enrichment::NotAttempted);
                    (
                        render::text::render(&message),
                        render::chat::render(&message),
                    )
                })
            },
        );
    }
    group.finish();
}

/// Seller-written text at its worst: line breaks, tabs, control characters, runs of
/// spaces, emoji (two UTF-16 units each) and right-to-left marks, far past 100 characters.
fn hostile_text(repeat: usize) -> String {
    "Offer\r\n\t\u{0}\u{7}\u{1b}[31m  \"Prime\u{202e}tier\"   🚀🚀 \u{200b}ÉÀ\u{85}\u{2028}end "
        .repeat(repeat)
}

fn limits(c: &mut Criterion) {
    let mut group = c.benchmark_group("limits");
    for (name, text) in [
        ("subject_hostile_short", hostile_text(4)),
        ("subject_hostile_64kib", hostile_text(64 * 1024 / 60)),
    ] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| Subject::new(black_box(&text))));
    }

    // Four times SNS's 256 KiB limit, with a control character now and then: the body is
    // cleaned, measured against the budget and cut at a character boundary with a note.
    let body = "Buyer 123456789012 accepted the offer \u{1}é\n".repeat(1024 * 1024 / 40);
    let attributes = Attributes::new()
        .with("detail_type", "Offer Released")
        .with("event_id", "685bd851-9d00-43db-9aeb-8ebd244a330c")
        .with("offer_id", "offer-1234567890123");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("notification_1mib_body", |b| {
        b.iter(|| {
            Notification::new(
                Subject::new("Offer released"),
                black_box(&body),
                Severity::Info,
                attributes.clone(),
            )
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    seed_events,
    phases,
    large_offer,
    chat_rendering,
    limits
);
criterion_main!(benches);
