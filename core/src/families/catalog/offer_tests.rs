//! Unit tests of the offer family: parsing released offers and offer sets, the release
//! case, and names falling back to ids.

use super::*;
use serde_json::json;

#[test]
fn minimal_offer_released_needs_only_ids() {
    let detail: OfferReleased = serde_json::from_value(json!({
        "offer": {"id": "offer-1"},
        "product": {"id": "prod-1"},
        "manufacturer": {"accountId": "123456789012"},
        "sellerOfRecord": {"accountId": "123456789012"},
        "targetedBuyerAccountIds": null
    }))
    .unwrap();
    assert_eq!(detail.offer.name, None);
    assert_eq!(detail.targeted_buyer_account_ids, None);
}

#[test]
fn offer_set_without_associated_offers_is_an_empty_list() {
    let detail: OfferSetReleased =
        serde_json::from_value(json!({"offerSet": {"id": "offerset-1"}})).unwrap();
    assert!(detail.associated_offers.is_empty());
}

fn detail(manufacturer: &str, seller: &str) -> OfferReleased {
    serde_json::from_value(json!({
        "offer": {"id": "offer-1"},
        "product": {"id": "prod-1"},
        "manufacturer": {"accountId": manufacturer},
        "sellerOfRecord": {"accountId": seller}
    }))
    .unwrap()
}

#[test]
fn release_case_compares_the_receiving_account_with_both_parties() {
    let isv = "111111111111";
    let partner = "222222222222";
    assert_eq!(
        ReleaseCase::of(&detail(isv, isv), Some(isv)),
        ReleaseCase::OwnOffer
    );
    assert_eq!(
        ReleaseCase::of(&detail(isv, partner), Some(isv)),
        ReleaseCase::PartnerOfferForYourProduct
    );
    assert_eq!(
        ReleaseCase::of(&detail(isv, partner), Some(partner)),
        ReleaseCase::YourOfferAsChannelPartner
    );
    assert_eq!(
        ReleaseCase::of(&detail(isv, partner), Some("333333333333")),
        ReleaseCase::Unrelated
    );
    assert_eq!(
        ReleaseCase::of(&detail(isv, isv), None),
        ReleaseCase::Unrelated
    );
}

#[test]
fn labels_fall_back_to_ids() {
    assert_eq!(
        Named::new(Some("My\noffer"), "offer-1").label(),
        "\"My offer\" (offer-1)"
    );
    assert_eq!(Named::new(Some(" "), "offer-1").label(), "offer-1");
    assert_eq!(Named::new(None, "offer-1").label(), "offer-1");
}
