//! The channel-neutral message an event family composes once per event: headline, severity,
//! summary, next steps, fact sections, links, thread key and attributes. Renderers in
//! [`crate::render`] turn it into what each channel receives; nothing here is channel wording.

mod attributes;
mod severity;

pub use attributes::{
    ATTRIBUTE_DATA_TYPE, Attributes, MAX_ATTRIBUTE_VALUE_CHARS, MAX_ATTRIBUTES,
    is_valid_attribute_name,
};
pub use severity::Severity;

use std::borrow::Cow;

/// Wording a message holds: fixed words borrowed for the program's life (labels, section
/// titles, most next steps and links), or text composed for this event. Fixed words are
/// most of a message, and borrowing them spares a copy of each for every event.
pub type Text = Cow<'static, str>;

/// One notification's facts, in the reader's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// One line; becomes the e-mail subject (with the "\[SEVERITY\] " prefix above info,
    /// added by the text renderer, not by the family) and the chat title.
    pub headline: String,
    pub severity: Severity,
    /// Whether a person must do something; rendered as "Action required: yes/no".
    pub action_required: bool,
    /// One or two sentences: what happened, in the reader's terms. First paragraph of the mail.
    pub summary: String,
    /// Ordered: the first is what to do first.
    pub next_steps: Vec<NextStep>,
    /// Fact sections in display order (the closing "Event" section included, built by a
    /// shared helper from the envelope).
    pub sections: Vec<Section>,
    /// Seller portal pages and other links worth a click.
    pub links: Vec<Link>,
    /// What groups related notifications in a chat thread: change set id, offer id,
    /// offer set id, agreement id, ...
    pub thread_key: String,
    pub keywords: Vec<String>,
    /// ARNs of the resources concerned (one form per resource).
    pub related_resources: Vec<String>,
    /// The SNS message attributes (severity is added by the renderer/constructor as today).
    pub attributes: Attributes,
    /// Where the text rendering lists the next steps: before the section at this index.
    /// `None` puts them just before the last section (the closing "Event" section), which
    /// is where most notifications want them.
    pub next_steps_before: Option<usize>,
    /// The event this message announces: the chat notification's `id`.
    pub event_id: String,
    /// The EventBridge detail type, which the chat rendering turns into its `eventType`.
    pub event_type: String,
}

impl Default for Message {
    fn default() -> Self {
        Self {
            headline: String::new(),
            severity: Severity::Info,
            action_required: false,
            summary: String::new(),
            next_steps: Vec::new(),
            sections: Vec::new(),
            links: Vec::new(),
            thread_key: String::new(),
            keywords: Vec::new(),
            related_resources: Vec::new(),
            attributes: Attributes::new(),
            next_steps_before: None,
            event_id: String::new(),
            event_type: String::new(),
        }
    }
}

impl Message {
    /// "yes" or "no": what the "Action required" line and attribute say.
    pub fn action_required_word(&self) -> &'static str {
        if self.action_required { "yes" } else { "no" }
    }

    /// The attributes every rendering publishes: `action_required` (`true`/`false`) first,
    /// so a subscription filter can page only on what needs a person and no family's
    /// attributes can crowd it out, then the family's own.
    pub fn published_attributes(&self) -> Attributes {
        self.attributes.clone().led_by(
            "action_required",
            if self.action_required {
                "true"
            } else {
                "false"
            },
        )
    }

    /// The index of the section the text rendering lists the next steps before.
    /// Where to act or read more: the first next step's link, else the first link. A digest
    /// line and an open item point there.
    pub fn first_link(&self) -> Option<&str> {
        self.next_steps
            .iter()
            .find_map(|step| step.link.as_ref())
            .or_else(|| self.links.first())
            .map(|link| link.url.as_ref())
    }

    pub fn next_steps_index(&self) -> usize {
        self.next_steps_before
            .unwrap_or_else(|| self.sections.len().saturating_sub(1))
            .min(self.sections.len())
    }
}

/// Something a reader should do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextStep {
    pub text: Text,
    /// A command to copy, e.g. the describe-change-set CLI call.
    pub command: Option<String>,
    pub link: Option<Link>,
}

impl NextStep {
    pub fn new(text: impl Into<Text>) -> Self {
        Self {
            text: text.into(),
            command: None,
            link: None,
        }
    }

    pub fn with_command(mut self, command: impl Into<String>) -> Self {
        self.command = Some(command.into());
        self
    }

    pub fn with_link(mut self, link: Link) -> Self {
        self.link = Some(link);
        self
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub label: Text,
    pub url: Text,
}

impl Link {
    pub fn new(label: impl Into<Text>, url: impl Into<Text>) -> Self {
        Self {
            label: label.into(),
            url: url.into(),
        }
    }
}

/// Room made for a section's lines at once: most sections hold up to this many, and each
/// growth of the list would be another allocation for every event.
const LINES_PER_SECTION: usize = 6;

/// A titled group of facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub title: Text,
    pub lines: Vec<Line>,
}

impl Section {
    pub fn new(title: impl Into<Text>) -> Self {
        Self {
            title: title.into(),
            lines: Vec::with_capacity(LINES_PER_SECTION),
        }
    }

    pub fn field(mut self, label: impl Into<Text>, value: impl FactValue) -> Self {
        self.push_field(label, value);
        self
    }

    /// Adds "label: value", unless the value only says the event did not give it
    /// ([`crate::text::NOT_GIVEN`]): a fact the event does not give is left out.
    pub fn push_field(&mut self, label: impl Into<Text>, value: impl FactValue) -> &mut Self {
        let value = value.into_value();
        if value != crate::text::NOT_GIVEN {
            self.lines.push(Line::Field {
                label: label.into(),
                value,
            });
        }
        self
    }

    pub fn bullet(mut self, text: impl Into<String>) -> Self {
        self.lines.push(Line::Bullet(text.into()));
        self
    }

    pub fn push(&mut self, line: Line) -> &mut Self {
        self.lines.push(line);
        self
    }
}

/// A fact's value as [`Section::field`] takes it: a `String` composed for the event is
/// kept as it is, not copied; borrowed text is copied once; numbers are written out.
pub trait FactValue {
    fn into_value(self) -> String;
}

impl FactValue for String {
    fn into_value(self) -> String {
        self
    }
}

impl FactValue for &String {
    fn into_value(self) -> String {
        self.clone()
    }
}

impl FactValue for &str {
    fn into_value(self) -> String {
        self.to_owned()
    }
}

impl FactValue for Text {
    fn into_value(self) -> String {
        self.into_owned()
    }
}

/// Counts (products, versions, buyers) are facts too.
macro_rules! numbers_are_fact_values {
    ($($number:ty),*) => {$(
        impl FactValue for $number {
            fn into_value(self) -> String {
                self.to_string()
            }
        }
    )*};
}

numbers_are_fact_values!(u8, u16, u32, u64, usize, i32, i64);

/// One line of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// "label: value", aligned in text.
    Field { label: Text, value: String },
    /// "- text"
    Bullet(String),
    /// "- text: url", the link kept apart so chat shows it as a link (a digest's line).
    LinkedBullet { text: String, url: String },
    /// An indented continuation of the previous bullet (an error under a change).
    Detail(String),
    /// Verbatim text such as pretty-printed JSON (the generic rendering).
    Verbatim(String),
    /// A sentence of prose that closes the section, set apart from it like a paragraph
    /// (e.g. what missing a deadline means, under the deadline's facts).
    Prose(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_steps_default_to_before_the_last_section() {
        let mut message = Message {
            sections: vec![Section::new("Offer"), Section::new("Event")],
            ..Message::default()
        };
        assert_eq!(message.next_steps_index(), 1);
        message.next_steps_before = Some(0);
        assert_eq!(message.next_steps_index(), 0);
        message.next_steps_before = Some(9);
        assert_eq!(message.next_steps_index(), 2);
        assert_eq!(Message::default().next_steps_index(), 0);
    }
}
