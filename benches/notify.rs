//! Per-event cost of the notifier's pure work: the EventBridge payload bytes parsed into a
//! typed event, routed to its topic family and rendered into an SNS-ready notification, for
//! every sample event in `events/` (in the compact form EventBridge delivers, not the
//! indented one kept for reading), in both renderings (e-mail/SQS text and chat JSON); plus
//! the SNS limit enforcement on hostile input; and a digest of 10,000 queued events in both
//! renderings.
//!
//! `make bench` runs this and copies the medians into BENCHMARKS.md.

use std::hint::black_box;
use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use marketplace_catalog_notifier::digest::{self, DigestItem};
use marketplace_catalog_notifier::event::payload_text;
use marketplace_catalog_notifier::lookup::Found;
use marketplace_catalog_notifier::message::{Attributes, Severity};
use marketplace_catalog_notifier::notification::{Channel, Notification, Subject};
use marketplace_catalog_notifier::registry::MarketplaceEvent;
use marketplace_catalog_notifier::render::{self, ChatRenderer, Renderer, TextRenderer};
use marketplace_catalog_notifier::routing::Cadence;

#[path = "support/per_event.rs"]
mod per_event;

use per_event::{as_delivered, parse_route_render};

/// The offer with 30,000 targeted buyers is measured on its own: it is the size outlier,
/// not a typical event.
const LARGE_EVENT: &str = "offer-released-30000-buyers";
/// The event the cold-start harness sends, also measured step by step.
const PHASES_EVENT: &str = "offer-released-by-isv";

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
            (name, as_delivered(&bytes))
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
    let text = payload_text(&payload).expect("UTF-8");
    let event = MarketplaceEvent::from_json(text).expect("valid event");
    let message = event.compose(&Found::Nothing);
    let mut group = c.benchmark_group("phases");
    group.bench_function("1_bytes_to_json_text", |b| {
        b.iter(|| payload_text(black_box(&payload)).map(str::len))
    });
    group.bench_function("2_parse_and_route", |b| {
        b.iter(|| MarketplaceEvent::from_json(black_box(text)))
    });
    group.bench_function("3_compose", |b| {
        b.iter(|| black_box(&event).compose(&Found::Nothing))
    });
    group.bench_function("4_render_text", |b| {
        b.iter(|| render::text::render(black_box(&message)))
    });
    group.bench_function("5_render_chat", |b| {
        b.iter(|| render::chat::render(black_box(&message)))
    });
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
                Channel::TEXT,
                Subject::new("Offer released"),
                black_box(&body),
                Severity::Info,
                attributes.clone(),
            )
        })
    });
    group.finish();
}

/// Items in the digest benchmark: a busy seller's week.
const DIGEST_ITEMS: usize = 10_000;

/// A digest of [`DIGEST_ITEMS`] queued events (every family, every severity, one in seven
/// needing action), composed and rendered in both formats, as a digest invocation does for
/// each destination once its items are read.
fn digest(c: &mut Criterion) {
    let groups = [
        "Offers",
        "Change sets",
        "Security reports",
        "Agreements",
        "Payouts",
        "Co-sell",
    ];
    let start = Utc
        .with_ymd_and_hms(2026, 11, 24, 0, 0, 0)
        .single()
        .expect("a valid time");
    let items: Vec<DigestItem> = (0..DIGEST_ITEMS)
        .map(|index| DigestItem {
            event_id: format!("8f5e0b6c-{index:04}-4f1e-9d8a-2c3b4a5d6e7f"),
            headline: format!(
                "Agreement ends in 30 days: Acme Log Analytics Enterprise, buyer {:012}",
                index * 7919
            ),
            severity: Severity::ALL[index % Severity::ALL.len()],
            action_required: index % 7 == 0,
            account: Some(format!(
                "Acme EU ({:012})",
                111_122_223_333_u64 + (index % 3) as u64
            )),
            time: start + chrono::Duration::seconds(index as i64 * 60),
            link: Some("https://aws.amazon.com/marketplace/management/agreements".to_owned()),
            group: groups[index % groups.len()].to_owned(),
        })
        .collect();
    let compose_and_render = |items: &[DigestItem]| {
        let text_message = digest::compose(
            Cadence::Weekly,
            items,
            TextRenderer.digest_room(),
            "weekly-digest",
        );
        let text = TextRenderer.render(&text_message);
        let chat_message = digest::compose(
            Cadence::Weekly,
            items,
            ChatRenderer.digest_room(),
            "weekly-digest",
        );
        let chat = ChatRenderer.render(&chat_message);
        (text, chat)
    };
    // Fail before measuring: both fit SNS's limits without being cut.
    let (text, chat) = compose_and_render(&items);
    assert_eq!(text.truncated_bytes(), 0, "the text digest was cut");
    assert_eq!(chat.truncated_bytes(), 0, "the chat digest was cut");
    assert!(text.size_in_bytes() <= 262_144 && chat.size_in_bytes() <= 262_144);
    let mut group = c.benchmark_group("digest");
    group.throughput(Throughput::Elements(DIGEST_ITEMS as u64));
    group.bench_function("10000_items_both_formats", |b| {
        b.iter(|| compose_and_render(black_box(&items)))
    });
    group.finish();
}

criterion_group!(benches, seed_events, phases, large_offer, limits, digest);
criterion_main!(benches);
