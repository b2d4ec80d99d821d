//! Renders sample EventBridge events into the notifications the function would publish,
//! through the dry-run publisher: no AWS account, no network. Both renderings are shown —
//! the e-mail/SQS text and the chat JSON — unless `FORMAT=text` or `FORMAT=chat` picks one.
//!
//! With `DIGEST=daily` (or `weekly`) every event is queued for that digest instead, by one
//! route to the family topics and chat, in this process's memory; then the digest request
//! the stack's schedule sends publishes one digest per destination, the family topics'
//! opening with the open items the samples leave, as of a fixed instant.
//!
//! It is built without the crate's `aws` feature (`make demo`), so a first run compiles
//! only the pure core: no AWS SDK, no TLS.
//!
//! Usage: [FORMAT=both|text|chat] [DIGEST=daily|weekly] cargo run --no-default-features --bin notifier-demo -- events/*.json

use std::process::ExitCode;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::Value;

use marketplace_catalog_notifier::clock::Clock;
use marketplace_catalog_notifier::config::{
    CHAT_TOPIC_VARIABLE, DIGEST_TABLE_VARIABLE, DRY_RUN_VARIABLE, ROUTES_VARIABLE, TopicArn,
};
use marketplace_catalog_notifier::digest::MemoryStore;
use marketplace_catalog_notifier::error::PublishError;
use marketplace_catalog_notifier::notification::{Channel, Notification};
use marketplace_catalog_notifier::publish::{DryRunPublisher, Publisher};
use marketplace_catalog_notifier::routing::parse_routing;
use marketplace_catalog_notifier::{Config, Notifier, Outcome};

/// When the demo's digest is sent: the day after the newest agreement samples (dated from
/// 29 November to 2 December 2026), whose open items it lists with their deadlines worded
/// from then.
const DEMO_NOW: DateTime<Utc> = match DateTime::from_timestamp(1_796_299_200, 0) {
    Some(at) => at,
    None => DateTime::UNIX_EPOCH,
};

/// Where the demo's chat renderings "go": a placeholder, as for the family topics.
const DEMO_CHAT_TOPIC: &str = "arn:aws:sns:us-east-1:000000000000:dry-run-chat";

/// Which renderings the demo prints.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Both,
    Text,
    Chat,
}

/// Prints the chosen renderings and accepts the others silently, so `FORMAT=chat` shows
/// only what a Slack or Teams channel would receive.
struct Shown {
    format: Format,
    printer: DryRunPublisher,
}

impl Publisher for Shown {
    async fn publish(
        &self,
        topic: &TopicArn,
        notification: &Notification,
    ) -> Result<String, PublishError> {
        let is_chat = notification.channel() == Channel::CHAT;
        let shown = match self.format {
            Format::Both => true,
            Format::Text => !is_chat,
            Format::Chat => is_chat,
        };
        if shown {
            self.printer.publish(topic, notification).await
        } else {
            Ok("not-shown".to_owned())
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: demo EVENT.json [EVENT.json ...]");
        return ExitCode::from(2);
    }
    let format = match std::env::var("FORMAT").unwrap_or_default().trim() {
        "" | "both" => Format::Both,
        "text" => Format::Text,
        "chat" => Format::Chat,
        other => {
            eprintln!("FORMAT={other:?}: expected both, text or chat");
            return ExitCode::from(2);
        }
    };
    let digest = match std::env::var("DIGEST").unwrap_or_default().trim() {
        "" => None,
        cadence @ ("daily" | "weekly") => Some(cadence.to_owned()),
        other => {
            eprintln!("DIGEST={other:?}: expected daily or weekly");
            return ExitCode::from(2);
        }
    };
    // Every event to the family topics and chat, at the digest's cadence; the family
    // topics' digests open with what the samples leave open.
    let routes = digest.as_ref().map(|cadence| {
        format!(
            r#"{{"routes": [{{"match": {{}}, "to": ["family", "chat"], "cadence": "{cadence}"}}],
                "open_items": {{"to": ["family"], "cadence": "{cadence}"}}}}"#
        )
    });
    // Placeholder topics for every family and for chat, so every event shows where it
    // would go.
    let config = match Config::from_lookup(|name| match name {
        DRY_RUN_VARIABLE => Some("true".to_owned()),
        CHAT_TOPIC_VARIABLE => Some(DEMO_CHAT_TOPIC.to_owned()),
        ROUTES_VARIABLE => routes.clone(),
        DIGEST_TABLE_VARIABLE => routes.as_ref().map(|_| "in-memory".to_owned()),
        _ => None,
    }) {
        Ok(config) => config,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let publisher = Shown {
        format,
        printer: DryRunPublisher::stdout(),
    };
    let mut notifier =
        Notifier::new(config.topics.clone(), publisher).with_chat_topic(config.chat_topic.clone());
    if let Some(routes) = &routes {
        match parse_routing(routes, config.route_context()) {
            Ok(routing) => {
                // The digest is sent at a fixed "now", so the demo prints the same whatever
                // the day it runs, and the samples' open items are listed, not long past
                // their retention.
                let clock = Clock::Fixed(DEMO_NOW);
                notifier = notifier
                    .with_routing(routing)
                    .with_clock(clock)
                    .with_digest_store(Some(Arc::new(MemoryStore::with_clock(clock))));
            }
            Err(reason) => {
                eprintln!("{reason}");
                return ExitCode::FAILURE;
            }
        }
    }

    let mut failures = 0;
    for path in &paths {
        println!("\n=== {path} ===");
        let result = match read_sample(path) {
            Ok(payload) => notifier
                .handle(payload)
                .await
                .map_err(|error| error.to_string()),
            Err(error) => Err(error),
        };
        match result {
            // Queued events print nothing more: the digest below shows them.
            Ok(Outcome::Queued { .. }) => println!(
                "Queued for the {} digest.",
                digest.as_deref().unwrap_or_default()
            ),
            Ok(outcome) => println!(
                "Outcome:    {}",
                serde_json::to_string(&outcome).unwrap_or_else(|error| error.to_string())
            ),
            Err(error) => {
                failures += 1;
                println!("Error:      {error}");
            }
        }
    }
    if let Some(cadence) = &digest {
        println!("\n=== the {cadence} digest ===");
        match notifier
            .handle(serde_json::json!({ "digest": cadence }))
            .await
        {
            Ok(outcome) => println!(
                "Outcome:    {}",
                serde_json::to_string(&outcome).unwrap_or_else(|error| error.to_string())
            ),
            Err(error) => {
                failures += 1;
                println!("Error:      {error}");
            }
        }
    }
    println!(
        "\n{} event(s) rendered, {failures} rejected.",
        paths.len().saturating_sub(failures)
    );
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// One sample file's JSON, or why it cannot be read.
fn read_sample(path: &str) -> Result<Value, String> {
    let text =
        std::fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"))?;
    serde_json::from_str(&text).map_err(|error| format!("{path} is not valid JSON: {error}"))
}
