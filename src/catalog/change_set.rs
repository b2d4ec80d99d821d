//! The change-set family: `Change Set Succeeded`, `Failed` and `Cancelled` — their detail
//! (AWS spells it in PascalCase, except the camelCase `requestId`), and the composed message:
//! what happened, what a failure code means, which change failed and why (when the Catalog
//! API told us), and the exact command and portal page that show the change set's errors.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{base_message, event_section, region};
use crate::enrich::{ChangeReport, ChangeSetReport, Enrichment};
use crate::event::{CatalogDetail, Envelope, FieldError, Id, typed};
use crate::message::{Line, Link, Message, NextStep, Section, Severity};
use crate::text::{NOT_GIVEN, duration, or_not_given, single_line, timestamp};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeSetDetail {
    #[serde(rename = "requestId")]
    pub request_id: Option<String>,
    pub catalog: Id,
    pub change_set_id: Id,
    pub change_set_name: Option<String>,
    pub start_time: Option<DateTime<Utc>>,
    pub end_time: Option<DateTime<Utc>>,
    pub failure_code: Option<FailureCode>,
}

/// How a change set ended; the failure code travels with a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeSetOutcome {
    Succeeded,
    Failed(FailureCode),
    Cancelled,
}

/// Why a change set failed. AWS documents two codes; any other is kept as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureCode {
    /// The request has problems; the change set's error list says which.
    ClientError,
    /// A problem on AWS's side; the same request can be retried.
    ServerFault,
    Other(String),
}

impl FailureCode {
    pub fn as_str(&self) -> &str {
        match self {
            FailureCode::ClientError => "CLIENT_ERROR",
            FailureCode::ServerFault => "SERVER_FAULT",
            FailureCode::Other(code) => code,
        }
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FailureCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = Id::deserialize(deserializer)?;
        Ok(match code.as_str() {
            "CLIENT_ERROR" => FailureCode::ClientError,
            "SERVER_FAULT" => FailureCode::ServerFault,
            other => FailureCode::Other(other.to_owned()),
        })
    }
}

pub const CHANGE_SET_SUCCEEDED: &str = "Change Set Succeeded";
pub const CHANGE_SET_FAILED: &str = "Change Set Failed";
pub const CHANGE_SET_CANCELLED: &str = "Change Set Cancelled";

/// The seller portal's Requests page, where every change set is listed by id.
pub const REQUESTS_PAGE: &str = "https://aws.amazon.com/marketplace/management/requests";

/// Changes listed one by one before the rest are counted.
pub const MAX_LISTED_CHANGES: usize = 50;
/// Errors listed per change before the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 20;
/// An error message longer than this is cut: the full text is one CLI call away.
pub const MAX_ERROR_MESSAGE_CHARS: usize = 1_000;

pub fn parse_succeeded(detail: Value) -> Result<CatalogDetail, FieldError> {
    Ok(CatalogDetail::ChangeSet(
        ChangeSetOutcome::Succeeded,
        typed(detail)?,
    ))
}

pub fn parse_cancelled(detail: Value) -> Result<CatalogDetail, FieldError> {
    Ok(CatalogDetail::ChangeSet(
        ChangeSetOutcome::Cancelled,
        typed(detail)?,
    ))
}

pub fn parse_failed(detail: Value) -> Result<CatalogDetail, FieldError> {
    let detail: ChangeSetDetail = typed(detail)?;
    // Optional in the shared shape, but a failure without its code is not the event AWS
    // documents.
    let code = detail.failure_code.clone().ok_or_else(|| {
        (
            "detail.FailureCode".to_owned(),
            "missing field `FailureCode`".to_owned(),
        )
    })?;
    Ok(CatalogDetail::ChangeSet(
        ChangeSetOutcome::Failed(code),
        detail,
    ))
}

pub fn change_set(
    outcome: &ChangeSetOutcome,
    detail: &ChangeSetDetail,
    enrichment: &Enrichment,
    envelope: &Envelope,
) -> Message {
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
    let requests_page = Link::new("Seller portal Requests page", REQUESTS_PAGE);

    let mut sections = Vec::new();
    let summary = match outcome {
        ChangeSetOutcome::Succeeded => {
            format!("Your change set {label} succeeded: its changes are applied.")
        }
        ChangeSetOutcome::Cancelled => format!(
            "Your change set {label} was cancelled before it completed, so its changes were not applied."
        ),
        ChangeSetOutcome::Failed(code) => {
            sections.push(Section::new("What it means").bullet(failure_meaning(code)));
            sections.extend(what_failed(enrichment));
            format!("Your change set {label} failed with {code}: its changes were not applied.")
        }
    };
    if !matches!(outcome, ChangeSetOutcome::Failed(_))
        && let Enrichment::Described(report) = enrichment
        && !report.changes.is_empty()
    {
        let mut changes = Section::new("Changes in this change set");
        list_changes(&mut changes, &report.changes);
        sections.push(changes);
    }

    let mut next_steps = match outcome {
        ChangeSetOutcome::Succeeded => vec![NextStep::new(
            "Nothing. Check the result in the AWS Marketplace Management Portal if you like.",
        )],
        ChangeSetOutcome::Cancelled => vec![NextStep::new(
            "If the changes are still wanted, submit the change set again.",
        )],
        ChangeSetOutcome::Failed(FailureCode::ServerFault) => vec![NextStep::new(
            "Submit the same change set again. If it keeps failing, contact AWS Marketplace Seller Operations with the change set ID.",
        )],
        ChangeSetOutcome::Failed(_) => vec![
            NextStep::new("See which change failed and why (the ErrorDetailList in the answer):")
                .with_command(&describe_command),
            NextStep::new("Fix the request and submit a new change set."),
        ],
    };
    next_steps.push(
        NextStep::new("Seller portal Requests page (find the change set by its ID)")
            .with_link(requests_page.clone()),
    );
    // The text lists the steps before the change set's own facts.
    let next_steps_before = sections.len();

    let mut facts = Section::new("Change set")
        .field("Name", name)
        .field("ID", &id)
        .field("Catalog", single_line(detail.catalog.as_str()))
        .field("Outcome", outcome_word(outcome))
        .field("Started", optional_time(detail.start_time.as_ref()))
        .field("Ended", optional_time(detail.end_time.as_ref()));
    if let (Some(start), Some(end)) = (detail.start_time, detail.end_time) {
        facts.push_field("Duration", duration(end - start));
    }
    if let ChangeSetOutcome::Failed(code) = outcome {
        facts.push_field("Failure code", single_line(code.as_str()));
    }
    facts.push_field("Details", &describe_command);
    sections.push(facts);
    sections.push(event_section(envelope, None, detail.request_id.as_deref()));

    let mut message = base_message(envelope, severity);
    message.headline = format!("Change set {verb}: {label}");
    message.summary = summary;
    message.action_required = !matches!(outcome, ChangeSetOutcome::Succeeded);
    message.next_steps = next_steps;
    message.next_steps_before = Some(next_steps_before);
    message.sections = sections;
    message.links = vec![requests_page];
    message.thread_key = id;
    message.keywords = vec![
        "change-set".to_owned(),
        outcome_word(outcome).to_ascii_lowercase(),
    ];
    if let ChangeSetOutcome::Failed(code) = outcome {
        message.keywords.push(single_line(code.as_str()));
    }
    let mut attributes = message
        .attributes
        .with("change_set_id", detail.change_set_id.as_str())
        .with("catalog", detail.catalog.as_str());
    if let ChangeSetOutcome::Failed(code) = outcome {
        attributes = attributes.with("failure_code", code.as_str());
    }
    message.attributes = attributes;
    message
}

/// The failure's details from `DescribeChangeSet`, or why they are missing.
fn what_failed(enrichment: &Enrichment) -> Option<Section> {
    match enrichment {
        Enrichment::NotAttempted => None,
        Enrichment::Unavailable(reason) => Some(Section::new("What failed").bullet(format!(
            "Details could not be fetched ({}); the command below shows them.",
            single_line(reason)
        ))),
        Enrichment::Described(ChangeSetReport {
            failure_description,
            changes,
        }) => {
            let mut section = Section::new("What failed");
            if let Some(description) = failure_description.as_deref().map(single_line)
                && !description.is_empty()
            {
                section.push(Line::Bullet(format!("Failure description: {description}")));
            }
            let failed: Vec<&ChangeReport> = changes
                .iter()
                .filter(|change| !change.errors.is_empty())
                .collect();
            if failed.is_empty() {
                section.push(Line::Bullet(
                    "AWS listed no errors for individual changes.".to_owned(),
                ));
            } else {
                list_changes(&mut section, &failed);
            }
            Some(section)
        }
    }
}

/// Numbered changes with their entity and, under each, its errors.
fn list_changes<C: std::borrow::Borrow<ChangeReport>>(section: &mut Section, changes: &[C]) {
    for (number, change) in changes
        .iter()
        .map(C::borrow)
        .take(MAX_LISTED_CHANGES)
        .enumerate()
    {
        section.push(Line::Bullet(format!(
            "{}. {}",
            number + 1,
            describe_change(change)
        )));
        for error in change.errors.iter().take(MAX_LISTED_ERRORS) {
            let message: String = single_line(&error.message)
                .chars()
                .take(MAX_ERROR_MESSAGE_CHARS)
                .collect();
            section.push(Line::Detail(format!(
                "{}: {message}",
                single_line(&error.code)
            )));
        }
        if change.errors.len() > MAX_LISTED_ERRORS {
            section.push(Line::Detail(format!(
                "... and {} more errors",
                change.errors.len() - MAX_LISTED_ERRORS
            )));
        }
    }
    if changes.len() > MAX_LISTED_CHANGES {
        section.push(Line::Bullet(format!(
            "... and {} more changes",
            changes.len() - MAX_LISTED_CHANGES
        )));
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
    fn failure_codes_parse_known_and_unknown_values() {
        let parse = |s: &str| serde_json::from_value::<FailureCode>(serde_json::json!(s));
        assert_eq!(parse("CLIENT_ERROR").unwrap(), FailureCode::ClientError);
        assert_eq!(parse("SERVER_FAULT").unwrap(), FailureCode::ServerFault);
        assert_eq!(
            parse("THROTTLED").unwrap(),
            FailureCode::Other("THROTTLED".into())
        );
        assert!(parse("").is_err());
    }

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
