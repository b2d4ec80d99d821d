//! The event id of a payload that was refused, for its error: read from the top-level `id`
//! member as far as the payload is JSON, so text that breaks after the id still names it.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::MISSING_EVENT_ID;

/// The payload's top-level `id`, or [`MISSING_EVENT_ID`] when it has no non-empty string
/// there before the JSON ends or breaks.
pub fn lenient_event_id(payload: &str) -> String {
    let mut id = None;
    // The error is the caller's to report; whatever was read before it is kept in `id`.
    let _ = IdSeeker(&mut id).deserialize(&mut serde_json::Deserializer::from_str(payload));
    id.filter(|id: &String| !id.is_empty())
        .unwrap_or_else(|| MISSING_EVENT_ID.to_owned())
}

/// Reads an object's members in order and keeps the first `id` that is a string.
struct IdSeeker<'a>(&'a mut Option<String>);

impl<'de> DeserializeSeed<'de> for IdSeeker<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for IdSeeker<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut members: A) -> Result<(), A::Error> {
        while let Some(name) = members.next_key::<std::borrow::Cow<'de, str>>()? {
            if name == "id" && self.0.is_none() {
                *self.0 = members.next_value::<Option<String>>().ok().flatten();
                // A mistyped id leaves the reader mid-value: nothing after it can be read.
                if self.0.is_none() {
                    return Ok(());
                }
            } else {
                members.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_id_read_before_the_json_breaks() {
        let cases = [
            (r#"{"version":"0","id":"evt-1","detail":{"a":1,}}"#, "evt-1"),
            (r#"{"id":"evt-2","detail":{"a":"#, "evt-2"),
            (r#"{"detail":{"id":"inner"},"id":"evt-3"}"#, "evt-3"),
            (r#"{"detail":{"a":1,},"id":"evt-4"}"#, MISSING_EVENT_ID),
            (r#"{"id":""}"#, MISSING_EVENT_ID),
            (r#"{"id":42,"more":true}"#, MISSING_EVENT_ID),
            (r#"["id","evt-5"]"#, MISSING_EVENT_ID),
            ("not json", MISSING_EVENT_ID),
        ];
        for (payload, expected) in cases {
            assert_eq!(lenient_event_id(payload), expected, "{payload}");
        }
    }
}
