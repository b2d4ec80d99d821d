//! Formats the three change-set outcomes: what happened, what a failure code means, which
//! change failed and why (when the Catalog API told us), and the exact command and portal
//! page that show the change set's errors.

use super::{Body, base_attributes, event_section, region, subject};
use crate::enrich::{ChangeReport, ChangeSetReport, Enrichment};
use crate::event::{ChangeSetDetail, ChangeSetOutcome, Envelope, FailureCode};
use crate::notification::{Notification, Severity};
use crate::text::{NOT_GIVEN, duration, or_not_given, single_line, timestamp};

/// The seller portal's Requests page, where every change set is listed by id.
pub const REQUESTS_PAGE: &str = "https://aws.amazon.com/marketplace/management/requests";

/// Changes listed one by one before the rest are counted.
pub const MAX_LISTED_CHANGES: usize = 50;
/// Errors listed per change before the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 20;
/// An error message longer than this is cut: the full text is one CLI call away.
pub const MAX_ERROR_MESSAGE_CHARS: usize = 1_000;

pub fn change_set(
    outcome: &ChangeSetOutcome,
    detail: &ChangeSetDetail,
    enrichment: &Enrichment,
    envelope: &Envelope,
) -> Notification {
    let id = single_line(detail.change_set_id.as_str());
    let name = or_not_given(detail.change_set_name.as_deref());
    let label = match detail.change_set_name.as_deref().map(single_line) {
        Some(name) if !name.is_empty() => format!("\"{name}\" ({id})"),
        _ => id.clone(),
    };
    let (severity, verb) = match outcome {
        ChangeSetOutcome::Succeeded => (Severity::Info, "succeeded"),
        ChangeSetOutcome::Failed(_) => (Severity::Error, "failed"),
        ChangeSetOutcome::Cancelled => (Severity::Warning, "was cancelled"),
    };
    let describe_command = describe_change_set_command(detail, envelope);

    let mut body = Body::new();
    match outcome {
        ChangeSetOutcome::Succeeded => {
            body.paragraph(format!(
                "Your change set {label} succeeded: its changes are applied."
            ));
        }
        ChangeSetOutcome::Cancelled => {
            body.paragraph(format!(
                "Your change set {label} was cancelled before it completed, so its changes were not applied."
            ));
        }
        ChangeSetOutcome::Failed(code) => {
            body.paragraph(format!(
                "Your change set {label} failed with {code}: its changes were not applied."
            ));
            body.section("What it means").bullet(failure_meaning(code));
            what_failed(&mut body, enrichment);
        }
    }
    if !matches!(outcome, ChangeSetOutcome::Failed(_))
        && let Enrichment::Described(report) = enrichment
        && !report.changes.is_empty()
    {
        body.section("Changes in this change set");
        list_changes(&mut body, &report.changes);
    }

    body.section("What to do");
    match outcome {
        ChangeSetOutcome::Succeeded => {
            body.bullet(
                "Nothing. Check the result in the AWS Marketplace Management Portal if you like.",
            );
        }
        ChangeSetOutcome::Cancelled => {
            body.bullet("If the changes are still wanted, submit the change set again.");
        }
        ChangeSetOutcome::Failed(FailureCode::ServerFault) => {
            body.bullet("Submit the same change set again. If it keeps failing, contact AWS Marketplace Seller Operations with the change set ID.");
        }
        ChangeSetOutcome::Failed(_) => {
            body.bullet("See which change failed and why (the ErrorDetailList in the answer):")
                .indented(&describe_command);
            body.bullet("Fix the request and submit a new change set.");
        }
    }
    body.bullet(format!(
        "Seller portal Requests page (find the change set by its ID): {REQUESTS_PAGE}"
    ));

    body.section("Change set")
        .field("Name", name)
        .field("ID", &id)
        .field("Catalog", single_line(detail.catalog.as_str()))
        .field("Outcome", outcome_word(outcome))
        .field("Started", optional_time(detail.start_time.as_ref()))
        .field("Ended", optional_time(detail.end_time.as_ref()));
    if let (Some(start), Some(end)) = (detail.start_time, detail.end_time) {
        body.field("Duration", duration(end - start));
    }
    if let ChangeSetOutcome::Failed(code) = outcome {
        body.field("Failure code", single_line(code.as_str()));
    }
    body.field("Details", describe_command);
    event_section(&mut body, envelope, None, detail.request_id.as_deref());

    let mut attributes = base_attributes(envelope)
        .with("change_set_id", detail.change_set_id.as_str())
        .with("catalog", detail.catalog.as_str());
    if let ChangeSetOutcome::Failed(code) = outcome {
        attributes = attributes.with("failure_code", code.as_str());
    }
    Notification::new(
        subject(severity, &format!("Change set {verb}: {label}")),
        &body.finish(),
        severity,
        attributes,
    )
}

/// The failure's details from `DescribeChangeSet`, or why they are missing.
fn what_failed(body: &mut Body, enrichment: &Enrichment) {
    match enrichment {
        Enrichment::NotAttempted => {}
        Enrichment::Unavailable(reason) => {
            body.section("What failed").bullet(format!(
                "Details could not be fetched ({}); the command below shows them.",
                single_line(reason)
            ));
        }
        Enrichment::Described(ChangeSetReport {
            failure_description,
            changes,
        }) => {
            body.section("What failed");
            if let Some(description) = failure_description.as_deref().map(single_line)
                && !description.is_empty()
            {
                body.bullet(format!("Failure description: {description}"));
            }
            let failed: Vec<&ChangeReport> = changes
                .iter()
                .filter(|change| !change.errors.is_empty())
                .collect();
            if failed.is_empty() {
                body.bullet("AWS listed no errors for individual changes.");
            } else {
                list_changes(body, &failed);
            }
        }
    }
}

/// Numbered changes with their entity and, under each, its errors.
fn list_changes<C: std::borrow::Borrow<ChangeReport>>(body: &mut Body, changes: &[C]) {
    for (number, change) in changes
        .iter()
        .map(C::borrow)
        .take(MAX_LISTED_CHANGES)
        .enumerate()
    {
        body.bullet(format!("{}. {}", number + 1, describe_change(change)));
        for error in change.errors.iter().take(MAX_LISTED_ERRORS) {
            let message: String = single_line(&error.message)
                .chars()
                .take(MAX_ERROR_MESSAGE_CHARS)
                .collect();
            body.indented(format!("{}: {message}", single_line(&error.code)));
        }
        if change.errors.len() > MAX_LISTED_ERRORS {
            body.indented(format!(
                "... and {} more errors",
                change.errors.len() - MAX_LISTED_ERRORS
            ));
        }
    }
    if changes.len() > MAX_LISTED_CHANGES {
        body.bullet(format!(
            "... and {} more changes",
            changes.len() - MAX_LISTED_CHANGES
        ));
    }
}

/// "UpdateInformation on SaaSProduct prod-123 (\"Rename\")".
fn describe_change(change: &ChangeReport) -> String {
    let mut text = single_line(&change.change_type);
    match (change.entity_type.as_deref(), change.entity_id.as_deref()) {
        (Some(kind), Some(id)) => {
            text.push_str(&format!(" on {} {}", single_line(kind), single_line(id)))
        }
        (Some(kind), None) => text.push_str(&format!(" on a new {}", single_line(kind))),
        (None, Some(id)) => text.push_str(&format!(" on {}", single_line(id))),
        (None, None) => {}
    }
    if let Some(name) = change.change_name.as_deref().map(single_line)
        && !name.is_empty()
    {
        text.push_str(&format!(" (\"{name}\")"));
    }
    text
}

fn outcome_word(outcome: &ChangeSetOutcome) -> &'static str {
    match outcome {
        ChangeSetOutcome::Succeeded => "SUCCEEDED",
        ChangeSetOutcome::Failed(_) => "FAILED",
        ChangeSetOutcome::Cancelled => "CANCELLED",
    }
}

/// What a failure code tells the seller, in AWS's terms.
pub fn failure_meaning(code: &FailureCode) -> String {
    match code {
        FailureCode::ClientError => "CLIENT_ERROR: the request has problems. At least one change in it was rejected; the change set's error list says which one and why.".to_owned(),
        FailureCode::ServerFault => "SERVER_FAULT: a problem on AWS's side stopped the change set. Nothing needs fixing in the request; retry it.".to_owned(),
        FailureCode::Other(code) => format!("{}: a failure code AWS has not documented. The change set's details may say more.", single_line(code)),
    }
}

/// The AWS CLI command that shows the change set with its errors, ready to paste.
pub fn describe_change_set_command(detail: &ChangeSetDetail, envelope: &Envelope) -> String {
    format!(
        "aws marketplace-catalog describe-change-set --catalog {} --change-set-id {} --region {}",
        shell_word(detail.catalog.as_str()),
        shell_word(detail.change_set_id.as_str()),
        shell_word(&region(envelope)),
    )
}

/// Quotes a value for a POSIX shell unless it is plainly safe, so text from an event can
/// never turn a pasted command into a different one.
fn shell_word(value: &str) -> String {
    // single_line has replaced control characters (NUL among them), the one input shlex
    // refuses to quote; should one get through, the command shows an empty word instead.
    shlex::try_quote(&single_line(value))
        .map(|quoted| quoted.into_owned())
        .unwrap_or_else(|_| "''".to_owned())
}

fn optional_time(at: Option<&chrono::DateTime<chrono::Utc>>) -> String {
    at.map(timestamp).unwrap_or_else(|| NOT_GIVEN.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(
            shell_word("76yesvf8y165pa4f98td2crtg"),
            "76yesvf8y165pa4f98td2crtg"
        );
        assert_eq!(shell_word("AWSMarketplace"), "AWSMarketplace");
        assert_eq!(shell_word("a b;rm -rf /"), "'a b;rm -rf /'");
        assert_eq!(shell_word("it's"), r#""it's""#);
        assert_eq!(shell_word("$(id)'"), r#"'$(id)'"'""#);
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn every_failure_code_is_explained() {
        assert!(failure_meaning(&FailureCode::ClientError).contains("error list"));
        assert!(failure_meaning(&FailureCode::ServerFault).contains("retry"));
        assert!(failure_meaning(&FailureCode::Other("NEW".into())).starts_with("NEW:"));
    }
}
