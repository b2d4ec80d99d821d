//! The chat rendering: the Amazon Q Developer in chat applications custom notification
//! (schema version "1.0", `source: "custom"`), which it shows in Slack and Microsoft Teams.
//! Untrusted text is neutralised here, and every part is bounded, so the payload is always
//! valid JSON of the documented shape that fits what the chat clients display.
//!
//! Schema: <https://docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html>.

use super::neutralise::{neutralise_block_into, neutralise_into};
use crate::message::{Attributes, Line, Link, Message, NextStep, Section, Severity};
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
    let body = payload(message, &attributes);
    Notification::new(
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
    neutralise_into(&mut json, &message.headline);
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
    neutralise_into(text, &step.text);
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
    neutralise_into(text, &link.label);
    text.push_str(": ");
    write_safe_url(text, &link.url);
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

/// Cuts what was written to `out` since `start` to `max_chars` characters, the last of
/// them `ellipsis`, and trims the spaces the cut leaves before it. Text that fits stays
/// as it is.
fn cut_from(out: &mut String, start: usize, max_chars: usize, ellipsis: &str) {
    let written = &out[start..];
    // No more bytes than the limit is no more characters either.
    if written.len() <= max_chars || written.chars().count() <= max_chars {
        return;
    }
    let keep = max_chars.saturating_sub(ellipsis.chars().count());
    let end = written
        .char_indices()
        .nth(keep)
        .map_or(written.len(), |(at, _)| at);
    let end = start + written[..end].trim_end().len();
    out.truncate(end);
    out.push_str(ellipsis);
}

/// Ends a JSON string whose text was written to `out` from `start`: escapes that text
/// where it needs it (rarely: neutralised text has no control characters), then adds the
/// closing quote.
fn close_string(out: &mut String, start: usize) {
    if out.as_bytes()[start..].iter().any(|&b| needs_escape(b)) {
        let text = out.split_off(start);
        push_escaped(out, &text);
    }
    out.push('"');
}

fn needs_escape(byte: u8) -> bool {
    byte < 0x20 || byte == b'"' || byte == b'\\'
}

/// Appends `text` as the inside of a JSON string, escaped as serde_json escapes it:
/// quotation mark, reverse solidus, the short forms of backspace, form feed, line feed,
/// carriage return and tab, `\u00XX` for the other control characters, everything else
/// as it is. Bytes are looked at one by one: every byte escaped is ASCII, and no byte of a
/// multi-byte character is.
fn push_escaped(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut plain_from = 0;
    for (at, &byte) in text.as_bytes().iter().enumerate() {
        if !needs_escape(byte) {
            continue;
        }
        out.push_str(&text[plain_from..at]);
        plain_from = at + 1;
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xf)]));
            }
        }
    }
    out.push_str(&text[plain_from..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Attributes;
    use proptest::prelude::*;
    use serde_json::Value;

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

    fn rendered(message: &Message) -> Value {
        serde_json::from_str(render(message).body()).unwrap()
    }

    #[test]
    fn renders_the_documented_shape() {
        let value = rendered(&message());
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
        let value = rendered(&long);
        let description = value["content"]["description"].as_str().unwrap();
        assert!(description.chars().count() <= MAX_DESCRIPTION_CHARS);
        assert!(description.contains("characters left out"));
        assert_eq!(description.matches("```").count() % 2, 0);
    }

    /// The payload as a serde document of owned strings, serialised by serde_json: the
    /// shape the direct writer must reproduce byte for byte.
    mod document {
        use super::super::*;
        use crate::render::neutralise::{neutralise, neutralise_block};
        use crate::text::single_line;
        use serde::Serialize;
        use serde_json::{Map, Value};

        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct ChatNotification {
            version: &'static str,
            source: &'static str,
            #[serde(skip_serializing_if = "String::is_empty")]
            id: String,
            content: Content,
            metadata: Metadata,
        }

        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Content {
            text_type: &'static str,
            title: String,
            description: String,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            next_steps: Vec<String>,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            keywords: Vec<String>,
        }

        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Metadata {
            thread_id: String,
            summary: String,
            event_type: String,
            #[serde(skip_serializing_if = "Vec::is_empty")]
            related_resources: Vec<String>,
            additional_context: Map<String, Value>,
        }

        pub fn json(message: &Message) -> String {
            let headline = neutralise(&message.headline);
            let mut additional_context = Map::new();
            additional_context.insert(
                "severity".to_owned(),
                Value::String(message.severity.as_str().to_owned()),
            );
            for (name, value) in message.published_attributes().iter() {
                additional_context.insert(name.to_owned(), Value::String(neutralise(value)));
            }
            let account = message.attributes.get("account").filter(|a| !a.is_empty());
            let thread = match account {
                Some(account) if !message.thread_key.starts_with(account) => {
                    format!("{account}/{}", message.thread_key)
                }
                _ => message.thread_key.clone(),
            };
            let thread: String = thread
                .chars()
                .filter(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '`' | '|'))
                .collect();
            let thread = if thread.is_empty() {
                "marketplace".to_owned()
            } else {
                thread
            };
            let document = ChatNotification {
                version: SCHEMA_VERSION,
                source: SOURCE,
                id: cut(&single_line(&message.event_id), MAX_ID_CHARS, ""),
                content: Content {
                    text_type: TEXT_TYPE,
                    title: cut(
                        &format!("{} {headline}", severity_marker(message.severity)),
                        MAX_TITLE_CHARS,
                        "...",
                    ),
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
                    thread_id: cut(&thread, MAX_ID_CHARS, ""),
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
            };
            serde_json::to_string(&document).unwrap()
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

        fn safe_url(url: &str) -> String {
            let mut text = String::new();
            write_safe_url(&mut text, url);
            text
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

        #[test]
        fn blocks_match_the_line_by_line_form() {
            let block = "{\n  \"a\": \"```@here\"\n\t x\r\n}";
            let by_line = block
                .lines()
                .map(|line| {
                    let indent = line.len() - line.trim_start().len();
                    format!("{}{}", &line[..indent], neutralise(line))
                })
                .collect::<Vec<_>>()
                .join("\n");
            assert_eq!(neutralise_block(block), by_line);
        }
    }

    #[test]
    fn every_sample_is_written_as_serde_json_writes_its_document() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("events");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|ext| ext != "json") {
                continue;
            }
            let payload = std::fs::read_to_string(&path).unwrap();
            let event = crate::registry::MarketplaceEvent::from_json(&payload).unwrap();
            let message = event.compose(&crate::lookup::Found::Nothing);
            assert_eq!(
                render(&message).body(),
                document::json(&message),
                "{}",
                path.display()
            );
            checked += 1;
        }
        assert!(checked > 20, "{checked} samples");
    }

    /// Text with everything JSON escapes or the chat rules change: quotes, backslashes,
    /// control and format characters, markup, emoji, long runs.
    fn hostile() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                Just("\"".to_owned()),
                Just("\\".to_owned()),
                Just("\u{0}\u{1}\u{8}\u{c}\u{1f}\u{7f}\r\n\t".to_owned()),
                Just("\u{202e}\u{200b}\u{fe0f}\u{85}\u{2028}".to_owned()),
                Just("<!here> @channel #x [a](https://e.example) `x` *b* _i_ ~s~ |".to_owned()),
                Just("🚀é ".to_owned()),
                Just("   ".to_owned()),
                Just("arn:aws:x".to_owned()),
                "[a-zA-Z0-9 :/._-]{0,40}",
                any::<String>(),
            ],
            0..12,
        )
        .prop_map(|parts| parts.concat())
    }

    fn long_hostile() -> impl Strategy<Value = String> {
        (hostile(), 0..80usize).prop_map(|(text, times)| text.repeat(times))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn the_writer_matches_serde_json_on_any_text(
            headline in long_hostile(),
            summary in hostile(),
            title in hostile(),
            label in hostile(),
            value in long_hostile(),
            verbatim in hostile(),
            step in long_hostile(),
            command in hostile(),
            url in hostile(),
            keywords in prop::collection::vec(long_hostile(), 0..14),
            resources in prop::collection::vec(hostile(), 0..24),
            thread_key in long_hostile(),
            event_id in long_hostile(),
            event_type in long_hostile(),
            account in hostile(),
            attribute in hostile(),
            severity in 0..4usize,
            steps in 0..8usize,
        ) {
            let mut section = Section::new(title).field(label, value);
            section.push(Line::Verbatim(verbatim));
            let mut next_steps = vec![NextStep::new(step).with_command(command)];
            next_steps.extend(
                (0..steps).map(|n| {
                    NextStep::new(format!("step {n}")).with_link(Link::new("page", url.clone()))
                }),
            );
            let message = Message {
                headline,
                severity: Severity::ALL[severity],
                summary,
                next_steps,
                sections: vec![section, Section::new("Event").field("Event ID", "e")],
                links: vec![Link::new("Page", url.clone()), Link::new("Other", "https://x.example/a")],
                thread_key,
                keywords,
                related_resources: resources,
                attributes: Attributes::new()
                    .with("account", &account)
                    .with("detail_type", &attribute)
                    .with("severity", &attribute),
                event_id,
                event_type,
                ..Message::default()
            };
            let rendered = render(&message);
            prop_assert_eq!(rendered.body(), document::json(&message));
        }
    }
}
