//! Reads `ACCOUNT_NAMES` from an SSM parameter at cold start, bounded in time: a platform
//! team keeps one list of its accounts for every tool instead of one per stack.

use std::time::Duration;

use aws_config::SdkConfig;

use super::{ACCOUNT_NAMES_VARIABLE, AccountNames, AccountNamesSource};
use crate::aws::error as aws_error;
use crate::error::ConfigError;

/// The bound on the read, retries included; cold start must not hang on it.
pub const PARAMETER_TIMEOUT: Duration = Duration::from_secs(3);

/// Reads the parameter (a `SecureString` is decrypted) and parses its JSON. The error says
/// which parameter and why, for the init error Lambda records.
pub async fn load_from_parameter(
    client: &aws_sdk_ssm::Client,
    name: &str,
    timeout: Duration,
) -> Result<AccountNames, String> {
    let request = client
        .get_parameter()
        .name(name)
        .with_decryption(true)
        .send();
    let output = tokio::time::timeout(timeout, request)
        .await
        .map_err(|_| {
            format!(
                "SSM parameter {name:?} could not be read within {} ms",
                timeout.as_millis()
            )
        })?
        .map_err(|error| {
            format!(
                "SSM parameter {name:?} could not be read: {}",
                aws_error::describe(&error)
            )
        })?;
    let value = output
        .parameter()
        .and_then(|parameter| parameter.value())
        .ok_or_else(|| format!("SSM parameter {name:?} has no value"))?;
    AccountNames::from_json(value).map_err(|reason| format!("SSM parameter {name:?}: {reason}"))
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
            let client = aws_sdk_ssm::Client::new(sdk_config);
            load_from_parameter(&client, name, PARAMETER_TIMEOUT)
                .await
                .map_err(|reason| ConfigError::Invalid {
                    variable: ACCOUNT_NAMES_VARIABLE,
                    value: name.clone(),
                    reason,
                })
        }
    }
}
