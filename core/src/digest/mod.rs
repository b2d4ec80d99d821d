//! Digests: events a route sends daily or weekly are kept as [`DigestItem`]s (one line's
//! worth: headline, severity, whether action is needed, account, time, link) under their
//! destination ([`Stream`]), and a scheduled invocation turns each destination's pending
//! items into one message ([`compose`]). The store ([`DigestStore`]) is DynamoDB in the
//! function (`DigestTable`, in the function crate's `aws` module), or this process's memory
//! ([`MemoryStore`]) where there is no AWS account (the demo); composing needs none.

mod compose;
mod item;
mod memory;
mod store;

pub use compose::{DIGEST_DETAIL_TYPE_SUFFIX, compose};
pub use item::DigestItem;
pub use memory::MemoryStore;
pub use store::{ClaimToken, DigestStore, Queued, Stream};

use serde::Deserialize;

use crate::error::NotifierError;
use crate::routing::Cadence;

/// `{"digest": "daily"}`: what the stack's schedules send. Anything with other fields is an
/// event, not a digest request.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DigestRequest {
    digest: String,
}

/// The cadence `payload` asks a digest for, `None` when it is not a digest request (an
/// event). A digest request for an unknown cadence is refused, naming the value.
pub fn requested(payload: &str) -> Result<Option<Cadence>, NotifierError> {
    let Ok(request) = serde_json::from_str::<DigestRequest>(payload) else {
        return Ok(None);
    };
    match request.digest.as_str() {
        "daily" => Ok(Some(Cadence::Daily)),
        "weekly" => Ok(Some(Cadence::Weekly)),
        other => Err(NotifierError::InvalidEvent {
            event_id: "(digest request)".to_owned(),
            reason: format!(
                "field `digest`: {other:?} is not a digest cadence (expected \"daily\" or \"weekly\")"
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_digest_requests_from_events() {
        assert_eq!(
            requested(r#"{"digest": "daily"}"#).unwrap(),
            Some(Cadence::Daily)
        );
        assert_eq!(
            requested(r#" {"digest":"weekly"} "#).unwrap(),
            Some(Cadence::Weekly)
        );
        assert_eq!(
            requested(r#"{"version": "0", "digest": "daily"}"#).unwrap(),
            None
        );
        assert_eq!(requested(r#"{"id": "x"}"#).unwrap(), None);
        assert_eq!(requested("not json").unwrap(), None);
        let error = requested(r#"{"digest": "hourly"}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("\"hourly\""), "{error}");
        assert!(error.contains("digest"), "{error}");
    }
}
