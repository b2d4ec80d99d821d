//! Reads the `ROUTES` document: which events go where, at which cadence. Every mistake is
//! found at cold start and named by the route's index and field, so a typo never turns into
//! events silently routed nowhere.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::matcher::{Match, ROUTE_KEYS};
use super::{Cadence, OpenItemsReport, Route, Routing};
use crate::channel::{ChannelRoute, Destination};
use crate::render::{ChatRenderer, TextRenderer};
use crate::topic_arn::TopicArn;

/// `{"routes": [...]}` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    routes: Vec<RouteSpec>,
    #[serde(default)]
    open_items: Option<OpenItemsSpec>,
}

/// `"open_items": {"to": [...], "cadence": "weekly"}`: which digests open with the ledger.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OpenItemsSpec {
    to: Vec<DestinationSpec>,
    #[serde(default = "weekly")]
    cadence: Cadence,
}

fn weekly() -> Cadence {
    Cadence::Weekly
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteSpec {
    #[serde(default, rename = "match")]
    matching: BTreeMap<String, Vec<String>>,
    to: Vec<DestinationSpec>,
    #[serde(default)]
    cadence: Cadence,
    #[serde(default, rename = "continue")]
    carry_on: bool,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DestinationSpec {
    /// `"family"` or `"chat"`.
    Named(String),
    Topic(TopicSpec),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TopicSpec {
    topic: String,
    format: Format,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Format {
    Text,
    Chat,
}

/// What the routes may refer to besides themselves.
#[derive(Debug, Clone, Copy)]
pub struct RouteContext<'a> {
    /// `CHAT_TOPIC_ARN`, which the `"chat"` destination stands for.
    pub chat_topic: Option<&'a TopicArn>,
    /// Whether `DIGEST_TABLE_NAME` is set: daily and weekly routes queue there.
    pub has_digest_table: bool,
}

/// The routes in `text` (the `ROUTES` JSON), checked against `context`. The error names the
/// route by index (`routes[2].to[0]: ...`). The `open_items` report is checked too; use
/// [`parse_routing`] to keep it.
pub fn parse_routes(text: &str, context: RouteContext<'_>) -> Result<Vec<Route>, String> {
    parse_routing(text, context).map(|routing| routing.routes().to_vec())
}

/// The whole `ROUTES` document: the routes and, if the document has one, the open-items
/// report (errors name it `open_items.to[0]: ...`).
pub fn parse_routing(text: &str, context: RouteContext<'_>) -> Result<Routing, String> {
    if !text.trim_start().starts_with('{') {
        return Err("not a routes document: expected a JSON object {\"routes\": [...]}".to_owned());
    }
    let deserializer = &mut serde_json::Deserializer::from_str(text);
    let document: Document = serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        // serde_json's message ends with "at line L column C"; the path says where.
        let reason = inner.to_string();
        let reason = reason
            .rsplit_once(" at line ")
            .map_or(reason.as_str(), |(message, _)| message);
        if path == "." {
            format!("not a routes document: {reason}")
        } else {
            format!("{path}: {reason}")
        }
    })?;
    if document.routes.is_empty() {
        return Err("routes: empty; without routes no event would be delivered (leave ROUTES unset for the default routing)".to_owned());
    }
    let routes = document
        .routes
        .into_iter()
        .enumerate()
        .map(|(index, spec)| route(index, spec, context))
        .collect::<Result<Vec<_>, _>>()?;
    let routing = Routing::new(routes);
    Ok(match document.open_items {
        Some(spec) => routing.with_open_items(open_items(spec, context)?),
        None => routing,
    })
}

fn open_items(spec: OpenItemsSpec, context: RouteContext<'_>) -> Result<OpenItemsReport, String> {
    if spec.cadence == Cadence::Instant {
        return Err(
            "open_items.cadence: instant is not a report cadence (expected \"daily\" or \"weekly\")"
                .to_owned(),
        );
    }
    if !context.has_digest_table {
        return Err(
            "open_items: needs DIGEST_TABLE_NAME, the table the ledger of open items is kept in"
                .to_owned(),
        );
    }
    if spec.to.is_empty() {
        return Err("open_items.to: no destination".to_owned());
    }
    let targets = spec
        .to
        .into_iter()
        .enumerate()
        .map(|(position, destination)| {
            target(destination, context)
                .map_err(|reason| format!("open_items.to[{position}]: {reason}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(OpenItemsReport {
        targets,
        cadence: spec.cadence,
    })
}

fn route(index: usize, spec: RouteSpec, context: RouteContext<'_>) -> Result<Route, String> {
    let at = |field: &str| format!("routes[{index}].{field}");
    let mut matcher = Match::everything();
    for (key, values) in spec.matching {
        if !ROUTE_KEYS.contains(&key.as_str()) {
            return Err(format!(
                "{}: unknown key {key:?}; routes match on {}",
                at("match"),
                ROUTE_KEYS.join(", ")
            ));
        }
        if values.is_empty() {
            return Err(format!(
                "{}: no values; list at least one (an empty list would match nothing)",
                at(&format!("match.{key}"))
            ));
        }
        matcher = matcher.and(key, values);
    }
    if spec.to.is_empty() {
        return Err(format!("{}: no destination", at("to")));
    }
    if spec.cadence != Cadence::Instant && !context.has_digest_table {
        return Err(format!(
            "{}: {} needs DIGEST_TABLE_NAME, the table digests are queued in",
            at("cadence"),
            spec.cadence.as_str()
        ));
    }
    let targets = spec
        .to
        .into_iter()
        .enumerate()
        .map(|(position, destination)| {
            target(destination, context)
                .map_err(|reason| format!("{}: {reason}", at(&format!("to[{position}]"))))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Route {
        matcher,
        targets,
        cadence: spec.cadence,
        carry_on: spec.carry_on,
    })
}

fn target(spec: DestinationSpec, context: RouteContext<'_>) -> Result<ChannelRoute, String> {
    match spec {
        DestinationSpec::Named(name) => match name.as_str() {
            "family" => Ok(ChannelRoute::text()),
            "chat" => context
                .chat_topic
                .map(|topic| ChannelRoute::chat(topic.clone()))
                .ok_or_else(|| "\"chat\" needs CHAT_TOPIC_ARN, the topic it stands for".to_owned()),
            other => Err(format!(
                "unknown destination {other:?}; expected \"family\", \"chat\" or {{\"topic\": \"<SNS topic ARN>\", \"format\": \"text\" | \"chat\"}}"
            )),
        },
        DestinationSpec::Topic(TopicSpec { topic, format }) => {
            let topic =
                TopicArn::parse(topic.trim()).map_err(|reason| format!("topic: {reason}"))?;
            Ok(match format {
                Format::Text => ChannelRoute::new(TextRenderer, Destination::Topic(topic)),
                Format::Chat => ChannelRoute::new(ChatRenderer, Destination::Topic(topic)),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHAT: &str = "arn:aws:sns:us-east-1:111122223333:chat";

    fn context(chat: Option<&TopicArn>, digests: bool) -> RouteContext<'_> {
        RouteContext {
            chat_topic: chat,
            has_digest_table: digests,
        }
    }

    #[test]
    fn reads_the_documented_example() {
        let chat = TopicArn::parse(CHAT).unwrap();
        let routes = parse_routes(
            r#"{"routes": [
              {"match": {"severity": ["critical", "error"]}, "to": ["family", "chat"], "cadence": "instant"},
              {"match": {"action_required": ["true"]}, "to": ["family", "chat"]},
              {"match": {"account": ["111122223333"]}, "to": [{"topic": "arn:aws:sns:us-east-1:111122223333:emea-sales", "format": "text"}], "cadence": "daily", "continue": true},
              {"match": {}, "to": ["family"], "cadence": "weekly"}
            ]}"#,
            context(Some(&chat), true),
        )
        .unwrap();
        assert_eq!(routes.len(), 4);
        assert_eq!(routes[0].targets.len(), 2);
        assert_eq!(routes[1].cadence, Cadence::Instant);
        assert_eq!(routes[2].cadence, Cadence::Daily);
        assert!(routes[2].carry_on && !routes[0].carry_on);
        assert_eq!(
            routes[2].targets[0].destination(),
            &Destination::Topic(
                TopicArn::parse("arn:aws:sns:us-east-1:111122223333:emea-sales").unwrap()
            )
        );
        assert!(routes[3].matcher.is_everything());
        assert_eq!(routes[3].cadence, Cadence::Weekly);
    }

    #[test]
    fn reads_the_open_items_report() {
        let chat = TopicArn::parse(CHAT).unwrap();
        let routing = parse_routing(
            r#"{"routes": [{"to": ["family"]}],
                "open_items": {"to": ["chat", {"topic": "arn:aws:sns:us-east-1:111122223333:sales-ops", "format": "text"}], "cadence": "daily"}}"#,
            context(Some(&chat), true),
        )
        .unwrap();
        let report = routing.open_items().expect("a report");
        assert_eq!(report.cadence, Cadence::Daily);
        assert_eq!(report.targets.len(), 2);
        let routing = parse_routing(
            r#"{"routes": [{"to": ["family"]}], "open_items": {"to": ["family"]}}"#,
            context(None, true),
        )
        .unwrap();
        assert_eq!(
            routing.open_items().map(|r| r.cadence),
            Some(Cadence::Weekly)
        );
        let routing =
            parse_routing(r#"{"routes": [{"to": ["family"]}]}"#, context(None, false)).unwrap();
        assert!(routing.open_items().is_none());
    }

    #[test]
    fn every_mistake_names_the_route_and_field() {
        let chat = TopicArn::parse(CHAT).unwrap();
        for (text, context, expected) in [
            (r#"{"routes": []}"#, context(None, false), "routes: empty"),
            (
                r#"["family"]"#,
                context(None, false),
                "not a routes document",
            ),
            (
                r#"{"routes": [{"to": ["family"]}], "extra": 1}"#,
                context(None, false),
                "unknown field `extra`",
            ),
            (
                r#"{"routes": [{"to": ["family"]}, {"match": {"sevrity": ["info"]}, "to": ["family"]}]}"#,
                context(None, false),
                "routes[1].match: unknown key \"sevrity\"",
            ),
            (
                r#"{"routes": [{"match": {"severity": []}, "to": ["family"]}]}"#,
                context(None, false),
                "routes[0].match.severity: no values",
            ),
            (
                r#"{"routes": [{"match": {"severity": "info"}, "to": ["family"]}]}"#,
                context(None, false),
                "routes[0].match.severity: invalid type",
            ),
            (
                r#"{"routes": [{"to": []}]}"#,
                context(None, false),
                "routes[0].to: no destination",
            ),
            (
                r#"{"routes": [{"to": ["family", "familly"]}]}"#,
                context(None, false),
                "routes[0].to[1]: unknown destination \"familly\"",
            ),
            (
                r#"{"routes": [{"to": ["chat"]}]}"#,
                context(None, false),
                "routes[0].to[0]: \"chat\" needs CHAT_TOPIC_ARN",
            ),
            (
                r#"{"routes": [{"to": [{"topic": "arn:aws:sqs:us-east-1:111122223333:q", "format": "text"}]}]}"#,
                context(Some(&chat), false),
                "routes[0].to[0]: topic:",
            ),
            (
                r#"{"routes": [{"to": ["family"], "cadence": "hourly"}]}"#,
                context(None, true),
                "routes[0].cadence: unknown variant `hourly`",
            ),
            (
                r#"{"routes": [{"to": ["family"]}, {"to": ["family"], "cadence": "weekly"}]}"#,
                context(None, false),
                "routes[1].cadence: weekly needs DIGEST_TABLE_NAME",
            ),
            (
                r#"{"routes": [{"to": ["family"], "continue": "yes"}]}"#,
                context(None, false),
                "routes[0].continue: invalid type",
            ),
            (
                r#"{"routes": [{"to": ["family"]}], "open_items": {"to": ["family"]}}"#,
                context(None, false),
                "open_items: needs DIGEST_TABLE_NAME",
            ),
            (
                r#"{"routes": [{"to": ["family"]}], "open_items": {"to": []}}"#,
                context(None, true),
                "open_items.to: no destination",
            ),
            (
                r#"{"routes": [{"to": ["family"]}], "open_items": {"to": ["family", "chatt"]}}"#,
                context(None, true),
                "open_items.to[1]: unknown destination \"chatt\"",
            ),
            (
                r#"{"routes": [{"to": ["family"]}], "open_items": {"to": ["chat"]}}"#,
                context(None, true),
                "open_items.to[0]: \"chat\" needs CHAT_TOPIC_ARN",
            ),
            (
                r#"{"routes": [{"to": ["family"]}], "open_items": {"to": ["family"], "cadence": "instant"}}"#,
                context(None, true),
                "open_items.cadence: instant is not a report cadence",
            ),
            (
                r#"{"routes": [{"to": ["family"]}], "open_items": {"to": ["family"], "cadence": "monthly"}}"#,
                context(None, true),
                "open_items.cadence: unknown variant `monthly`",
            ),
            (
                r#"{"routes": [{"to": ["family"]}], "open_items": {"to": ["family"], "when": "weekly"}}"#,
                context(None, true),
                "open_items.when: unknown field `when`",
            ),
        ] {
            let error = parse_routes(text, context).expect_err(text);
            assert!(
                error.contains(expected),
                "{text}: expected {expected:?} in {error:?}"
            );
        }
    }
}
