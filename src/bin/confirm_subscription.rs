//! `notifier-confirm-subscription <link>`: confirms an e-mail subscription so that only an
//! authenticated caller can unsubscribe it (see `make confirm-subscription`).

use std::process::ExitCode;

use marketplace_catalog_notifier::aws::load_sdk_config;
use marketplace_catalog_notifier::subscription::{ConfirmationLink, confirm};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let link = match std::env::args()
        .nth(1)
        .as_deref()
        .map(ConfirmationLink::parse)
    {
        Some(Ok(link)) => link,
        Some(Err(error)) => {
            eprintln!("confirm-subscription: {error}");
            return ExitCode::from(2);
        }
        None => {
            eprintln!("usage: notifier-confirm-subscription '<confirmation link from the e-mail>'");
            return ExitCode::from(2);
        }
    };
    match confirm(&load_sdk_config().await, &link).await {
        Ok(subscription_arn) => {
            println!("confirmed {subscription_arn} (unsubscribing now requires AWS credentials)");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("confirm-subscription: {error}");
            ExitCode::FAILURE
        }
    }
}
