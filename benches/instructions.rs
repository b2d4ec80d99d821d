//! The per-event work of `notify`'s `parse_route_render` (payload bytes to both renderings)
//! repeated on one sample, for an instruction counter rather than a clock: `make
//! bench-instructions` runs it under cachegrind at two repeat counts and takes the
//! difference, which leaves start-up out and does not move with the machine's load.
//!
//! Usage: `instructions REPEATS EVENT.json` (the sample is compacted as EventBridge sends it).

use std::hint::black_box;
use std::process::ExitCode;

use marketplace_catalog_notifier::event::payload_text;
use marketplace_catalog_notifier::registry::MarketplaceEvent;

#[path = "support/per_event.rs"]
mod per_event;

use per_event::{as_delivered, parse_route_render};

fn main() -> ExitCode {
    match run() {
        Ok(total) => {
            // Printed so that no rendering can be optimised away.
            println!("{total}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("instructions: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<usize, String> {
    let mut args = std::env::args().skip(1);
    let (Some(repeats), Some(path), None) = (args.next(), args.next(), args.next()) else {
        return Err("usage: instructions REPEATS EVENT.json".to_owned());
    };
    let repeats: usize = repeats
        .parse()
        .map_err(|error| format!("REPEATS {repeats:?}: {error}"))?;
    let indented = std::fs::read(&path).map_err(|error| format!("{path}: {error}"))?;
    let payload = as_delivered(&indented);
    // The shared work expects a valid event: a file that is not one is said so here.
    let text = payload_text(&payload).map_err(|error| format!("{path}: {error}"))?;
    MarketplaceEvent::from_json(text).map_err(|error| format!("{path}: {error}"))?;
    let mut total = 0;
    for _ in 0..repeats {
        let (topic, text, chat) = parse_route_render(black_box(&payload));
        total += topic + text + chat;
    }
    Ok(total)
}
