//! The Amazon SNS publisher: one `Publish` call per notification, with its subject and
//! message attributes, on a client built from the shared SDK configuration (whose timeouts
//! fit inside the function's timeout).

use aws_config::SdkConfig;
use aws_sdk_sns::types::MessageAttributeValue;
use std::collections::HashMap;

use crate::config::TopicArn;
use crate::error::PublishError;
use crate::message::ATTRIBUTE_DATA_TYPE;
use crate::notification::Notification;
use crate::publish::Publisher;

#[derive(Debug, Clone)]
pub struct SnsPublisher {
    client: aws_sdk_sns::Client,
}

impl SnsPublisher {
    pub fn from_sdk_config(config: &SdkConfig) -> Self {
        Self {
            client: aws_sdk_sns::Client::new(config),
        }
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
            .map_err(|error| PublishError(super::error::describe(&error)))?;

        output.message_id.ok_or_else(|| {
            PublishError("SNS accepted the message but returned no MessageId".to_owned())
        })
    }
}
