//! The AWS adapters, the only code that talks to AWS: the SDK configuration every client is
//! built from ([`load_sdk_config`], on the HTTPS client of `https`), the SNS publisher, the
//! Marketplace Catalog API client, and short descriptions of SDK errors ([`error`]).

mod catalog;
pub mod error;
mod https;
mod sns;

pub use catalog::CatalogApi;
pub use sns::SnsPublisher;

use std::time::Duration;

use aws_config::{BehaviorVersion, SdkConfig, timeout::TimeoutConfig};

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
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(https::https_client())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .operation_timeout(OPERATION_TIMEOUT)
                .build(),
        )
        .load()
        .await
}
