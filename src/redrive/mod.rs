//! Redrive: takes failed events back out of a failure queue and delivers them through the
//! same notifier the function runs, once the cause is fixed. A message is deleted only after
//! its event was published; everything else stays in the queue with its reason printed.

pub mod cli;
pub mod message;
pub mod queue;
pub mod summary;

use std::collections::HashSet;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::notifier::Notifier;
use crate::outcome::Outcome;
use crate::publish::Publisher;
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

/// Redrives every message the queue gives out until a receive brings nothing new. In a dry
/// run the notifier should be a dry-run one; nothing is deleted either way.
pub async fn redrive<P: Publisher>(
    queue: &FailureQueue,
    notifier: &Notifier<P>,
    visibility: Duration,
    dry_run: bool,
) -> Result<Summary, RedriveError> {
    let progress = progress_bar(queue.approximate_count().await?);
    let mut summary = Summary {
        dry_run,
        ..Summary::default()
    };
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    loop {
        let batch = queue.receive(visibility).await?;
        // A message seen before is one this run kept whose visibility ran out: the queue
        // has nothing new left.
        let new: Vec<Received> = batch
            .into_iter()
            .filter(|message| seen.insert(message.message_id.clone()))
            .collect();
        if new.is_empty() {
            break;
        }
        for message in new {
            let verdict = redrive_one(queue, notifier, &message, dry_run).await;
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

async fn redrive_one<P: Publisher>(
    queue: &FailureQueue,
    notifier: &Notifier<P>,
    message: &Received,
    dry_run: bool,
) -> Verdict {
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
    let delivered = match notifier.handle(event).await {
        Ok(ref outcome @ Outcome::Published { ref event_id, .. }) => format!(
            "event {event_id} published as {}",
            outcome.message_id().unwrap_or_default()
        ),
        // Published earlier in this run, from another copy of the same event.
        Ok(Outcome::Duplicate {
            event_id,
            message_id,
            ..
        }) => format!("event {event_id} already published as {message_id}"),
        Ok(Outcome::Skipped {
            event_id, reason, ..
        }) => {
            return Verdict::StillFailing(format!(
                "kept: event {event_id} not published: {reason}"
            ));
        }
        Err(error) => return Verdict::StillFailing(format!("kept: {error}{earlier}")),
    };
    if dry_run {
        return Verdict::Redriven(format!("{delivered} (dry run, kept)"));
    }
    match queue.delete(message).await {
        Ok(()) => Verdict::Redriven(format!("{delivered}; deleted")),
        Err(error) => Verdict::StillFailing(format!(
            "{delivered}, but it stays in the queue and a rerun publishes it again: {error}"
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
