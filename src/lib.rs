//! marketplace-catalog-notifier: turns AWS Marketplace events delivered by Amazon
//! EventBridge (catalog, agreement, payout, co-sell and any other family in the registry)
//! into clear notifications published to Amazon SNS topics.
//!
//! # Two crates
//!
//! The pure core (read the event, route it, compose its message, render each channel, the
//! dry-run publisher) is the `notifier-core` crate in `core/`: no AWS SDK, no async I/O. Its
//! modules are re-exported here under the same names, so `crate::event` or
//! `marketplace_catalog_notifier::render` mean the same wherever they are written. It is a
//! crate of its own so that the release build can optimise the per-event work for speed
//! while the SDK code stays optimised for size (`Cargo.toml` says what each costs).
//!
//! This crate adds, with the `aws` feature (on by default), everything that talks to AWS or
//! to the Lambda Runtime API: [`aws`] (SDK clients and lookup adapters), [`bootstrap`]
//! (builds the notifier a `Config` describes), [`lambda`] (the runtime loop) and
//! [`subscription`] (an operator command); the `redrive` feature adds `redrive`, the command
//! that hands failed events back to the function, and the two SDK clients only it uses.
//! Without `aws` it is the core alone, which is all `make demo` needs.

pub use notifier_core::{
    Config, Notifier, NotifierError, Outcome, accounts, channel, clock, config, dedupe, digest,
    error, event, families, family, ledger, logging, lookup, message, notification, notifier,
    outcome, publish, registry, render, routing, text, topic, topic_arn, word_scan,
};

mod allocator;
#[cfg(feature = "aws")]
pub mod aws;
#[cfg(feature = "aws")]
pub mod bootstrap;
#[cfg(feature = "aws")]
pub mod lambda;
#[cfg(feature = "redrive")]
pub mod redrive;
#[cfg(feature = "aws")]
pub mod subscription;
