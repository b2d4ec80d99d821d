//! The security family: `Products Security Report Created` — its detail (counts of products
//! and versions with security issues and the date by which they must be resolved, all
//! required) and the composed message: the counts, the due date with the days left (or
//! overdue) at the time of the event, what missing it means, and the severity.

use chrono::TimeDelta;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::{base_message, event_section};
use crate::event::{CatalogDetail, Envelope, FieldError, typed};
use crate::message::{Line, Link, Message, NextStep, Section, Severity};
use crate::text::{count, timestamp};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityReport {
    pub number_of_products_with_issues: u64,
    pub number_of_versions_with_issues: u64,
    pub number_of_latest_versions_with_issues: u64,
    pub new_issues_found: bool,
    pub upcoming_resolution_due_date: DateTime<Utc>,
    pub request_id: Option<String>,
}

pub const SECURITY_REPORT_CREATED: &str = "Products Security Report Created";

/// A due date this close (or past) makes the report critical even without new issues.
pub const CRITICAL_WITHIN_DAYS: i64 = 7;

/// Where sellers see each product's findings and release fixed versions.
pub const PRODUCTS_PAGE: &str = "https://aws.amazon.com/marketplace/management/products";

pub fn parse(detail: Value) -> Result<CatalogDetail, FieldError> {
    Ok(CatalogDetail::SecurityReport(typed(detail)?))
}

/// Critical when there is something new or the deadline is a week away or past.
pub fn severity(report: &SecurityReport, time_left: TimeDelta) -> Severity {
    if report.new_issues_found || time_left <= TimeDelta::days(CRITICAL_WITHIN_DAYS) {
        Severity::Critical
    } else {
        Severity::Warning
    }
}

pub fn security_report(report: &SecurityReport, envelope: &Envelope) -> Message {
    let time_left = report.upcoming_resolution_due_date - envelope.time;
    let due = report
        .upcoming_resolution_due_date
        .format("%Y-%m-%d")
        .to_string();
    let products = count(report.number_of_products_with_issues, "product", "products");
    let have = if report.number_of_products_with_issues == 1 {
        "has"
    } else {
        "have"
    };
    let overdue = time_left < TimeDelta::zero();
    let products_page = Link::new("Seller portal Products page", PRODUCTS_PAGE);

    let mut message = base_message(envelope, severity(report, time_left));
    message.headline = if overdue {
        format!("Security issues in {products}: resolution overdue since {due}")
    } else {
        format!("Security issues in {products}: resolve by {due}")
    };
    message.summary = if report.new_issues_found {
        format!(
            "AWS Marketplace found new security issues: {products} now {have} issues to resolve."
        )
    } else {
        format!(
            "Reminder: {products} still {have} unresolved security issues. No new issues were found."
        )
    };
    message.action_required = true;
    let mut summary = Section::new("Summary")
        .field(
            "Products with issues",
            report.number_of_products_with_issues,
        )
        .field(
            "Versions with issues",
            report.number_of_versions_with_issues,
        )
        .field(
            "Latest versions",
            report.number_of_latest_versions_with_issues,
        )
        .field(
            "New issues found",
            if report.new_issues_found { "yes" } else { "no" },
        )
        .field(
            "Resolve by",
            timestamp(&report.upcoming_resolution_due_date),
        )
        .field("Time left", time_left_words(time_left));
    summary.push(Line::Prose(
        "If the issues are not resolved by that date, AWS Marketplace temporarily restricts the affected products or versions.".to_owned(),
    ));
    message.sections = vec![
        summary,
        event_section(envelope, None, report.request_id.as_deref()),
    ];
    message.next_steps = vec![
        NextStep::new(
            "Review the findings for each product in the AWS Marketplace Management Portal",
        )
        .with_link(products_page.clone()),
        NextStep::new(
            "Release versions that fix the issues, starting with the latest versions buyers get by default.",
        ),
        NextStep::new("Restrict versions you cannot fix in time."),
    ];
    message.links = vec![products_page];
    // One thread per resolution deadline: reminders about the same deadline follow each other.
    message.thread_key = format!("security-report-{due}");
    message.keywords = vec![
        "security".to_owned(),
        if overdue { "overdue" } else { "due" }.to_owned(),
    ];
    message.attributes = message.attributes.with(
        "new_issues_found",
        if report.new_issues_found {
            "true"
        } else {
            "false"
        },
    );
    message
}

/// "31 days from this report", "less than a day left", "overdue by 3 days".
fn time_left_words(time_left: TimeDelta) -> String {
    let days = time_left.num_days();
    if time_left < TimeDelta::zero() {
        match -days {
            0 => "overdue by less than a day".to_owned(),
            n => format!("overdue by {}", count(n as u64, "day", "days")),
        }
    } else {
        match days {
            0 => "less than a day from this report".to_owned(),
            n => format!("{} from this report", count(n as u64, "day", "days")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn negative_counts_are_rejected() {
        let result = serde_json::from_value::<SecurityReport>(json!({
            "numberOfProductsWithIssues": -1,
            "numberOfVersionsWithIssues": 1,
            "numberOfLatestVersionsWithIssues": 1,
            "newIssuesFound": false,
            "upcomingResolutionDueDate": "2023-12-01T00:00:00Z"
        }));
        assert!(result.is_err());
    }

    fn report(new_issues_found: bool) -> SecurityReport {
        SecurityReport {
            number_of_products_with_issues: 1,
            number_of_versions_with_issues: 1,
            number_of_latest_versions_with_issues: 1,
            new_issues_found,
            upcoming_resolution_due_date: DateTime::<Utc>::UNIX_EPOCH,
            request_id: None,
        }
    }

    #[test]
    fn severity_is_critical_for_new_issues_or_a_close_deadline() {
        assert_eq!(
            severity(&report(true), TimeDelta::days(30)),
            Severity::Critical
        );
        assert_eq!(
            severity(&report(false), TimeDelta::days(30)),
            Severity::Warning
        );
        assert_eq!(
            severity(&report(false), TimeDelta::days(8)),
            Severity::Warning
        );
        assert_eq!(
            severity(&report(false), TimeDelta::days(7)),
            Severity::Critical
        );
        assert_eq!(
            severity(&report(false), TimeDelta::days(-3)),
            Severity::Critical
        );
    }

    #[test]
    fn time_left_reads_naturally() {
        assert_eq!(
            time_left_words(TimeDelta::days(31)),
            "31 days from this report"
        );
        assert_eq!(
            time_left_words(TimeDelta::days(1)),
            "1 day from this report"
        );
        assert_eq!(
            time_left_words(TimeDelta::hours(5)),
            "less than a day from this report"
        );
        assert_eq!(
            time_left_words(TimeDelta::hours(-5)),
            "overdue by less than a day"
        );
        assert_eq!(time_left_words(TimeDelta::days(-3)), "overdue by 3 days");
    }
}
