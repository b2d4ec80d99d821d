//! The plain-text rendering for e-mail and SQS: the subject with its severity prefix, the
//! summary as the first paragraph, the fact sections with the next steps ("What to do") in
//! their place, and the closing "Event" section. SNS limits are enforced by
//! [`Notification::of_clean_body`].
//!
//! The body is written clean, not scanned clean afterwards: every value a family takes from
//! an event is made one clean line before it reaches the message ([`crate::text`]), the
//! program's own wording is clean, and verbatim text is cleaned as [`Body::raw`] writes it.
//! A scan of the finished body found nothing to drop and was 8% of the work of an event
//! with long names; every family is held to it by a property test that puts control,
//! format and invisible characters into every string of every sample event
//! (`tests/integration/every_string.rs`), and debug builds still scan every body.

use super::{Body, Shared};
use crate::message::Severity;
use crate::message::{Line, Message, NextStep, Section};
use crate::notification::{Channel, Notification, Subject};

/// The title of the section that lists the next steps.
pub const NEXT_STEPS_TITLE: &str = "What to do";

pub fn render(message: &Message) -> Notification {
    render_shared(message, &Shared::of(message))
}

/// [`render`] with the subject the message's other renderings share: the text's own when
/// the severity adds no prefix.
pub fn render_shared(message: &Message, shared: &Shared) -> Notification {
    let mut body = Body::with_capacity(size_hint(message));
    body.paragraph(&message.summary);
    body.paragraph_after("Action required: ", message.action_required_word());
    let steps_at = message.next_steps_index();
    for (index, section) in message.sections.iter().enumerate() {
        if index == steps_at {
            next_steps(&mut body, &message.next_steps);
        }
        write_section(&mut body, section);
    }
    if steps_at >= message.sections.len() {
        next_steps(&mut body, &message.next_steps);
    }
    Notification::of_clean_body(
        Channel::TEXT,
        prefixed_subject(message.severity, &message.headline)
            .unwrap_or_else(|| shared.subject.clone()),
        body.finish(),
        message.severity,
        message.published_attributes(),
    )
}

/// About how long the text will be: the message's own text and the layout around it
/// (labels padded to their column, indents, line breaks), so the body is written into
/// one buffer sized once.
fn size_hint(message: &Message) -> usize {
    const LAYOUT: usize = 32;
    let lines: usize = message
        .sections
        .iter()
        .map(|section| {
            section.title.len()
                + LAYOUT
                + section
                    .lines
                    .iter()
                    .map(|line| match line {
                        Line::Field { value, .. } => value.len() + LAYOUT,
                        Line::Bullet(text)
                        | Line::Detail(text)
                        | Line::Verbatim(text)
                        | Line::Prose(text) => text.len() + LAYOUT,
                        Line::LinkedBullet { text, url } => text.len() + url.len() + LAYOUT,
                    })
                    .sum::<usize>()
        })
        .sum();
    let steps: usize = message
        .next_steps
        .iter()
        .map(|step| {
            step.text.len()
                + step.command.as_ref().map_or(0, String::len)
                + step.link.as_ref().map_or(0, |link| link.url.len())
                + LAYOUT
        })
        .sum();
    message.summary.len() + lines + steps + 2 * LAYOUT
}

/// Subjects of anything above `info` start with the severity, so inbox rules and a
/// glance at a list of mails can pick them out.
pub fn subject(severity: Severity, text: &str) -> Subject {
    prefixed_subject(severity, text).unwrap_or_else(|| Subject::new(text))
}

/// The subject with the severity's prefix, or `None` when the severity adds none and the
/// subject is the text's own (which a caller may already have made).
fn prefixed_subject(severity: Severity, text: &str) -> Option<Subject> {
    let prefix = match severity {
        Severity::Info => return None,
        Severity::Warning => "[WARNING] ",
        Severity::Error => "[ERROR] ",
        Severity::Critical => "[CRITICAL] ",
    };
    Some(Subject::new(&crate::text::concat([prefix, text])))
}

fn next_steps(body: &mut Body, steps: &[NextStep]) {
    if steps.is_empty() {
        return;
    }
    body.section(NEXT_STEPS_TITLE);
    for step in steps {
        match &step.link {
            Some(link) => body.bullet_link(&step.text, &link.url),
            None => body.bullet(&step.text),
        };
        if let Some(command) = &step.command {
            body.indented(command);
        }
    }
}

fn write_section(body: &mut Body, section: &Section) {
    if !section.title.is_empty() {
        body.section(&section.title);
    }
    for line in &section.lines {
        match line {
            Line::Field { label, value } => body.field(label, value),
            Line::Bullet(text) => body.bullet(text),
            Line::LinkedBullet { text, url } => body.bullet_link(text, url),
            Line::Detail(text) => body.indented(text),
            Line::Verbatim(text) => body.raw(text),
            Line::Prose(text) => body.paragraph(text),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{Link, NextStep};

    #[test]
    fn the_shared_subject_is_the_texts_only_when_the_severity_adds_no_prefix() {
        let mut message = Message {
            headline: "Offer released: \"Q3\"".into(),
            ..Message::default()
        };
        let shared = Shared {
            subject: Subject::new("made once"),
        };
        assert_eq!(
            render_shared(&message, &shared).subject().as_str(),
            "made once"
        );
        message.severity = Severity::Warning;
        assert_eq!(
            render_shared(&message, &shared).subject().as_str(),
            "[WARNING] Offer released: \"Q3\""
        );
    }

    #[test]
    fn lays_out_summary_sections_and_steps_before_the_event_section() {
        let message = Message {
            headline: "Change set failed: cs-1".into(),
            severity: Severity::Error,
            summary: "It failed.".into(),
            next_steps: vec![
                NextStep::new("See why:").with_command("aws describe"),
                NextStep::new("Portal").with_link(Link::new("Requests", "https://example.com")),
            ],
            sections: vec![
                Section::new("Change set").field("ID", "cs-1"),
                Section::new("Event").field("Time", "now"),
            ],
            ..Message::default()
        };
        let notification = render(&message);
        assert_eq!(
            notification.subject().as_str(),
            "[ERROR] Change set failed: cs-1"
        );
        assert_eq!(
            notification.body(),
            "It failed.\n\nAction required: no\n\nChange set\n  ID:                    cs-1\n\nWhat to do\n  - See why:\n      aws describe\n  - Portal: https://example.com\n\nEvent\n  Time:                  now\n"
        );
        assert_eq!(notification.attributes().get("severity"), Some("error"));
        assert_eq!(
            notification.attributes().get("action_required"),
            Some("false")
        );
    }
}
