//! The fallible half of building the notifier: the account names and the routes, inline or
//! read from SSM parameters (both at once, with one client), checked before the function
//! asks for its first event, so that a mistake stops the cold start with an error naming
//! the setting.

use std::future::Future;

use aws_config::SdkConfig;

use super::{account_names, loaded};
use crate::accounts::{ACCOUNT_NAMES_VARIABLE, AccountNames, AccountNamesSource};
use crate::aws::{self, PARAMETER_TIMEOUT, ParameterStore};
use crate::config::{Config, Publishing, ROUTES_VARIABLE, RoutesSource};
use crate::error::ConfigError;
use crate::routing::{Routing, parse_routing};

/// What must be right before the function asks for its first event: the account names and
/// the routes, which may come from SSM parameters, and the SDK configuration when reading
/// them needed it (the clients reuse it). Everything that can make a cold start fail with a
/// setting's name is here; building the clients, in [`Settings::notifier`], cannot fail.
#[derive(Debug)]
pub struct Settings {
    pub(super) account_names: AccountNames,
    pub(super) routing: Option<Routing>,
    pub(super) sdk_config: Option<SdkConfig>,
}

/// The settings `config` names, read and checked: the first, fallible half of
/// [`super::notifier`]. A notifier that publishes to SNS starts building its HTTPS
/// connector first, since that needs none of these settings.
pub async fn settings(config: &Config) -> Result<Settings, ConfigError> {
    if matches!(config.publishing, Publishing::Sns) {
        aws::start_publisher_connector();
    }
    settings_with(config, aws::load_sdk_config).await
}

/// [`settings`] with the SDK configuration from `load`, called only when a setting lives in
/// SSM.
pub(super) async fn settings_with<F>(
    config: &Config,
    load: impl Fn() -> F,
) -> Result<Settings, ConfigError>
where
    F: Future<Output = SdkConfig>,
{
    let mut sdk_config = None;
    // Both settings may live in SSM: one client reads them, at the same time, so the cold
    // start waits for one round trip, not two.
    let store = match (&config.account_names, &config.routes) {
        (AccountNamesSource::Parameter(_), _) | (_, RoutesSource::Parameter(_)) => {
            Some(ParameterStore::new(loaded(&mut sdk_config, &load).await))
        }
        _ => None,
    };
    let account_names = async {
        match &config.account_names {
            AccountNamesSource::Inline(names) => Ok(names.clone()),
            AccountNamesSource::Parameter(name) => async {
                let store = parameter_store(&store, name)?;
                account_names::load_from_parameter(store, name, PARAMETER_TIMEOUT).await
            }
            .await
            .map_err(invalid(ACCOUNT_NAMES_VARIABLE, name)),
        }
    };
    let routes = async {
        match &config.routes {
            RoutesSource::Standard => Ok(None),
            RoutesSource::Inline(text) => Ok(Some(text.clone())),
            RoutesSource::Parameter(name) => async {
                let store = parameter_store(&store, name)?;
                store.read(name, PARAMETER_TIMEOUT).await.map(Some)
            }
            .await
            .map_err(invalid(ROUTES_VARIABLE, name)),
        }
    };
    let (account_names, routes) = tokio::join!(account_names, routes);
    let (account_names, routes) = (account_names?, routes?);
    let routing = match routes {
        None => None,
        Some(text) => Some(
            parse_routing(&text, config.route_context()).map_err(|reason| {
                ConfigError::Invalid {
                    variable: ROUTES_VARIABLE,
                    value: match &config.routes {
                        RoutesSource::Parameter(name) => format!("SSM parameter {name}"),
                        _ => "(inline document)".to_owned(),
                    },
                    reason,
                }
            })?,
        ),
    };
    Ok(Settings {
        account_names,
        routing,
        sdk_config,
    })
}

/// The error for `variable`, whose SSM parameter `name` could not be read.
fn invalid(variable: &'static str, name: &str) -> impl FnOnce(String) -> ConfigError {
    let value = name.to_owned();
    move |reason| ConfigError::Invalid {
        variable,
        value,
        reason,
    }
}

/// The store the settings in SSM are read with; the error names the parameter when there is
/// none (no region is configured).
fn parameter_store<'a>(
    store: &'a Option<Result<ParameterStore, String>>,
    name: &str,
) -> Result<&'a ParameterStore, String> {
    match store {
        Some(Ok(store)) => Ok(store),
        Some(Err(reason)) => Err(format!(
            "SSM parameter {name:?} could not be read: {reason}"
        )),
        None => Err(format!(
            "SSM parameter {name:?} could not be read: no SDK configuration was loaded"
        )),
    }
}
