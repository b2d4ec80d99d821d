//! The Amazon SNS publisher: one `Publish` call per notification, with its subject and
//! message attributes, on a client built from the shared SDK configuration (whose timeouts
//! fit inside the function's timeout).

use aws_config::SdkConfig;
use aws_sdk_sns::types::MessageAttributeValue;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::timeout::TimeoutConfig;
use std::collections::HashMap;

use super::connection_ahead::OPENED_AHEAD;
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

    /// Takes a `Publish` to `topic` through the SDK's pipeline up to the moment it would be
    /// sent (serialising, resolving the endpoint, loading credentials, signing) and stops it
    /// there, so that what the first notification would pay to set those up is paid at
    /// init, and opens the connection the first publish will go out on to the endpoint it
    /// resolved. Nothing is sent. An error other than the stop itself is returned to be
    /// logged: the first real publish meets it again and reports it.
    pub async fn prepare(&self, topic: &TopicArn) -> Result<(), String> {
        let result = self
            .client
            .publish()
            .topic_arn(topic.as_str())
            .message(PREPARED_MESSAGE)
            .customize()
            .interceptor(StopBeforeSending)
            .send()
            .await;
        let Err(error) = result else {
            return Err("a publish meant to stop before sending was sent".to_owned());
        };
        // The SDK wraps the interceptor's error; it is found by its type in the chain.
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(current) = cause {
            if current.is::<Stopped>() {
                return Ok(());
            }
            cause = current.source();
        }
        Err(super::error::describe(&error))
    }
}

const PREPARED_MESSAGE: &str = "prepared at init, never sent";

/// Ends a request just before it is handed to the HTTP client.
#[derive(Debug)]
struct StopBeforeSending;

/// The error [`StopBeforeSending`] ends a request with.
#[derive(Debug, thiserror::Error)]
#[error("stopped before sending: prepared at init")]
struct Stopped;

impl Intercept for StopBeforeSending {
    fn name(&self) -> &'static str {
        "StopBeforeSending"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // The endpoint is resolved now: the connection the first publish will go out on is
        // opened to it while the function asks for its first event. The connector the HTTP
        // client would otherwise need is being built on a thread of its own meanwhile
        // (`start_publisher_connector`), and is not waited for here.
        let connect_timeout = cfg
            .load::<TimeoutConfig>()
            .and_then(TimeoutConfig::connect_timeout)
            .unwrap_or(super::CONNECT_TIMEOUT);
        if let Err(reason) = OPENED_AHEAD.open(context.request().uri(), connect_timeout) {
            tracing::debug!(%reason, "no connection opened ahead of the first publish");
        }
        Err(Box::new(Stopped))
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

#[cfg(test)]
mod tests {
    use aws_config::{BehaviorVersion, Region};
    use aws_sdk_sns::config::{Credentials, SharedCredentialsProvider};

    use super::*;

    const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-events";

    fn publisher(endpoint: &str) -> SnsPublisher {
        let config = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKIDEXAMPLE",
                "secret",
                None,
                None,
                "test",
            )))
            .endpoint_url(endpoint)
            .build();
        SnsPublisher::from_sdk_config(&config)
    }

    fn topic() -> TopicArn {
        TopicArn::parse(TOPIC).unwrap_or_else(|error| panic!("test topic: {error}"))
    }

    #[tokio::test]
    async fn preparing_goes_through_signing_and_sends_nothing() {
        // Nothing listens on port 1: a request that reached the network would fail to
        // connect, and prepare would report that instead of its own stop.
        let prepared = publisher("http://127.0.0.1:1").prepare(&topic()).await;
        assert_eq!(prepared, Ok(()));
    }

    #[tokio::test]
    async fn a_publish_to_the_same_closed_port_does_fail_to_connect() {
        let notification = crate::notification::Notification::new(
            crate::notification::Channel::TEXT,
            crate::notification::Subject::new("s"),
            "body",
            crate::message::Severity::Info,
            crate::message::Attributes::new(),
        );
        let published = publisher("http://127.0.0.1:1")
            .publish(&topic(), &notification)
            .await;
        assert!(published.is_err(), "{published:?}");
    }
}
