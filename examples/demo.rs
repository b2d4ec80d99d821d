//! Renders sample EventBridge events into the notifications the function would publish,
//! through the dry-run publisher: no AWS account, no network.
//!
//! Usage: cargo run --example demo -- events/*.json

use std::process::ExitCode;

use marketplace_catalog_notifier::publish::DryRunPublisher;
use marketplace_catalog_notifier::{Config, Notifier};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        eprintln!("usage: demo EVENT.json [EVENT.json ...]");
        return ExitCode::from(2);
    }
    // Placeholder topics for every family, so every event shows where it would go.
    let config =
        match Config::from_lookup(|name| (name == "NOTIFIER_DRY_RUN").then(|| "true".to_owned())) {
            Ok(config) => config,
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::FAILURE;
            }
        };
    let notifier = Notifier::new(config.topics, DryRunPublisher::stdout());

    let mut failures = 0;
    for path in &paths {
        println!("\n=== {path} ===");
        let payload = std::fs::read_to_string(path)
            .map_err(|error| format!("cannot read {path}: {error}"))
            .and_then(|text| {
                serde_json::from_str(&text)
                    .map_err(|error| format!("{path} is not valid JSON: {error}"))
            });
        let result = match payload {
            Ok(payload) => notifier
                .handle(payload)
                .await
                .map_err(|error| error.to_string()),
            Err(error) => Err(error),
        };
        match result {
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
        paths.len() - failures
    );
    if failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
