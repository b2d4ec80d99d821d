//! The extension points, used from outside the crate exactly as docs/development.md says: a
//! family (its own source, one detail type, its own topic) declared in one place, and a
//! renderer (a third channel) declared in one place, registered on a notifier and published
//! to moto's SNS, then read back from the SQS queues subscribed to each topic.

use marketplace_catalog_notifier::aws::SnsPublisher;
use marketplace_catalog_notifier::channel::{ChannelRoute, Destination};
use marketplace_catalog_notifier::event::{DetailJson, Envelope, FieldError, typed};
use marketplace_catalog_notifier::families::common::base_message;
use marketplace_catalog_notifier::family::{Detail, DetailType, Family, Otherwise, boxed};
use marketplace_catalog_notifier::lookup::Found;
use marketplace_catalog_notifier::message::{Message, Severity};
use marketplace_catalog_notifier::notification::{BodyFormat, Channel, Notification, Subject};
use marketplace_catalog_notifier::registry::Registry;
use marketplace_catalog_notifier::render::Renderer;
use marketplace_catalog_notifier::topic::{TopicKind, TopicSpec, WhenUnset};
use marketplace_catalog_notifier::{Notifier, Outcome};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::support::WAIT;
use crate::support::moto::Moto;

// ---- the test-only family, in one place -------------------------------------------------

const SOURCE: &str = "test.widgets";
const WIDGET_SHIPPED: &str = "Widget Shipped";

static WIDGETS_TOPIC: TopicSpec = TopicSpec {
    name: "widgets",
    variable: "WIDGETS_TOPIC_ARN",
    when_unset: WhenUnset::Skip(
        "widget events are not published because WIDGETS_TOPIC_ARN is not set",
    ),
    carries: "Widget Shipped",
    title: "Widgets",
};

static WIDGETS: Family = Family {
    name: "widgets",
    source: SOURCE,
    detail_types: &[DetailType {
        name: WIDGET_SHIPPED,
        topic: TopicKind::new(&WIDGETS_TOPIC),
        parse: parse_shipped,
    }],
    otherwise: Otherwise {
        topic: TopicKind::new(&WIDGETS_TOPIC),
        parse: parse_shipped,
    },
};

#[derive(Debug, Clone, Deserialize)]
struct Shipped {
    widget: String,
}

fn parse_shipped(_: &str, detail: &DetailJson) -> Result<Box<dyn Detail>, FieldError> {
    typed::<Shipped>(detail).map(boxed)
}

impl Detail for Shipped {
    fn compose(&self, envelope: &Envelope, _: &Found) -> Message {
        let mut message = base_message(envelope, Severity::Warning);
        message.headline = format!("Widget {} shipped", self.widget);
        message.summary = format!("Widget {} left the warehouse.", self.widget);
        message.thread_key = self.widget.clone();
        message
    }
}

// ---- the test-only renderer, in one place -----------------------------------------------

const WEBHOOK: Channel = Channel {
    name: "webhook",
    body: BodyFormat::Json,
};

struct WebhookRenderer;

impl Renderer for WebhookRenderer {
    fn channel(&self) -> Channel {
        WEBHOOK
    }

    fn render(&self, message: &Message) -> Notification {
        let body = json!({"title": message.headline, "severity": message.severity.as_str()});
        Notification::new(
            WEBHOOK,
            Subject::new(&message.headline),
            body.to_string(),
            message.severity,
            message.published_attributes(),
        )
    }
}

// ---- the proof ---------------------------------------------------------------------------

fn shipped_event(id: &str) -> Value {
    json!({
        "version": "0", "id": id, "detail-type": WIDGET_SHIPPED, "source": SOURCE,
        "account": "123456789012", "time": "2026-12-01T00:00:00Z", "region": "us-east-1",
        "resources": [], "detail": {"widget": "w-42"}
    })
}

#[tokio::test]
async fn a_family_and_a_renderer_added_from_outside_are_routed_composed_rendered_and_published() {
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let (widgets_topic, widgets_queue) = moto.topic_with_queue("widgets").await;
    let (webhook_topic, webhook_queue) = moto.topic_with_queue("webhook").await;
    let widgets = TopicKind::new(&WIDGETS_TOPIC);
    let notifier = Notifier::new(
        families.topics.clone().with(widgets, widgets_topic.clone()),
        SnsPublisher::from_sdk_config(&moto.config),
    )
    .with_registry(Registry::standard().with_family(&WIDGETS))
    .with_channel(ChannelRoute::new(
        WebhookRenderer,
        Destination::Topic(webhook_topic.clone()),
    ));

    let outcome = notifier
        .handle(shipped_event("w-event-1"))
        .await
        .expect("the widget event is published");

    let text = outcome.delivery("text").expect("a text delivery");
    let webhook = outcome.delivery("webhook").expect("a webhook delivery");
    assert_eq!(text.topic_arn, widgets_topic.as_str());
    assert_eq!(webhook.topic_arn, webhook_topic.as_str());
    let reply = serde_json::to_value(&outcome).expect("an outcome serialises");
    assert_eq!(reply["status"], "published");
    assert_eq!(reply["topicArn"], widgets_topic.as_str());
    assert_eq!(reply["webhook"]["topicArn"], webhook_topic.as_str());

    let on_family_topic = moto.receive_exactly(&widgets_queue, 1, WAIT).await;
    let delivered = &on_family_topic[0];
    assert_eq!(
        delivered.subject.as_deref(),
        Some("[WARNING] Widget w-42 shipped")
    );
    assert!(
        delivered
            .message
            .contains("Widget w-42 left the warehouse."),
        "{}",
        delivered.message
    );
    assert_eq!(delivered.attribute("detail_type"), Some(WIDGET_SHIPPED));
    assert_eq!(delivered.attribute("severity"), Some("warning"));

    let on_webhook_topic = moto.receive_exactly(&webhook_queue, 1, WAIT).await;
    let body: Value =
        serde_json::from_str(&on_webhook_topic[0].message).expect("the webhook body is JSON");
    assert_eq!(
        body,
        json!({"title": "Widget w-42 shipped", "severity": "warning"})
    );

    // The standard families are still routed, and no standard topic saw the widget.
    for kind in families.kinds() {
        assert_eq!(
            moto.message_count(families.queue(kind)).await,
            0,
            "{kind:?}"
        );
    }
}

#[tokio::test]
async fn the_added_familys_topic_left_unset_skips_with_its_own_reason() {
    let moto = Moto::connect().await;
    let families = moto.families(true).await;
    let notifier = Notifier::new(
        families.topics.clone(),
        SnsPublisher::from_sdk_config(&moto.config),
    )
    .with_registry(Registry::standard().with_family(&WIDGETS));

    let outcome = notifier
        .handle(shipped_event("w-event-2"))
        .await
        .expect("skipped, not failed");
    let Outcome::Skipped { reason, .. } = outcome else {
        panic!("expected a skip, got {outcome:?}")
    };
    assert!(reason.contains("WIDGETS_TOPIC_ARN"), "{reason}");
    // Without the family, its source is not handled at all.
    let standard = Notifier::new(
        families.topics.clone(),
        SnsPublisher::from_sdk_config(&moto.config),
    );
    let error = standard
        .handle(shipped_event("w-event-3"))
        .await
        .expect_err("an unknown source is refused");
    assert_eq!(error.error_type(), "UnsupportedSource");
}
