//! The integration tests, one binary: each suite is a module, all share [`support`]. One
//! binary links the crate and the AWS SDK once instead of once per suite.

mod support;

mod agreement_details;
mod change_set_details;
mod chat;
mod chat_delivery;
mod cosell_details;
mod durable_dedupe;
mod end_to_end;
mod every_string;
mod extension;
mod fuzz_corpus;
mod hostile;
mod limits;
mod notifications;
mod open_items;
// `notifier-redrive` is built only with the `redrive` feature, which `make test` turns on.
#[cfg(feature = "redrive")]
mod operator_commands;
mod readme;
mod routes;
mod runtime_api;
mod several_accounts;
mod sns_publisher;
mod ssm_parameters;
mod template;
mod tls;
mod wording;
