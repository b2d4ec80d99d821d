//! What `DescribeChangeSet` reported about a change set, as message lines: its changes
//! numbered with their errors, what failed and why, and whether an entity was locked.

use super::{MAX_ERROR_MESSAGE_CHARS, MAX_LISTED_CHANGES, MAX_LISTED_ERRORS};
use crate::lookup::{ChangeReport, ChangeSetReport, Enrichment};
use crate::message::{Line, Section};
use crate::text::{single_line, written_name};

pub(super) fn has_change_errors(report: &ChangeSetReport) -> bool {
    report
        .changes
        .iter()
        .any(|change| !change.errors.is_empty())
}

pub(super) fn has_description(report: &ChangeSetReport) -> bool {
    report
        .failure_description
        .as_deref()
        .is_some_and(|description| !single_line(description).is_empty())
}

/// Whether the failure is an entity locked by another change set: AWS locks every entity a
/// running change set touches until it finishes, and a change set that needs a locked entity
/// fails (StartChangeSet, Marketplace Catalog API Reference: ResourceInUseException).
pub(super) fn is_locked(enrichment: &Enrichment) -> bool {
    let Enrichment::Described(report) = enrichment else {
        return false;
    };
    let mentions_lock = |text: &str| {
        let text = text.to_ascii_lowercase();
        text.contains("locked by another change set") || text.contains("resourceinuse")
    };
    report
        .failure_description
        .as_deref()
        .is_some_and(mentions_lock)
        || report
            .changes
            .iter()
            .flat_map(|change| &change.errors)
            .any(|error| mentions_lock(&error.code) || mentions_lock(&error.message))
}

/// The AWS error code at the start of a lookup failure ("AccessDeniedException: User
/// arn:... is not authorized"), without the message, which can carry role ARNs and account
/// ids: the notification names the code and the function's log keeps the full text.
fn error_code(reason: &str) -> Option<String> {
    let reason = reason
        .strip_prefix("DescribeChangeSet failed: ")
        .unwrap_or(reason);
    let code = reason.split(':').next().unwrap_or_default().trim();
    (!code.is_empty() && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'))
        .then(|| code.to_owned())
}

/// The failure's details from `DescribeChangeSet`, chosen by what the lookup found.
pub(super) fn what_failed(enrichment: &Enrichment) -> Option<Section> {
    match enrichment {
        Enrichment::NotAttempted => Some(Section::new("What failed").bullet(
            "The details were not looked up (change-set lookups are switched off); the command below shows them.",
        )),
        Enrichment::Unavailable(reason) => {
            let why = match error_code(reason) {
                Some(code) => format!("error code {code}"),
                None => "the lookup did not complete".to_owned(),
            };
            Some(Section::new("What failed").bullet(format!(
                "The details could not be fetched ({why}; the function's log has the full message). The command below shows them."
            )))
        }
        Enrichment::Described(report) => {
            let mut section = Section::new("What failed");
            let failed: Vec<&ChangeReport> = report
                .changes
                .iter()
                .filter(|change| !change.errors.is_empty())
                .collect();
            if !failed.is_empty() {
                list_changes(&mut section, &failed);
            }
            if let Some(description) = report.failure_description.as_deref().map(single_line)
                && !description.is_empty()
            {
                section.push(Line::Bullet(if failed.is_empty() {
                    format!("Cause (a failure of the change set as a whole, not of one change): {description}")
                } else {
                    format!("Also, for the change set as a whole: {description}")
                }));
            }
            if section.lines.is_empty() {
                section.push(Line::Bullet(
                    "AWS returned no error details for this change set; the command below shows what it has.".to_owned(),
                ));
            }
            Some(section)
        }
    }
}

/// Numbered changes with their entity and, under each, its errors.
pub(super) fn list_changes<C: std::borrow::Borrow<ChangeReport>>(
    section: &mut Section,
    changes: &[C],
) {
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
            let message: String = written_name(&error.message)
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
    if let Some(name) = change.change_name.as_deref().map(written_name)
        && !name.is_empty()
    {
        text.push_str(&format!(" (\"{name}\")"));
    }
    text
}
