//! `Products Security Report Created` detail: counts of products and versions with
//! security issues and the date by which they must be resolved. All of it is required.

use chrono::{DateTime, Utc};
use serde::Deserialize;

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
}
