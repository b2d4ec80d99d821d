//! The channel-neutral `Message`: the facts of one notification (headline, severity, action
//! required, summary, next steps, sections, links, thread key, attributes) before any
//! renderer turns them into e-mail text or chat JSON.

pub use crate::notification::{Attributes, Severity};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message {
    /// One line; becomes the e-mail subject (with the "[SEVERITY] " prefix above info,
    /// added by the text renderer, not by the family) and the chat title.
    pub headline: String,
    pub severity: Severity,
    /// Whether a person must do something; rendered as "Action required: yes/no".
    pub action_required: bool,
    /// One or two sentences: what happened, in the reader's terms. First paragraph of the mail.
    pub summary: String,
    /// Ordered: the first is what to do first.
    pub next_steps: Vec<NextStep>,
    /// Fact sections in display order (the closing "Event" section included).
    pub sections: Vec<Section>,
    /// Seller portal pages and other links worth a click.
    pub links: Vec<Link>,
    /// What groups related notifications in a chat thread.
    pub thread_key: String,
    pub keywords: Vec<String>,
    /// ARNs of the resources concerned (one form per resource).
    pub related_resources: Vec<String>,
    /// The SNS message attributes (severity is added by the renderer/constructor).
    pub attributes: Attributes,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct NextStep {
    pub text: String,
    /// A command to copy.
    pub command: Option<String>,
    pub link: Option<Link>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Link {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Section {
    pub title: String,
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// "label: value", aligned in text.
    Field { label: String, value: String },
    /// "- text"
    Bullet(String),
    /// An indented continuation of the previous bullet.
    Detail(String),
    /// Verbatim text such as pretty-printed JSON.
    Verbatim(String),
}
