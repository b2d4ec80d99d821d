//! The Marketplace Catalog family (`aws.marketplacecatalog`): offers, change sets and
//! security reports, one module each with its typed detail, detail-type names and
//! composition; detail types without a dedicated format get the generic message of `other`.

pub mod change_set;
mod named;
pub mod offer;
pub mod other;
pub mod security;

use crate::family::{DetailType, Family, Otherwise};
use crate::topic::TopicKind;

/// The EventBridge source of every catalog event.
pub const SOURCE: &str = "aws.marketplacecatalog";

/// The catalog family as the registry lists it.
pub static FAMILY: Family = Family {
    name: "catalog",
    source: SOURCE,
    detail_types: &[
        DetailType {
            name: offer::OFFER_RELEASED,
            topic: TopicKind::OFFERS,
            parse: offer::parse_offer_released,
        },
        DetailType {
            name: offer::OFFER_SET_RELEASED,
            topic: TopicKind::OFFERS,
            parse: offer::parse_offer_set_released,
        },
        DetailType {
            name: change_set::CHANGE_SET_SUCCEEDED,
            topic: TopicKind::CHANGE_SETS,
            parse: change_set::parse,
        },
        DetailType {
            name: change_set::CHANGE_SET_FAILED,
            topic: TopicKind::CHANGE_SETS,
            parse: change_set::parse,
        },
        DetailType {
            name: change_set::CHANGE_SET_CANCELLED,
            topic: TopicKind::CHANGE_SETS,
            parse: change_set::parse,
        },
        DetailType {
            name: security::SECURITY_REPORT_CREATED,
            topic: TopicKind::SECURITY,
            parse: security::parse,
        },
    ],
    otherwise: Otherwise {
        topic: TopicKind::OTHER,
        parse: other::parse,
    },
};
