//! The AWS adapters, the only code that talks to AWS: the SDK configuration every client is
//! built from ([`load_sdk_config`], on the HTTPS client of `https`), the SNS publisher, the
//! Marketplace Catalog and Agreement API clients, the Partner Central Selling client, the
//! DynamoDB delivery table of the durable duplicate check, the digest table (and the ledger
//! of open items in it), SSM parameters read at cold start, the function invoker the redrive
//! command delivers through, and short
//! descriptions of SDK errors ([`error`]).

mod account_access;
mod agreement;
mod catalog;
mod connection_ahead;
mod delivery_table;
mod digest_table;
mod dynamodb_values;
pub mod error;
mod https;
#[cfg(feature = "redrive")]
mod invoke;
mod ledger_items;
mod parameter;
mod partner_central;
mod sns;
mod trust;

pub use account_access::AccountAccess;
pub use agreement::AgreementApi;
pub use catalog::CatalogApi;
pub use delivery_table::{DynamoDbStore, EXPIRATION_ATTRIBUTE, KEY_ATTRIBUTE};
pub use digest_table::{
    DigestTable, EXPIRES_AT as DIGEST_EXPIRES_AT, PARTITION_KEY as DIGEST_PARTITION_KEY,
    SORT_KEY as DIGEST_SORT_KEY,
};
#[cfg(feature = "redrive")]
pub use invoke::{Answer, FunctionInvoker};
pub use ledger_items::partition as ledger_partition;
pub use parameter::{PARAMETER_TIMEOUT, ParameterStore};
pub use partner_central::PartnerCentralApi;
pub use sns::SnsPublisher;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, SdkConfig, timeout::TimeoutConfig};
use aws_smithy_runtime_api::client::http::HttpConnectorSettings;

/// An unreachable endpoint should fail fast enough to leave time for the SDK's retries.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// One attempt; SNS answers a publish in tens of milliseconds when healthy.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// All attempts together: well under the function's 30 s timeout, so a slow SNS turns into
/// a reported invocation error (and a retry) rather than a Lambda timeout.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(15);

/// Loads the standard AWS SDK configuration (region, credentials, `AWS_ENDPOINT_URL*`) with
/// the notifier's timeouts. Clients that need a tighter bound (the Catalog API) narrow it.
pub async fn load_sdk_config() -> SdkConfig {
    let loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(https::https_client(publisher_connector_settings()))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(OPERATION_TIMEOUT)
                .build(),
        );
    from_environment_when_set(loader).load().await
}

/// Starts building the HTTPS connector of the clients that keep [`load_sdk_config`]'s
/// timeouts (the SNS publisher) before the configuration is loaded, for the first of them
/// to take; the bootstrap calls it as soon as the configuration says it will publish.
pub fn start_publisher_connector() {
    https::start_connector_ahead(publisher_connector_settings());
}

/// The connector settings the SDK derives from these timeouts for a client that keeps them
/// (the SNS publisher): a connect timeout and no read timeout. Lookups narrow them.
fn publisher_connector_settings() -> HttpConnectorSettings {
    HttpConnectorSettings::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
}

/// Lambda gives the function its credentials and region as environment variables, which
/// the SDK's default chains would take first anyway. Naming them spares building every
/// other source those chains hold (an STS client for web identity, the ECS and instance
/// metadata clients, the profile readers) on the way to the first publish. Where the
/// variables are not set (an operator's machine with profiles or SSO), the chains stay.
fn from_environment_when_set(loader: aws_config::ConfigLoader) -> aws_config::ConfigLoader {
    let is_set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
    let loader = if is_set("AWS_ACCESS_KEY_ID") && is_set("AWS_SECRET_ACCESS_KEY") {
        loader.credentials_provider(
            aws_config::environment::EnvironmentVariableCredentialsProvider::new(),
        )
    } else {
        loader
    };
    match std::env::var("AWS_REGION") {
        Ok(region) if !region.is_empty() => loader.region(aws_config::Region::new(region)),
        _ => loader,
    }
}

/// The limits of a best-effort lookup (change set, agreement, co-sell) whose whole answer must come
/// within `deadline`: each attempt gets half of it, and one quick retry at most, since a late
/// answer is worth less than a prompt notification and the real error (a 500, AccessDenied)
/// should surface before the deadline hides it.
pub(crate) fn lookup_limits(deadline: Duration) -> (TimeoutConfig, RetryConfig) {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(deadline / 2)
        .operation_attempt_timeout(deadline / 2)
        .operation_timeout(deadline)
        .build();
    let retries = RetryConfig::standard()
        .with_max_attempts(2)
        .with_initial_backoff(deadline / 20)
        .with_max_backoff(deadline / 10);
    (timeouts, retries)
}
