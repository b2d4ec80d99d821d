//! Timestamps in event details, read by chrono's dedicated RFC 3339 parser first. Its
//! general parser, which chrono's own deserialiser uses, walks a list of format items for
//! every value; it runs here only for what the dedicated one refuses, so every value that
//! deserialiser took is still taken, and one it refused gets the same error.

use std::fmt;

use chrono::{DateTime, FixedOffset, Utc};
use serde::de::{self, Deserialize, Deserializer};

/// For `#[serde(deserialize_with = "…")]` on a `DateTime<Utc>` field.
pub fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    Rfc3339::deserialize(deserializer).map(|at| at.0)
}

/// For `#[serde(default, deserialize_with = "…")]` on an `Option<DateTime<Utc>>` field:
/// `null` is `None`, as it is without this.
pub fn optional<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    Option::<Rfc3339>::deserialize(deserializer).map(|at| at.map(|at| at.0))
}

/// What the field holds, read as described above.
struct Rfc3339(DateTime<Utc>);

impl<'de> Deserialize<'de> for Rfc3339 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(Rfc3339Visitor)
    }
}

struct Rfc3339Visitor;

impl de::Visitor<'_> for Rfc3339Visitor {
    type Value = Rfc3339;

    /// chrono's words, so an error for a value of the wrong type reads as before.
    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an RFC 3339 formatted date and time string")
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Rfc3339, E> {
        DateTime::parse_from_rfc3339(value)
            .or_else(|_| value.parse::<DateTime<FixedOffset>>())
            .map(|at| Rfc3339(at.with_timezone(&Utc)))
            .map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The field as chrono's own deserialiser reads it, and as this module does.
    fn both_ways(json: &str) -> (Result<DateTime<Utc>, String>, Result<DateTime<Utc>, String>) {
        let chrono = serde_json::from_str::<DateTime<Utc>>(json).map_err(|e| e.to_string());
        let here =
            required(&mut serde_json::Deserializer::from_str(json)).map_err(|e| e.to_string());
        (chrono, here)
    }

    #[test]
    fn every_value_reads_as_chrono_reads_it() {
        for json in [
            r#""2024-06-30T23:59:59Z""#,
            r#""2024-06-30T23:59:59.123456789Z""#,
            r#""2024-06-30T23:59:59+02:00""#,
            r#""2024-06-30T23:59:59-07:30""#,
            r#""2024-06-30t23:59:59z""#,
            r#""2016-12-31T23:59:60Z""#,
            r#""2024-06-30 23:59:59Z""#,
            r#""2024-06-30 23:59:59 +02:00""#,
            r#""+12024-06-30T23:59:59Z""#,
            r#""2024-06-30T23:59:59""#,
            r#""2024-02-30T00:00:00Z""#,
            r#""not a time""#,
            r#""""#,
            "5",
            "null",
            "true",
        ] {
            let (chrono, here) = both_ways(json);
            assert_eq!(here, chrono, "{json}");
        }
    }

    #[test]
    fn null_and_absence_are_none_for_an_optional_field() {
        #[derive(serde::Deserialize)]
        struct Detail {
            #[serde(default, deserialize_with = "optional")]
            at: Option<DateTime<Utc>>,
        }
        let read = |json: &str| serde_json::from_str::<Detail>(json).map(|d| d.at).ok();
        assert_eq!(read("{}"), Some(None));
        assert_eq!(read(r#"{"at":null}"#), Some(None));
        let at = read(r#"{"at":"2024-06-30T23:59:59Z"}"#).flatten();
        assert_eq!(
            at.map(|at| at.to_rfc3339()),
            Some("2024-06-30T23:59:59+00:00".into())
        );
        assert_eq!(read(r#"{"at":"June"}"#), None);
    }
}
