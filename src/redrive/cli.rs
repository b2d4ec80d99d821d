//! The `notifier-redrive` command line: its arguments, and a run from the environment to the
//! summary line and exit status.

use std::process::ExitCode;
use std::time::Duration;

use super::{DEFAULT_VISIBILITY, FailureQueue, Target, redrive};
use crate::aws::{FunctionInvoker, load_sdk_config};

pub const USAGE: &str = "usage: notifier-redrive --queue-url <url> --function-name <name or ARN> \
                         [--dry-run] [--visibility-timeout <seconds>]";

/// Exit status when some messages stay in the queue.
const KEPT_STATUS: u8 = 1;
/// Exit status for a usage, configuration or queue error.
const ERROR_STATUS: u8 = 2;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub queue_url: String,
    /// The deployed notifier function each event is handed to.
    pub function_name: String,
    /// List what would be sent, invoke and delete nothing.
    pub dry_run: bool,
    /// How long a received message stays hidden while this run handles it.
    pub visibility: Duration,
}

impl Options {
    /// Parses the arguments after the program name.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut queue_url = None;
        let mut function_name = None;
        let mut dry_run = false;
        let mut visibility = DEFAULT_VISIBILITY;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--queue-url" => queue_url = args.next().filter(|url| !url.trim().is_empty()),
                "--function-name" => {
                    function_name = args.next().filter(|name| !name.trim().is_empty())
                }
                "--dry-run" => dry_run = true,
                "--visibility-timeout" => {
                    let value = args.next().unwrap_or_default();
                    visibility = value
                        .parse::<u64>()
                        .ok()
                        // SQS accepts 0 to 43200 seconds; 0 would hand a message out twice.
                        .filter(|seconds| (1..=43_200).contains(seconds))
                        .map(Duration::from_secs)
                        .ok_or_else(|| {
                            format!(
                                "--visibility-timeout {value:?}: expected seconds between 1 and 43200"
                            )
                        })?;
                }
                other => return Err(format!("unexpected argument {other:?}")),
            }
        }
        let queue_url = queue_url.ok_or("--queue-url <url> is required")?;
        let function_name =
            function_name.ok_or("--function-name <the notifier function's name> is required")?;
        Ok(Self {
            queue_url,
            function_name,
            dry_run,
            visibility,
        })
    }
}

/// Redrives the queue through the function and prints the summary line. Exit status 0:
/// everything redriven; 1: messages kept; 2: the queue failed.
pub async fn run(options: Options) -> ExitCode {
    let sdk_config = load_sdk_config().await;
    let queue = FailureQueue::new(aws_sdk_sqs::Client::new(&sdk_config), &options.queue_url);
    let invoker = FunctionInvoker::new(&sdk_config, &options.function_name);
    let target = if options.dry_run {
        Target::DryRun {
            function: &options.function_name,
        }
    } else {
        Target::Function(&invoker)
    };
    match redrive(&queue, target, options.visibility).await {
        Ok(summary) => {
            println!("redrive {}: {summary}", queue.url());
            if summary.all_redriven() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(KEPT_STATUS)
            }
        }
        Err(error) => {
            eprintln!("redrive: {error}; every message not yet reported stays in the queue");
            ExitCode::from(ERROR_STATUS)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|arg| (*arg).to_owned()).collect()
    }

    #[test]
    fn reads_the_queue_and_the_flags() {
        let options = Options::parse(args(&[
            "--queue-url",
            "https://sqs.us-east-1.amazonaws.com/123456789012/failed",
            "--function-name",
            "notifier",
            "--dry-run",
            "--visibility-timeout",
            "30",
        ]))
        .expect("valid arguments");
        assert_eq!(
            options,
            Options {
                queue_url: "https://sqs.us-east-1.amazonaws.com/123456789012/failed".to_owned(),
                function_name: "notifier".to_owned(),
                dry_run: true,
                visibility: Duration::from_secs(30),
            }
        );
    }

    #[test]
    fn defaults_to_publishing_with_the_default_visibility() {
        let options = Options::parse(args(&["--queue-url", "q", "--function-name", "f"]))
            .expect("valid arguments");
        assert!(!options.dry_run);
        assert_eq!(options.visibility, DEFAULT_VISIBILITY);
    }

    #[test]
    fn rejects_what_it_cannot_use() {
        for (list, expected) in [
            (&[][..], "--queue-url <url> is required"),
            (&["--queue-url", ""][..], "--queue-url <url> is required"),
            (&["--queue-url", "q"][..], "--function-name"),
            (
                &["--queue-url", "q", "--function-name", " "][..],
                "--function-name",
            ),
            (
                &["--queue-url", "q", "--visibility-timeout", "0"][..],
                "between 1 and 43200",
            ),
            (
                &["--queue-url", "q", "--visibility-timeout"][..],
                "between 1 and 43200",
            ),
            (
                &["--queue-url", "q", "--force"][..],
                "unexpected argument \"--force\"",
            ),
        ] {
            let error = Options::parse(args(list)).expect_err("invalid arguments");
            assert!(error.contains(expected), "{list:?}: {error}");
        }
    }
}
