//! Routing: which formatter renders an event and which topic family receives it.

use crate::agreement::{self, AgreementDetail, AgreementLookup};
use crate::config::TopicKind;
use crate::enrich::Enrichment;
use crate::event::{CatalogDetail, CatalogEvent, Envelope};
use crate::handlers::{change_set, offer, other, security};
use crate::notification::Notification;

/// The topic family an event belongs to.
pub fn topic_for(detail: &CatalogDetail) -> TopicKind {
    match detail {
        CatalogDetail::OfferReleased(_) | CatalogDetail::OfferSetReleased(_) => TopicKind::Offers,
        CatalogDetail::ChangeSet(..) => TopicKind::ChangeSets,
        CatalogDetail::SecurityReport(_) => TopicKind::Security,
        CatalogDetail::Unrecognised(_) => TopicKind::Other,
        CatalogDetail::Agreement(_) => TopicKind::Agreements,
    }
}

/// Renders an event into its notification, without change-set enrichment.
pub fn render(event: &CatalogEvent) -> Notification {
    render_with(event, &Enrichment::NotAttempted)
}

/// Renders an event with what enrichment found (used only by change-set events; agreement
/// events are rendered without their lookup here, see [`render_agreement`]).
pub fn render_with(event: &CatalogEvent, enrichment: &Enrichment) -> Notification {
    let envelope = &event.envelope;
    match &event.detail {
        CatalogDetail::OfferReleased(detail) => offer::offer_released(detail, envelope),
        CatalogDetail::OfferSetReleased(detail) => offer::offer_set_released(detail, envelope),
        CatalogDetail::ChangeSet(outcome, detail) => {
            change_set::change_set(outcome, detail, enrichment, envelope)
        }
        CatalogDetail::SecurityReport(report) => security::security_report(report, envelope),
        CatalogDetail::Unrecognised(detail) => other::unrecognised(detail, envelope),
        CatalogDetail::Agreement(detail) => {
            render_agreement(detail, envelope, &AgreementLookup::NotAttempted)
        }
    }
}

/// Composes an agreement event's Message with what the agreement lookup found, and lays it
/// out as text for today's publisher.
pub fn render_agreement(
    detail: &AgreementDetail,
    envelope: &Envelope,
    lookup: &AgreementLookup,
) -> Notification {
    agreement::interim_text::message_to_notification(&agreement::compose(detail, envelope, lookup))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{KNOWN_DETAIL_TYPES, detail_type};
    use serde_json::json;

    /// A detail that satisfies every known shape at once, so one fixture reaches every arm.
    fn universal_detail() -> serde_json::Value {
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
            "upcomingResolutionDueDate": "2030-01-01T00:00:00Z"
        })
    }

    fn event(detail_type: &str) -> CatalogEvent {
        CatalogEvent::parse(json!({
            "id": "e-1", "detail-type": detail_type, "source": "aws.marketplacecatalog",
            "account": "123456789012", "time": "2029-12-01T00:00:00Z", "region": "us-east-1",
            "resources": [], "detail": universal_detail()
        }))
        .unwrap()
    }

    #[test]
    fn every_known_detail_type_has_its_topic() {
        let expected = [
            (detail_type::OFFER_RELEASED, TopicKind::Offers),
            (detail_type::OFFER_SET_RELEASED, TopicKind::Offers),
            (detail_type::CHANGE_SET_SUCCEEDED, TopicKind::ChangeSets),
            (detail_type::CHANGE_SET_FAILED, TopicKind::ChangeSets),
            (detail_type::CHANGE_SET_CANCELLED, TopicKind::ChangeSets),
            (detail_type::SECURITY_REPORT_CREATED, TopicKind::Security),
        ];
        assert_eq!(expected.len(), KNOWN_DETAIL_TYPES.len());
        for (detail_type, topic) in expected {
            assert!(KNOWN_DETAIL_TYPES.contains(&detail_type));
            let event = event(detail_type);
            assert_eq!(topic_for(&event.detail), topic, "{detail_type}");
            let notification = render(&event);
            assert_eq!(
                notification.attributes().get("detail_type"),
                Some(detail_type)
            );
        }
        assert_eq!(
            topic_for(&event("Entity Archived").detail),
            TopicKind::Other
        );
    }
}
