//! A family's detail as its parser receives it: the JSON text of the detail alone, or of
//! the whole event when the registry reads an event in one pass. Read whole, the detail's
//! type is filled in with the envelope's fields around it, which are kept for the
//! registry: the payload is walked once for both instead of once for each.

use std::cell::RefCell;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use super::{FieldError, describe, without_position};

/// The JSON text a family's parser reads its detail from, with [`typed`] or [`untyped`].
pub struct DetailJson<'a>(Text<'a>);

enum Text<'a> {
    /// The detail's own text, as the envelope's reading left it.
    Detail(&'a RawValue),
    /// The whole event, and the envelope's fields once a reading of it has found them.
    Event {
        payload: &'a str,
        fields: RefCell<Option<EnvelopeFields>>,
    },
}

impl<'a> DetailJson<'a> {
    /// The detail's own JSON text.
    pub fn detail(detail: &'a RawValue) -> Self {
        Self(Text::Detail(detail))
    }

    /// The whole event's JSON text: the parser's reading takes the envelope along.
    pub(crate) fn event(payload: &'a str) -> Self {
        Self(Text::Event {
            payload,
            fields: RefCell::new(None),
        })
    }

    /// The envelope's fields the parser's reading of the whole event found; `None` when it
    /// read none (a parser that does not read its detail, or one that failed).
    pub(crate) fn take_fields(&self) -> Option<EnvelopeFields> {
        match &self.0 {
            Text::Detail(_) => None,
            Text::Event { fields, .. } => fields.borrow_mut().take(),
        }
    }
}

/// The envelope's fields as the two-pass reading takes them from aws_lambda_events'
/// `EventBridgeEvent`: the same names, types and defaults, so both readings accept and
/// refuse the same payloads.
#[derive(Debug, PartialEq)]
pub(crate) struct EnvelopeFields {
    pub id: Option<String>,
    pub source: String,
    pub detail_type: String,
    pub account: Option<String>,
    pub time: Option<DateTime<Utc>>,
    pub region: Option<String>,
    pub resources: Option<Vec<String>>,
}

/// A whole event with its detail typed: `EventBridgeEvent`'s fields, read in one pass.
#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct WholeEvent<T> {
    /// Read, so that a version that is not a string is refused here as it is there.
    #[serde(default, rename = "version")]
    _version: Option<String>,
    #[serde(default)]
    id: Option<String>,
    detail_type: String,
    source: String,
    #[serde(default)]
    account: Option<String>,
    /// Read by chrono's dedicated RFC 3339 parser first (`timestamp`), which takes every
    /// value chrono's own deserialiser takes, for about a fifth of the instructions.
    #[serde(default, deserialize_with = "super::timestamp::optional")]
    time: Option<DateTime<Utc>>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    resources: Option<Vec<String>>,
    detail: T,
}

/// Deserialises a family's detail, naming the field that does not fit. A detail that fits
/// is read once, without tracking paths; only one that does not is read again with them, to
/// name its field. Read from the whole event, the envelope's fields are kept for the
/// registry, and a failure is left to the two-pass reading to name.
pub fn typed<T: DeserializeOwned>(detail: &DetailJson) -> Result<T, FieldError> {
    match &detail.0 {
        Text::Detail(detail) => typed_detail(detail),
        Text::Event { payload, fields } => {
            let event: WholeEvent<T> = serde_json::from_str(payload)
                .map_err(|error| ("(payload)".to_owned(), without_position(&error)))?;
            *fields.borrow_mut() = Some(EnvelopeFields {
                id: event.id,
                source: event.source,
                detail_type: event.detail_type,
                account: event.account,
                time: event.time,
                region: event.region,
                resources: event.resources,
            });
            Ok(event.detail)
        }
    }
}

fn typed_detail<T: DeserializeOwned>(detail: &RawValue) -> Result<T, FieldError> {
    if let Ok(typed) = serde_json::from_str(detail.get()) {
        return Ok(typed);
    }
    let mut deserializer = serde_json::Deserializer::from_str(detail.get());
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let (field, reason) = describe(&error);
        let field = if field == "." {
            "detail".to_owned()
        } else {
            format!("detail.{field}")
        };
        (field, reason)
    })
}

/// The whole detail as a JSON value, for the families that keep it as it came (detail types
/// without a dedicated format).
pub fn untyped(detail: &DetailJson) -> Result<Value, FieldError> {
    match &detail.0 {
        Text::Detail(detail) => serde_json::from_str(detail.get())
            .map_err(|error| ("detail".to_owned(), without_position(&error))),
        Text::Event { .. } => typed(detail),
    }
}
