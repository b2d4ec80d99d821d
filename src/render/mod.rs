//! Renderers: each turns a channel-neutral [`Message`](crate::message::Message) into the
//! [`Notification`](crate::notification::Notification) one channel receives, within that
//! channel's limits — plain text for e-mail and SQS, the Amazon Q Developer custom
//! notification JSON for Slack and Microsoft Teams.

mod body;
pub mod chat;
pub mod neutralise;
pub mod text;

pub use body::Body;

/// The channels a notification is delivered to, each rendered and published on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Plain text on the family topic (e-mail, SQS, anything else subscribed there).
    Text,
    /// The custom-notification JSON on the chat topic (Amazon Q Developer in chat applications).
    Chat,
}

impl Channel {
    pub const fn name(self) -> &'static str {
        match self {
            Channel::Text => "text",
            Channel::Chat => "chat",
        }
    }
}
