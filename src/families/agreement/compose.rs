//! Composes the channel-neutral [`Message`] for an agreement event: who the reader is in the
//! agreement, the buyer, offer, product, intent, status and term, money where known, and
//! what to do next. Pure: the event, its envelope and what the lookup found go in.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use super::details::{
    BillingAdjustmentDetail, CancellationDetail, CancellationRequest, LifecycleDetail,
};
use super::{AgreementDetail, BillingAdjustment, Cancellation, Lifecycle, Party};
use crate::event::Envelope;
use crate::families::common::{base_attributes, base_message, event_section};
use crate::lookup::AgreementLookup;
use crate::message::{Attributes, Line, Link, Message, NextStep, Section, Severity};
use crate::text::{NOT_GIVEN, or_not_given, single_line, timestamp};

/// The Agreements page of the AWS Marketplace Management Portal, at the address the seller
/// guide gives for it ("Policies and permissions for AWS Marketplace sellers").
pub const AGREEMENTS_PAGE: &str = "https://aws.amazon.com/marketplace/management/agreements";

/// A buyer has this long to answer a cancellation request before AWS approves it on its own
/// (seller guide, "Amazon EventBridge events": approved "automatically after 7 days").
pub const CANCELLATION_AUTO_APPROVAL: TimeDelta = TimeDelta::days(7);

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
            .unwrap_or_else(|| NOT_GIVEN.to_owned())
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
        vec![
            field("Agreement ID", single_line(self.agreement_id)),
            field("Your role", role(self.party, resale)),
        ]
    }

    /// The "Estimated value" line, when the lookup found one.
    fn value_line(&self) -> Option<Line> {
        self.value().map(|value| field("Estimated value", value))
    }

    /// "Offer and product", with the title from the event or the Catalog API.
    fn product_section(&self, extra: Vec<Line>) -> Section {
        let mut lines = vec![
            field("Offer ID", or_not_given(self.offer_id.as_deref())),
            field("Product ID", or_not_given(self.product_id.as_deref())),
            field("Product title", or_not_given(self.product_title.as_deref())),
        ];
        lines.extend(extra);
        section("Offer and product", lines)
    }

    /// The line saying the lookup failed, or nothing.
    fn lookup_note(&self) -> Option<Line> {
        match self.lookup {
            AgreementLookup::Unavailable(code) => Some(Line::Bullet(format!(
                "Agreement details could not be fetched ({}).",
                single_line(code)
            ))),
            _ => None,
        }
    }

    fn finish(
        &self,
        (headline, severity, action_required, summary): (String, Severity, bool, String),
        mut next_steps: Vec<NextStep>,
        mut sections: Vec<Section>,
    ) -> Message {
        next_steps.push(describe_agreement_step(self.agreement_id));
        // The same agreement in the portal, for readers without the CLI at hand.
        next_steps.push(
            NextStep::new("Seller portal Agreements page (find the agreement by its ID)")
                .with_link(agreements_page()),
        );
        sections.push(event_section(self.envelope, self.request_id));
        Message {
            headline,
            action_required,
            summary,
            next_steps,
            sections,
            links: vec![agreements_page()],
            thread_key: self.agreement_id.to_owned(),
            keywords: vec![
                "AWS Marketplace".to_owned(),
                "agreement".to_owned(),
                self.party.as_str().to_owned(),
            ],
            related_resources: vec![agreement_arn(self.agreement_id)],
            attributes: self.attributes(action_required),
            ..base_message(self.envelope, severity)
        }
    }
}

fn lifecycle(
    event: Lifecycle,
    party: Party,
    detail: &LifecycleDetail,
    envelope: &Envelope,
    lookup: &AgreementLookup,
) -> Message {
    let facts = lookup.facts();
    let agreement = &detail.agreement;
    let product = detail.product.as_ref();
    let subject = Essentials {
        envelope,
        request_id: detail.request_id.as_deref(),
        agreement_id: agreement.id.as_str(),
        party,
        acceptor: Some(single_line(detail.acceptor.account_id.as_str())),
        offer_id: present(detail.offer.as_ref().and_then(|o| o.id.as_deref()))
            .or_else(|| present(facts.and_then(|f| f.offer_id.as_deref()))),
        product_id: present(product.and_then(|p| p.id.as_deref()))
            .or_else(|| present(facts.and_then(|f| f.product_id.as_deref()))),
        product_title: present(product.and_then(|p| p.title.as_deref()))
            .or_else(|| present(facts.and_then(|f| f.product_title.as_deref()))),
        lookup,
    };
    let status = present(agreement.status.as_deref())
        .or_else(|| present(facts.and_then(|f| f.status.as_deref())));
    let start = agreement
        .start_time
        .or_else(|| facts.and_then(|f| f.start_time));
    let end = agreement
        .end_time
        .or_else(|| facts.and_then(|f| f.end_time));
    let intent = present(agreement.intent.as_deref());
    let resale = present(
        detail
            .resale_authorization
            .as_ref()
            .and_then(|r| r.id.as_deref()),
    );
    let renewal = detail.renewal_summary.clone().unwrap_or_default();
    let days_left = agreement
        .days_before_end_time
        .map(i64::from)
        .or_else(|| end.map(|end| whole_days_between(envelope.time, end)));
    let auto_renews = agreement.auto_renewal_enabled;
    let label = subject.product_label();
    let buyer = subject.buyer();
    let id = single_line(agreement.id.as_str());
    let proposer = single_line(detail.proposer.account_id.as_str());
    let value_sentence = subject
        .value()
        .map(|value| format!(" Estimated value: {value}."))
        .unwrap_or_default();
    let term = format!("{} to {}", when(start), when(end));

    let mut steps = Vec::new();
    let verdict = match event {
        Lifecycle::Created => {
            let renewal_of = present(agreement.previous_agreement_id.as_deref());
            let headline = match intent.as_deref() {
                Some("RENEW") => format!("Agreement renewed: {label}, buyer {buyer}"),
                _ => format!("New agreement: {label}, buyer {buyer}"),
            };
            let what = match (party, &renewal_of) {
                (Party::Manufacturer, _) => format!(
                    "A channel partner (account {proposer}) sold your product to buyer account {buyer}: agreement {id}"
                ),
                (_, Some(previous)) => {
                    format!("Buyer account {buyer} renewed agreement {previous} as agreement {id}")
                }
                _ => format!("Buyer account {buyer} accepted your offer: agreement {id}"),
            };
            steps.push(step(
                "Make sure the buyer is provisioned: for SaaS products, read the buyer's entitlements (GetEntitlements) and complete onboarding.",
            ));
            (
                headline,
                Severity::Info,
                false,
                format!(
                    "{what}, {}, runs {term}.{value_sentence}",
                    status_text(&status)
                ),
            )
        }
        Lifecycle::Amended => {
            steps.push(step(
                "Review the new terms and adjust what the buyer is provisioned with (for example more units).",
            ));
            let renewal_note = match (auto_renews, renewal.disabled_by.as_deref()) {
                (Some(false), Some(by)) => {
                    format!(" Auto-renewal is off (switched off by the {}).", who(by))
                }
                (Some(false), None) => " Auto-renewal is off.".to_owned(),
                _ => String::new(),
            };
            (
                format!("Agreement amended: {label}, buyer {buyer}"),
                Severity::Info,
                false,
                format!(
                    "Buyer account {buyer} amended agreement {id} ({}), running {term}.{renewal_note}{value_sentence}",
                    status_text(&status)
                ),
            )
        }
        Lifecycle::Ended => {
            steps.push(step(
                "For usage-priced products, send the buyer's final metering records now: AWS accepts them for one hour after this event.",
            ));
            steps.push(step(
                "If the end was not planned, contact the buyer about a new offer.",
            ));
            (
                format!(
                    "Agreement ended ({}): {label}, buyer {buyer}",
                    status.as_deref().unwrap_or("status not given")
                ),
                Severity::Warning,
                false,
                format!(
                    "Agreement {id} with buyer account {buyer} has ended; its status is {}.",
                    or_not_given(status.as_deref())
                ),
            )
        }
        Lifecycle::Ending => {
            let days = days_left
                .map(|days| format!("{days} days"))
                .unwrap_or_else(|| "an unknown number of days".to_owned());
            let renews = auto_renews == Some(true);
            if renews {
                steps.push(step(&format!(
                    "Nothing is needed for it to renew; the renewal decision deadline is {}.",
                    when(renewal.lockout_start_time)
                )));
            } else {
                steps.push(step(&format!(
                    "Contact the buyer about a renewal and prepare a renewal offer before {}.",
                    when(end)
                )));
            }
            (
                format!("Agreement ends in {days}: {label}, buyer {buyer}"),
                if renews {
                    Severity::Info
                } else {
                    Severity::Warning
                },
                !renews,
                format!(
                    "Agreement {id} with buyer account {buyer} ends on {} ({days} left); auto-renewal is {}.{value_sentence}",
                    when(end),
                    renewal_text(auto_renews, renewal.disabled_by.as_deref())
                ),
            )
        }
        Lifecycle::RenewalTermsFinalized => (
            format!("Renewal price final: {label}, buyer {buyer}"),
            Severity::Info,
            false,
            format!(
                "The adjustment deadline has passed: the renewal of agreement {id} is priced at {}.",
                renewal_value(&renewal)
            ),
        ),
        Lifecycle::RenewalUpcoming => (
            format!("Agreement will auto-renew: {label}, buyer {buyer}"),
            Severity::Info,
            false,
            format!(
                "The renewal decision deadline has passed: agreement {id} with buyer account {buyer} renews automatically after {} for {}.",
                when(end),
                renewal_value(&renewal)
            ),
        ),
        Lifecycle::AdvisoryIssued => {
            steps.push(step(
                "Open the agreement in the AWS Marketplace Management Portal to see what the advisory concerns.",
            ));
            (
                format!("Agreement advisory issued: {label}, buyer {buyer}"),
                Severity::Warning,
                false,
                format!(
                    "AWS Marketplace issued an advisory that may affect agreement {id} with buyer account {buyer} (issued {}). The event does not say what it concerns.",
                    when(detail.advisory.as_ref().and_then(|a| a.issued_at))
                ),
            )
        }
        Lifecycle::AdvisoryResolved => (
            format!("Agreement advisory resolved: {label}, buyer {buyer}"),
            Severity::Info,
            false,
            format!(
                "The advisory on agreement {id} with buyer account {buyer} was resolved ({}).",
                when(detail.advisory.as_ref().and_then(|a| a.resolved_at))
            ),
        ),
        Lifecycle::LicenseUpdated => {
            steps.push(step(
                "Read the buyer's entitlements again (GetEntitlements) and apply the change.",
            ));
            (
                format!("License updated: {label}, buyer {buyer}"),
                Severity::Info,
                false,
                format!(
                    "The license of buyer account {buyer} under agreement {id} was provisioned or changed."
                ),
            )
        }
        Lifecycle::LicenseDeprovisioned => {
            steps.push(step(
                "Remove the buyer's access: AWS now rejects metering records for this buyer.",
            ));
            // Serving a buyer whose licence is gone is unpaid work: someone must act.
            (
                format!("License deprovisioned: {label}, buyer {buyer}"),
                Severity::Warning,
                true,
                format!(
                    "The entitlements of buyer account {buyer} under agreement {id} were fully revoked."
                ),
            )
        }
    };

    let mut agreement_lines = subject.agreement_lines(resale.is_some());
    agreement_lines.extend([
        field("Intent", or_not_given(intent.as_deref())),
        field("Status", or_not_given(status.as_deref())),
        field("Start", when(start)),
        field("End", when(end)),
    ]);
    if let Some(accepted) = agreement
        .acceptance_time
        .or_else(|| facts.and_then(|f| f.acceptance_time))
    {
        agreement_lines.push(field("Accepted", timestamp(&accepted)));
    }
    if event == Lifecycle::Ending {
        agreement_lines.push(field(
            "Days left",
            days_left.map_or_else(|| NOT_GIVEN.to_owned(), |days| days.to_string()),
        ));
    }
    agreement_lines.extend(subject.value_line());
    if let Some(previous) = present(agreement.previous_agreement_id.as_deref()) {
        agreement_lines.push(field("Previous agreement", previous));
    }
    agreement_lines.extend(subject.lookup_note());

    let mut party_lines = vec![
        field("Buyer account", buyer.clone()),
        field(
            "Seller of record",
            match present(detail.proposer.name.as_deref()) {
                Some(name) => format!("{name} ({proposer})"),
                None => proposer.clone(),
            },
        ),
    ];
    if let Some(resale) = &resale {
        party_lines.push(field("Resale authorization", resale.clone()));
    }

    let mut product_extra = Vec::new();
    if let Some(code) = present(product.and_then(|p| p.code.as_deref())) {
        product_extra.push(field("Product code", code));
    }
    if let Some(arn) = present(detail.license.as_ref().and_then(|l| l.arn.as_deref())) {
        product_extra.push(field("License", arn));
    }

    let mut sections = vec![
        section("Agreement", agreement_lines),
        section("Parties", party_lines),
        subject.product_section(product_extra),
    ];
    if let Some(renewal_section) = renewal_section(auto_renews, &renewal) {
        sections.push(renewal_section);
    }
    subject.finish(verdict, steps, sections)
}

fn cancellation(
    event: Cancellation,
    party: Party,
    detail: &CancellationDetail,
    envelope: &Envelope,
    lookup: &AgreementLookup,
) -> Message {
    let facts = lookup.facts();
    let agreement = &detail.agreement;
    let subject = Essentials {
        envelope,
        request_id: detail.request_id.as_deref(),
        agreement_id: agreement.id.as_str(),
        party,
        acceptor: Some(single_line(agreement.acceptor_id.as_str())),
        offer_id: present(agreement.offer_id.as_deref())
            .or_else(|| present(facts.and_then(|f| f.offer_id.as_deref()))),
        product_id: present(agreement.product_id.as_deref())
            .or_else(|| present(facts.and_then(|f| f.product_id.as_deref()))),
        product_title: present(facts.and_then(|f| f.product_title.as_deref())),
        lookup,
    };
    let request = detail
        .agreement_cancellation_request
        .clone()
        .unwrap_or_default();
    let id = single_line(agreement.id.as_str());
    let buyer = subject.buyer();
    let label = subject.product_label();
    let request_id = present(request.id.as_deref());
    let reason_field = reason_text(&request);
    let reason = reason_field.as_deref().map_or_else(
        || "reason not given in the event".to_owned(),
        |reason| format!("reason {reason}"),
    );
    let status_message = present(request.status_message.as_deref());
    // The event is sent when the request is submitted, so its time stands in for createdAt.
    let deadline = request.created_at.unwrap_or(envelope.time) + CANCELLATION_AUTO_APPROVAL;

    let mut steps = Vec::new();
    let verdict = match event {
        Cancellation::PendingApproval => {
            steps.push(step(&format!(
                "Tell the buyer about the request and ask for an answer before {}; without one, AWS approves the cancellation automatically then.",
                timestamp(&deadline)
            )));
            let command = format!(
                "aws marketplace-agreement cancel-agreement-cancellation-request --agreement-id {id} --agreement-cancellation-request-id {} --cancellation-reason \"<why>\" --region us-east-1",
                request_id.as_deref().unwrap_or("<request id>")
            );
            steps.push(
                NextStep::new("To withdraw the request while it is pending:").with_command(command),
            );
            (
                format!("Cancellation awaiting buyer approval: {label}, buyer {buyer}"),
                Severity::Warning,
                true,
                format!(
                    "Your request to cancel agreement {id} with buyer account {buyer} ({reason}) waits for the buyer. It is approved automatically on {} unless the buyer answers first.",
                    timestamp(&deadline)
                ),
            )
        }
        Cancellation::Approved => {
            steps.push(step(
                "Expect the agreement's Ended event; stop the buyer's service as agreed with them.",
            ));
            (
                format!("Cancellation approved: {label}, buyer {buyer}"),
                Severity::Info,
                false,
                format!(
                    "The cancellation of agreement {id} with buyer account {buyer} ({reason}) was approved, by the buyer or automatically after 7 days."
                ),
            )
        }
        Cancellation::Rejected => {
            steps.push(step(
                "Contact the buyer about their answer; the agreement stays in force.",
            ));
            (
                format!("Cancellation rejected by the buyer: {label}, buyer {buyer}"),
                Severity::Warning,
                true,
                format!(
                    "Buyer account {buyer} rejected the cancellation of agreement {id}: {}.",
                    or_not_given(status_message.as_deref())
                ),
            )
        }
        Cancellation::Cancelled => (
            format!("Cancellation request withdrawn: {label}, buyer {buyer}"),
            Severity::Info,
            false,
            format!(
                "The request to cancel agreement {id} with buyer account {buyer} was withdrawn; the agreement stays as it is."
            ),
        ),
        Cancellation::ValidationFailed => {
            steps.push(step(
                "Fix what the validation message says, then submit a new cancellation request.",
            ));
            let command = format!(
                "aws marketplace-agreement get-agreement-cancellation-request --agreement-id {id} --agreement-cancellation-request-id {} --region us-east-1",
                request_id.as_deref().unwrap_or("<request id>")
            );
            steps.push(NextStep::new("Read the request as AWS holds it:").with_command(command));
            (
                format!("Cancellation request failed validation: {label}, buyer {buyer}"),
                Severity::Error,
                true,
                format!(
                    "AWS did not accept the request to cancel agreement {id}: {}.",
                    or_not_given(status_message.as_deref())
                ),
            )
        }
    };

    let mut agreement_lines = subject.agreement_lines(false);
    agreement_lines.push(field("Buyer account", buyer.clone()));
    if let Some(facts) = facts {
        agreement_lines.push(field("Status", or_not_given(facts.status.as_deref())));
        agreement_lines.push(field("Start", when(facts.start_time)));
        agreement_lines.push(field("End", when(facts.end_time)));
    }
    agreement_lines.extend(subject.value_line());
    agreement_lines.extend(subject.lookup_note());

    let mut request_lines = vec![
        field("Request ID", or_not_given(request_id.as_deref())),
        field("Status", or_not_given(request.status_code.as_deref())),
        field("Reason", or_not_given(reason_field.as_deref())),
    ];
    if let Some(message) = status_message {
        request_lines.push(field("Status message", message));
    }
    request_lines.push(field("Created", when(request.created_at)));
    request_lines.push(field("Updated", when(request.updated_at)));
    if event == Cancellation::PendingApproval {
        request_lines.push(field("Auto-approval on", timestamp(&deadline)));
    }

    let sections = vec![
        section("Agreement", agreement_lines),
        section("Cancellation request", request_lines),
        subject.product_section(Vec::new()),
    ];
    subject.finish(verdict, steps, sections)
}

fn billing_adjustment(
    event: BillingAdjustment,
    party: Party,
    detail: &BillingAdjustmentDetail,
    envelope: &Envelope,
    lookup: &AgreementLookup,
) -> Message {
    let facts = lookup.facts();
    // These events name no parties: the buyer, offer and product come from the lookup only.
    let subject = Essentials {
        envelope,
        request_id: detail.request_id.as_deref(),
        agreement_id: detail.agreement.id.as_str(),
        party,
        acceptor: present(facts.and_then(|f| f.acceptor_account_id.as_deref())),
        offer_id: present(facts.and_then(|f| f.offer_id.as_deref())),
        product_id: present(facts.and_then(|f| f.product_id.as_deref())),
        product_title: present(facts.and_then(|f| f.product_title.as_deref())),
        lookup,
    };
    let request = detail
        .billing_adjustment_request
        .clone()
        .unwrap_or_default();
    let id = single_line(detail.agreement.id.as_str());
    let adjustment_id = present(request.id.as_deref());
    let amount = match present(request.adjustment_amount.as_deref()) {
        Some(amount) => money(&amount, request.currency_code.as_deref()),
        None => "an amount not given in the event".to_owned(),
    };
    let invoice = present(
        detail
            .invoice
            .as_ref()
            .and_then(|i| i.original_invoice_id.as_deref()),
    );
    let reason = or_not_given(request.adjustment_reason_code.as_deref());
    let on_invoice = invoice
        .as_deref()
        .map(|invoice| format!(" against invoice {invoice}"))
        .unwrap_or_default();

    let mut steps = Vec::new();
    let verdict = match event {
        BillingAdjustment::Completed => (
            format!("Billing adjustment completed: {amount}, agreement {id}"),
            Severity::Info,
            false,
            format!(
                "A billing adjustment of {amount}{on_invoice} for agreement {id} was processed (reason {reason})."
            ),
        ),
        BillingAdjustment::Failed => {
            let command = format!(
                "aws marketplace-agreement get-billing-adjustment-request --agreement-id {id} --billing-adjustment-request-id {} --region us-east-1",
                adjustment_id.as_deref().unwrap_or("<adjustment id>")
            );
            steps.push(
                NextStep::new("Find out why it failed (the event does not say):")
                    .with_command(command),
            );
            steps.push(step(
                "Correct the request and submit a new billing adjustment; if the reason is unclear, contact AWS Marketplace Seller Operations.",
            ));
            (
                format!("Billing adjustment failed: {amount}, agreement {id}"),
                Severity::Error,
                true,
                format!(
                    "The billing adjustment of {amount}{on_invoice} for agreement {id} failed validation and was not applied: the buyer has not been credited."
                ),
            )
        }
    };

    let mut agreement_lines = subject.agreement_lines(false);
    agreement_lines.push(field("Buyer account", subject.buyer()));
    agreement_lines.extend(subject.value_line());
    agreement_lines.extend(subject.lookup_note());
    let adjustment_lines = vec![
        field("Adjustment ID", or_not_given(adjustment_id.as_deref())),
        field("Amount", amount.clone()),
        field("Reason", reason),
        field("Original invoice", or_not_given(invoice.as_deref())),
    ];
    let sections = vec![
        section("Agreement", agreement_lines),
        section("Billing adjustment", adjustment_lines),
        subject.product_section(Vec::new()),
    ];
    subject.finish(verdict, steps, sections)
}

/// An agreement event with no dedicated composition: its type, the envelope and the whole
/// detail, so nothing AWS sent is hidden.
fn unrecognised(detail: &Value, envelope: &Envelope) -> Message {
    let party = Party::from_detail_type(&envelope.detail_type);
    let detail_type = single_line(&envelope.detail_type);
    let agreement_id = detail
        .pointer("/agreement/id")
        .and_then(Value::as_str)
        .map(single_line)
        .filter(|id| !id.is_empty());
    // Serialising a `Value` cannot fail; the compact form is a fallback that never shows.
    let pretty = serde_json::to_string_pretty(detail).unwrap_or_else(|_| detail.to_string());
    // No `source` attribute as on the generic catalog message: this topic has one source,
    // and the attribute budget (10 per SNS message) goes to the identifiers below.
    let mut attributes = base_attributes(envelope).with("action_required", bool_text(false));
    if let Some(id) = &agreement_id {
        attributes = attributes.with("agreement_id", id);
    }
    // Where the usual fields are, in either family's layout, so filters still work.
    for (name, pointers) in [
        ("offer_id", ["/offer/id", "/agreement/offerId"]),
        ("product_id", ["/product/id", "/agreement/productId"]),
        (
            "acceptor_account_id",
            ["/acceptor/accountId", "/agreement/acceptorId"],
        ),
    ] {
        if let Some(value) = pointers
            .iter()
            .find_map(|pointer| detail.pointer(pointer).and_then(Value::as_str))
        {
            attributes = attributes.with(name, value);
        }
    }
    if let Some(party) = party {
        attributes = attributes.with("party", party.as_str());
    }
    let sections = vec![
        event_section(envelope, None),
        section("Detail", vec![Line::Verbatim(pretty)]),
    ];
    Message {
        headline: format!("Marketplace agreement event: {detail_type}"),
        summary: format!(
            "AWS Marketplace sent an agreement event of type \"{detail_type}\", which has no dedicated format yet. Its full detail follows."
        ),
        // No next steps; the position only keeps the event facts before the raw detail.
        next_steps_before: Some(sections.len()),
        sections,
        thread_key: agreement_id
            .clone()
            .unwrap_or_else(|| single_line(&envelope.id)),
        keywords: vec!["AWS Marketplace".to_owned(), "agreement".to_owned()],
        attributes,
        ..base_message(envelope, Severity::Info)
    }
}

fn renewal_section(
    auto_renews: Option<bool>,
    renewal: &super::details::RenewalSummary,
) -> Option<Section> {
    if auto_renews.is_none() && renewal == &Default::default() {
        return None;
    }
    let mut lines = vec![field(
        "Auto-renewal",
        renewal_text(auto_renews, renewal.disabled_by.as_deref()),
    )];
    if renewal.lockout_start_time.is_some() {
        lines.push(field("Decision deadline", when(renewal.lockout_start_time)));
    }
    if let Some(reached) = renewal.lockout_reached {
        lines.push(field("Deadline passed", bool_text(reached).to_owned()));
    }
    if renewal.tcv.is_some() {
        lines.push(field("Renewal value", renewal_value(renewal)));
    }
    if renewal.terms_finalized_time.is_some() {
        lines.push(field("Terms finalized", when(renewal.terms_finalized_time)));
    }
    Some(section("Renewal", lines))
}

fn describe_agreement_step(agreement_id: &str) -> NextStep {
    NextStep::new("See the agreement's full terms:").with_command(format!(
        "aws marketplace-agreement describe-agreement --agreement-id {} --region us-east-1",
        single_line(agreement_id)
    ))
}

fn agreements_page() -> Link {
    Link {
        label: "Agreements in the AWS Marketplace Management Portal".to_owned(),
        url: AGREEMENTS_PAGE.to_owned(),
    }
}

/// The ARN AWS puts in `resources` for an agreement.
fn agreement_arn(agreement_id: &str) -> String {
    format!(
        "arn:aws:aws-marketplace::aws:agreement:{}",
        single_line(agreement_id)
    )
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

/// The seller's reason for a cancellation request: its code, and its message when given.
fn reason_text(request: &CancellationRequest) -> Option<String> {
    let code = present(request.reason_code.as_deref());
    match (code, present(request.reason_message.as_deref())) {
        (Some(code), Some(message)) => Some(format!("{code}: {message}")),
        (Some(code), None) => Some(code),
        (None, message) => message,
    }
}

fn renewal_text(auto_renews: Option<bool>, disabled_by: Option<&str>) -> String {
    match (auto_renews, disabled_by.map(single_line)) {
        (Some(true), _) => "on".to_owned(),
        (_, Some(by)) if !by.is_empty() => format!("off (switched off by the {})", who(&by)),
        (Some(false), _) => "off".to_owned(),
        (None, _) => NOT_GIVEN.to_owned(),
    }
}

fn renewal_value(renewal: &super::details::RenewalSummary) -> String {
    match present(renewal.tcv.as_deref()) {
        Some(tcv) => money(&tcv, renewal.currency.as_deref()),
        None => "a value not given in the event".to_owned(),
    }
}

/// `ACCEPTOR`/`PROPOSER` in the reader's words.
fn who(code: &str) -> String {
    match code {
        "ACCEPTOR" => "buyer".to_owned(),
        "PROPOSER" => "seller".to_owned(),
        other => single_line(other),
    }
}

fn status_text(status: &Option<String>) -> String {
    match status {
        Some(status) => format!("status {status}"),
        None => "status not given".to_owned(),
    }
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

/// Whole days from `from` until `to`, rounded up so "29 days and an hour" reads as 30.
fn whole_days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let seconds = (to - from).num_seconds();
    seconds.div_euclid(86_400) + i64::from(seconds.rem_euclid(86_400) > 0)
}

fn when(at: Option<DateTime<Utc>>) -> String {
    at.as_ref().map_or_else(|| NOT_GIVEN.to_owned(), timestamp)
}

/// A value from the event or the lookup, one line, or `None` when empty.
fn present(value: Option<&str>) -> Option<String> {
    value.map(single_line).filter(|value| !value.is_empty())
}

fn bool_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

fn field(label: &str, value: String) -> Line {
    Line::Field {
        label: label.to_owned(),
        value,
    }
}

fn section(title: &str, lines: Vec<Line>) -> Section {
    Section {
        title: title.to_owned(),
        lines,
    }
}

fn step(text: &str) -> NextStep {
    NextStep {
        text: text.to_owned(),
        command: None,
        link: None,
    }
}

#[cfg(test)]
#[path = "compose_tests.rs"]
mod tests;
