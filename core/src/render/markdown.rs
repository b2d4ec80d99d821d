//! The chat description's markdown (summary, whether action is required, the fact sections,
//! the links), written by one set of writers into either of two places: a plain string, or
//! straight into the chat JSON as the inside of its string, escaped as it is written.

use std::borrow::Cow;

use super::json_text::{escape_neutralised_from, needs_no_escape, push_escaped};
use super::neutralise::{neutralise, neutralise_block_into, neutralise_into, neutralise_json_into};
use crate::message::{Line, Link, Message, NextStep, Section, Text};

/// The description is cut to this many characters. Slack shows at most 3,000 characters of
/// text in one section block (Block Kit reference, "Section block": `text` maximum 3000
/// characters); Microsoft Teams accepts far more, so Slack's bound is the one to keep.
pub const MAX_DESCRIPTION_CHARS: usize = 3_000;

/// Where the markdown goes: the writers below say what is program wording, what is a line
/// break and what is a piece written by a neutraliser; the destination decides how each
/// is stored.
pub(super) trait Markdown {
    /// The program's own wording, or text already made inert, as it is.
    fn text(&mut self, text: &str);
    /// [`Self::text`] known to hold nothing a JSON string escapes: this module's own
    /// punctuation and labels, and web addresses checked to be plain.
    fn plain(&mut self, text: &str);
    /// A line break.
    fn newline(&mut self);
    /// Untrusted text, neutralised as it is written.
    fn neutralised(&mut self, text: &str);
    /// What `write` appends to the buffer: a neutralised code block. `write` says whether
    /// it wrote anything a JSON string escapes.
    fn piece(&mut self, write: impl FnOnce(&mut String) -> bool);
}

/// The markdown as it reads.
impl Markdown for String {
    fn text(&mut self, text: &str) {
        self.push_str(text);
    }

    fn plain(&mut self, text: &str) {
        self.push_str(text);
    }

    fn newline(&mut self) {
        self.push('\n');
    }

    fn neutralised(&mut self, text: &str) {
        neutralise_into(self, text);
    }

    fn piece(&mut self, write: impl FnOnce(&mut String) -> bool) {
        write(self);
    }
}

/// The markdown as the inside of a JSON string, in the buffer the rest of the JSON is in:
/// line breaks are written as their escape, neutralised text is escaped as the neutraliser
/// writes it, and a code block is escaped only when its writer says it holds something
/// JSON escapes (a quotation mark, a reverse solidus, its line breaks and tabs), instead
/// of the whole description being written once and copied again to escape it, or each
/// piece scanned again to find out.
pub(super) struct JsonEscaped<'a>(pub(super) &'a mut String);

impl Markdown for JsonEscaped<'_> {
    fn text(&mut self, text: &str) {
        push_escaped(self.0, text);
    }

    fn plain(&mut self, text: &str) {
        debug_assert!(
            needs_no_escape(text),
            "said to need no JSON escape: {text:?}"
        );
        self.0.push_str(text);
    }

    fn newline(&mut self) {
        self.0.push_str("\\n");
    }

    fn neutralised(&mut self, text: &str) {
        neutralise_json_into(self.0, text);
    }

    fn piece(&mut self, write: impl FnOnce(&mut String) -> bool) {
        let start = self.0.len();
        let json_escapes = write(self.0);
        escape_neutralised_from(self.0, start, json_escapes);
    }
}

/// The description's markdown: the summary, whether action is required, the fact sections
/// (the closing "Event" section as one line) and the links no next step shows, uncut.
pub(super) fn write_description(out: &mut impl Markdown, message: &Message) {
    out.neutralised(&message.summary);
    // No emphasis anywhere: `*x*` is bold in Slack and italic in Teams under
    // client-markdown, so labels and titles are plain words.
    out.newline();
    out.newline();
    out.plain("Action required: ");
    out.plain(message.action_required_word());
    for (index, section) in message.sections.iter().enumerate() {
        out.newline();
        out.newline();
        if index + 1 == message.sections.len() && section.title == EVENT_SECTION {
            write_event_line(out, section);
        } else {
            write_section(out, section);
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
        out.newline();
        out.newline();
        out.plain("Links");
        for link in std::iter::once(first).chain(links) {
            out.newline();
            out.plain("• ");
            write_link(out, link);
        }
    }
}

/// The description as plain markdown, cut to [`MAX_DESCRIPTION_CHARS`] with a note saying
/// how much was left out.
pub(super) fn description(message: &Message) -> String {
    let mut text = String::with_capacity(MAX_DESCRIPTION_CHARS);
    write_description(&mut text, message);
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
fn write_event_line(out: &mut impl Markdown, section: &Section) {
    let value = |wanted: &str| {
        section.lines.iter().find_map(|line| match line {
            Line::Field { label, value } if label == wanted => Some(value.as_str()),
            _ => None,
        })
    };
    out.plain("Event");
    if let Some(id) = value("Event ID") {
        out.plain(" ");
        out.neutralised(id);
    }
    if let Some(time) = value("Time") {
        out.plain(", ");
        out.neutralised(time);
    }
}

/// One section: its title, then one line per fact.
fn write_section(out: &mut impl Markdown, section: &Section) {
    let mut first = true;
    if !section.title.is_empty() {
        write_wording(out, &section.title);
        first = false;
    }
    for line in &section.lines {
        if !std::mem::take(&mut first) {
            out.newline();
        }
        match line {
            Line::Field { label, value } => {
                write_wording(out, label);
                out.plain(": ");
                out.neutralised(value);
            }
            Line::Bullet(line) => {
                out.plain("• ");
                out.neutralised(line);
            }
            Line::LinkedBullet { text: line, url } => {
                out.plain("• ");
                out.neutralised(line);
                out.plain(": ");
                write_safe_url(out, url);
            }
            Line::Detail(line) => {
                out.plain("    ↳ ");
                out.neutralised(line);
            }
            Line::Verbatim(block) => {
                out.plain("```");
                out.newline();
                out.piece(|text| neutralise_block_into(text, block));
                out.newline();
                out.plain("```");
            }
            Line::Prose(line) => {
                out.newline();
                out.neutralised(line);
            }
        }
    }
}

/// A next step as one line: its words, its link and the command to copy, in code.
pub(super) fn write_next_step(out: &mut impl Markdown, step: &NextStep) {
    write_wording(out, &step.text);
    if let Some(link) = &step.link {
        out.plain(": ");
        write_safe_url(out, &link.url);
    }
    if let Some(command) = &step.command {
        out.plain(" `");
        out.neutralised(command);
        out.plain("`");
    }
}

fn write_link(out: &mut impl Markdown, link: &Link) {
    write_wording(out, &link.label);
    out.plain(": ");
    write_safe_url(out, &link.url);
}

/// Wording the program itself holds (labels, titles, fixed next steps) is inert in chat as
/// it stands and is copied; wording composed for the event may carry what someone else
/// wrote and is neutralised.
fn write_wording(out: &mut impl Markdown, wording: &Text) {
    match wording {
        Cow::Borrowed(fixed) => {
            debug_assert_eq!(neutralise(fixed), *fixed, "fixed wording is inert in chat");
            out.text(fixed);
        }
        Cow::Owned(composed) => out.neutralised(composed),
    }
}

/// Links come from the families' own constants; anything that is not a plain https URL is
/// shown inert instead of as a link.
pub(super) fn write_safe_url(out: &mut impl Markdown, url: &str) {
    // Nothing a chat client reads as markup, and nothing JSON escapes.
    let plain = url.starts_with("https://")
        && url.bytes().all(|b| {
            b.is_ascii_graphic()
                && !matches!(
                    b,
                    b'<' | b'>' | b'|' | b'[' | b']' | b'(' | b')' | b'`' | b'*' | b'_' | b'~'
                )
                && !matches!(b, b'"' | b'\\')
        });
    if plain {
        out.plain(url);
    } else {
        out.neutralised(url);
    }
}
