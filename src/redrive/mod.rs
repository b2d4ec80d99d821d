//! Redrive: takes failed events back out of a failure queue and hands each one to the
//! deployed function (Lambda `Invoke`), once the cause is fixed, so the function's own
//! configuration, topics, chat channel and delivery table apply. A message is deleted only
//! after the function answered without error; everything else stays in the queue with its
//! reason printed.

pub mod cli;
pub mod message;
pub mod queue;
pub mod summary;

use std::collections::HashSet;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use serde_json::Value;

use crate::aws::{Answer, FunctionInvoker};
pub use message::QueuedEvent;
pub use queue::{FailureQueue, Received};
pub use summary::Summary;

/// How long a received message stays hidden from other readers by default: long enough for
/// a batch of ten slow publishes (15 s each at most), short enough that a crashed run's
/// messages come back within minutes.
pub const DEFAULT_VISIBILITY: Duration = Duration::from_secs(300);

#[derive(Debug, thiserror::Error)]
pub enum RedriveError {
    #[error("{action} on {queue_url} failed: {reason}")]
    Queue {
        action: &'static str,
        queue_url: String,
        reason: String,
    },
}

/// What became of one message.
enum Verdict {
    Redriven(String),
    StillFailing(String),
    NotAnEvent(String),
}

/// Where a run sends the events it takes out of the queue.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    /// Invoke the function with each one; delete what it accepted.
    Function(&'a FunctionInvoker),
    /// List what would be sent to this function; invoke and delete nothing.
    DryRun { function: &'a str },
}

/// Batches in a row with no message this run has not tried yet before it stops: a tried
/// message comes back only when its visibility timeout runs out, so a batch of only those
/// means the rest of the queue has been seen (one more batch rules out SQS's sampling).
const BATCHES_WITHOUT_NEW: usize = 2;

/// Redrives every message the queue gives out, until it gives nothing or only messages this
/// run already tried. Nothing is deleted in a dry run.
pub async fn redrive(
    queue: &FailureQueue,
    target: Target<'_>,
    visibility: Duration,
) -> Result<Summary, RedriveError> {
    let dry_run = matches!(target, Target::DryRun { .. });
    let progress = progress_bar(queue.approximate_count().await?);
    let mut summary = Summary {
        dry_run,
        ..Summary::default()
    };
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    let mut batches_without_new = 0;
    loop {
        let batch = queue.receive(visibility).await?;
        if batch.is_empty() {
            break;
        }
        // A message seen before is one this run kept whose visibility ran out; receiving it
        // hid it again, so the next batch can bring the messages not yet tried.
        let new: Vec<Received> = batch
            .into_iter()
            .filter(|message| seen.insert(message.message_id.clone()))
            .collect();
        if new.is_empty() {
            batches_without_new += 1;
            if batches_without_new >= BATCHES_WITHOUT_NEW {
                break;
            }
            continue;
        }
        batches_without_new = 0;
        for message in new {
            let verdict = redrive_one(queue, target, &message).await;
            let line = match &verdict {
                Verdict::Redriven(line) => {
                    summary.redriven += 1;
                    line
                }
                Verdict::StillFailing(line) => {
                    summary.still_failing += 1;
                    line
                }
                Verdict::NotAnEvent(line) => {
                    summary.not_an_event += 1;
                    line
                }
            };
            progress.suspend(|| eprintln!("{} {line}", message.message_id));
            progress.inc(1);
            if !matches!(verdict, Verdict::Redriven(_)) || dry_run {
                kept.push(message);
            }
        }
    }
    progress.finish_and_clear();
    for message in &kept {
        // Best effort: a message not released shows again after its visibility timeout.
        if let Err(error) = queue.release(message).await {
            eprintln!("{} kept; {error}", message.message_id);
        }
    }
    Ok(summary)
}

async fn redrive_one(queue: &FailureQueue, target: Target<'_>, message: &Received) -> Verdict {
    let queued = QueuedEvent::parse(&message.body);
    let (event, failure) = match queued {
        QueuedEvent::NotAnEvent { reason } => {
            return Verdict::NotAnEvent(format!("kept: not an event: {reason}"));
        }
        QueuedEvent::InvocationRecord { event, failure } => (event, failure),
        QueuedEvent::DeadLetter { event } => (event, None),
    };
    let earlier = failure
        .map(|failure| format!(" (it had failed with {failure})"))
        .unwrap_or_default();
    let text = |name: &str| event.get(name).and_then(Value::as_str).unwrap_or("?");
    let (event_id, detail_type) = (text("id").to_owned(), text("detail-type").to_owned());
    let invoker = match target {
        Target::DryRun { function } => {
            return Verdict::Redriven(format!(
                "would invoke {function} with event {event_id} ({detail_type}); kept"
            ));
        }
        Target::Function(invoker) => invoker,
    };
    let delivered = match invoker.invoke(&event).await {
        Err(reason) => return Verdict::StillFailing(format!("kept: {reason}{earlier}")),
        Ok(Answer::Failed {
            error_type,
            error_message,
        }) => {
            return Verdict::StillFailing(format!(
                "kept: the function failed with {error_type}: {error_message}{earlier}"
            ));
        }
        Ok(Answer::Outcome(outcome)) => {
            let field = |name: &str| outcome.get(name).and_then(Value::as_str).unwrap_or("?");
            match field("status") {
                "published" => format!("event {event_id} published as {}", field("messageId")),
                // Published before, from another copy of the same event or an earlier try.
                "duplicate" => {
                    format!(
                        "event {event_id} already published as {}",
                        field("messageId")
                    )
                }
                "skipped" => {
                    return Verdict::StillFailing(format!(
                        "kept: event {event_id} not published: {}",
                        field("reason")
                    ));
                }
                _ => {
                    return Verdict::StillFailing(format!(
                        "kept: event {event_id}: the function answered {outcome}"
                    ));
                }
            }
        }
    };
    match queue.delete(message).await {
        Ok(()) => Verdict::Redriven(format!("{delivered}; deleted")),
        Err(error) => Verdict::StillFailing(format!(
            "{delivered}, but it stays in the queue and a rerun sends it again: {error}"
        )),
    }
}

/// Drawn on stderr, and only when stderr is a terminal (indicatif hides it otherwise).
fn progress_bar(approximate: u64) -> ProgressBar {
    let progress = ProgressBar::new(approximate);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} messages {elapsed}") {
        progress.set_style(style);
    }
    progress
}
