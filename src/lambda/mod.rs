//! The Lambda bootstrap: logging, the configuration (a mistake is reported to the Runtime
//! API as an init error), the notifier it describes, then the runtime loop.

mod background;
mod diagnostic;
mod init_error;

use background::Background;

use lambda_runtime::{Diagnostic, Error, LambdaEvent, service_fn};
use serde_json::value::RawValue;

use crate::{Config, bootstrap, logging};

/// Runs the function until the Runtime API stops it; returns early only when the
/// configuration is invalid.
pub async fn run() -> Result<(), Error> {
    logging::init();

    // A mistake in the settings, or account names or routes that cannot be read from SSM,
    // stops the cold start with an init error naming the setting.
    let settings = match Config::from_env() {
        Ok(config) => bootstrap::settings(&config)
            .await
            .map(|settings| (config, settings)),
        Err(error) => Err(error),
    };
    let (config, settings) = match settings {
        Ok(ready) => ready,
        Err(error) => {
            tracing::error!(%error, "invalid configuration");
            init_error::report(&diagnostic::of_configuration(&error)).await;
            return Err(error.into());
        }
    };
    // Building the SDK clients cannot fail, and is most of a cold start's own work: it
    // runs beside the request for the first event, which waits only for what is left of it.
    let notifier = Background::start(async move { settings.notifier(&config).await });
    let notifier = &notifier;
    // The payload stays JSON text (`RawValue`): the notifier types it in one pass, without
    // building a `Value` tree first.
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<Box<RawValue>>| async move {
            // The deadline bounds the durable check's claim, so a crashed holder is soon
            // taken over.
            let deadline = event.context.deadline();
            let notifier = notifier.get().await.map_err(|reason| Diagnostic {
                error_type: "NotifierNotBuilt".to_owned(),
                error_message: format!("the notifier could not be built: {reason}"),
            })?;
            notifier
                .handle_json(event.payload.get(), Some(deadline))
                .await
                .map_err(diagnostic::of_failure)
        },
    ))
    .await
}
