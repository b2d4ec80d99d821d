//! Renderers: each turns a channel-neutral [`Message`] into the [`Notification`] one channel
//! receives, within that channel's limits — plain text for e-mail and SQS, the Amazon Q
//! Developer custom notification JSON for Slack and Microsoft Teams. A new rendering is one
//! [`Renderer`] and one channel route ([`crate::channel`]).

mod body;
pub mod chat;
mod json_text;
mod markdown;
pub mod neutralise;
pub mod text;

pub use body::Body;

use crate::message::Message;
use crate::notification::{Channel, Notification, Subject};

/// What the renderings of one message have in common, made once for all of them: its
/// headline as an SNS subject, cleaned and cut (a tenth of the work of rendering a message
/// whose headline holds a long, emoji-laden name).
#[derive(Debug, Clone)]
pub struct Shared {
    /// `Subject::new(&message.headline)`: the chat's subject, and the text's when the
    /// severity adds no prefix to it.
    pub subject: Subject,
}

impl Shared {
    pub fn of(message: &Message) -> Self {
        Self {
            subject: Subject::new(&message.headline),
        }
    }
}

/// One channel's rendering.
pub trait Renderer: Send + Sync {
    /// The channel its notifications are for.
    fn channel(&self) -> Channel;

    fn render(&self, message: &Message) -> Notification;

    /// [`Self::render`] with what every rendering of the message shares, made once by the
    /// caller that renders it for several channels. A rendering with no use for it renders
    /// as [`Self::render`] does.
    fn render_shared(&self, message: &Message, shared: &Shared) -> Notification {
        let _ = shared;
        self.render(message)
    }

    /// How many bytes of listed lines a digest may hold in this rendering: the digest
    /// counts whatever does not fit instead of letting the rendering cut it.
    fn digest_room(&self) -> usize {
        TEXT_DIGEST_ROOM
    }
}

/// SNS takes 256 KiB per message, attributes included; the rest of a text digest (subject,
/// summary, headings, attributes) fits in what is left.
pub const TEXT_DIGEST_ROOM: usize = 200_000;

/// The chat description holds 3,000 characters; the summary, headings and the "and N more"
/// line fit in what this leaves.
pub const CHAT_DIGEST_ROOM: usize = 2_400;

/// The e-mail/SQS text ([`text::render`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct TextRenderer;

impl Renderer for TextRenderer {
    fn channel(&self) -> Channel {
        Channel::TEXT
    }

    fn render(&self, message: &Message) -> Notification {
        text::render(message)
    }

    fn render_shared(&self, message: &Message, shared: &Shared) -> Notification {
        text::render_shared(message, shared)
    }
}

/// The Amazon Q Developer custom notification ([`chat::render`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct ChatRenderer;

impl Renderer for ChatRenderer {
    fn channel(&self) -> Channel {
        Channel::CHAT
    }

    fn render(&self, message: &Message) -> Notification {
        chat::render(message)
    }

    fn render_shared(&self, message: &Message, shared: &Shared) -> Notification {
        chat::render_shared(message, shared)
    }

    fn digest_room(&self) -> usize {
        CHAT_DIGEST_ROOM
    }
}
