//! Composes the channel-neutral [`Message`] for an agreement event: who the reader is in the
//! agreement, the buyer, offer, product, intent, status and term, money where known, and
//! what to do next. Pure: the event, its envelope and what the lookup found go in.
//!
//! This module owns the `compose` entry point, the `Essentials` every agreement message
//! names and the helpers all kinds share; each event kind's composition is its own module.

mod billing_adjustment;
mod cancellation;
mod ended;
mod intent;
mod lifecycle;
mod manufacturer;
mod unrecognised;

use chrono::{DateTime, Utc};

use super::{AgreementDetail, Party};
use crate::event::Envelope;
use crate::families::common::{base_attributes, details_unavailable, event_section};
use crate::lookup::AgreementLookup;
use crate::message::{Attributes, Line, Link, Message, NextStep, Section, Severity, Text};
use crate::text::{concat, shell_word, single_line, timestamp};

use billing_adjustment::billing_adjustment;
pub use cancellation::CANCELLATION_AUTO_APPROVAL;
use cancellation::cancellation;
use lifecycle::lifecycle;
use unrecognised::unrecognised;

/// The Agreements page of AWS Partner Central (formerly the AWS Marketplace Management
/// Portal), at the address the seller
/// guide gives for it ("Policies and permissions for AWS Marketplace sellers").
pub const AGREEMENTS_PAGE: &str = "https://aws.amazon.com/marketplace/management/agreements";

/// The Message for one agreement event.
pub fn compose(detail: &AgreementDetail, envelope: &Envelope, lookup: &AgreementLookup) -> Message {
    match detail {
        AgreementDetail::Lifecycle(event, party, detail) => {
            lifecycle(*event, *party, detail, envelope, lookup)
        }
        AgreementDetail::Cancellation(event, party, detail) => {
            cancellation(*event, *party, detail, envelope, lookup)
        }
        AgreementDetail::BillingAdjustment(event, party, detail) => {
            billing_adjustment(*event, *party, detail, envelope, lookup)
        }
        AgreementDetail::Unrecognised(detail) => unrecognised(detail, envelope),
    }
}

/// The facts every agreement notification names, from the event first and the lookup second,
/// and the event they came in.
struct Essentials<'a> {
    envelope: &'a Envelope,
    /// The detail's `requestId`, shown with the event's facts.
    request_id: Option<&'a str>,
    agreement_id: &'a str,
    party: Party,
    acceptor: Option<String>,
    offer_id: Option<String>,
    product_id: Option<String>,
    product_title: Option<String>,
    lookup: &'a AgreementLookup,
}

impl Essentials<'_> {
    /// How the deal is named in a headline: the product title, else its id, else the
    /// offer, else the agreement.
    fn product_label(&self) -> String {
        self.product_title
            .clone()
            .or_else(|| self.product_id.clone())
            .or_else(|| self.offer_id.as_ref().map(|offer| format!("offer {offer}")))
            .unwrap_or_else(|| format!("agreement {}", single_line(self.agreement_id)))
    }

    fn buyer(&self) -> String {
        self.acceptor
            .clone()
            .unwrap_or_else(|| "not named in the event".to_owned())
    }

    /// The deal as a subject names it: the product label, then the money when known
    /// (`renewal`: a renewal's total from the event, else DescribeAgreement's estimate), as
    /// "Acme Log Analytics, USD 105,000".
    fn subject_label(&self, renewal: Option<String>) -> String {
        let label = self.product_label();
        let value = renewal.or_else(|| {
            let facts = self.lookup.facts()?;
            Some(money(
                facts.agreement_value.as_deref()?,
                facts.currency_code.as_deref(),
            ))
        });
        match value {
            // Whole amounts read without ".00" in a subject.
            Some(value) => concat([
                &label,
                ", ",
                value.strip_suffix(".00").unwrap_or(value.as_str()),
            ]),
            None => label,
        }
    }

    /// The agreement's estimated value from DescribeAgreement, as "USD 120,000.00".
    fn value(&self) -> Option<String> {
        let facts = self.lookup.facts()?;
        Some(money(
            facts.agreement_value.as_deref()?,
            facts.currency_code.as_deref(),
        ))
    }

    fn attributes(&self, action_required: bool) -> Attributes {
        let mut attributes = base_attributes(self.envelope)
            .with("action_required", bool_text(action_required))
            .with("agreement_id", self.agreement_id);
        for (name, value) in [
            ("offer_id", &self.offer_id),
            ("product_id", &self.product_id),
            ("acceptor_account_id", &self.acceptor),
        ] {
            if let Some(value) = value {
                attributes = attributes.with(name, value);
            }
        }
        attributes.with("party", self.party.as_str())
    }

    /// The first lines of the "Agreement" section: the agreement's ID and the reader's role
    /// in it (`resale`: as a channel partner reselling).
    fn agreement_lines(&self, resale: bool) -> Vec<Line> {
        // Room for the lines each kind of event adds after these two, so the list is
        // allocated once instead of regrown as they come.
        const ROOM: usize = 12;
        let mut lines = Vec::with_capacity(ROOM);
        lines.push(field("Agreement ID", single_line(self.agreement_id)));
        lines.push(field("Your role", role(self.party, resale)));
        lines
    }

    /// The "Estimated value" line, when the lookup found one.
    fn value_line(&self) -> Option<Line> {
        self.value().map(|value| field("Estimated value", value))
    }

    /// "Offer and product", with the title from the event or the Catalog API.
    fn product_section(&self, extra: Vec<Line>) -> Section {
        let known_lines = [
            known("Offer ID", self.offer_id.as_deref()),
            known("Product ID", self.product_id.as_deref()),
            known("Product title", self.product_title.as_deref()),
        ];
        let mut lines = Vec::with_capacity(known_lines.len() + extra.len());
        lines.extend(known_lines.into_iter().flatten());
        lines.extend(extra);
        section("Offer and product", lines)
    }

    /// The line saying the lookup failed, or nothing.
    fn lookup_note(&self) -> Option<Line> {
        match self.lookup {
            AgreementLookup::Unavailable(code) => {
                Some(Line::Bullet(details_unavailable("Agreement", code)))
            }
            _ => None,
        }
    }

    fn finish(
        &self,
        (headline, severity, action_required, summary): (String, Severity, bool, String),
        mut next_steps: Vec<NextStep>,
        mut sections: Vec<Section>,
    ) -> Message {
        // One command at most, after the steps that matter: the describe command only when
        // no step already has one. The portal page is under the links.
        if next_steps.iter().all(|step| step.command.is_none()) {
            next_steps.push(describe_agreement_step(self.agreement_id));
        }
        // A fact the event does not give is left out, and so is a section left empty.
        sections.retain(|section| !section.lines.is_empty());
        sections.push(event_section(self.envelope, self.request_id));
        // Filled in field by field rather than over `base_message`: its attributes and
        // resources would be built only to be replaced.
        Message {
            headline,
            severity,
            action_required,
            summary,
            next_steps,
            sections,
            links: vec![agreements_page()],
            thread_key: self.agreement_id.to_owned(),
            // What a person would search for: the family and the product (the renderer adds
            // the severity).
            keywords: ["AWS Marketplace".to_owned(), "agreement".to_owned()]
                .into_iter()
                .chain(self.product_title.clone())
                .collect(),
            related_resources: vec![agreement_arn(self.agreement_id)],
            attributes: self.attributes(action_required),
            next_steps_before: None,
            event_id: self.envelope.id.clone(),
            event_type: self.envelope.detail_type.clone(),
        }
    }
}

fn describe_agreement_step(agreement_id: &str) -> NextStep {
    NextStep::new("See the agreement's full terms:").with_command(concat([
        "aws marketplace-agreement describe-agreement --agreement-id ",
        &shell_word(agreement_id),
        " --region us-east-1",
    ]))
}

fn agreements_page() -> Link {
    Link {
        label: "Agreements in AWS Partner Central (formerly the AWS Marketplace Management Portal)"
            .into(),
        url: AGREEMENTS_PAGE.into(),
    }
}

/// The ARN AWS puts in `resources` for an agreement.
fn agreement_arn(agreement_id: &str) -> String {
    concat([
        "arn:aws:aws-marketplace::aws:agreement:",
        &single_line(agreement_id),
    ])
}

fn role(party: Party, resale: bool) -> String {
    match (party, resale) {
        (Party::Proposer, true) => "seller of record (proposer), reselling as a channel partner",
        (Party::Proposer, false) => "seller of record (proposer)",
        (Party::Manufacturer, true) => {
            "manufacturer: the ISV whose product a channel partner resold"
        }
        (Party::Manufacturer, false) => "manufacturer: the ISV whose product this is",
        (Party::Acceptor, _) => "buyer (acceptor)",
    }
    .to_owned()
}

/// An amount with thousands separators and its currency: "USD 120,000.00". Anything that is
/// not a plain decimal is shown as given.
pub fn money(amount: &str, currency: Option<&str>) -> String {
    let amount = single_line(amount);
    let (sign, digits) = match amount.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", amount.as_str()),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    let plain = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()));
    let shown = if plain {
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (index, digit) in whole.chars().enumerate() {
            if index > 0 && (whole.len() - index) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        match fraction {
            Some(fraction) => format!("{sign}{grouped}.{fraction}"),
            None => format!("{sign}{grouped}"),
        }
    } else {
        amount.clone()
    };
    match currency.map(single_line).filter(|c| !c.is_empty()) {
        Some(currency) => format!("{currency} {shown}"),
        None => shown,
    }
}

fn when(at: Option<DateTime<Utc>>) -> String {
    at.as_ref()
        .map_or_else(|| "a date the event does not give".to_owned(), timestamp)
}

/// A field for a fact the event or the lookup gave, or nothing: a missing fact is left out.
fn known(label: &'static str, value: Option<&str>) -> Option<Line> {
    value
        .map(single_line)
        .filter(|value| !value.is_empty())
        .map(|value| field(label, value))
}

/// A time field, or nothing when the time is not known.
fn known_time(label: &'static str, at: Option<DateTime<Utc>>) -> Option<Line> {
    at.map(|at| field(label, timestamp(&at)))
}

/// ", runs A to B" (or from A, or until B), or nothing when neither end is known.
fn term_clause(start: Option<DateTime<Utc>>, end: Option<DateTime<Utc>>) -> String {
    match (start, end) {
        (Some(start), Some(end)) => {
            concat([", runs ", &timestamp(&start), " to ", &timestamp(&end)])
        }
        (Some(start), None) => concat([", runs from ", &timestamp(&start)]),
        (None, Some(end)) => concat([", runs until ", &timestamp(&end)]),
        (None, None) => String::new(),
    }
}

/// A value from the event or the lookup, one line, or `None` when empty.
fn present(value: Option<&str>) -> Option<String> {
    value.map(single_line).filter(|value| !value.is_empty())
}

fn bool_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// A yes-or-no fact in words.
fn yes_no(value: bool) -> String {
    if value { "yes" } else { "no" }.to_owned()
}

fn field(label: &'static str, value: String) -> Line {
    Line::Field {
        label: label.into(),
        value,
    }
}

fn section(title: &'static str, lines: Vec<Line>) -> Section {
    Section {
        title: title.into(),
        lines,
    }
}

fn step(text: impl Into<Text>) -> NextStep {
    NextStep {
        text: text.into(),
        command: None,
        link: None,
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
