//! The chat rendering: the Amazon Q Developer in chat applications custom notification
//! (schema version "1.0", `source: "custom"`), which it shows in Slack and Microsoft Teams.
//! Untrusted text is neutralised here, and every part is bounded, so the payload is always
//! valid JSON of the documented shape that fits what the chat clients display.
//!
//! Schema: <https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html>.

use serde::Serialize;
use serde_json::{Map, Value};

use super::neutralise::{neutralise, neutralise_block, neutralise_into};
use crate::message::{Line, Link, Message, NextStep, Section, Severity};
use crate::notification::{Channel, Notification, Subject};
use crate::text::single_line;

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

/// The custom notification, field for field as the documentation lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatNotification {
    pub version: &'static str,
    pub source: &'static str,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
    pub content: Content,
    pub metadata: Metadata,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    pub text_type: &'static str,
    pub title: String,
    pub description: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub next_steps: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    pub thread_id: String,
    pub summary: String,
    pub event_type: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_resources: Vec<String>,
    /// The SNS attributes (severity, ids): variables custom-action buttons can use.
    pub additional_context: Map<String, Value>,
}

/// Renders a message as the JSON published to the chat topic, with the same attributes as
/// the text rendering so a chat subscription can filter on them.
pub fn render(message: &Message) -> Notification {
    let payload = notification(message);
    // Serialising plain strings and maps cannot fail; the fallback is still valid JSON.
    let body = serde_json::to_string(&payload).unwrap_or_else(|_| {
        format!(
            "{{\"version\":\"{SCHEMA_VERSION}\",\"source\":\"{SOURCE}\",\"content\":{{\"description\":\"Notification could not be rendered.\"}}}}"
        )
    });
    Notification::new(
        Channel::CHAT,
        Subject::new(&message.headline),
        body,
        message.severity,
        message.published_attributes(),
    )
}

/// The custom notification for a message, every part neutralised and bounded.
pub fn notification(message: &Message) -> ChatNotification {
    let headline = neutralise(&message.headline);
    let title = cut(
        &format!("{} {headline}", severity_marker(message.severity)),
        MAX_TITLE_CHARS,
        "...",
    );
    let mut additional_context = Map::new();
    additional_context.insert(
        "severity".to_owned(),
        Value::String(message.severity.as_str().to_owned()),
    );
    for (name, value) in message.published_attributes().iter() {
        additional_context.insert(name.to_owned(), Value::String(neutralise(value)));
    }
    ChatNotification {
        version: SCHEMA_VERSION,
        source: SOURCE,
        id: cut(&single_line(&message.event_id), MAX_ID_CHARS, ""),
        content: Content {
            text_type: TEXT_TYPE,
            title,
            description: description(message),
            next_steps: message
                .next_steps
                .iter()
                .take(MAX_NEXT_STEPS)
                .map(|step| cut(&next_step(step), MAX_STEP_CHARS, "..."))
                .collect(),
            keywords: message
                .keywords
                .iter()
                .chain(std::iter::once(&message.severity.as_str().to_owned()))
                .map(|keyword| cut(&neutralise(keyword), MAX_KEYWORD_CHARS, ""))
                .filter(|keyword| !keyword.is_empty())
                .take(MAX_KEYWORDS)
                .collect(),
        },
        metadata: Metadata {
            thread_id: cut(&identifier(&thread_id(message)), MAX_ID_CHARS, ""),
            // Capped like the title: one line in a thread's list.
            summary: cut(&headline, MAX_TITLE_CHARS, "..."),
            event_type: event_type(&message.event_type),
            related_resources: message
                .related_resources
                .iter()
                .map(|arn| single_line(arn))
                .filter(|arn| is_arn(arn))
                .take(MAX_RELATED_RESOURCES)
                .collect(),
            additional_context,
        },
    }
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
    let words: Vec<String> = detail_type
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        return "Marketplace-Event".to_owned();
    }
    let joined = words.join("-");
    // ASCII only, so cutting bytes cuts characters.
    joined[..joined.len().min(MAX_EVENT_TYPE_CHARS)]
        .trim_end_matches('-')
        .to_owned()
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
    let links: Vec<&Link> = message
        .links
        .iter()
        .filter(|link| {
            !message
                .next_steps
                .iter()
                .any(|step| step.link.as_ref().is_some_and(|l| l.url == link.url))
        })
        .collect();
    if !links.is_empty() {
        text.push_str("\n\nLinks");
        for link in links {
            text.push_str("\n• ");
            write_link(&mut text, link);
        }
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
        neutralise_into(text, &section.title);
        separator = "\n";
    }
    for line in &section.lines {
        text.push_str(separator);
        separator = "\n";
        match line {
            Line::Field { label, value } => {
                neutralise_into(text, label);
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
                text.push_str(&safe_url(url));
            }
            Line::Detail(line) => {
                text.push_str("    ↳ ");
                neutralise_into(text, line);
            }
            Line::Verbatim(block) => {
                text.push_str("```\n");
                text.push_str(&neutralise_block(block));
                text.push_str("\n```");
            }
            Line::Prose(line) => {
                text.push('\n');
                neutralise_into(text, line);
            }
        }
    }
}

fn next_step(step: &NextStep) -> String {
    let mut text = neutralise(&step.text);
    if let Some(link) = &step.link {
        text.push_str(&format!(": {}", safe_url(&link.url)));
    }
    if let Some(command) = &step.command {
        text.push_str(&format!(" `{}`", neutralise(command)));
    }
    text
}

fn write_link(text: &mut String, link: &Link) {
    neutralise_into(text, &link.label);
    text.push_str(": ");
    text.push_str(&safe_url(&link.url));
}

/// Links come from the families' own constants; anything that is not a plain https URL is
/// shown inert instead of as a link.
fn safe_url(url: &str) -> String {
    let plain = url.starts_with("https://")
        && url.bytes().all(|b| {
            b.is_ascii_graphic()
                && !matches!(
                    b,
                    b'<' | b'>' | b'|' | b'[' | b']' | b'(' | b')' | b'`' | b'*' | b'_' | b'~'
                )
        });
    if plain {
        url.to_owned()
    } else {
        neutralise(url)
    }
}

/// A thread key as an identifier: printable ASCII without spaces.
/// The thread: the message's own key within the receiving account, so two accounts' events
/// about the same thing (or with the same kind of key) never share a thread.
fn thread_id(message: &Message) -> String {
    match message.attributes.get("account").filter(|a| !a.is_empty()) {
        Some(account) if !message.thread_key.starts_with(account) => {
            format!("{account}/{}", message.thread_key)
        }
        _ => message.thread_key.clone(),
    }
}

fn identifier(key: &str) -> String {
    let id: String = key
        .chars()
        .filter(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '`' | '|'))
        .collect();
    if id.is_empty() {
        "marketplace".to_owned()
    } else {
        id
    }
}

fn is_arn(value: &str) -> bool {
    value.starts_with("arn:") && value.len() <= 2_048 && value.chars().all(|c| c.is_ascii_graphic())
}

fn cut(text: &str, max_chars: usize, ellipsis: &str) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let keep = max_chars.saturating_sub(ellipsis.chars().count());
    let mut out: String = text.chars().take(keep).collect();
    out = out.trim_end().to_owned();
    out.push_str(ellipsis);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Attributes;

    fn message() -> Message {
        Message {
            headline: "Offer released: \"<!here>\" (offer-1)".into(),
            severity: Severity::Warning,
            summary: "You released [it](https://evil.example).".into(),
            sections: vec![Section::new("Offer").field("Name", "@channel")],
            next_steps: vec![NextStep::new("Run").with_command("aws x --id 'a`b'")],
            thread_key: "offer-1".into(),
            event_id: "e-1".into(),
            event_type: "Offer Released".into(),
            attributes: Attributes::new().with("detail_type", "Offer Released"),
            ..Message::default()
        }
    }

    #[test]
    fn renders_the_documented_shape() {
        let value = serde_json::to_value(notification(&message())).unwrap();
        assert_eq!(value["version"], "1.0");
        assert_eq!(value["source"], "custom");
        assert_eq!(value["id"], "e-1");
        assert_eq!(value["content"]["textType"], "client-markdown");
        assert_eq!(value["metadata"]["threadId"], "offer-1");
        assert_eq!(value["metadata"]["eventType"], "Offer-Released");
        assert_eq!(
            value["metadata"]["additionalContext"]["severity"],
            "warning"
        );
        let title = value["content"]["title"].as_str().unwrap();
        assert!(title.starts_with("⚠️ Offer released"), "{title}");
    }

    #[test]
    fn untrusted_text_is_inert() {
        let rendered = render(&message());
        let body = rendered.body();
        for markup in ["<!here>", "@channel", "](", "https://evil", "a`b"] {
            assert!(!body.contains(markup), "{markup} in {body}");
        }
        assert_eq!(rendered.attributes().get("severity"), Some("warning"));
    }

    #[test]
    fn event_types_are_letters_digits_and_hyphens() {
        assert_eq!(event_type("Change Set Failed"), "Change-Set-Failed");
        assert_eq!(event_type("OfferSet Released"), "OfferSet-Released");
        assert_eq!(event_type("<!here> ✨"), "here");
        assert_eq!(event_type(" "), "Marketplace-Event");
        let long = event_type(&"Abc ".repeat(100));
        assert_eq!(long.len(), 99, "{long}");
        assert!(long.ends_with("Abc"), "{long}");
    }

    #[test]
    fn long_descriptions_are_cut_with_a_note_and_closed_code_blocks() {
        let mut long = message();
        let mut detail = Section::new("Detail");
        detail.push(Line::Verbatim("x\n".repeat(5_000)));
        long.sections.push(detail);
        let payload = notification(&long);
        let description = &payload.content.description;
        assert!(description.chars().count() <= MAX_DESCRIPTION_CHARS);
        assert!(description.contains("characters left out"));
        assert_eq!(description.matches("```").count() % 2, 0);
    }
}
