//! The chat rendering: the Amazon Q Developer in chat applications custom notification
//! (schema version "1.0", `source: "custom"`), which it shows in Slack and Microsoft Teams.
//! Untrusted text is neutralised here, and every part is bounded, so the payload is always
//! valid JSON of the documented shape that fits what the chat clients display.
//!
//! Schema: <https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html>.

use std::borrow::Cow;

use super::json_text::{close_string, cut_from, push_escaped};
use super::neutralise::{
    neutralise, neutralise_block_into, neutralise_into, neutralise_shown_into,
};
use crate::message::{Attributes, Line, Link, Message, NextStep, Section, Severity, Text};
use crate::notification::{Channel, Notification, Subject};
use crate::text::single_line_into;

/// The custom-notification schema version Q Developer accepts ("Must be 1.0").
pub const SCHEMA_VERSION: &str = "1.0";
/// Custom notifications say they are custom ("Must be custom").
pub const SOURCE: &str = "custom";
/// The only text type Q Developer supports: rendered in the chat client's own markdown.
pub const TEXT_TYPE: &str = "client-markdown";

/// The description is cut to this many characters. Slack shows at most 3,000 characters of
/// text in one section block (Block Kit reference, "Section block": `text` maximum 3000
/// characters); Microsoft Teams accepts far more, so Slack's bound is the one to keep.
pub const MAX_DESCRIPTION_CHARS: usize = 3_000;
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
    let attributes = message.published_attributes();
    // Every part of the payload is neutralised, made one line or the program's own wording,
    // and JSON escapes every control character: it is clean as built.
    let body = payload(message, &attributes);
    Notification::of_clean_body(
        Channel::CHAT,
        Subject::new(&message.headline),
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
    let description = description(message);
    let mut json = String::with_capacity(description.len() + 1_024);
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
    let start = json.len();
    json.push_str(severity_marker(message.severity));
    json.push(' ');
    let headline_at = json.len();
    neutralise_shown_into(&mut json, &message.headline, MAX_TITLE_CHARS);
    // The neutralised headline is also the summary, below.
    let headline = json[headline_at..].to_owned();
    cut_from(&mut json, start, MAX_TITLE_CHARS, "...");
    close_string(&mut json, start);

    json.push_str(",\"description\":\"");
    push_escaped(&mut json, &description);
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
        neutralise_into(&mut json, keyword);
        cut_from(&mut json, start, MAX_KEYWORD_CHARS, "");
        // A keyword with nothing left to show is no tag at all.
        if json.len() == start {
            json.truncate(mark);
            continue;
        }
        close_string(&mut json, start);
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
    let start = json.len();
    json.push_str(&headline);
    cut_from(&mut json, start, MAX_TITLE_CHARS, "...");
    close_string(&mut json, start);

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
        let start = json.len();
        neutralise_into(&mut json, value);
        close_string(&mut json, start);
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

/// The markdown body: summary, whether action is required, the fact sections and links,
/// written into one string.
fn description(message: &Message) -> String {
    let mut text = String::with_capacity(MAX_DESCRIPTION_CHARS);
    neutralise_into(&mut text, &message.summary);
    // No emphasis anywhere: `*x*` is bold in Slack and italic in Teams under
    // client-markdown, so labels and titles are plain words.
    text.push_str("\n\nAction required: ");
    text.push_str(message.action_required_word());
    for (index, section) in message.sections.iter().enumerate() {
        text.push_str("\n\n");
        if index + 1 == message.sections.len() && section.title == EVENT_SECTION {
            write_event_line(&mut text, section);
        } else {
            write_section(&mut text, section);
        }
    }
    // A link a next step already shows is not listed again.
    let mut links = message.links.iter().filter(|link| {
        !message
            .next_steps
            .iter()
            .any(|step| step.link.as_ref().is_some_and(|l| l.url == link.url))
    });
    if let Some(first) = links.next() {
        text.push_str("\n\nLinks");
        for link in std::iter::once(first).chain(links) {
            text.push_str("\n• ");
            write_link(&mut text, link);
        }
    }
    // No text has more characters than bytes: most descriptions are not counted at all.
    if text.len() <= MAX_DESCRIPTION_CHARS {
        return text;
    }
    let total = text.chars().count();
    if total <= MAX_DESCRIPTION_CHARS {
        return text;
    }
    let note = |omitted: usize| {
        format!(
            "\n\n_… cut here: {omitted} of {total} characters left out to fit the chat message; the e-mail notification has everything._"
        )
    };
    // Room for the note (its numbers are at most `total`) and a code block's closing fence.
    let keep = MAX_DESCRIPTION_CHARS.saturating_sub(note(total).chars().count() + 4);
    let mut kept: String = text.chars().take(keep).collect();
    // An unclosed code block would swallow the note; close it.
    if kept.matches("```").count() % 2 == 1 {
        kept.push_str("\n```");
    }
    kept.push_str(&note(total - keep));
    kept
}

/// The title of the closing section every family builds from the envelope.
const EVENT_SECTION: &str = "Event";

/// The closing "Event" section as one line, event id and time: in chat it only traces the
/// message back to its event (the e-mail keeps the whole section).
fn write_event_line(text: &mut String, section: &Section) {
    let value = |wanted: &str| {
        section.lines.iter().find_map(|line| match line {
            Line::Field { label, value } if label == wanted => Some(value.as_str()),
            _ => None,
        })
    };
    text.push_str("Event");
    if let Some(id) = value("Event ID") {
        text.push(' ');
        neutralise_into(text, id);
    }
    if let Some(time) = value("Time") {
        text.push_str(", ");
        neutralise_into(text, time);
    }
}

/// One section: its title in bold, then one line per fact.
fn write_section(text: &mut String, section: &Section) {
    let mut separator = "";
    if !section.title.is_empty() {
        write_wording(text, &section.title);
        separator = "\n";
    }
    for line in &section.lines {
        text.push_str(separator);
        separator = "\n";
        match line {
            Line::Field { label, value } => {
                write_wording(text, label);
                text.push_str(": ");
                neutralise_into(text, value);
            }
            Line::Bullet(line) => {
                text.push_str("• ");
                neutralise_into(text, line);
            }
            Line::LinkedBullet { text: line, url } => {
                text.push_str("• ");
                neutralise_into(text, line);
                text.push_str(": ");
                write_safe_url(text, url);
            }
            Line::Detail(line) => {
                text.push_str("    ↳ ");
                neutralise_into(text, line);
            }
            Line::Verbatim(block) => {
                text.push_str("```\n");
                neutralise_block_into(text, block);
                text.push_str("\n```");
            }
            Line::Prose(line) => {
                text.push('\n');
                neutralise_into(text, line);
            }
        }
    }
}

/// A next step as one line: its words, its link and the command to copy, in code.
fn write_next_step(text: &mut String, step: &NextStep) {
    write_wording(text, &step.text);
    if let Some(link) = &step.link {
        text.push_str(": ");
        write_safe_url(text, &link.url);
    }
    if let Some(command) = &step.command {
        text.push_str(" `");
        neutralise_into(text, command);
        text.push('`');
    }
}

fn write_link(text: &mut String, link: &Link) {
    write_wording(text, &link.label);
    text.push_str(": ");
    write_safe_url(text, &link.url);
}

/// Wording the program itself holds (labels, titles, fixed next steps) is inert in chat as
/// it stands and is copied; wording composed for the event may carry what someone else
/// wrote and is neutralised.
fn write_wording(text: &mut String, wording: &Text) {
    match wording {
        Cow::Borrowed(fixed) => {
            debug_assert_eq!(neutralise(fixed), *fixed, "fixed wording is inert in chat");
            text.push_str(fixed);
        }
        Cow::Owned(composed) => neutralise_into(text, composed),
    }
}

/// Links come from the families' own constants; anything that is not a plain https URL is
/// shown inert instead of as a link.
fn write_safe_url(text: &mut String, url: &str) {
    let plain = url.starts_with("https://")
        && url.bytes().all(|b| {
            b.is_ascii_graphic()
                && !matches!(
                    b,
                    b'<' | b'>' | b'|' | b'[' | b']' | b'(' | b')' | b'`' | b'*' | b'_' | b'~'
                )
        });
    if plain {
        text.push_str(url);
    } else {
        neutralise_into(text, url);
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
