//! Lambda bootstrap: logging, configuration, the AWS clients, then the runtime loop. Every
//! decision lives in the library.

use lambda_runtime::{Diagnostic, Error, LambdaEvent, service_fn};
use marketplace_catalog_notifier::enrich::{AgreementApi, CatalogApi};
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

    // A dry run without enrichment talks to no AWS service, so it loads no SDK config.
    let sdk_config = if config.dry_run && !config.enrich_change_sets && !config.enrich_agreements {
        None
    } else {
        Some(sdk_config_from_env().await)
    };
    let catalog_api = sdk_config
        .as_ref()
        .filter(|_| config.enrich_change_sets)
        .map(|sdk_config| CatalogApi::from_sdk_config(sdk_config, config.enrich_timeout));
    let agreement_api = sdk_config
        .as_ref()
        .filter(|_| config.enrich_agreements)
        .map(|sdk_config| AgreementApi::from_sdk_config(sdk_config, config.enrich_timeout));
    match sdk_config {
        Some(sdk_config) if !config.dry_run => {
            serve(
                &config,
                SnsPublisher::from_sdk_config(&sdk_config),
                catalog_api,
                agreement_api,
            )
            .await
        }
        _ => {
            serve(
                &config,
                DryRunPublisher::stdout(),
                catalog_api,
                agreement_api,
            )
            .await
        }
    }
}

async fn serve<P: Publisher>(
    config: &Config,
    publisher: P,
    catalog_api: Option<CatalogApi>,
    agreement_api: Option<AgreementApi>,
) -> Result<(), Error> {
    let notifier = Notifier::from_config(config, publisher)
        .with_change_set_details(catalog_api, config.enrich_timeout)
        .with_agreement_details(agreement_api, config.enrich_timeout);
    let notifier = &notifier;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        handle(notifier, event)
    }))
    .await
}
