//! `Offer Released` and `OfferSet Released` details, with AWS's camelCase field names.
//! Ids are required; names, titles, dates and buyer lists are optional because real events
//! may leave them out.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::Id;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferReleased {
    pub request_id: Option<String>,
    pub catalog: Option<String>,
    pub offer: ReleasedOffer,
    pub product: Product,
    pub manufacturer: Party,
    pub seller_of_record: Party,
    /// Absent for an offer open to every buyer.
    pub targeted_buyer_account_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleasedOffer {
    pub id: Id,
    pub arn: Option<String>,
    pub name: Option<String>,
    pub expiration_date: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub id: Id,
    pub arn: Option<String>,
    pub title: Option<String>,
}

/// An AWS account taking part in an offer: its manufacturer or its seller of record.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Party {
    pub account_id: Id,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferSetReleased {
    pub request_id: Option<String>,
    pub catalog: Option<String>,
    pub offer_set: OfferSet,
    #[serde(default)]
    pub associated_offers: Vec<AssociatedOffer>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferSet {
    pub id: Id,
    pub arn: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociatedOffer {
    pub offer: OfferRef,
}

/// An offer mentioned by reference, as in an offer set's list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferRef {
    pub id: Id,
    pub arn: Option<String>,
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
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
}
