//! DynamoDB attribute values and times as the notifier's tables store them: strings,
//! numbers, and epoch seconds (the TTL attributes) or milliseconds (claims).

use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::types::AttributeValue;

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
