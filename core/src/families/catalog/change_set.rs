//! The change-set family: `Change Set Succeeded`, `Failed` and `Cancelled` — their detail
//! (AWS spells it in PascalCase, except the camelCase `requestId`), and the composed message:
//! what happened, what a failure code means, which change failed and why (when the Catalog
//! API told us), and the exact command and portal page that show the change set's errors.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

use crate::event::{DetailJson, Envelope, FieldError, Id, typed};
use crate::families::common::{base_message, event_section, region};
use crate::family::{Detail, boxed};
use crate::lookup::{Enrichment, Found, LookupRequest};
use crate::message::{Link, Message, NextStep, Section, Severity};
use crate::text::{NOT_GIVEN, duration, shell_word, shorten, single_line, timestamp, written_name};

#[path = "change_set_report.rs"]
mod report;

use report::{has_change_errors, has_description, is_locked, list_changes, what_failed};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeSetDetail {
    #[serde(rename = "requestId")]
    pub request_id: Option<String>,
    pub catalog: Id,
    pub change_set_id: Id,
    pub change_set_name: Option<String>,
    #[serde(default, deserialize_with = "crate::event::timestamp::optional")]
    pub start_time: Option<DateTime<Utc>>,
    #[serde(default, deserialize_with = "crate::event::timestamp::optional")]
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
            // A code AWS has not documented is shown as it came, made one clean line.
            other => FailureCode::Other(crate::text::single_line(other)),
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

/// A change-set event: how it ended and its detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeSetEvent {
    pub outcome: ChangeSetOutcome,
    pub detail: ChangeSetDetail,
}

/// Parses the detail of any of the three change-set events; the detail type says how it
/// ended.
pub fn parse(detail_type: &str, detail: &DetailJson) -> Result<Box<dyn Detail>, FieldError> {
    let detail: ChangeSetDetail = typed(detail)?;
    let outcome = match detail_type {
        CHANGE_SET_FAILED => {
            // Optional in the shared shape, but a failure without its code is not the event
            // AWS documents.
            let code = detail.failure_code.clone().ok_or_else(|| {
                (
                    "detail.FailureCode".to_owned(),
                    "missing field `FailureCode`".to_owned(),
                )
            })?;
            ChangeSetOutcome::Failed(code)
        }
        CHANGE_SET_CANCELLED => ChangeSetOutcome::Cancelled,
        _ => ChangeSetOutcome::Succeeded,
    };
    Ok(boxed(ChangeSetEvent { outcome, detail }))
}

impl Detail for ChangeSetEvent {
    /// What failed, or what a successful change set changed, is only in `DescribeChangeSet`.
    fn lookup(&self) -> Option<LookupRequest<'_>> {
        Some(LookupRequest::ChangeSet {
            catalog: self.detail.catalog.as_str(),
            change_set_id: self.detail.change_set_id.as_str(),
        })
    }

    fn compose(&self, envelope: &Envelope, found: &Found) -> Message {
        change_set(&self.outcome, &self.detail, found.change_set(), envelope)
    }
}

/// What the change set was started to do, as `DescribeChangeSet` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Apply the changes (AWS's default).
    Apply,
    /// Only validate the changes; nothing is applied whatever the outcome.
    Validate,
    /// Not looked up, or the lookup did not answer: the event itself does not say.
    Unknown,
}

impl Intent {
    pub fn of(enrichment: &Enrichment) -> Self {
        match enrichment {
            Enrichment::Described(report) => match report.intent.as_deref() {
                Some("VALIDATE") => Self::Validate,
                Some("APPLY") => Self::Apply,
                _ => Self::Unknown,
            },
            _ => Self::Unknown,
        }
    }
}

/// The seller portal page that lists the contacts for AWS Marketplace Seller Operations.
/// Source: AWS Marketplace Seller Guide, "Contact AWS Marketplace Seller Operations".
pub const SELLER_OPERATIONS_CONTACT_PAGE: &str =
    "https://aws.amazon.com/marketplace/management/contact-us/";

pub fn change_set(
    outcome: &ChangeSetOutcome,
    detail: &ChangeSetDetail,
    enrichment: &Enrichment,
    envelope: &Envelope,
) -> Message {
    let id = single_line(detail.change_set_id.as_str());
    let written_name = detail
        .change_set_name
        .as_deref()
        .map(written_name)
        .filter(|name| !name.is_empty());
    let label = match &written_name {
        Some(name) => format!("\"{name}\" ({id})"),
        None => id.clone(),
    };
    // The body names the change set in full once, in the summary; the ID is in the facts.
    let named = match &written_name {
        Some(name) => format!("\"{name}\""),
        None => id.clone(),
    };
    let intent = Intent::of(enrichment);
    let (severity, verb) = match (outcome, intent) {
        (ChangeSetOutcome::Succeeded, Intent::Validate) => (Severity::Info, "validated"),
        (ChangeSetOutcome::Succeeded, _) => (Severity::Info, "succeeded"),
        (ChangeSetOutcome::Failed(_), _) => (Severity::Error, "failed"),
        (ChangeSetOutcome::Cancelled, _) => (Severity::Warning, "was cancelled"),
    };
    let describe_command = describe_change_set_command(detail, envelope);
    let requests_page = Link::new("Seller portal Requests page", REQUESTS_PAGE);
    let what = match intent {
        Intent::Validate => "validation-only change set",
        _ => "change set",
    };

    let mut sections = Vec::new();
    let summary = match (outcome, intent) {
        (ChangeSetOutcome::Succeeded, Intent::Validate) => format!(
            "Your {what} {named} passed validation; nothing was applied (it was submitted with Intent VALIDATE)."
        ),
        (ChangeSetOutcome::Succeeded, Intent::Apply) => {
            format!("Your change set {named} succeeded: its changes are applied.")
        }
        (ChangeSetOutcome::Succeeded, Intent::Unknown) => format!(
            "Your change set {named} succeeded. Whether it applied its changes or only validated them (Intent VALIDATE) could not be looked up; the command below shows its Intent."
        ),
        (ChangeSetOutcome::Cancelled, _) => {
            format!("Your {what} {named} was cancelled before it completed; nothing was applied.")
        }
        (ChangeSetOutcome::Failed(code), _) => {
            sections.push(Section::new("What it means").bullet(failure_meaning(code)));
            sections.extend(what_failed(enrichment));
            match intent {
                Intent::Validate => format!(
                    "Your {what} {named} failed validation with {code}; nothing was applied."
                ),
                _ => format!("Your change set {named} failed with {code}; nothing was applied."),
            }
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

    let show_details =
        NextStep::new("See the change set's details:").with_command(&describe_command);
    let mut next_steps = match (outcome, intent) {
        (ChangeSetOutcome::Succeeded, Intent::Validate) => vec![NextStep::new(
            "Nothing is required. To make these changes, submit them again with Intent APPLY (the default).",
        )],
        (ChangeSetOutcome::Succeeded, Intent::Apply) => vec![NextStep::new(
            "Nothing is required. Check the result in AWS Partner Central (formerly the AWS Marketplace Management Portal) if you like.",
        )],
        (ChangeSetOutcome::Succeeded, Intent::Unknown) => vec![
            NextStep::new(
                "Nothing is required. To see whether the changes were applied (Intent APPLY) or only validated (Intent VALIDATE):",
            )
            .with_command(&describe_command),
        ],
        (ChangeSetOutcome::Cancelled, _) => vec![NextStep::new(
            "If the changes are still wanted, submit the change set again.",
        )],
        (ChangeSetOutcome::Failed(FailureCode::ServerFault), _) => vec![
            NextStep::new(
                "Submit the same change set again. If you pass a ClientRequestToken to StartChangeSet, use a new one: a token already used identifies the change set that failed.",
            ),
            NextStep::new(
                "If it keeps failing, contact AWS Marketplace Seller Operations with the change set ID",
            )
            .with_link(Link::new(
                "AWS Marketplace Seller Operations",
                SELLER_OPERATIONS_CONTACT_PAGE,
            )),
            show_details,
        ],
        (ChangeSetOutcome::Failed(_), _) if is_locked(enrichment) => vec![
            NextStep::new(
                "An entity in this change set was locked by another change set. Wait for that change set to finish (it is listed on the Requests page), then submit this one again.",
            ),
            show_details,
        ],
        (ChangeSetOutcome::Failed(_), _) => {
            let mut steps = match enrichment {
                Enrichment::Described(report) if has_change_errors(report) => {
                    vec![NextStep::new(
                        "Fix the changes listed under \"What failed\" and submit a new change set.",
                    )]
                }
                Enrichment::Described(report) if has_description(report) => vec![NextStep::new(
                    "Act on the cause under \"What failed\", then submit a new change set.",
                )],
                _ => vec![NextStep::new(
                    "See which change failed and why (the ErrorDetailList and FailureDescription in the answer), fix the request and submit a new change set:",
                )
                .with_command(&describe_command)],
            };
            if steps.iter().all(|step| step.command.is_none()) {
                steps.push(show_details);
            }
            steps
        }
    };
    next_steps.push(
        NextStep::new("Seller portal Requests page (find the change set by its ID)")
            .with_link(requests_page.clone()),
    );
    // The text lists the steps before the change set's own facts.
    let next_steps_before = sections.len();

    let mut facts = Section::new("Change set");
    if let Some(name) = &written_name {
        facts.push_field("Name", shorten(name));
    }
    facts
        .push_field("ID", &id)
        .push_field("Outcome", outcome_word(outcome))
        .push_field("Intent", intent_word(intent))
        .push_field("Started", optional_time(detail.start_time.as_ref()))
        .push_field("Ended", optional_time(detail.end_time.as_ref()));
    if let (Some(start), Some(end)) = (detail.start_time, detail.end_time) {
        facts.push_field("Duration", duration(end - start));
    }
    sections.push(facts);
    sections.push(event_section(envelope, detail.request_id.as_deref()));

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
    if intent == Intent::Validate {
        message.keywords.push("validate".to_owned());
    }
    if let ChangeSetOutcome::Failed(code) = outcome {
        message.keywords.push(single_line(code.as_str()));
    }
    let mut attributes = message
        .attributes
        .with("change_set_id", detail.change_set_id.as_str());
    if let ChangeSetOutcome::Failed(code) = outcome {
        attributes = attributes.with("failure_code", code.as_str());
    }
    message.attributes = attributes;
    message
}

fn intent_word(intent: Intent) -> &'static str {
    match intent {
        Intent::Apply => "APPLY",
        Intent::Validate => "VALIDATE (validation only)",
        Intent::Unknown => "not known (the event does not say; the command shows it)",
    }
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
        FailureCode::ClientError => "CLIENT_ERROR: AWS rejected the request; the fault is in the request, not on AWS's side.".to_owned(),
        FailureCode::ServerFault => "SERVER_FAULT: a problem on AWS's side stopped the change set. Nothing needs fixing in the request; submit it again.".to_owned(),
        FailureCode::Other(code) => format!("{}: a failure code AWS has not documented. The change set's details may say more.", single_line(code)),
    }
}

/// The AWS CLI command that shows the change set with its errors, ready to paste.
pub fn describe_change_set_command(detail: &ChangeSetDetail, envelope: &Envelope) -> String {
    format!(
        // `--option=value`, so a value starting with "-" cannot be read as another option.
        "aws marketplace-catalog describe-change-set --catalog={} --change-set-id={} --region={}",
        shell_word(detail.catalog.as_str()),
        shell_word(detail.change_set_id.as_str()),
        shell_word(&region(envelope)),
    )
}

fn optional_time(at: Option<&chrono::DateTime<chrono::Utc>>) -> String {
    at.map(timestamp).unwrap_or_else(|| NOT_GIVEN.to_owned())
}

#[cfg(test)]
#[path = "change_set_tests.rs"]
mod tests;
