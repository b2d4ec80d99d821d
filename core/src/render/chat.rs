//! The chat rendering: the Amazon Q Developer in chat applications custom notification
//! (schema version "1.0", `source: "custom"`), which it shows in Slack and Microsoft Teams.
//! Untrusted text is neutralised here, and every part is bounded, so the payload is always
//! valid JSON of the documented shape that fits what the chat clients display.
//!
//! Schema: <https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html>.

use super::Shared;
use super::json_text::{EscapedTwice, close_neutralised, close_string, cut_from, push_escaped};
pub use super::markdown::MAX_DESCRIPTION_CHARS;
use super::markdown::{JsonEscaped, description, write_description, write_next_step};
use super::neutralise::{neutralise_into, neutralise_json_into, neutralise_shown_into};
use crate::message::{Attributes, Message, Severity};
use crate::notification::{Channel, Notification};
use crate::text::single_line_into;

/// The custom-notification schema version Q Developer accepts ("Must be 1.0").
pub const SCHEMA_VERSION: &str = "1.0";
/// Custom notifications say they are custom ("Must be custom").
pub const SOURCE: &str = "custom";
/// The only text type Q Developer supports: rendered in the chat client's own markdown.
pub const TEXT_TYPE: &str = "client-markdown";

/// A title longer than this is cut with "...": one line in a chat message header.
pub const MAX_TITLE_CHARS: usize = 150;
/// Next steps shown, each cut to [`MAX_STEP_CHARS`].
pub const MAX_NEXT_STEPS: usize = 5;
pub const MAX_STEP_CHARS: usize = 500;
/// Keywords shown as tags under the message, each cut to [`MAX_KEYWORD_CHARS`].
pub const MAX_KEYWORDS: usize = 10;
pub const MAX_KEYWORD_CHARS: usize = 50;
/// Related resources listed; a thread id and the event type are short identifiers.
pub const MAX_RELATED_RESOURCES: usize = 20;
pub const MAX_ID_CHARS: usize = 256;
/// A custom action's button targets notifications by type: 1 to 100 letters, digits and
/// hyphens (Chatbot API reference, `CustomActionAttachment.NotificationType`).
pub const MAX_EVENT_TYPE_CHARS: usize = 100;

/// Renders a message as the JSON published to the chat topic, with the same attributes as
/// the text rendering so a chat subscription can filter on them.
pub fn render(message: &Message) -> Notification {
    render_shared(message, &Shared::of(message))
}

/// [`render`] with the subject the message's other renderings share.
pub fn render_shared(message: &Message, shared: &Shared) -> Notification {
    let attributes = message.published_attributes();
    // Every part of the payload is neutralised, made one line or the program's own wording,
    // and JSON escapes every control character: it is clean as built.
    let body = payload(message, &attributes);
    Notification::of_clean_body(
        Channel::CHAT,
        shared.subject.clone(),
        body,
        message.severity,
        attributes,
    )
}

/// The custom notification as JSON text, every part neutralised and bounded: `version`,
/// `source`, `id`, `content` (`textType`, `title`, `description`, `nextSteps`, `keywords`)
/// and `metadata` (`threadId`, `summary`, `eventType`, `relatedResources`,
/// `additionalContext`: the published `attributes` with the severity, by name), in that
/// order, empty lists and an empty id left out.
///
/// Written straight into one buffer: each value is neutralised and cut where it is
/// written, and escaped by JSON's rules only when it holds something to escape, instead of
/// building a document of owned strings and serialising it.
pub fn payload(message: &Message, attributes: &Attributes) -> String {
    let mut json = String::with_capacity(MAX_DESCRIPTION_CHARS + 1_024);
    json.push_str("{\"version\":\"");
    json.push_str(SCHEMA_VERSION);
    json.push_str("\",\"source\":\"");
    json.push_str(SOURCE);
    json.push('"');

    let mark = json.len();
    json.push_str(",\"id\":\"");
    let start = json.len();
    single_line_into(&mut json, &message.event_id);
    cut_from(&mut json, start, MAX_ID_CHARS, "");
    if json.len() == start {
        json.truncate(mark);
    } else {
        close_string(&mut json, start);
    }

    json.push_str(",\"content\":{\"textType\":\"");
    json.push_str(TEXT_TYPE);
    json.push_str("\",\"title\":\"");
    let marker = severity_marker(message.severity);
    json.push_str(marker);
    json.push(' ');
    // The neutralised headline is also the summary, below: made once, then cut for each
    // as it is written. It starts with no space, so cutting the title's headline to what
    // the marker and its space leave cuts the whole title where the limit would.
    let mut headline = String::with_capacity(message.headline.len().min(2 * MAX_TITLE_CHARS));
    neutralise_shown_into(&mut headline, &message.headline, MAX_TITLE_CHARS);
    let after_marker = MAX_TITLE_CHARS - marker.chars().count() - 1;
    let headline = EscapedTwice::new(&headline, after_marker, MAX_TITLE_CHARS, "...");
    headline.push_short(&mut json);
    json.push('"');

    json.push_str(",\"description\":\"");
    let start = json.len();
    write_description(&mut JsonEscaped(&mut json), message);
    // Escaped text has no fewer bytes than characters unescaped: a description within the
    // limit in escaped bytes needs no cut, and is written once. A longer one is written
    // again plainly, to be cut where its characters say.
    if json.len() - start > MAX_DESCRIPTION_CHARS {
        json.truncate(start);
        push_escaped(&mut json, &description(message));
    }
    json.push('"');

    let mut separator = ",\"nextSteps\":[\"";
    for step in message.next_steps.iter().take(MAX_NEXT_STEPS) {
        json.push_str(separator);
        separator = ",\"";
        let start = json.len();
        write_next_step(&mut json, step);
        cut_from(&mut json, start, MAX_STEP_CHARS, "...");
        close_string(&mut json, start);
    }
    if separator.len() == 2 {
        json.push(']');
    }

    let severity = message.severity.as_str();
    let mut separator = ",\"keywords\":[\"";
    let mut shown = 0;
    for keyword in message
        .keywords
        .iter()
        .map(String::as_str)
        .chain([severity])
    {
        if shown == MAX_KEYWORDS {
            break;
        }
        let mark = json.len();
        json.push_str(separator);
        let start = json.len();
        let json_escapes = neutralise_into(&mut json, keyword);
        cut_from(&mut json, start, MAX_KEYWORD_CHARS, "");
        // A keyword with nothing left to show is no tag at all.
        if json.len() == start {
            json.truncate(mark);
            continue;
        }
        close_neutralised(&mut json, start, json_escapes);
        separator = ",\"";
        shown += 1;
    }
    if shown > 0 {
        json.push(']');
    }

    json.push_str("},\"metadata\":{\"threadId\":\"");
    let start = json.len();
    write_thread_id(&mut json, message);
    cut_from(&mut json, start, MAX_ID_CHARS, "");
    close_string(&mut json, start);

    // Capped like the title: one line in a thread's list.
    json.push_str(",\"summary\":\"");
    headline.push_long(&mut json);
    json.push('"');

    json.push_str(",\"eventType\":\"");
    write_event_type(&mut json, &message.event_type);
    json.push('"');

    let mut separator = ",\"relatedResources\":[\"";
    let mut listed = 0;
    for arn in &message.related_resources {
        if listed == MAX_RELATED_RESOURCES {
            break;
        }
        let mark = json.len();
        json.push_str(separator);
        let start = json.len();
        single_line_into(&mut json, arn);
        if !is_arn(&json[start..]) {
            json.truncate(mark);
            continue;
        }
        close_string(&mut json, start);
        separator = ",\"";
        listed += 1;
    }
    if listed > 0 {
        json.push(']');
    }

    // The attributes custom-action buttons can use, by name (sorted, as a JSON object's
    // keys are compared): the severity, then the published attributes, a later value
    // replacing an earlier one of the same name.
    json.push_str(",\"additionalContext\":{");
    let mut context: Vec<(&str, &str)> = Vec::with_capacity(attributes.len() + 1);
    context.push(("severity", severity));
    context.extend(attributes.iter());
    // Stable: of two values under one name, the later stays the later.
    context.sort_by(|a, b| a.0.cmp(b.0));
    let mut separator = "\"";
    for (index, (name, value)) in context.iter().enumerate() {
        if context.get(index + 1).is_some_and(|next| next.0 == *name) {
            continue;
        }
        json.push_str(separator);
        separator = ",\"";
        push_escaped(&mut json, name);
        json.push_str("\":\"");
        neutralise_json_into(&mut json, value);
        json.push('"');
    }
    json.push_str("}}}");
    json
}

/// A glyph both Slack and Teams show, so the channel can be scanned by urgency.
pub const fn severity_marker(severity: Severity) -> &'static str {
    match severity {
        Severity::Info => "ℹ️",
        Severity::Warning => "⚠️",
        Severity::Error => "❌",
        Severity::Critical => "🚨",
    }
}

/// The detail type as an event type custom actions can match: letters, digits and
/// hyphens only ("Change Set Failed" → "Change-Set-Failed").
pub fn event_type(detail_type: &str) -> String {
    let mut out = String::with_capacity(detail_type.len().min(MAX_EVENT_TYPE_CHARS));
    write_event_type(&mut out, detail_type);
    out
}

/// [`event_type`], appended to `out`: the words joined by hyphens as they are found, up
/// to the length limit.
fn write_event_type(out: &mut String, detail_type: &str) {
    let start = out.len();
    let words = detail_type
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty());
    for word in words {
        if out.len() > start {
            out.push('-');
        }
        out.push_str(word);
        if out.len() - start >= MAX_EVENT_TYPE_CHARS {
            break;
        }
    }
    if out.len() == start {
        out.push_str("Marketplace-Event");
        return;
    }
    // ASCII only, so cutting bytes cuts characters.
    out.truncate(start + MAX_EVENT_TYPE_CHARS.min(out.len() - start));
    while out.len() > start && out.ends_with('-') {
        out.pop();
    }
}

/// The thread as an identifier (printable ASCII without spaces), or "marketplace" when
/// nothing of it is left: the message's own key within the receiving account, so two
/// accounts' events about the same thing (or with the same kind of key) never share a
/// thread.
fn write_thread_id(out: &mut String, message: &Message) {
    let start = out.len();
    let key = message.thread_key.as_str();
    if let Some(account) = message.attributes.get("account").filter(|a| !a.is_empty())
        && !key.starts_with(account)
    {
        push_identifier(out, account);
        out.push('/');
    }
    push_identifier(out, key);
    if out.len() == start {
        out.push_str("marketplace");
    }
}

fn push_identifier(out: &mut String, key: &str) {
    out.extend(
        key.chars()
            .filter(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '`' | '|')),
    );
}

fn is_arn(value: &str) -> bool {
    value.starts_with("arn:") && value.len() <= 2_048 && value.chars().all(|c| c.is_ascii_graphic())
}

#[cfg(test)]
#[path = "chat_tests.rs"]
mod tests;
