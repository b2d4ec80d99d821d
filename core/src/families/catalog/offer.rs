//! The offer family: `Offer Released` and `OfferSet Released` — their details (AWS's
//! camelCase fields; ids required, names, dates and buyer lists optional because real events
//! may leave them out), which of the three release cases an offer is in the reader's terms,
//! and the composed message: offer, product, parties and targeted buyers.

use chrono::{DateTime, Utc};
use compact_str::CompactString;
use serde::Deserialize;

use super::named::Named;
use crate::accounts::AccountNames;
use crate::event::{DetailJson, Envelope, FieldError, Id, typed};
use crate::families::common::{base_message, event_section};
use crate::family::{Detail, boxed};
use crate::lookup::Found;
use crate::message::{Link, Message, NextStep, Section, Severity};
use crate::text::{
    NOT_GIVEN, concat, count, list_with_more, or_not_given, shorten, single_line, timestamp,
};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OfferReleased {
    pub request_id: Option<String>,
    pub catalog: Option<String>,
    pub offer: ReleasedOffer,
    pub product: Product,
    pub manufacturer: Party,
    pub seller_of_record: Party,
    /// Absent for an offer open to every buyer. Account ids are 12 digits: each is kept
    /// inline, so a long list of buyers costs one allocation, not one per buyer.
    pub targeted_buyer_account_ids: Option<Vec<CompactString>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleasedOffer {
    pub id: Id,
    pub arn: Option<String>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "crate::event::timestamp::optional")]
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

impl Party {
    /// The party as shown: see [`Named::of_account`].
    fn named(&self, names: &AccountNames) -> Named {
        Named::of_account(self.account_id.as_str(), self.name.as_deref(), names)
    }
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

/// Targeted buyers listed before "... and N more": every buyer a private offer can target
/// (the Catalog API's maximum: OfferSummary BuyerAccounts holds at most 26 accounts, AWS
/// Marketplace API Reference), so only a larger list, which the API does not produce for a
/// private offer, is cut.
pub const MAX_LISTED_BUYERS: usize = 26;
/// Offers of an offer set listed one per line before the rest are counted.
pub const MAX_LISTED_OFFERS: usize = 50;

pub fn parse_offer_released(_: &str, detail: &DetailJson) -> Result<Box<dyn Detail>, FieldError> {
    typed::<OfferReleased>(detail).map(boxed)
}

pub fn parse_offer_set_released(
    _: &str,
    detail: &DetailJson,
) -> Result<Box<dyn Detail>, FieldError> {
    typed::<OfferSetReleased>(detail).map(boxed)
}

impl Detail for OfferReleased {
    fn compose(&self, envelope: &Envelope, _: &Found) -> Message {
        offer_released(self, envelope)
    }
}

impl Detail for OfferSetReleased {
    fn compose(&self, envelope: &Envelope, _: &Found) -> Message {
        offer_set_released(self, envelope)
    }
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

/// The seller portal's Offers page, where a seller sees and manages its offers.
/// Source: AWS Marketplace Seller Guide, "Private offers" (Offers page of the
/// AWS Marketplace Management Portal, now AWS Partner Central).
pub const OFFERS_PAGE: &str = "https://aws.amazon.com/marketplace/management/offers";

pub fn offer_released(detail: &OfferReleased, envelope: &Envelope) -> Message {
    let case = ReleaseCase::of(detail, envelope.account.as_deref());
    // Each name is shown up to four times: it is cleaned once, here.
    let offer = Named::new(detail.offer.name.as_deref(), detail.offer.id.as_str());
    let product = Named::new(detail.product.title.as_deref(), detail.product.id.as_str());
    let seller = detail.seller_of_record.named(&envelope.account_names);
    let manufacturer = detail.manufacturer.named(&envelope.account_names);
    let offer_label = offer.label();
    // The body names each thing once with its name, or its id when it has none: the ids
    // are in the facts below.
    let offer_named = offer.name_or_id();
    let product_named = product.name_or_id();
    let buyers = detail
        .targeted_buyer_account_ids
        .as_deref()
        .unwrap_or_default();
    let private = !buyers.is_empty();
    let audience = if private {
        concat([
            "It is a private offer for ",
            &count(buyers.len() as u64, "buyer account", "buyer accounts"),
        ])
    } else {
        "It is not limited to specific buyer accounts (a public offer)".to_owned()
    };
    let expiry = match detail.offer.expiration_date {
        Some(at) => concat([
            " that can be accepted until ",
            &timestamp(&at),
            " (",
            &expires_in(at - envelope.time),
            ")",
        ]),
        None => ", with no accept-by date in the event".to_owned(),
    };

    let (headline, what) = match case {
        ReleaseCase::OwnOffer => (
            concat(["Offer released: ", &offer_label]),
            concat([
                "You released your offer ",
                &offer_named,
                " for your product ",
                &product_named,
                ".",
            ]),
        ),
        ReleaseCase::PartnerOfferForYourProduct => (
            concat([
                "Channel partner ",
                seller.name.as_deref().unwrap_or(&seller.id),
                " released offer ",
                &offer_label,
            ]),
            concat([
                "Your channel partner ",
                &seller.party(),
                " released the offer ",
                &offer_named,
                " for your product ",
                &product_named,
                "; the partner is the seller of record, you are the manufacturer.",
            ]),
        ),
        ReleaseCase::YourOfferAsChannelPartner => (
            concat(["Offer released as channel partner: ", &offer_label]),
            concat([
                "You released the offer ",
                &offer_named,
                " as a channel partner (seller of record) for the product ",
                &product_named,
                " made by ",
                &manufacturer.party(),
                ".",
            ]),
        ),
        ReleaseCase::Unrelated => (
            concat(["Offer released: ", &offer_label]),
            concat([
                "The offer ",
                &offer_named,
                " for the product ",
                &product_named,
                " was released. The receiving account (",
                envelope
                    .account_label()
                    .as_deref()
                    .unwrap_or("not named in the event"),
                ") is neither its manufacturer nor its seller of record.",
            ]),
        ),
    };
    let summary = concat([&what, " ", &audience, &expiry, "."]);

    let offers_page = Link::new("Seller portal Offers page", OFFERS_PAGE);
    let tell_buyers = matches!(
        case,
        ReleaseCase::OwnOffer | ReleaseCase::YourOfferAsChannelPartner
    ) && private;
    let mut next_steps = vec![if tell_buyers {
        NextStep::new(
            "Tell the targeted buyers the offer is waiting for them under Private offers in their AWS Marketplace console, and by when to accept it.",
        )
    } else if case == ReleaseCase::PartnerOfferForYourProduct {
        NextStep::new(
            "Nothing is required from you. Check that the offer fits the resale authorization you gave this channel partner.",
        )
    } else {
        NextStep::new(
            "Nothing is required. If the offer was not expected, check its terms on the Offers page.",
        )
    }];
    next_steps.push(
        NextStep::new("The offer on the Seller portal Offers page").with_link(offers_page.clone()),
    );

    let mut buyers_section = Section::new("Targeted buyers");
    if private {
        buyers_section = buyers_section.bullet(concat([
            &count(buyers.len() as u64, "account", "accounts"),
            ": ",
            &list_with_more(buyers, MAX_LISTED_BUYERS),
        ]));
    } else {
        buyers_section =
            buyers_section.bullet("None: the offer is not limited to specific buyer accounts.");
    }

    // An offer buyers can accept for at most a week more (or no longer) is urgent.
    let expires_soon = detail
        .offer
        .expiration_date
        .is_some_and(|at| at - envelope.time <= OFFER_EXPIRY_WARNING);
    let severity = if expires_soon {
        Severity::Warning
    } else {
        Severity::Info
    };
    let mut message = base_message(envelope, severity);
    message.headline = headline;
    message.summary = summary;
    message.action_required = tell_buyers;
    message.next_steps = next_steps;
    // What to do comes right after the summary, before the facts.
    message.next_steps_before = Some(0);
    message.sections = vec![
        Section::new("Offer")
            .field("Name", offer.short_or_not_given())
            .field("ID", &offer.id)
            .field("ARN", or_not_given(detail.offer.arn.as_deref()))
            .field("Type", if private { "private" } else { "public" })
            .field(
                "Accept by",
                detail
                    .offer
                    .expiration_date
                    .as_ref()
                    .map(timestamp)
                    .unwrap_or_else(|| NOT_GIVEN.to_owned()),
            ),
        Section::new("Product")
            .field("Title", product.short_or_not_given())
            .field("ID", &product.id)
            .field("ARN", or_not_given(detail.product.arn.as_deref())),
        Section::new("Parties")
            .field("Seller of record", seller.short_party())
            .field("Manufacturer", manufacturer.short_party()),
        buyers_section,
        event_section(envelope, detail.request_id.as_deref()),
    ];
    message.links = vec![offers_page];
    message.keywords = ["AWS Marketplace".to_owned(), "offer".to_owned()]
        .into_iter()
        .chain(product.name)
        .collect();
    message.thread_key = offer.id;
    message.related_resources = [detail.offer.arn.as_deref(), detail.product.arn.as_deref()]
        .into_iter()
        .flatten()
        .map(single_line)
        .filter(|arn| !arn.is_empty())
        .collect();
    // No `catalog` attribute: it is always AWSMarketplace, and the ten-attribute budget is
    // better spent on action_required and the receiving account.
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
        );
    message
}

/// An offer whose accept-by date is this close to its release (or past) is a warning.
pub const OFFER_EXPIRY_WARNING: chrono::TimeDelta = chrono::TimeDelta::days(7);

/// "expires in 3 days", "expires in less than a day", "already expired".
fn expires_in(left: chrono::TimeDelta) -> String {
    if left < chrono::TimeDelta::zero() {
        return "already expired when the offer was released".to_owned();
    }
    match left.num_days() {
        0 => "expires in less than a day".to_owned(),
        n => concat(["expires in ", &count(n as u64, "day", "days")]),
    }
}

pub fn offer_set_released(detail: &OfferSetReleased, envelope: &Envelope) -> Message {
    let set = Named::new(
        detail.offer_set.name.as_deref(),
        detail.offer_set.id.as_str(),
    );
    let set_label = set.label();
    let offers = &detail.associated_offers;

    let mut listed = Section::new("Associated offers");
    if offers.is_empty() {
        listed = listed.bullet("None listed in the event.");
    }
    for associated in offers.iter().take(MAX_LISTED_OFFERS) {
        let offer = &associated.offer;
        let offer = Named::new(offer.name.as_deref(), offer.id.as_str());
        listed = listed.bullet(match &offer.name {
            Some(name) => format!("{} ({})", shorten(name), offer.id),
            None => offer.id,
        });
    }
    if offers.len() > MAX_LISTED_OFFERS {
        listed = listed.bullet(format!("... and {} more", offers.len() - MAX_LISTED_OFFERS));
    }
    let offers_page = Link::new("Seller portal Offers page", OFFERS_PAGE);

    let mut message = base_message(envelope, Severity::Info);
    message.headline = format!("Offer set released: {set_label}");
    // What an offer set is. Source: AWS Marketplace API Reference, "Work with offer sets":
    // private offers grouped so the buyer reviews and accepts them all with one action; each
    // keeps its own terms and becomes its own agreement.
    message.summary = format!(
        "The offer set {set_label} was released with {}. An offer set groups private offers that the buyer reviews and accepts together, in one action; each offer keeps its own terms and becomes its own agreement.",
        count(offers.len() as u64, "associated offer", "associated offers")
    );
    message.action_required = true;
    message.next_steps = vec![
        NextStep::new(
            "Tell the buyer the offer set is waiting under Private offers in their AWS Marketplace console; accepting it accepts every offer in it.",
        ),
        NextStep::new(
            "Check each offer's terms and accept-by date on the Seller portal Offers page",
        )
        .with_link(offers_page.clone()),
    ];
    message.next_steps_before = Some(0);
    message.sections = vec![
        Section::new("Offer set")
            .field("Name", set.short_or_not_given())
            .field("ID", &set.id)
            .field("ARN", or_not_given(detail.offer_set.arn.as_deref())),
        listed,
        event_section(envelope, detail.request_id.as_deref()),
    ];
    message.links = vec![offers_page];
    message.thread_key = set.id;
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
        .with("offer_set_id", detail.offer_set.id.as_str());
    message
}

#[cfg(test)]
#[path = "offer_tests.rs"]
mod tests;
