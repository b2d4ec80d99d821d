use super::*;
use crate::message::{Attributes, Line, Link, NextStep, Section};
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

#[test]
fn a_description_longer_only_once_escaped_is_not_cut() {
    // 2,000 quotation marks: 4,000 bytes escaped, but 2,000 characters to show, within the
    // limit, so the whole text must arrive.
    let quoted = Message {
        summary: "\"".repeat(2_000),
        ..message()
    };
    let value = rendered(&quoted);
    let description = value["content"]["description"].as_str().unwrap();
    assert!(description.starts_with(&quoted.summary), "{description}");
    assert!(
        !description.contains("characters left out"),
        "{description}"
    );
    assert_eq!(description, super::description(&quoted));
}

/// The payload as a serde document of owned strings, serialised by serde_json: the
/// shape the direct writer must reproduce byte for byte.
mod document {
    use super::super::*;
    use crate::message::NextStep;
    use crate::render::markdown::write_safe_url;
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
        let block = "{\n  \"a\": \"```@here\"\n\t x\r\n\u{85} \u{2028}y\n}";
        let by_line = block
            .lines()
            .map(|line| {
                let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
                format!("{}{}", &line[..indent], neutralise(line))
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(neutralise_block(block), by_line);
    }
}

#[test]
fn every_sample_is_written_as_serde_json_writes_its_document() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../events");
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

#[test]
fn a_web_address_with_what_json_escapes_is_shown_inert_and_escaped() {
    let url = "https://x.example/a\"b\\c";
    let message = Message {
        headline: "h".to_owned(),
        links: vec![Link::new("Page", url)],
        ..Message::default()
    };
    let rendered = render(&message);
    assert_eq!(rendered.body(), document::json(&message));
    let payload: serde_json::Value =
        serde_json::from_str(rendered.body()).expect("the payload is JSON");
    let description = payload["content"]["description"]
        .as_str()
        .expect("a description");
    // Not a link: the scheme's colon is a look-alike, and the text is kept.
    assert!(
        description.contains("https∶//x.example/a\"b\\c"),
        "{description}"
    );
}
