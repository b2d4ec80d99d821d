//! Formats a Marketplace Catalog event whose detail type has no dedicated formatter (AWS adds
//! types over time): the type, time, resources and the whole detail, pretty-printed.

use serde_json::Value;

use super::{Body, base_attributes, event_section, subject};
use crate::event::Envelope;
use crate::notification::{Notification, Severity};
use crate::text::single_line;

pub fn unrecognised(detail: &Value, envelope: &Envelope) -> Notification {
    let severity = Severity::Info;
    let detail_type = single_line(&envelope.detail_type);
    // Serialising a `Value` cannot fail; the compact form is a fallback that never shows.
    let pretty = serde_json::to_string_pretty(detail).unwrap_or_else(|_| detail.to_string());

    let mut body = Body::new();
    body.paragraph(format!(
        "AWS Marketplace sent a catalog event of type \"{detail_type}\", which has no dedicated format yet. Its full detail follows."
    ));
    event_section(&mut body, envelope, None, None);
    body.section("Detail").raw(&pretty);

    Notification::new(
        subject(
            severity,
            &format!("Marketplace catalog event: {detail_type}"),
        ),
        &body.finish(),
        severity,
        base_attributes(envelope).with("source", &envelope.source),
    )
}
