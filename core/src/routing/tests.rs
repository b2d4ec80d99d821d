use proptest::prelude::*;

use super::*;
use crate::channel::Destination;
use crate::message::{Attributes, Message};
use crate::render::TextRenderer;

const SOURCE: &str = "aws.agreement-marketplace";

fn topic(name: &str) -> ChannelRoute {
    ChannelRoute::new(
        TextRenderer,
        Destination::Topic(
            TopicArn::parse(&format!("arn:aws:sns:us-east-1:111122223333:{name}")).unwrap(),
        ),
    )
}

fn named(route: &Selected<'_>) -> String {
    match route.target.destination() {
        Destination::FamilyTopic => format!("family@{}", route.cadence),
        Destination::Topic(arn) => format!(
            "{}@{}",
            arn.as_str().rsplit(':').next().unwrap_or_default(),
            route.cadence
        ),
    }
}

fn message(severity: Severity, account: &str) -> Message {
    Message {
        severity,
        action_required: severity >= Severity::Error,
        attributes: Attributes::new().with("account", account),
        ..Message::default()
    }
}

fn on(key: &str, values: &[&str]) -> Match {
    Match::everything().and(key, values.iter().map(|v| (*v).to_owned()).collect())
}

fn route(matcher: Match, targets: &[&str], cadence: Cadence, carry_on: bool) -> Route {
    Route {
        matcher,
        targets: targets
            .iter()
            .map(|name| match *name {
                "family" => ChannelRoute::text(),
                other => topic(other),
            })
            .collect(),
        cadence,
        carry_on,
    }
}

fn select(routing: &Routing, message: &Message) -> Vec<String> {
    routing
        .select(&EventFacts {
            message,
            source: SOURCE,
        })
        .iter()
        .map(named)
        .collect()
}

#[test]
fn the_first_matching_route_decides_unless_it_continues() {
    let routing = Routing::new(vec![
        route(
            on("severity", &["critical", "error"]),
            &["family", "pager"],
            Cadence::Instant,
            false,
        ),
        route(
            on("account", &["111122223333"]),
            &["emea"],
            Cadence::Daily,
            true,
        ),
        route(Match::everything(), &["family"], Cadence::Weekly, false),
        route(Match::everything(), &["never"], Cadence::Instant, false),
    ]);
    assert_eq!(
        select(&routing, &message(Severity::Critical, "111122223333")),
        ["family@instant", "pager@instant"]
    );
    assert_eq!(
        select(&routing, &message(Severity::Info, "111122223333")),
        ["emea@daily", "family@weekly"]
    );
    assert_eq!(
        select(&routing, &message(Severity::Warning, "444455556666")),
        ["family@weekly"]
    );
}

#[test]
fn a_target_named_twice_goes_once_at_the_first_routes_cadence() {
    let routing = Routing::new(vec![
        route(Match::everything(), &["family"], Cadence::Instant, true),
        route(
            Match::everything(),
            &["family", "emea"],
            Cadence::Daily,
            false,
        ),
    ]);
    assert_eq!(
        select(&routing, &message(Severity::Info, "111122223333")),
        ["family@instant", "emea@daily"]
    );
}

#[test]
fn no_matching_route_selects_nothing() {
    let routing = Routing::new(vec![route(
        on("source", &["aws.marketplacecatalog"]),
        &["family"],
        Cadence::Instant,
        false,
    )]);
    assert!(select(&routing, &message(Severity::Critical, "111122223333")).is_empty());
}

#[test]
fn the_standard_routing_is_todays_family_text_and_chat_for_its_severities() {
    let chat = TopicArn::parse("arn:aws:sns:us-east-1:111122223333:chat").unwrap();
    let routing = Routing::standard(Some(&chat), &[Severity::Error, Severity::Critical]);
    assert_eq!(
        select(&routing, &message(Severity::Info, "111122223333")),
        ["family@instant"]
    );
    assert_eq!(
        select(&routing, &message(Severity::Error, "111122223333")),
        ["family@instant", "chat@instant"]
    );
    let text_only = Routing::standard(None, &[]);
    assert_eq!(
        select(&text_only, &message(Severity::Critical, "111122223333")),
        ["family@instant"]
    );
    assert!(!routing.has_digests());
}

#[test]
fn digest_targets_are_those_of_routes_of_that_cadence() {
    let routing = Routing::new(vec![
        route(Match::everything(), &["family"], Cadence::Instant, true),
        route(
            Match::everything(),
            &["emea", "family"],
            Cadence::Daily,
            true,
        ),
        route(Match::everything(), &["emea"], Cadence::Daily, true),
        route(Match::everything(), &["apac"], Cadence::Weekly, false),
    ]);
    let names = |cadence| -> Vec<String> {
        routing
            .digest_targets(cadence)
            .into_iter()
            .map(|target| named(&Selected { target, cadence }))
            .collect()
    };
    assert_eq!(names(Cadence::Daily), ["emea@daily", "family@daily"]);
    assert_eq!(names(Cadence::Weekly), ["apac@weekly"]);
    assert!(routing.has_digests());
}

fn severity() -> impl Strategy<Value = Severity> {
    prop::sample::select(Severity::ALL.to_vec())
}

fn arbitrary_route() -> impl Strategy<Value = Route> {
    (
        prop::option::of(prop::collection::vec(severity(), 1..3)),
        prop::sample::subsequence(vec!["family", "a", "b", "c"], 1..4),
        prop::sample::select(vec![Cadence::Instant, Cadence::Daily, Cadence::Weekly]),
        any::<bool>(),
    )
        .prop_map(|(severities, targets, cadence, carry_on)| {
            let matcher = match severities {
                Some(severities) => Match::everything().and(
                    "severity",
                    severities.iter().map(|s| s.as_str().to_owned()).collect(),
                ),
                None => Match::everything(),
            };
            route(matcher, &targets, cadence, carry_on)
        })
}

proptest! {
    /// Nothing after a matching route that does not continue is ever selected.
    #[test]
    fn routes_after_a_stopping_match_change_nothing(
        routes in prop::collection::vec(arbitrary_route(), 0..5),
        extra in prop::collection::vec(arbitrary_route(), 0..5),
        severity in severity(),
    ) {
        let mut stopped = routes.clone();
        stopped.push(route(Match::everything(), &["c"], Cadence::Daily, false));
        let mut extended = stopped.clone();
        extended.extend(extra);
        let message = message(severity, "111122223333");
        prop_assert_eq!(
            select(&Routing::new(stopped), &message),
            select(&Routing::new(extended), &message)
        );
    }

    /// When every route continues, an event gets every target of every matching route, once.
    #[test]
    fn continuing_routes_add_up(
        routes in prop::collection::vec(arbitrary_route(), 0..6),
        severity in severity(),
    ) {
        let routes: Vec<Route> = routes
            .into_iter()
            .map(|route| Route { carry_on: true, ..route })
            .collect();
        let message = message(severity, "111122223333");
        let facts = EventFacts { message: &message, source: SOURCE };
        let mut expected: Vec<String> = Vec::new();
        for route in routes.iter().filter(|route| route.matcher.matches(&facts)) {
            for target in &route.targets {
                let name = named(&Selected { target, cadence: route.cadence });
                let base = name.split('@').next().unwrap_or_default().to_owned();
                if !expected.iter().any(|known| known.split('@').next() == Some(base.as_str())) {
                    expected.push(name);
                }
            }
        }
        prop_assert_eq!(select(&Routing::new(routes), &message), expected);
    }

    /// An empty match matches any event.
    #[test]
    fn an_empty_match_matches_everything(severity in severity(), account in "[0-9]{12}") {
        let message = message(severity, &account);
        let facts = EventFacts { message: &message, source: SOURCE };
        prop_assert!(Match::everything().matches(&facts));
    }
}
