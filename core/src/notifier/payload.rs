//! The notifier's front door for the Lambda runtime: an invocation's body as it arrived,
//! bytes that must be the JSON text of an event or a digest request.

use std::time::SystemTime;

use tracing::error;

use super::Notifier;
use crate::error::NotifierError;
use crate::event::payload_text;
use crate::outcome::Outcome;
use crate::publish::Publisher;

impl<P: Publisher> Notifier<P> {
    /// Handles one invocation's body for an invocation that ends at `deadline`: the work of
    /// [`Self::handle_json`] once the bytes are read as text. Bytes that are not UTF-8 are
    /// refused like any other payload that is not an event, naming where they go wrong.
    pub async fn handle_payload(
        &self,
        payload: &[u8],
        deadline: Option<SystemTime>,
    ) -> Result<Outcome, NotifierError> {
        let text = payload_text(payload).inspect_err(|error| {
            error!(error_type = error.error_type(), error = %error, "rejected event");
        })?;
        self.handle_json(text, deadline).await
    }
}
