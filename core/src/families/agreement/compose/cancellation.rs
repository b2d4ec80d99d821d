//! The message for an agreement's cancellation-request events: pending approval, approved,
//! rejected, withdrawn and failed validation.

use chrono::TimeDelta;

use super::super::details::{CancellationDetail, CancellationRequest};
use super::super::{Cancellation, Party};
use super::{Essentials, field, known, known_time, manufacturer, present, section, step};
use crate::event::Envelope;
use crate::lookup::AgreementLookup;
use crate::message::{Message, NextStep, Severity};
use crate::text::{concat, shell_word, single_line, timestamp};

/// A buyer has this long to answer a cancellation request before AWS approves it on its own
/// (seller guide, "Amazon EventBridge events": approved "automatically after 7 days").
pub const CANCELLATION_AUTO_APPROVAL: TimeDelta = TimeDelta::days(7);

pub(super) fn cancellation(
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
    let label = subject.subject_label(None);
    let request_id = present(request.id.as_deref());
    let reason_field = reason_text(&request);
    let reason = reason_field
        .as_deref()
        .map(|reason| concat([" (reason ", reason, ")"]))
        .unwrap_or_default();
    let status_message = present(request.status_message.as_deref());
    // The event is sent when the request is submitted, so its time stands in for createdAt.
    let deadline = request.created_at.unwrap_or(envelope.time) + CANCELLATION_AUTO_APPROVAL;

    let mut steps = Vec::new();
    let verdict = match event {
        Cancellation::PendingApproval => {
            steps.push(step(format!(
                "Tell the buyer about the request and ask for an answer before {}; without one, AWS approves the cancellation automatically then.",
                timestamp(&deadline)
            )));
            let command = format!(
                "aws marketplace-agreement cancel-agreement-cancellation-request --agreement-id {} --agreement-cancellation-request-id {} --cancellation-reason REASON --region us-east-1",
                shell_word(&id),
                request_id
                    .as_deref()
                    .map_or_else(|| "REQUEST_ID".to_owned(), shell_word)
            );
            steps.push(
                NextStep::new("To withdraw the request while it is pending (put your reason, quoted, in place of REASON):").with_command(command),
            );
            (
                concat([
                    "Cancellation awaiting buyer approval: ",
                    &label,
                    ", buyer ",
                    &buyer,
                ]),
                Severity::Warning,
                true,
                concat([
                    "Your request to cancel agreement ",
                    &id,
                    " with buyer account ",
                    &buyer,
                    &reason,
                    " waits for the buyer. It is approved automatically on ",
                    &timestamp(&deadline),
                    " unless the buyer answers first.",
                ]),
            )
        }
        Cancellation::Approved => {
            steps.push(step(
                "Expect the agreement's Ended event; stop the buyer's service as agreed with them.",
            ));
            // Seller guide, "Refunds and cancellations": cancelling an agreement stops future
            // invoices only; charges already invoiced are refunded through a billing adjustment.
            steps.push(step(
                "If the buyer is owed for past charges, submit a billing adjustment request: cancelling stops future invoices only.",
            ));
            (
                format!("Cancellation approved: {label}, buyer {buyer}"),
                Severity::Info,
                false,
                format!(
                    "The cancellation of agreement {id} with buyer account {buyer}{reason} was approved, by the buyer or automatically after 7 days. It stops future invoices only: past charges need a separate billing adjustment."
                ),
            )
        }
        Cancellation::Rejected => {
            steps.push(step(
                "Contact the buyer about their answer; the agreement stays in force.",
            ));
            (
                concat([
                    "Cancellation rejected by the buyer: ",
                    &label,
                    ", buyer ",
                    &buyer,
                ]),
                Severity::Warning,
                true,
                concat([
                    "Buyer account ",
                    &buyer,
                    " rejected the cancellation of agreement ",
                    &id,
                    &status_message.as_deref().map_or_else(
                        || " (the event gives no reason)".to_owned(),
                        |m| concat([": ", m]),
                    ),
                    ".",
                ]),
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
                "aws marketplace-agreement get-agreement-cancellation-request --agreement-id {} --agreement-cancellation-request-id {} --region us-east-1",
                shell_word(&id),
                request_id
                    .as_deref()
                    .map_or_else(|| "REQUEST_ID".to_owned(), shell_word)
            );
            steps.push(NextStep::new("Read the request as AWS holds it:").with_command(command));
            (
                format!("Cancellation request failed validation: {label}, buyer {buyer}"),
                Severity::Error,
                true,
                format!(
                    "AWS did not accept the request to cancel agreement {id}{}.",
                    status_message.as_deref().map_or_else(
                        || " (the event does not say why; the command below shows it)".to_owned(),
                        |m| format!(": {m}")
                    )
                ),
            )
        }
    };

    // The ISV reads its channel partner's request in its own terms.
    let (verdict, steps) = match party {
        Party::Manufacturer => manufacturer::cancellation(
            event,
            &id,
            &buyer,
            &label,
            &reason,
            status_message.as_deref(),
            &timestamp(&deadline),
        ),
        _ => (verdict, steps),
    };

    let mut agreement_lines = subject.agreement_lines(manufacturer::resold(party));
    agreement_lines.push(field("Buyer account", buyer.clone()));
    if let Some(facts) = facts {
        agreement_lines.extend(
            [
                known("Status", facts.status.as_deref()),
                known_time("Start", facts.start_time),
                known_time("End", facts.end_time),
            ]
            .into_iter()
            .flatten(),
        );
    }
    agreement_lines.extend(subject.value_line());
    agreement_lines.extend(subject.lookup_note());

    let mut request_lines: Vec<_> = [
        known("Request ID", request_id.as_deref()),
        known("Status", request.status_code.as_deref()),
        known("Reason", reason_field.as_deref()),
        known("Status message", status_message.as_deref()),
        known_time("Created", request.created_at),
        known_time("Updated", request.updated_at),
    ]
    .into_iter()
    .flatten()
    .collect();
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

/// The seller's reason for a cancellation request: its code, and its message when given.
fn reason_text(request: &CancellationRequest) -> Option<String> {
    let code = present(request.reason_code.as_deref());
    match (code, present(request.reason_message.as_deref())) {
        (Some(code), Some(message)) => Some(format!("{code}: {message}")),
        (Some(code), None) => Some(code),
        (None, message) => message,
    }
}
