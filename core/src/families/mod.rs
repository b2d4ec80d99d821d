//! The event families, one module each: the Marketplace Catalog events, the agreement
//! events, the payout events and AWS Partner Central's co-sell events. Each declares its [`Family`](crate::family::Family)
//! value, which the registry lists; `common` holds what every family's message takes from
//! the envelope.

pub mod agreement;
pub mod catalog;
pub mod common;
pub mod cosell;
pub mod payments;
