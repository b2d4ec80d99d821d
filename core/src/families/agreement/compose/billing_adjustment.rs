//! The message for an agreement's billing-adjustment events: completed and failed.

use super::super::details::BillingAdjustmentDetail;
use super::super::{BillingAdjustment, Party};
use super::{Essentials, field, known, manufacturer, money, present, section, step};
use crate::event::Envelope;
use crate::lookup::AgreementLookup;
use crate::message::{Message, NextStep, Severity};
use crate::text::shell_word;
use crate::text::single_line;

pub(super) fn billing_adjustment(
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
    let reason_code = present(request.adjustment_reason_code.as_deref());
    let reason = reason_code
        .as_deref()
        .map(|code| format!(" (reason {code})"))
        .unwrap_or_default();
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
                "A billing adjustment of {amount}{on_invoice} for agreement {id} was processed{reason}."
            ),
        ),
        BillingAdjustment::Failed => {
            let command = format!(
                "aws marketplace-agreement get-billing-adjustment-request --agreement-id {} --billing-adjustment-request-id {} --region us-east-1",
                shell_word(&id),
                adjustment_id
                    .as_deref()
                    .map_or_else(|| "ADJUSTMENT_ID".to_owned(), shell_word)
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

    // The ISV reads its channel partner's refund in its own terms.
    let (verdict, steps) = match party {
        Party::Manufacturer => {
            manufacturer::billing_adjustment(event, &id, &amount, &on_invoice, &reason)
        }
        _ => (verdict, steps),
    };

    let mut agreement_lines = subject.agreement_lines(manufacturer::resold(party));
    agreement_lines.extend(known("Buyer account", subject.acceptor.as_deref()));
    agreement_lines.extend(subject.value_line());
    agreement_lines.extend(subject.lookup_note());
    let adjustment_lines = [
        known("Adjustment ID", adjustment_id.as_deref()),
        Some(field("Amount", amount.clone())),
        known("Reason", reason_code.as_deref()),
        known("Original invoice", invoice.as_deref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let sections = vec![
        section("Agreement", agreement_lines),
        section("Billing adjustment", adjustment_lines),
        subject.product_section(Vec::new()),
    ];
    subject.finish(verdict, steps, sections)
}
