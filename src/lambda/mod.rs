//! The Lambda bootstrap: logging, the configuration (a mistake is reported to the Runtime
//! API as an init error), the notifier it describes, then the runtime loop.

mod background;
mod diagnostic;
mod init_error;
mod raw_payload;

use background::Background;

use lambda_runtime::layers::TracingLayer;
use lambda_runtime::{Diagnostic, Error, LambdaEvent, Runtime, service_fn};
use raw_payload::RawPayloadLayer;

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
    // The notifier reads the body's JSON text itself (`raw_payload`): lambda_runtime has
    // only `null` to read into the handler's `()`.
    let handler = service_fn(move |event: LambdaEvent<()>| async move {
        // The deadline bounds the durable check's claim, so a crashed holder is soon
        // taken over.
        let deadline = event.context.deadline();
        let notifier = notifier.get().await.map_err(|reason| Diagnostic {
            error_type: "NotifierNotBuilt".to_owned(),
            error_message: format!("the notifier could not be built: {reason}"),
        })?;
        let payload = raw_payload::body().ok_or_else(|| Diagnostic {
            error_type: "PayloadMissing".to_owned(),
            error_message: "the invocation's body was not kept for the handler".to_owned(),
        })?;
        notifier
            .handle_payload(&payload, Some(deadline))
            .await
            .map_err(diagnostic::of_failure)
    });
    // What `lambda_runtime::run` builds, with the body kept for the handler outermost.
    Runtime::new(handler)
        .layer(TracingLayer::new())
        .layer(RawPayloadLayer)
        .run()
        .await
}
