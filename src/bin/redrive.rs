//! `notifier-redrive`: delivers the events kept in a failure queue (see `make redrive`).
//! Every decision lives in the library's `redrive` module.

use std::process::ExitCode;

use marketplace_catalog_notifier::redrive::cli::{Options, USAGE, run};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match Options::parse(std::env::args().skip(1)) {
        Ok(options) => run(options).await,
        Err(error) => {
            eprintln!("notifier-redrive: {error}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
