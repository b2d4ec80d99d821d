//! The offer family: `Offer Released` and `OfferSet Released` — their details (AWS's
//! camelCase fields; ids required, names, dates and buyer lists optional because real events
//! may leave them out), which of the three release cases an offer is in the reader's terms,
//! and the composed message: offer, product, parties and targeted buyers.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::{base_message, event_section};
use crate::event::{CatalogDetail, FieldError, Id, typed};
use crate::message::{Message, NextStep, Section, Severity};
use crate::text::{NOT_GIVEN, count, list_with_more, or_not_given, single_line, timestamp};

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

pub const OFFER_RELEASED: &str = "Offer Released";
pub const OFFER_SET_RELEASED: &str = "OfferSet Released";

/// Targeted buyers listed before "... and N more": enough to recognise, short enough to read.
pub const MAX_LISTED_BUYERS: usize = 25;
/// Offers of an offer set listed one per line before the rest are counted.
pub const MAX_LISTED_OFFERS: usize = 50;

pub fn parse_offer_released(detail: Value) -> Result<CatalogDetail, FieldError> {
    Ok(CatalogDetail::OfferReleased(typed(detail)?))
}

pub fn parse_offer_set_released(detail: Value) -> Result<CatalogDetail, FieldError> {
    Ok(CatalogDetail::OfferSetReleased(typed(detail)?))
}

/// Who released the offer, seen from the account that received the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReleaseCase {
    /// The receiving account makes the product and sells the offer itself.
    OwnOffer,
    /// The receiving account makes the product; a channel partner sells the offer.
    PartnerOfferForYourProduct,
    /// The receiving account sells, as a channel partner, another seller's product.
    YourOfferAsChannelPartner,
    /// The receiving account is neither party (or the event does not say who received it).
    Unrelated,
}

impl ReleaseCase {
    pub fn of(detail: &OfferReleased, account: Option<&str>) -> Self {
        let manufacturer = detail.manufacturer.account_id.as_str();
        let seller = detail.seller_of_record.account_id.as_str();
        match account {
            Some(account) if account == manufacturer && account == seller => Self::OwnOffer,
            Some(account) if account == manufacturer => Self::PartnerOfferForYourProduct,
            Some(account) if account == seller => Self::YourOfferAsChannelPartner,
            _ => Self::Unrelated,
        }
    }

    /// A short machine-friendly name, published as the `release_case` attribute.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::OwnOffer => "own_offer",
            Self::PartnerOfferForYourProduct => "channel_partner_offer_for_your_product",
            Self::YourOfferAsChannelPartner => "your_offer_as_channel_partner",
            Self::Unrelated => "other_party",
        }
    }
}

pub fn offer_released(detail: &OfferReleased, envelope: &crate::event::Envelope) -> Message {
    let case = ReleaseCase::of(detail, envelope.account.as_deref());
    let offer_label = label(detail.offer.name.as_deref(), detail.offer.id.as_str());
    let product_label = label(detail.product.title.as_deref(), detail.product.id.as_str());
    let seller = party(&detail.seller_of_record);
    let manufacturer = party(&detail.manufacturer);
    let buyers = detail
        .targeted_buyer_account_ids
        .as_deref()
        .unwrap_or_default();

    let (headline, summary) = match case {
        ReleaseCase::OwnOffer => (
            format!("Offer released: {offer_label}"),
            format!(
                "You released your offer {offer_label} for your product {product_label}. Buyers can now accept it."
            ),
        ),
        ReleaseCase::PartnerOfferForYourProduct => (
            format!("Channel partner released an offer for {product_label}"),
            format!(
                "A channel partner, {seller}, released the offer {offer_label} for your product {product_label}. You are the manufacturer; the channel partner is the seller of record."
            ),
        ),
        ReleaseCase::YourOfferAsChannelPartner => (
            format!("Offer released as channel partner: {offer_label}"),
            format!(
                "You released the offer {offer_label} as a channel partner, for the product {product_label} made by {manufacturer}. You are the seller of record."
            ),
        ),
        ReleaseCase::Unrelated => (
            format!("Offer released: {offer_label}"),
            format!(
                "The offer {offer_label} for the product {product_label} was released. The receiving account ({}) is neither its manufacturer nor its seller of record.",
                or_not_given(envelope.account.as_deref())
            ),
        ),
    };

    let targeted = if buyers.is_empty() {
        "None listed: the offer is not limited to specific buyer accounts.".to_owned()
    } else {
        format!(
            "{}: {}",
            count(buyers.len() as u64, "account", "accounts"),
            list_with_more(buyers, MAX_LISTED_BUYERS)
        )
    };
    let tell_buyers = matches!(
        case,
        ReleaseCase::OwnOffer | ReleaseCase::YourOfferAsChannelPartner
    ) && !buyers.is_empty();
    let step = if tell_buyers {
        "Let the targeted buyers know: the offer is waiting for them under Private offers in their AWS Marketplace console."
    } else if case == ReleaseCase::PartnerOfferForYourProduct {
        "Nothing is required from you. Check that the offer fits the resale authorization you gave this channel partner."
    } else {
        "Nothing is required. Check the offer's terms in the AWS Marketplace Management Portal if it was not expected."
    };

    let mut message = base_message(envelope, Severity::Info);
    message.headline = headline;
    message.summary = summary;
    message.action_required = tell_buyers;
    message.next_steps = vec![NextStep::new(step)];
    message.sections = vec![
        Section::new("Offer")
            .field("Name", or_not_given(detail.offer.name.as_deref()))
            .field("ID", single_line(detail.offer.id.as_str()))
            .field("ARN", or_not_given(detail.offer.arn.as_deref()))
            .field(
                "Expires",
                detail
                    .offer
                    .expiration_date
                    .as_ref()
                    .map(timestamp)
                    .unwrap_or_else(|| NOT_GIVEN.to_owned()),
            ),
        Section::new("Product")
            .field("Title", or_not_given(detail.product.title.as_deref()))
            .field("ID", single_line(detail.product.id.as_str()))
            .field("ARN", or_not_given(detail.product.arn.as_deref())),
        Section::new("Parties")
            .field("Seller of record", &seller)
            .field("Manufacturer", &manufacturer),
        Section::new("Targeted buyers").bullet(targeted),
        event_section(
            envelope,
            detail.catalog.as_deref(),
            detail.request_id.as_deref(),
        ),
    ];
    message.thread_key = single_line(detail.offer.id.as_str());
    message.keywords = vec![
        "offer".to_owned(),
        case.as_str().to_owned(),
        single_line(detail.product.id.as_str()),
    ];
    message.related_resources = [detail.offer.arn.as_deref(), detail.product.arn.as_deref()]
        .into_iter()
        .flatten()
        .map(single_line)
        .filter(|arn| !arn.is_empty())
        .collect();
    message.attributes = message
        .attributes
        .with("offer_id", detail.offer.id.as_str())
        .with("product_id", detail.product.id.as_str())
        .with("release_case", case.as_str())
        .with(
            "manufacturer_account_id",
            detail.manufacturer.account_id.as_str(),
        )
        .with(
            "seller_of_record_account_id",
            detail.seller_of_record.account_id.as_str(),
        )
        .with("catalog", detail.catalog.as_deref().unwrap_or_default());
    message
}

pub fn offer_set_released(detail: &OfferSetReleased, envelope: &crate::event::Envelope) -> Message {
    let set_label = label(
        detail.offer_set.name.as_deref(),
        detail.offer_set.id.as_str(),
    );
    let offers = &detail.associated_offers;

    let mut listed = Section::new("Associated offers");
    if offers.is_empty() {
        listed = listed.bullet(format!("None listed in the event {NOT_GIVEN}."));
    }
    for associated in offers.iter().take(MAX_LISTED_OFFERS) {
        let offer = &associated.offer;
        listed = listed.bullet(format!(
            "{} ({})",
            or_not_given(offer.name.as_deref()),
            single_line(offer.id.as_str())
        ));
    }
    if offers.len() > MAX_LISTED_OFFERS {
        listed = listed.bullet(format!("... and {} more", offers.len() - MAX_LISTED_OFFERS));
    }

    let mut message = base_message(envelope, Severity::Info);
    message.headline = format!("Offer set released: {set_label}");
    message.summary = format!(
        "The offer set {set_label} was released with {}.",
        count(offers.len() as u64, "associated offer", "associated offers")
    );
    message.sections = vec![
        Section::new("Offer set")
            .field("Name", or_not_given(detail.offer_set.name.as_deref()))
            .field("ID", single_line(detail.offer_set.id.as_str()))
            .field("ARN", or_not_given(detail.offer_set.arn.as_deref())),
        listed,
        event_section(
            envelope,
            detail.catalog.as_deref(),
            detail.request_id.as_deref(),
        ),
    ];
    message.thread_key = single_line(detail.offer_set.id.as_str());
    message.keywords = vec!["offer-set".to_owned()];
    message.related_resources = detail
        .offer_set
        .arn
        .iter()
        .chain(
            offers
                .iter()
                .filter_map(|associated| associated.offer.arn.as_ref()),
        )
        .map(|arn| single_line(arn))
        .filter(|arn| !arn.is_empty())
        .take(MAX_LISTED_OFFERS)
        .collect();
    message.attributes = message
        .attributes
        .with("offer_set_id", detail.offer_set.id.as_str())
        .with("catalog", detail.catalog.as_deref().unwrap_or_default());
    message
}

/// `"Name" (id)` when the event names the thing, otherwise just the id.
fn label(name: Option<&str>, id: &str) -> String {
    let id = single_line(id);
    match name.map(single_line) {
        Some(name) if !name.is_empty() => format!("\"{name}\" ({id})"),
        _ => id,
    }
}

/// "Name (account id)", saying when the name was not given.
fn party(party: &Party) -> String {
    let account = single_line(party.account_id.as_str());
    match party.name.as_deref().map(single_line) {
        Some(name) if !name.is_empty() => format!("{name} ({account})"),
        _ => format!("account {account} (name not given)"),
    }
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
            label(Some("My\noffer"), "offer-1"),
            "\"My offer\" (offer-1)"
        );
        assert_eq!(label(Some(" "), "offer-1"), "offer-1");
        assert_eq!(label(None, "offer-1"), "offer-1");
    }
}
