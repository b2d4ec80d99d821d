//! Lambda bootstrap: logging, configuration, the publisher, then the runtime loop. Every
//! decision lives in the library.

use lambda_runtime::{Diagnostic, Error, LambdaEvent, service_fn};
use marketplace_catalog_notifier::publish::{
    DryRunPublisher, Publisher, SnsPublisher, sdk_config_from_env,
};
use marketplace_catalog_notifier::{
    Config, Notifier, handle, init_error::report_init_error, logging,
};
use serde_json::Value;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    logging::init();

    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            tracing::error!(%error, "invalid configuration");
            report_init_error(&Diagnostic {
                error_type: "InvalidConfiguration".to_owned(),
                error_message: error.to_string(),
            })
            .await;
            return Err(error.into());
        }
    };

    if config.dry_run {
        serve(Notifier::from_config(&config, DryRunPublisher::stdout())).await
    } else {
        let sdk_config = sdk_config_from_env().await;
        serve(Notifier::new(
            config.topics,
            SnsPublisher::from_sdk_config(&sdk_config),
        ))
        .await
    }
}

async fn serve<P: Publisher>(notifier: Notifier<P>) -> Result<(), Error> {
    let notifier = &notifier;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        handle(notifier, event)
    }))
    .await
}
