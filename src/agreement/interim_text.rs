//! A stop-gap plain-text rendering of a [`Message`] as today's [`Notification`], so agreement
//! events publish before the shared renderers exist. Everything lives in one function:
//! once `render::text` renders Messages, this file is deleted and its caller switched over.

use crate::handlers::{Body, subject};
use crate::message::{Line, Message};
use crate::notification::Notification;

/// Lays a Message out the way the catalog notifications read: summary, action line, next
/// steps, sections, links.
pub fn message_to_notification(message: &Message) -> Notification {
    let mut body = Body::new();
    body.paragraph(&message.summary);
    body.paragraph(format!(
        "Action required: {}",
        if message.action_required { "yes" } else { "no" }
    ));
    if !message.next_steps.is_empty() {
        body.section("Next steps");
        for step in &message.next_steps {
            body.bullet(&step.text);
            if let Some(command) = &step.command {
                body.indented(command);
            }
            if let Some(link) = &step.link {
                body.indented(format_args!("{}: {}", link.label, link.url));
            }
        }
    }
    for section in &message.sections {
        body.section(&section.title);
        for line in &section.lines {
            match line {
                Line::Field { label, value } => body.field(label, value),
                Line::Bullet(text) => body.bullet(text),
                Line::Detail(text) => body.indented(text),
                Line::Verbatim(text) => body.raw(text),
            };
        }
    }
    if !message.links.is_empty() {
        body.section("Links");
        for link in &message.links {
            body.field(&link.label, &link.url);
        }
    }
    Notification::new(
        subject(message.severity, &message.headline),
        &body.finish(),
        message.severity,
        message.attributes.clone(),
    )
}
