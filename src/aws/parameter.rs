//! Reads a setting kept in an SSM parameter at cold start (a `SecureString` is decrypted),
//! bounded in time: a platform team keeps one copy of it for every stack instead of one per
//! deployment. Used by `ACCOUNT_NAMES` and `ROUTES`.

use std::time::Duration;

use super::error as aws_error;

/// The bound on one read, retries included; cold start must not hang on it.
pub const PARAMETER_TIMEOUT: Duration = Duration::from_secs(3);

/// The parameter's value; the error says which parameter and why.
pub async fn read_parameter(
    client: &aws_sdk_ssm::Client,
    name: &str,
    timeout: Duration,
) -> Result<String, String> {
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
    output
        .parameter
        .and_then(|parameter| parameter.value)
        .ok_or_else(|| format!("SSM parameter {name:?} has no value"))
}
