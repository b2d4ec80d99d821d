//! What the notifier's DynamoDB tables share: a client with the table's own timeouts, and
//! attribute values and times as the tables store them: strings, numbers, and epoch seconds
//! (the TTL attributes) or milliseconds (claims).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_config::SdkConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_dynamodb::types::AttributeValue;

/// A DynamoDB client on the shared SDK configuration with these timeouts: each table bounds
/// its calls by what it can afford to wait (tighter than the publisher's).
pub fn client(
    config: &SdkConfig,
    connect: Duration,
    attempt: Duration,
    operation: Duration,
) -> aws_sdk_dynamodb::Client {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(connect)
        .operation_attempt_timeout(attempt)
        .operation_timeout(operation)
        .build();
    let client_config = aws_sdk_dynamodb::config::Builder::from(config)
        .timeout_config(timeouts)
        .build();
    aws_sdk_dynamodb::Client::from_conf(client_config)
}

pub fn text(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn number(value: u128) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub fn epoch_millis(at: SystemTime) -> u128 {
    at.duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis())
        .unwrap_or_default()
}

pub fn epoch_seconds(at: SystemTime) -> u128 {
    at.duration_since(UNIX_EPOCH)
        .map(|elapsed| u128::from(elapsed.as_secs()))
        .unwrap_or_default()
}
