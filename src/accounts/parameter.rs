//! Reads `ACCOUNT_NAMES` from an SSM parameter at cold start, bounded in time: a platform
//! team keeps one list of its accounts for every tool instead of one per stack.

use std::time::Duration;

use aws_config::SdkConfig;

use super::{ACCOUNT_NAMES_VARIABLE, AccountNames, AccountNamesSource};
pub use crate::aws::PARAMETER_TIMEOUT;
use crate::aws::read_parameter;
use crate::error::ConfigError;

/// Reads the parameter and parses its JSON. The error says which parameter and why, for the
/// init error Lambda records.
pub async fn load_from_parameter(
    sdk_config: &SdkConfig,
    name: &str,
    timeout: Duration,
) -> Result<AccountNames, String> {
    let value = read_parameter(sdk_config, name, timeout).await?;
    AccountNames::from_json(&value).map_err(|reason| format!("SSM parameter {name:?}: {reason}"))
}

/// The names as configured: inline, or read from SSM with `sdk_config`'s credentials. A
/// parameter that cannot be read fails the cold start with an error naming `ACCOUNT_NAMES`.
pub async fn resolve(
    source: &AccountNamesSource,
    sdk_config: &SdkConfig,
) -> Result<AccountNames, ConfigError> {
    match source {
        AccountNamesSource::Inline(names) => Ok(names.clone()),
        AccountNamesSource::Parameter(name) => {
            load_from_parameter(sdk_config, name, PARAMETER_TIMEOUT)
                .await
                .map_err(|reason| ConfigError::Invalid {
                    variable: ACCOUNT_NAMES_VARIABLE,
                    value: name.clone(),
                    reason,
                })
        }
    }
}
