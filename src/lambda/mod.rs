//! The Lambda bootstrap: logging, the configuration (a mistake is reported to the Runtime
//! API as an init error), the notifier it describes, then the runtime loop.

mod init_error;

use lambda_runtime::{Diagnostic, Error, LambdaEvent, service_fn};
use serde_json::value::RawValue;

use crate::{Config, bootstrap, logging};

/// Runs the function until the Runtime API stops it; returns early only when the
/// configuration is invalid.
pub async fn run() -> Result<(), Error> {
    logging::init();

    // A mistake in the settings, or account names that cannot be read from SSM, stops the
    // cold start with an init error naming the setting.
    let notifier = match Config::from_env() {
        Ok(config) => bootstrap::notifier(&config).await,
        Err(error) => Err(error),
    };
    let notifier = match notifier {
        Ok(notifier) => notifier,
        Err(error) => {
            tracing::error!(%error, "invalid configuration");
            init_error::report(&Diagnostic::from(&error)).await;
            return Err(error.into());
        }
    };
    let notifier = &notifier;
    // The payload stays JSON text (`RawValue`): the notifier types it in one pass, without
    // building a `Value` tree first.
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<Box<RawValue>>| async move {
            // The deadline bounds the durable check's claim, so a crashed holder is soon
            // taken over.
            let deadline = event.context.deadline();
            notifier
                .handle_json(event.payload.get(), Some(deadline))
                .await
        },
    ))
    .await
}
