//! EventBridge on the local moto server: rules with an SQS queue as their target (moto
//! cannot deliver to Lambda or SNS targets), and putting a sample event on a bus the way an
//! AWS service emits it.

use aws_config::SdkConfig;
use aws_sdk_eventbridge::primitives::DateTime;
use aws_sdk_eventbridge::types::{PutEventsRequestEntry, RuleState, Target};
use serde_json::Value;

use super::moto::Queue;

/// EventBridge refuses a `PutEvents` entry larger than this (see [`entry_size`]).
pub const MAX_ENTRY_BYTES: usize = 256 * 1024;

/// The size EventBridge counts for a `PutEvents` entry built from `event`: 14 bytes for the
/// time, plus the UTF-8 bytes of the source, detail type, detail (as JSON text) and each
/// resource ARN.
pub fn entry_size(event: &Value) -> usize {
    let text = |name: &str| event[name].as_str().map_or(0, str::len);
    let resources: usize = event["resources"]
        .as_array()
        .map(|arns| arns.iter().filter_map(Value::as_str).map(str::len).sum())
        .unwrap_or_default();
    let time = if event["time"].is_string() { 14 } else { 0 };
    time + text("source") + text("detail-type") + detail_json(event).len() + resources
}

fn detail_json(event: &Value) -> String {
    serde_json::to_string(&event["detail"]).expect("JSON serialises")
}

/// An EventBridge client on moto.
pub struct EventBus {
    pub client: aws_sdk_eventbridge::Client,
}

impl EventBus {
    /// A client with the same endpoint, region and credentials as `config` (moto's).
    pub fn new(config: &SdkConfig) -> Self {
        Self {
            client: aws_sdk_eventbridge::Client::new(config),
        }
    }

    /// Creates rule `name` on `bus` (the default bus when `None`) with `pattern`, in `state`,
    /// and `queue` as its only target, receiving the whole event (no input transformer).
    pub async fn rule_to_queue(
        &self,
        name: &str,
        bus: Option<&str>,
        state: &str,
        pattern: &Value,
        queue: &Queue,
    ) {
        if let Some(bus) = bus.filter(|bus| *bus != "default") {
            // A custom bus must exist first; an existing one is fine.
            let _ = self.client.create_event_bus().name(bus).send().await;
        }
        self.client
            .put_rule()
            .name(name)
            .set_event_bus_name(bus.map(str::to_owned))
            .event_pattern(pattern.to_string())
            .state(RuleState::from(state))
            .send()
            .await
            .unwrap_or_else(|error| panic!("PutRule {name} {pattern}: {error:?}"));
        let target = Target::builder()
            .id("queue")
            .arn(&queue.arn)
            .build()
            .expect("a target with an id and an ARN");
        let output = self
            .client
            .put_targets()
            .rule(name)
            .set_event_bus_name(bus.map(str::to_owned))
            .targets(target)
            .send()
            .await
            .unwrap_or_else(|error| panic!("PutTargets {name}: {error:?}"));
        assert_eq!(
            output.failed_entry_count(),
            0,
            "PutTargets {name}: {:?}",
            output.failed_entries()
        );
    }

    /// Puts `event` on the default bus as the AWS service that emits it would: its source,
    /// detail type, detail, resources and time. EventBridge assigns the id, account and
    /// region; returns the id.
    pub async fn put(&self, event: &Value) -> String {
        let text = |name: &str| {
            event[name]
                .as_str()
                .unwrap_or_else(|| panic!("the event has no string {name}: {event}"))
                .to_owned()
        };
        let resources = event["resources"]
            .as_array()
            .map(|arns| {
                arns.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let time = chrono::DateTime::parse_from_rfc3339(&text("time"))
            .unwrap_or_else(|error| panic!("the event's time is not RFC 3339: {error}"));
        let time = DateTime::from_secs_and_nanos(time.timestamp(), time.timestamp_subsec_nanos());
        let entry = PutEventsRequestEntry::builder()
            .source(text("source"))
            .detail_type(text("detail-type"))
            .detail(detail_json(event))
            .set_resources(Some(resources))
            .time(time)
            .build();
        let output = self
            .client
            .put_events()
            .entries(entry)
            .send()
            .await
            .unwrap_or_else(|error| panic!("PutEvents: {error:?}"));
        assert_eq!(
            output.failed_entry_count(),
            0,
            "PutEvents: {:?}",
            output.entries()
        );
        output
            .entries()
            .first()
            .and_then(|entry| entry.event_id())
            .expect("PutEvents returns the event id")
            .to_owned()
    }
}
