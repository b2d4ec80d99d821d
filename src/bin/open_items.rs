//! `notifier-open-items`: prints the ledger of open items kept in the digest table
//! (`DIGEST_TABLE_NAME`) for one function (`FUNCTION_NAME`), optionally one account's or one
//! kind's (`--account`, `--kind`), or closes one item by hand (`--close <kind>#<key>`), for
//! the kinds no event closes. See `make open-items` and `make close-item`.

use std::process::ExitCode;

use chrono::Utc;
use marketplace_catalog_notifier::aws::{DigestTable, load_sdk_config};
use marketplace_catalog_notifier::digest::DigestStore;
use marketplace_catalog_notifier::ledger::{Closing, Filter, ItemId, Kind, LedgerChange, table};

const USAGE: &str = "usage: DIGEST_TABLE_NAME=<table> FUNCTION_NAME=<function> notifier-open-items [--account <id>] [--kind <kind>] | --close <kind>#<key>";

/// What the command line asks for.
enum Command {
    List(Filter),
    Close(ItemId),
}

fn command(args: &[String]) -> Result<Command, String> {
    let mut filter = Filter::default();
    let mut close = None;
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .filter(|value| !value.trim().is_empty())
                .ok_or_else(|| format!("{flag}: needs a value"))
        };
        match flag.as_str() {
            "--account" => filter.account = Some(value()?.trim().to_owned()),
            "--kind" => {
                filter.kind =
                    Some(Kind::parse(value()?.trim()).map_err(|e| format!("--kind: {e}"))?)
            }
            "--close" => {
                close = Some(ItemId::parse(value()?.trim()).map_err(|e| format!("--close: {e}"))?)
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    match close {
        Some(_) if filter != Filter::default() => {
            Err("--close takes an item id alone, without --account or --kind".to_owned())
        }
        Some(id) => Ok(Command::Close(id)),
        None => Ok(Command::List(filter)),
    }
}

/// The function's name as Lambda gives it to the function (what qualifies its ledger),
/// from the name itself or the stack's `NotifierFunctionArn` output.
fn function_name(value: String) -> Result<String, String> {
    if !value.starts_with("arn:") {
        return Ok(value);
    }
    value
        .split_once(":function:")
        .and_then(|(_, rest)| rest.split(':').next())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| format!("FUNCTION_NAME: {value:?} is not a Lambda function ARN"))
}

fn setting(name: &str) -> Result<String, String> {
    std::env::var(name)
        .ok()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
        .ok_or_else(|| format!("{name} is not set"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, table_name, function) = match (
        command(&args),
        setting("DIGEST_TABLE_NAME"),
        setting("FUNCTION_NAME").and_then(function_name),
    ) {
        (Ok(command), Ok(table_name), Ok(function)) => (command, table_name, function),
        (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => {
            eprintln!("open-items: {error}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let store = DigestTable::from_sdk_config(&load_sdk_config().await, table_name, function);
    let open = match store.open_items().await {
        Ok(open) => open,
        Err(error) => {
            eprintln!("open-items: {error}");
            return ExitCode::FAILURE;
        }
    };
    match command {
        Command::List(filter) => {
            print!("{}", table(&open, &filter, Utc::now()));
            ExitCode::SUCCESS
        }
        Command::Close(id) => {
            // Only what is open: a typo must not leave a closed marker that would keep a
            // real item of that id closed when it opens.
            if !open.iter().any(|item| item.id == id) {
                eprintln!("open-items: no open item {id} (`make open-items` lists them)");
                return ExitCode::FAILURE;
            }
            let closing = LedgerChange::Close(Closing {
                id: id.clone(),
                by: "closed by hand".to_owned(),
                at: Utc::now(),
            });
            match store.apply_ledger(&closing).await {
                Ok(_) => {
                    println!("closed {id}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("open-items: {error}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &[&str]) -> Vec<String> {
        text.iter().map(|arg| (*arg).to_owned()).collect()
    }

    #[test]
    fn reads_filters_or_one_item_to_close() {
        let Ok(Command::List(filter)) = command(&args(&[
            "--account",
            "111122223333",
            "--kind",
            "aws-referral",
        ])) else {
            panic!("a listing");
        };
        assert_eq!(filter.account.as_deref(), Some("111122223333"));
        assert_eq!(filter.kind, Some(Kind::AwsReferral));
        let Ok(Command::Close(id)) = command(&args(&["--close", "paused-disbursement#pi-1"]))
        else {
            panic!("a closing");
        };
        assert_eq!(id.to_string(), "paused-disbursement#pi-1");
        for (given, expected) in [
            (
                &["--kind", "referral"][..],
                "--kind: \"referral\" is not a kind",
            ),
            (&["--account"][..], "--account: needs a value"),
            (
                &["--close", "pi-1"][..],
                "--close: \"pi-1\" is not an item id",
            ),
            (
                &["--close", "aws-referral#x", "--kind", "aws-referral"][..],
                "--close takes an item id alone",
            ),
            (&["list"][..], "unknown argument \"list\""),
        ] {
            let Err(error) = command(&args(given)) else {
                panic!("{given:?} refused");
            };
            assert!(error.contains(expected), "{given:?}: {error}");
        }
    }

    #[test]
    fn takes_the_function_by_name_or_arn() {
        assert_eq!(
            function_name("notifier".to_owned()),
            Ok("notifier".to_owned())
        );
        assert_eq!(
            function_name(
                "arn:aws:lambda:us-east-1:123456789012:function:stack-Notifier-AbC:live".to_owned()
            ),
            Ok("stack-Notifier-AbC".to_owned())
        );
        assert!(function_name("arn:aws:sns:us-east-1:123456789012:topic".to_owned()).is_err());
    }
}
