//! A stable fingerprint of an event payload: SHA-256 over a canonical JSON form (object
//! keys sorted, no whitespace), so the same event hashes the same whatever key order or
//! spacing it arrived with, and a different payload under a reused id is caught. The
//! `replay-name` EventBridge adds to a replayed event is left out: a replay is the same
//! event, and must be answered `duplicate`, not refused as a different payload.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The envelope field EventBridge adds to a replayed event (EventBridge User Guide,
/// "Replaying events from an archive"); the rest of the event, its `id` included, is the
/// archived original.
const REPLAY_NAME: &str = "replay-name";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PayloadHash(String);

impl PayloadHash {
    pub fn of(payload: &Value) -> Self {
        let mut hasher = Sha256::new();
        match payload {
            Value::Object(fields) if fields.contains_key(REPLAY_NAME) => {
                let mut original = fields.clone();
                original.remove(REPLAY_NAME);
                write_canonical(&Value::Object(original), &mut hasher);
            }
            _ => write_canonical(payload, &mut hasher),
        }
        let digest = hasher.finalize();
        let mut hex = String::with_capacity(digest.len() * 2);
        for byte in digest.iter() {
            hex.push(char::from(HEX[usize::from(byte >> 4)]));
            hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        Self(hex)
    }

    /// The fingerprint of a payload given as JSON text; `Err` says why the text is not JSON.
    pub fn of_json(payload: &str) -> Result<Self, String> {
        serde_json::from_str::<Value>(payload)
            .map(|value| Self::of(&value))
            .map_err(|error| format!("not valid JSON: {error}"))
    }

    /// Wraps a hash read back from the store.
    pub fn from_stored(hex: impl Into<String>) -> Self {
        Self(hex.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Feeds the canonical form to the hasher without building it as one string. Sorting keys
/// here does not depend on how serde_json's map happens to be ordered in this build.
fn write_canonical(value: &Value, hasher: &mut Sha256) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            hasher.update(b"{");
            for (index, (key, value)) in entries.into_iter().enumerate() {
                if index > 0 {
                    hasher.update(b",");
                }
                write_string(key, hasher);
                hasher.update(b":");
                write_canonical(value, hasher);
            }
            hasher.update(b"}");
        }
        Value::Array(items) => {
            hasher.update(b"[");
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    hasher.update(b",");
                }
                write_canonical(item, hasher);
            }
            hasher.update(b"]");
        }
        Value::String(text) => write_string(text, hasher),
        // Null, booleans and numbers print one way only.
        scalar => hasher.update(scalar.to_string().as_bytes()),
    }
}

fn write_string(text: &str, hasher: &mut Sha256) {
    hasher.update(Value::from(text).to_string().as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_order_and_spacing_do_not_matter() {
        let a: Value =
            serde_json::from_str(r#"{"id":"e-1","detail":{"b":1,"a":[true,null]}}"#).unwrap();
        let b: Value = serde_json::from_str(
            "{ \"detail\": { \"a\": [ true, null ], \"b\": 1 }, \"id\": \"e-1\" }",
        )
        .unwrap();
        assert_eq!(PayloadHash::of(&a), PayloadHash::of(&b));
    }

    #[test]
    fn a_replay_hashes_as_the_archived_original() {
        let original = json!({"id": "e-1", "detail": {"a": 1}});
        let replayed = json!({"id": "e-1", "replay-name": "outage-0312", "detail": {"a": 1}});
        assert_eq!(PayloadHash::of(&original), PayloadHash::of(&replayed));
        // Only the envelope's own field is left out, not one inside the detail.
        let inside = json!({"id": "e-1", "detail": {"a": 1, "replay-name": "x"}});
        assert_ne!(PayloadHash::of(&original), PayloadHash::of(&inside));
    }

    #[test]
    fn any_change_in_content_changes_the_hash() {
        let base = json!({"id": "e-1", "detail": {"State": "SUCCEEDED"}});
        let changed = json!({"id": "e-1", "detail": {"State": "FAILED"}});
        let nested_key = json!({"id": "e-1", "detail": {"state": "SUCCEEDED"}});
        assert_ne!(PayloadHash::of(&base), PayloadHash::of(&changed));
        assert_ne!(PayloadHash::of(&base), PayloadHash::of(&nested_key));
        // A string that looks like the number is a different payload.
        assert_ne!(
            PayloadHash::of(&json!({"n": 1})),
            PayloadHash::of(&json!({"n": "1"}))
        );
    }

    #[test]
    fn is_the_sha256_of_the_canonical_text() {
        // sha256 of `{"a":1}`, computed independently.
        assert_eq!(
            PayloadHash::of(&json!({"a": 1})).as_str(),
            "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"
        );
    }
}
