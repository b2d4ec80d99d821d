//! An SNS/SQS world on the local moto server that `make test` starts (scripts/with-moto.sh
//! exports its address as `MOTO_ENDPOINT`): unique topics, an SQS queue subscribed to each,
//! and reading back the SNS envelopes the queues receive; SSM parameters to read at cold
//! start.
//!
//! Every test creates its own uniquely named topics and queues, so tests run in parallel
//! against one server and nothing is ever reset.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_config::{Region, SdkConfig};
use marketplace_catalog_notifier::aws::load_sdk_config;
use marketplace_catalog_notifier::config::{TopicArn, TopicKind, Topics};
use marketplace_catalog_notifier::notification::Notification;
use serde_json::Value;
use tokio::time::Instant;

use super::unique_name;

/// The variable scripts/with-moto.sh sets to the server's `http://127.0.0.1:PORT`.
pub const ENDPOINT_VARIABLE: &str = "MOTO_ENDPOINT";

/// The moto server's address. Fails the test (never skips it) when the variable is unset.
pub fn endpoint() -> String {
    match std::env::var(ENDPOINT_VARIABLE) {
        Ok(endpoint) if !endpoint.trim().is_empty() => endpoint,
        _ => panic!(
            "{ENDPOINT_VARIABLE} is not set: this test publishes to a local moto server. \
             Run `make test`, or `make venv` then `scripts/with-moto.sh cargo test --test <name>`"
        ),
    }
}

/// The environment a notifier process needs to publish to moto: the endpoint, a region and
/// dummy credentials, with instance-metadata probing off.
pub fn process_env() -> Vec<(String, String)> {
    [
        ("AWS_ENDPOINT_URL", endpoint()),
        ("AWS_REGION", "us-east-1".to_owned()),
        ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_owned()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value))
    .collect()
}

/// Stores a `SecureString` parameter in moto's SSM (`PutParameter`, overwriting: on a loaded
/// machine a retried put must not fail). A plain AWS JSON 1.1 request: the notifier has no SSM
/// client to write with, and moto reads the region from the credential scope and checks no
/// signature.
pub async fn put_secure_parameter(name: &str, value: &str) {
    use http_body_util::{BodyExt, Full};
    use hyper::body::Bytes;
    use hyper_util::rt::TokioIo;

    let endpoint = endpoint();
    let authority = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let stream = tokio::net::TcpStream::connect(authority)
        .await
        .unwrap_or_else(|error| panic!("connect to moto at {authority}: {error}"));
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .expect("an HTTP/1 connection to moto");
    let driver = tokio::spawn(connection);
    let body = serde_json::json!({
        "Name": name,
        "Value": value,
        "Type": "SecureString",
        "Overwrite": true,
    });
    let request = hyper::Request::post("/")
        .header("host", authority)
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AmazonSSM.PutParameter")
        .header(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/ssm/aws4_request, \
             SignedHeaders=host, Signature=0",
        )
        .body(Full::new(Bytes::from(body.to_string())))
        .expect("a PutParameter request");
    let response = sender
        .send_request(request)
        .await
        .expect("moto answers PutParameter");
    let status = response.status();
    let answer = response
        .into_body()
        .collect()
        .await
        .map(|body| body.to_bytes())
        .unwrap_or_default();
    driver.abort();
    assert!(
        status.is_success(),
        "PutParameter {name}: {status} {}",
        String::from_utf8_lossy(&answer)
    );
}

/// The SDK configuration the binary uses ([`load_sdk_config`]: region, credentials and
/// the notifier's timeouts), pointed at moto through the configuration rather than by
/// changing this process's environment.
pub async fn sdk_config() -> SdkConfig {
    let endpoint = endpoint();
    let loaded = load_sdk_config().await;
    let mut config = loaded.to_builder().endpoint_url(endpoint);
    if loaded.region().is_none() {
        config = config.region(Region::from_static("us-east-1"));
    }
    config.build()
}

/// An SQS queue: its URL for calls, its ARN for subscriptions.
#[derive(Debug, Clone)]
pub struct Queue {
    pub url: String,
    pub arn: String,
}

/// One message attribute as the SNS envelope carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub data_type: String,
    pub value: String,
}

/// The SNS envelope an SQS subscriber receives for one published message.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub topic_arn: String,
    pub message_id: String,
    pub subject: Option<String>,
    pub message: String,
    pub attributes: BTreeMap<String, Attribute>,
}

impl Delivery {
    /// Parses the JSON body SNS wraps around a message it delivers to SQS.
    pub fn from_sqs_body(body: &str) -> Self {
        let envelope: Value = serde_json::from_str(body)
            .unwrap_or_else(|error| panic!("SQS body is not an SNS envelope ({error}): {body}"));
        let field = |name: &str| -> String {
            envelope[name]
                .as_str()
                .unwrap_or_else(|| panic!("SNS envelope has no {name}: {envelope}"))
                .to_owned()
        };
        assert_eq!(field("Type"), "Notification", "{envelope}");
        let attributes = envelope
            .get("MessageAttributes")
            .and_then(Value::as_object)
            .map(|attributes| {
                attributes
                    .iter()
                    .map(|(name, attribute)| {
                        let part = |key: &str| {
                            attribute[key]
                                .as_str()
                                .unwrap_or_else(|| panic!("attribute {name} has no {key}"))
                                .to_owned()
                        };
                        let attribute = Attribute {
                            data_type: part("Type"),
                            value: part("Value"),
                        };
                        (name.clone(), attribute)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Self {
            topic_arn: field("TopicArn"),
            message_id: field("MessageId"),
            subject: envelope["Subject"].as_str().map(str::to_owned),
            message: field("Message"),
            attributes,
        }
    }

    /// The value of one message attribute.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .get(name)
            .map(|attribute| attribute.value.as_str())
    }

    /// The `event_id` attribute, which every notification carries.
    pub fn event_id(&self) -> &str {
        self.attribute("event_id")
            .unwrap_or_else(|| panic!("delivery without an event_id attribute: {self:?}"))
    }

    /// What this message counts against SNS's 262,144-byte limit: message, subject and
    /// each attribute's name, type and value, in UTF-8 bytes.
    pub fn size_in_bytes(&self) -> usize {
        let attributes: usize = self
            .attributes
            .iter()
            .map(|(name, attribute)| name.len() + attribute.data_type.len() + attribute.value.len())
            .sum();
        self.message.len() + self.subject.as_deref().map_or(0, str::len) + attributes
    }

    /// Asserts this is exactly `notification` as published to `topic`: same subject, body
    /// and attributes (all of SNS type `String`).
    pub fn assert_is(&self, topic: &TopicArn, notification: &Notification, context: &str) {
        assert_eq!(self.topic_arn, topic.as_str(), "{context}: topic");
        assert_eq!(
            self.subject.as_deref(),
            Some(notification.subject().as_str()),
            "{context}: subject"
        );
        assert!(
            self.message == notification.body(),
            "{context}: the delivered message differs from the rendered body \
             ({} vs {} bytes)",
            self.message.len(),
            notification.body().len()
        );
        let expected: BTreeMap<String, Attribute> = notification
            .attributes()
            .iter()
            .map(|(name, value)| {
                let attribute = Attribute {
                    data_type: "String".to_owned(),
                    value: value.to_owned(),
                };
                (name.to_owned(), attribute)
            })
            .collect();
        assert_eq!(self.attributes, expected, "{context}: message attributes");
    }

    /// Asserts the delivery carries the attributes the contract requires for the
    /// event `payload` (worked out from the raw event, see [`super::contract`]), and no
    /// more than the 10 an SQS subscription with raw delivery accepts.
    pub fn assert_contract_attributes(&self, payload: &Value, context: &str) {
        for (name, value) in super::contract::required_attributes(payload) {
            assert_eq!(
                self.attribute(name),
                Some(value.as_str()),
                "{context}: attribute {name}"
            );
        }
        assert!(
            self.attributes.len() <= 10,
            "{context}: {} attributes",
            self.attributes.len()
        );
    }
}

/// One topic per notification family, each with its own subscribed queue.
pub struct Families {
    pub topics: Topics,
    queues: Vec<(TopicKind, Queue)>,
}

impl Families {
    /// Families from topics and queues made elsewhere (e.g. from template.yaml's topics);
    /// each queue must already be subscribed to its family's topic.
    pub fn new(topics: Topics, queues: Vec<(TopicKind, Queue)>) -> Self {
        Self { topics, queues }
    }

    /// The queue subscribed to a family's topic (panics for an unconfigured family).
    pub fn queue(&self, kind: TopicKind) -> &Queue {
        self.queues
            .iter()
            .find(|(queue_kind, _)| *queue_kind == kind)
            .map(|(_, queue)| queue)
            .unwrap_or_else(|| panic!("no {} topic in this test", kind.name()))
    }

    /// A family's topic (panics for an unconfigured family).
    pub fn topic(&self, kind: TopicKind) -> &TopicArn {
        self.topics
            .arn_for(kind)
            .unwrap_or_else(|| panic!("no {} topic in this test", kind.name()))
    }

    /// The families that have a topic here.
    pub fn kinds(&self) -> impl Iterator<Item = TopicKind> + '_ {
        self.queues.iter().map(|(kind, _)| *kind)
    }

    /// The topic variables (`OFFERS_TOPIC_ARN`, …) a notifier process needs for these topics.
    pub fn env(&self) -> Vec<(String, String)> {
        TopicKind::ALL
            .into_iter()
            .filter_map(|kind| {
                self.topics
                    .arn_for(kind)
                    .map(|arn| (kind.variable().to_owned(), arn.to_string()))
            })
            .collect()
    }
}

/// SNS and SQS clients on moto.
pub struct Moto {
    pub config: SdkConfig,
    pub sns: aws_sdk_sns::Client,
    pub sqs: aws_sdk_sqs::Client,
}

impl Moto {
    /// Clients for the server in `MOTO_ENDPOINT`; fails the test when it is unset.
    pub async fn connect() -> Self {
        let config = sdk_config().await;
        Self {
            sns: aws_sdk_sns::Client::new(&config),
            sqs: aws_sdk_sqs::Client::new(&config),
            config,
        }
    }

    /// Creates a standard topic with a unique name.
    pub async fn create_topic(&self, purpose: &str) -> TopicArn {
        let name = unique_name(purpose);
        let output = self
            .sns
            .create_topic()
            .name(&name)
            .send()
            .await
            .unwrap_or_else(|error| panic!("CreateTopic {name}: {error:?}"));
        let arn = output.topic_arn().expect("CreateTopic returns the ARN");
        TopicArn::parse(arn).unwrap_or_else(|reason| panic!("moto topic ARN {arn}: {reason}"))
    }

    /// Creates a queue with a unique name.
    pub async fn create_queue(&self, purpose: &str) -> Queue {
        let name = unique_name(purpose);
        let url = self
            .sqs
            .create_queue()
            .queue_name(&name)
            .send()
            .await
            .unwrap_or_else(|error| panic!("CreateQueue {name}: {error:?}"))
            .queue_url()
            .expect("CreateQueue returns the URL")
            .to_owned();
        let arn = self
            .sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await
            .unwrap_or_else(|error| panic!("GetQueueAttributes {name}: {error:?}"))
            .attributes()
            .and_then(|attributes| {
                attributes.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            })
            .expect("the queue has an ARN")
            .clone();
        Queue { url, arn }
    }

    /// Subscribes a queue to a topic (the SNS envelope kept, not raw delivery), with an
    /// optional filter policy on message attributes. moto delivers without a queue policy
    /// allowing the topic to send, so none is set.
    pub async fn subscribe(&self, topic: &TopicArn, queue: &Queue, filter_policy: Option<&Value>) {
        let attributes: Vec<(&str, String)> = filter_policy
            .map(|policy| ("FilterPolicy", policy.to_string()))
            .into_iter()
            .collect();
        self.subscribe_with(topic, queue, &attributes).await;
    }

    /// Subscribes a queue to a topic with subscription attributes, e.g.
    /// `("RawMessageDelivery", "true")` or `("FilterPolicy", policy)`.
    pub async fn subscribe_with(
        &self,
        topic: &TopicArn,
        queue: &Queue,
        attributes: &[(&str, String)],
    ) {
        let mut request = self
            .sns
            .subscribe()
            .topic_arn(topic.as_str())
            .protocol("sqs")
            .endpoint(&queue.arn);
        for (name, value) in attributes {
            request = request.attributes(*name, value);
        }
        request
            .send()
            .await
            .unwrap_or_else(|error| panic!("Subscribe {} to {topic}: {error:?}", queue.arn));
    }

    /// A new topic with a new queue subscribed to it.
    pub async fn topic_with_queue(&self, purpose: &str) -> (TopicArn, Queue) {
        let topic = self.create_topic(purpose).await;
        let queue = self.create_queue(purpose).await;
        self.subscribe(&topic, &queue, None).await;
        (topic, queue)
    }

    /// A topic and a subscribed queue for each family; the other-events topic only when
    /// `with_other` is set (otherwise unknown detail types are skipped).
    pub async fn families(&self, with_other: bool) -> Families {
        let mut queues = Vec::new();
        let mut topics = Vec::new();
        for kind in TopicKind::ALL {
            if kind == TopicKind::OTHER && !with_other {
                continue;
            }
            let (topic, queue) = self.topic_with_queue(kind.name()).await;
            topics.push((kind, topic));
            queues.push((kind, queue));
        }
        Families {
            topics: topics
                .into_iter()
                .fold(Topics::new(), |all, (kind, topic)| all.with(kind, topic)),
            queues,
        }
    }

    /// Receives exactly `expected` messages from a queue: polls until that many arrived
    /// (failing after `within`), then checks the queue holds no more than that. moto delivers
    /// SNS messages to SQS during the `Publish` call, so once publishing has returned, the
    /// queue's message count is final.
    pub async fn receive_exactly(
        &self,
        queue: &Queue,
        expected: usize,
        within: Duration,
    ) -> Vec<Delivery> {
        let messages = self.receive_messages(queue, expected, within, false).await;
        let deliveries: Vec<Delivery> = messages
            .iter()
            .map(|message| Delivery::from_sqs_body(message.body().expect("a body")))
            .collect();
        let total = self.message_count(queue).await;
        assert_eq!(
            total,
            expected,
            "{} holds {total} messages, expected exactly {expected}; received so far: {:?}",
            queue.url,
            deliveries
                .iter()
                .map(|delivery| delivery.subject.as_deref().unwrap_or_default())
                .collect::<Vec<_>>()
        );
        deliveries
    }

    /// [`Self::take_exactly`] as SNS deliveries (subject, message, attributes): for a queue
    /// subscribed to a topic that a test reads again later.
    pub async fn take_exactly_deliveries(
        &self,
        queue: &Queue,
        expected: usize,
        within: Duration,
    ) -> Vec<Delivery> {
        self.take_exactly(queue, expected, within)
            .await
            .iter()
            .map(|message| Delivery::from_sqs_body(message.body().expect("a body")))
            .collect()
    }

    /// Receives exactly `expected` messages as SQS returns them (body and message
    /// attributes) and deletes them, then checks the queue is empty: for a queue a test
    /// reads again later, or one that is not an SNS subscriber (raw delivery, EventBridge).
    pub async fn take_exactly(
        &self,
        queue: &Queue,
        expected: usize,
        within: Duration,
    ) -> Vec<aws_sdk_sqs::types::Message> {
        let messages = self.receive_messages(queue, expected, within, true).await;
        let left = self.message_count(queue).await;
        assert_eq!(
            left, 0,
            "{}: {left} more messages after the {expected} expected",
            queue.url
        );
        messages
    }

    /// Polls until `expected` messages arrived (failing after `within`), deleting each when
    /// `delete` is set. Message attributes are requested too.
    async fn receive_messages(
        &self,
        queue: &Queue,
        expected: usize,
        within: Duration,
        delete: bool,
    ) -> Vec<aws_sdk_sqs::types::Message> {
        let deadline = Instant::now() + within;
        let mut messages = Vec::new();
        while messages.len() < expected {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "{}: received {} of {expected} messages within {within:?}",
                queue.url,
                messages.len()
            );
            // A short long-poll: it must end well inside the SDK's 5 s attempt timeout.
            let wait = i32::try_from(left.as_secs().clamp(1, 2)).expect("small");
            let output = self
                .sqs
                .receive_message()
                .queue_url(&queue.url)
                .max_number_of_messages(10)
                .message_attribute_names("All")
                .wait_time_seconds(wait)
                .send()
                .await
                .unwrap_or_else(|error| panic!("ReceiveMessage {}: {error:?}", queue.url));
            for message in output.messages.unwrap_or_default() {
                if delete {
                    let handle = message.receipt_handle().expect("a receipt handle");
                    self.sqs
                        .delete_message()
                        .queue_url(&queue.url)
                        .receipt_handle(handle)
                        .send()
                        .await
                        .unwrap_or_else(|error| panic!("DeleteMessage {}: {error:?}", queue.url));
                }
                messages.push(message);
            }
        }
        messages
    }

    /// Every message the queue holds, visible or received and not yet deleted.
    pub async fn message_count(&self, queue: &Queue) -> usize {
        use aws_sdk_sqs::types::QueueAttributeName as Name;
        let output = self
            .sqs
            .get_queue_attributes()
            .queue_url(&queue.url)
            .attribute_names(Name::ApproximateNumberOfMessages)
            .attribute_names(Name::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .unwrap_or_else(|error| panic!("GetQueueAttributes {}: {error:?}", queue.url));
        let attributes = output.attributes().expect("queue attributes");
        [
            Name::ApproximateNumberOfMessages,
            Name::ApproximateNumberOfMessagesNotVisible,
        ]
        .iter()
        .map(|name| {
            attributes
                .get(name)
                .and_then(|count| count.parse::<usize>().ok())
                .unwrap_or_else(|| panic!("{}: no numeric {name}", queue.url))
        })
        .sum()
    }
}
