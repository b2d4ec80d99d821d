//! The one table of event families: which (source, detail-type) pairs the function knows,
//! the topic each one goes to and how its detail is parsed, with a per-source fallback for
//! detail types AWS adds later. Routing, [`KNOWN_DETAIL_TYPES`] and the template checks all
//! read this table; adding a family is one module and its lines here.

use serde_json::value::RawValue;

use crate::agreement::{self, AgreementLookup};
use crate::catalog::{self, change_set, offer, other, security};
use crate::enrich::Enrichment;
use crate::event::{CatalogDetail, CatalogEvent, FieldError};
use crate::message::Message;
use crate::notification::Notification;
use crate::render;
use crate::topic::TopicKind;

/// Parses an event's `detail` into its typed family; errors are `(field path, reason)`.
pub type Parse = fn(&RawValue) -> Result<CatalogDetail, FieldError>;

/// One detail type with a dedicated family.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub source: &'static str,
    pub detail_type: &'static str,
    pub topic: TopicKind,
    pub parse: Parse,
}

/// What a known source's unknown detail types get: the generic rendering on a topic.
#[derive(Debug, Clone, Copy)]
pub struct Fallback {
    pub source: &'static str,
    pub topic: TopicKind,
    pub parse: Parse,
}

pub const ROUTES: &[Route] = &[
    Route {
        source: catalog::SOURCE,
        detail_type: offer::OFFER_RELEASED,
        topic: TopicKind::Offers,
        parse: offer::parse_offer_released,
    },
    Route {
        source: catalog::SOURCE,
        detail_type: offer::OFFER_SET_RELEASED,
        topic: TopicKind::Offers,
        parse: offer::parse_offer_set_released,
    },
    Route {
        source: catalog::SOURCE,
        detail_type: change_set::CHANGE_SET_SUCCEEDED,
        topic: TopicKind::ChangeSets,
        parse: change_set::parse_succeeded,
    },
    Route {
        source: catalog::SOURCE,
        detail_type: change_set::CHANGE_SET_FAILED,
        topic: TopicKind::ChangeSets,
        parse: change_set::parse_failed,
    },
    Route {
        source: catalog::SOURCE,
        detail_type: change_set::CHANGE_SET_CANCELLED,
        topic: TopicKind::ChangeSets,
        parse: change_set::parse_cancelled,
    },
    Route {
        source: catalog::SOURCE,
        detail_type: security::SECURITY_REPORT_CREATED,
        topic: TopicKind::Security,
        parse: security::parse,
    },
    // The agreement family, in the order of `agreement::KNOWN_DETAIL_TYPES`.
    agreement_route::<0>(),
    agreement_route::<1>(),
    agreement_route::<2>(),
    agreement_route::<3>(),
    agreement_route::<4>(),
    agreement_route::<5>(),
    agreement_route::<6>(),
    agreement_route::<7>(),
    agreement_route::<8>(),
    agreement_route::<9>(),
    agreement_route::<10>(),
    agreement_route::<11>(),
    agreement_route::<12>(),
    agreement_route::<13>(),
    agreement_route::<14>(),
    agreement_route::<15>(),
    agreement_route::<16>(),
    agreement_route::<17>(),
    agreement_route::<18>(),
    agreement_route::<19>(),
];

/// The route of the agreement detail type at `INDEX` in `agreement::KNOWN_DETAIL_TYPES`.
const fn agreement_route<const INDEX: usize>() -> Route {
    Route {
        source: agreement::SOURCE,
        detail_type: agreement::KNOWN_DETAIL_TYPES[INDEX].0,
        topic: TopicKind::Agreements,
        parse: agreement::parse_known::<INDEX>,
    }
}

pub const FALLBACKS: &[Fallback] = &[
    Fallback {
        source: catalog::SOURCE,
        topic: TopicKind::Other,
        parse: other::parse,
    },
    // New agreement types and the buyer-side "- Acceptor" ones: generic, but on the
    // agreements topic, where the people who follow agreements read.
    Fallback {
        source: agreement::SOURCE,
        topic: TopicKind::Agreements,
        parse: agreement::parse_unrecognised,
    },
];

const KNOWN: [&str; ROUTES.len()] = {
    let mut names = [""; ROUTES.len()];
    let mut index = 0;
    while index < ROUTES.len() {
        names[index] = ROUTES[index].detail_type;
        index += 1;
    }
    names
};

/// Every detail type with a dedicated family; any other one gets its source's fallback.
pub const KNOWN_DETAIL_TYPES: &[&str] = &KNOWN;

/// The topic and parser for an event, or `None` when its source is not handled at all.
pub fn route(source: &str, detail_type: &str) -> Option<(TopicKind, Parse)> {
    ROUTES
        .iter()
        .find(|route| route.source == source && route.detail_type == detail_type)
        .map(|route| (route.topic, route.parse))
        .or_else(|| {
            FALLBACKS
                .iter()
                .find(|fallback| fallback.source == source)
                .map(|fallback| (fallback.topic, fallback.parse))
        })
}

/// The sources this function handles.
pub fn sources() -> impl Iterator<Item = &'static str> {
    FALLBACKS.iter().map(|fallback| fallback.source)
}

/// Composes an event's message with what the change-set lookup found (no agreement lookup).
pub fn compose(event: &CatalogEvent, enrichment: &Enrichment) -> Message {
    compose_with(event, enrichment, &AgreementLookup::NotAttempted)
}

/// Composes an event's message with what the lookups found: the change-set lookup for
/// change sets, the agreement lookup for agreements.
pub fn compose_with(
    event: &CatalogEvent,
    enrichment: &Enrichment,
    agreement_lookup: &AgreementLookup,
) -> Message {
    let envelope = &event.envelope;
    match &event.detail {
        CatalogDetail::OfferReleased(detail) => offer::offer_released(detail, envelope),
        CatalogDetail::OfferSetReleased(detail) => offer::offer_set_released(detail, envelope),
        CatalogDetail::ChangeSet(outcome, detail) => {
            change_set::change_set(outcome, detail, enrichment, envelope)
        }
        CatalogDetail::SecurityReport(report) => security::security_report(report, envelope),
        CatalogDetail::Unrecognised(detail) => other::unrecognised(detail, envelope),
        CatalogDetail::Agreement(detail) => agreement::compose(detail, envelope, agreement_lookup),
    }
}

/// The e-mail/SQS text of an event, without lookups: what its family topic receives.
pub fn render_text(event: &CatalogEvent) -> Notification {
    render::text::render(&compose(event, &Enrichment::NotAttempted))
}

/// The chat rendering of an event, without lookups: what the chat topic receives.
pub fn render_chat(event: &CatalogEvent) -> Notification {
    render::chat::render(&compose(event, &Enrichment::NotAttempted))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// A detail that satisfies every known shape at once, so one fixture reaches every arm.
    fn universal_detail() -> Value {
        json!({
            "catalog": "AWSMarketplace",
            "offer": {"id": "offer-1"},
            "product": {"id": "prod-1"},
            "manufacturer": {"accountId": "123456789012"},
            "sellerOfRecord": {"accountId": "123456789012"},
            "offerSet": {"id": "offerset-1"},
            "Catalog": "AWSMarketplace",
            "ChangeSetId": "cs-1",
            "FailureCode": "CLIENT_ERROR",
            "numberOfProductsWithIssues": 1,
            "numberOfVersionsWithIssues": 1,
            "numberOfLatestVersionsWithIssues": 1,
            "newIssuesFound": false,
            "upcomingResolutionDueDate": "2030-01-01T00:00:00Z",
            "agreement": {"id": "agmt-1", "acceptorId": "210987654321"},
            "acceptor": {"accountId": "210987654321"},
            "proposer": {"accountId": "123456789012"}
        })
    }

    fn event(source: &str, detail_type: &str) -> CatalogEvent {
        CatalogEvent::parse(json!({
            "id": "e-1", "detail-type": detail_type, "source": source,
            "account": "123456789012", "time": "2029-12-01T00:00:00Z", "region": "us-east-1",
            "resources": [], "detail": universal_detail()
        }))
        .unwrap()
    }

    #[test]
    fn every_route_parses_composes_and_keeps_its_detail_type() {
        for route in ROUTES {
            let event = event(route.source, route.detail_type);
            assert_eq!(event.topic, route.topic, "{}", route.detail_type);
            let message = compose(&event, &Enrichment::NotAttempted);
            assert_eq!(
                message.attributes.get("detail_type"),
                Some(route.detail_type)
            );
            assert_eq!(message.event_type, route.detail_type);
            assert!(!message.thread_key.is_empty(), "{}", route.detail_type);
        }
        let unknown = event(catalog::SOURCE, "Entity Archived");
        assert_eq!(unknown.topic, TopicKind::Other);
        assert!(matches!(unknown.detail, CatalogDetail::Unrecognised(_)));
        let buyer_side = event(agreement::SOURCE, "Purchase Agreement Created - Acceptor");
        assert_eq!(buyer_side.topic, TopicKind::Agreements);
        assert!(matches!(
            buyer_side.detail,
            CatalogDetail::Agreement(agreement::AgreementDetail::Unrecognised(_))
        ));
    }

    #[test]
    fn every_agreement_type_has_its_route() {
        for (detail_type, _) in agreement::KNOWN_DETAIL_TYPES {
            assert!(
                ROUTES
                    .iter()
                    .any(|route| route.source == agreement::SOURCE
                        && route.detail_type == *detail_type),
                "{detail_type} has no route"
            );
        }
        assert_eq!(
            ROUTES
                .iter()
                .filter(|route| route.source == agreement::SOURCE)
                .count(),
            agreement::KNOWN_DETAIL_TYPES.len()
        );
    }

    #[test]
    fn known_detail_types_mirror_the_routes() {
        assert_eq!(KNOWN_DETAIL_TYPES.len(), ROUTES.len());
        for (name, route) in KNOWN_DETAIL_TYPES.iter().zip(ROUTES) {
            assert_eq!(*name, route.detail_type);
        }
    }

    #[test]
    fn unknown_sources_have_no_route() {
        assert!(route("aws.ec2", "Offer Released").is_none());
        assert!(route(catalog::SOURCE, "Anything New").is_some());
        assert_eq!(
            route(agreement::SOURCE, "Anything New").map(|(topic, _)| topic),
            Some(TopicKind::Agreements)
        );
    }
}
