//! The Amazon SNS publisher: one `Publish` call per notification, with its subject and
//! message attributes, on an SDK client whose timeouts fit inside the function's timeout.

use std::collections::HashMap;
use std::time::Duration;

use aws_config::{BehaviorVersion, SdkConfig, timeout::TimeoutConfig};
use aws_sdk_sns::types::MessageAttributeValue;

use super::Publisher;
use crate::config::TopicArn;
use crate::error::PublishError;
use crate::notification::{ATTRIBUTE_DATA_TYPE, Notification};

/// An unreachable endpoint should fail fast enough to leave time for the SDK's retries.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// One attempt; SNS answers a publish in tens of milliseconds when healthy.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// All attempts together: well under the function's 30 s timeout, so a slow SNS turns into
/// a reported invocation error (and a retry) rather than a Lambda timeout.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(15);

/// Loads the standard AWS SDK configuration (region, credentials, `AWS_ENDPOINT_URL*`) with
/// the notifier's timeouts.
pub async fn sdk_config_from_env() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
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

#[derive(Debug, Clone)]
pub struct SnsPublisher {
    client: aws_sdk_sns::Client,
}

impl SnsPublisher {
    pub fn new(client: aws_sdk_sns::Client) -> Self {
        Self { client }
    }

    pub fn from_sdk_config(config: &SdkConfig) -> Self {
        Self::new(aws_sdk_sns::Client::new(config))
    }
}

impl Publisher for SnsPublisher {
    async fn publish(
        &self,
        topic: &TopicArn,
        notification: &Notification,
    ) -> Result<String, PublishError> {
        let attributes = notification
            .attributes()
            .iter()
            .map(|(name, value)| {
                MessageAttributeValue::builder()
                    .data_type(ATTRIBUTE_DATA_TYPE)
                    .string_value(value)
                    .build()
                    .map(|attribute| (name.to_owned(), attribute))
                    .map_err(|error| PublishError(format!("message attribute {name}: {error}")))
            })
            .collect::<Result<HashMap<_, _>, _>>()?;

        let output = self
            .client
            .publish()
            .topic_arn(topic.as_str())
            .subject(notification.subject().as_str())
            .message(notification.body())
            .set_message_attributes(Some(attributes))
            .send()
            .await
            .map_err(|error| PublishError(crate::aws_error::describe(&error)))?;

        output.message_id.ok_or_else(|| {
            PublishError("SNS accepted the message but returned no MessageId".to_owned())
        })
    }
}
