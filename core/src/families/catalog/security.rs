//! The security family: `Products Security Report Created` — its detail (counts of products
//! and versions with security issues and the date by which they must be resolved, all
//! required) and the composed message: the counts, the due instant with the days left (or
//! overdue) at the time of the event, what AWS does past it, and the severity by urgency.

use chrono::TimeDelta;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::event::{DetailJson, Envelope, FieldError, typed};
use crate::families::common::{base_message, event_section};
use crate::family::{Detail, boxed};
use crate::ledger::{Closing, ItemId, Kind, LedgerChange, OpenItem};
use crate::lookup::Found;
use crate::message::{Line, Link, Message, NextStep, Section, Severity};
use crate::text::count;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityReport {
    pub number_of_products_with_issues: u64,
    pub number_of_versions_with_issues: u64,
    pub number_of_latest_versions_with_issues: u64,
    pub new_issues_found: bool,
    #[serde(deserialize_with = "crate::event::timestamp::required")]
    pub upcoming_resolution_due_date: DateTime<Utc>,
    pub request_id: Option<String>,
}

pub const SECURITY_REPORT_CREATED: &str = "Products Security Report Created";

/// A due date this close (or past) makes the report critical.
pub const CRITICAL_WITHIN_DAYS: i64 = 7;

/// The seller portal's Server products page, where server (AMI and container) products'
/// versions are added and restricted. Source: AWS Marketplace Seller Guide, "Managing
/// versions for single-AMI products" (Products > Server, the Server products tab).
pub const SERVER_PRODUCTS_PAGE: &str =
    "https://aws.amazon.com/marketplace/management/products/server";

/// What AWS does when issues are not resolved in time. Source: AWS Marketplace blog, "How to
/// improve the security of your product catalog in AWS Marketplace": AWS Marketplace
/// "temporarily restricts the products from new subscribers and notifies the current
/// subscribers".
const CONSEQUENCE: &str = "AWS Marketplace temporarily restricts the affected products from new subscribers and tells their current subscribers what they can do";

pub fn parse(_: &str, detail: &DetailJson) -> Result<Box<dyn Detail>, FieldError> {
    typed::<SecurityReport>(detail).map(boxed)
}

impl Detail for SecurityReport {
    fn compose(&self, envelope: &Envelope, _: &Found) -> Message {
        security_report(self, envelope)
    }

    /// The account's latest report is what counts: one with issues replaces the last, one
    /// without closes it.
    fn ledger(&self, envelope: &Envelope, _: &Found) -> Option<LedgerChange> {
        let key = envelope
            .account
            .clone()
            .unwrap_or_else(|| "(no account)".to_owned());
        let id = ItemId::new(Kind::SecurityReport, key);
        if self.number_of_products_with_issues == 0 && self.number_of_versions_with_issues == 0 {
            return Some(LedgerChange::Close(Closing {
                id,
                by: envelope.id.clone(),
                at: envelope.time,
            }));
        }
        Some(LedgerChange::Replace(OpenItem {
            id,
            account: envelope.account_label(),
            title: format!(
                "Security report: {} with issues ({} of their latest)",
                count(self.number_of_products_with_issues, "product", "products"),
                count(
                    self.number_of_latest_versions_with_issues,
                    "version",
                    "versions"
                ),
            ),
            deadline: Some(self.upcoming_resolution_due_date),
            value: None,
            link: None,
            opened_by: envelope.id.clone(),
            opened_at: envelope.time,
        }))
    }
}

/// Severity is urgency: critical when the due date is a week away or past; new issues with
/// a later due date are an error; a reminder with a later due date is a warning.
pub fn severity(report: &SecurityReport, time_left: TimeDelta) -> Severity {
    if time_left <= TimeDelta::days(CRITICAL_WITHIN_DAYS) {
        Severity::Critical
    } else if report.new_issues_found {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// The report as of the event's time: "now" is the envelope's time, never the wall clock,
/// so the days left are the ones that held when AWS sent the report.
pub fn security_report(report: &SecurityReport, envelope: &Envelope) -> Message {
    let time_left = report.upcoming_resolution_due_date - envelope.time;
    // AWS gives the due instant as midnight UTC, which is the previous evening in the
    // Americas: always say the hour and the zone, never a bare date.
    let due = due_instant(&report.upcoming_resolution_due_date);
    let products = count(report.number_of_products_with_issues, "product", "products");
    let have = if report.number_of_products_with_issues == 1 {
        "has"
    } else {
        "have"
    };
    let overdue = time_left < TimeDelta::zero();
    let when = due_words(time_left, &due);
    let products_page = Link::new("Seller portal Server products page", SERVER_PRODUCTS_PAGE);

    let mut message = base_message(envelope, severity(report, time_left));
    message.headline = format!("Security issues in {products}: {when}");
    let found = if report.new_issues_found {
        format!(
            "AWS Marketplace found new security issues: {products} now {have} issues to resolve"
        )
    } else {
        format!(
            "Reminder: {products} still {have} unresolved security issues (no new issues found)"
        )
    };
    message.summary = if overdue {
        format!(
            "{found}. Resolution was due {due}, so the affected products may already be restricted from new subscribers, and their current subscribers notified."
        )
    } else {
        format!("{found}; resolution is {when}.")
    };
    message.action_required = true;
    let mut summary = Section::new("Report")
        .field(
            "Products with issues",
            report.number_of_products_with_issues,
        )
        .field(
            "Versions with issues",
            report.number_of_versions_with_issues,
        )
        .field(
            "Latest with issues",
            report.number_of_latest_versions_with_issues,
        )
        .field(
            "New issues found",
            if report.new_issues_found { "yes" } else { "no" },
        )
        .field("Resolution", &when);
    summary.push(Line::Prose(
        "The event does not name the products or versions: the Server products page lists them with their findings.".to_owned(),
    ));
    summary.push(Line::Prose(if overdue {
        format!("Past the due date, {CONSEQUENCE}.")
    } else {
        format!("If the issues are still there when the due date passes, {CONSEQUENCE}.")
    }));
    message.sections = vec![
        summary,
        event_section(envelope, report.request_id.as_deref()),
    ];
    message.next_steps = if overdue {
        vec![
            NextStep::new(
                "Now: find the affected products and versions on the Server products page",
            )
            .with_link(products_page.clone()),
            NextStep::new(
                "Release versions that fix the issues, starting with the latest versions buyers get by default, and restrict the versions with issues.",
            ),
            NextStep::new(
                "Once fixed versions are released, check that the products are open to new subscribers again.",
            ),
        ]
    } else {
        vec![
            NextStep::new("Find the affected products and versions on the Server products page")
                .with_link(products_page.clone()),
            NextStep::new(
                "Release versions that fix the issues, starting with the latest versions buyers get by default.",
            ),
            NextStep::new(format!(
                "Restrict the versions you cannot fix before {due}."
            )),
        ]
    };
    message.links = vec![products_page];
    // One thread per resolution deadline: reminders about the same deadline follow each other.
    message.thread_key = format!(
        "security-report-{}",
        report.upcoming_resolution_due_date.format("%Y-%m-%d")
    );
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

/// "2023-12-01 00:00 UTC".
fn due_instant(at: &DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// "due in 3 days (before 2023-12-01 00:00 UTC)", "overdue by 3 days (due 2023-12-01 00:00 UTC)".
fn due_words(time_left: TimeDelta, due: &str) -> String {
    if time_left < TimeDelta::zero() {
        format!("{} (due {due})", time_left_words(time_left))
    } else {
        match time_left.num_days() {
            0 => format!("due in less than a day (before {due})"),
            n => format!("due in {} (before {due})", count(n as u64, "day", "days")),
        }
    }
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
            Severity::Error
        );
        assert_eq!(
            severity(&report(true), TimeDelta::days(3)),
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
    fn due_dates_say_the_hour_and_the_days_left() {
        let due = "2023-12-01 00:00 UTC";
        assert_eq!(
            due_words(TimeDelta::days(3) + TimeDelta::hours(2), due),
            "due in 3 days (before 2023-12-01 00:00 UTC)"
        );
        assert_eq!(
            due_words(TimeDelta::hours(5), due),
            "due in less than a day (before 2023-12-01 00:00 UTC)"
        );
        assert_eq!(
            due_words(TimeDelta::days(-3), due),
            "overdue by 3 days (due 2023-12-01 00:00 UTC)"
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

    #[test]
    fn a_report_with_issues_replaces_the_last_and_one_without_closes_it() {
        let envelope = crate::event::Envelope {
            id: "report-1".to_owned(),
            detail_type: "Products Security Report Created".to_owned(),
            source: "aws.marketplacecatalog".to_owned(),
            account: Some("111122223333".to_owned()),
            time: DateTime::<Utc>::UNIX_EPOCH,
            region: None,
            resources: Vec::new(),
            account_names: Default::default(),
        };
        let Some(LedgerChange::Replace(item)) = report(true).ledger(&envelope, &Found::Nothing)
        else {
            panic!("a report with issues replaces the account's last");
        };
        assert_eq!(item.id.to_string(), "security-report#111122223333");
        assert_eq!(
            item.deadline,
            Some(report(true).upcoming_resolution_due_date)
        );
        let clean = SecurityReport {
            number_of_products_with_issues: 0,
            number_of_versions_with_issues: 0,
            number_of_latest_versions_with_issues: 0,
            ..report(false)
        };
        let change = clean.ledger(&envelope, &Found::Nothing);
        assert!(
            matches!(&change, Some(LedgerChange::Close(closing)) if closing.id == item.id),
            "{change:?}"
        );
    }
}
