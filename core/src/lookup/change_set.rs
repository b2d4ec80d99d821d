//! The change-set lookup: what a change set changed and, for a failure, which change failed
//! and why, fetched from the Marketplace Catalog API. Best effort and bounded in time: when
//! the answer does not come, the notification goes out without it and says so.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use super::by_deadline;

/// What `DescribeChangeSet` says about a change set, reduced to what a reader needs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSetReport {
    /// `APPLY` or `VALIDATE`, as `StartChangeSet` was given it (AWS sets `APPLY` when the
    /// request did not say). A `VALIDATE` change set only checks the changes and applies
    /// nothing. Source: DescribeChangeSet, Marketplace Catalog API Reference ("Intent").
    pub intent: Option<String>,
    /// A failure not tied to any one change (AWS: "Returned if there is a failure on the
    /// change set, but that failure is not related to any of the changes in the request").
    pub failure_description: Option<String>,
    pub changes: Vec<ChangeReport>,
}

/// One change in a change set and the errors it ran into.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeReport {
    pub change_type: String,
    pub change_name: Option<String>,
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
    pub errors: Vec<ChangeError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeError {
    pub code: String,
    pub message: String,
}

/// The outcome of an enrichment attempt, as the composition sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Enrichment {
    /// Not looked up (switched off, or not a change-set event).
    #[default]
    NotAttempted,
    Described(ChangeSetReport),
    /// Looked up, but no usable answer: the reason is shown and logged.
    Unavailable(String),
}

/// Looks up a change set in the seller account the event came from (`None`: the event
/// does not say, so the function's own). Implemented by the Catalog API client
/// (`CatalogApi`, in the function crate's `aws` module); tests may use any other.
pub trait DescribeChangeSet {
    fn describe(
        &self,
        account: Option<&str>,
        catalog: &str,
        change_set_id: &str,
    ) -> impl Future<Output = Result<ChangeSetReport, String>> + Send;
}

/// Runs a lookup under a hard deadline, whatever the client's own timeouts do.
pub async fn enrich<D: DescribeChangeSet>(
    describer: &D,
    account: Option<&str>,
    catalog: &str,
    change_set_id: &str,
    timeout: Duration,
) -> Enrichment {
    let lookup = describer.describe(account, catalog, change_set_id);
    let timed_out = || {
        format!(
            "DescribeChangeSet did not answer within {} ms",
            timeout.as_millis()
        )
    };
    match by_deadline(Instant::now() + timeout, lookup, timed_out).await {
        Ok(report) => Enrichment::Described(report),
        Err(reason) => Enrichment::Unavailable(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers with `result` after `delay`.
    struct Answers {
        result: Result<ChangeSetReport, String>,
        delay: Duration,
    }

    impl DescribeChangeSet for Answers {
        async fn describe(
            &self,
            _: Option<&str>,
            _: &str,
            _: &str,
        ) -> Result<ChangeSetReport, String> {
            tokio::time::sleep(self.delay).await;
            self.result.clone()
        }
    }

    /// What `enrich` makes of `result`, answered after `delay`, under `timeout`.
    async fn enriched(
        result: Result<ChangeSetReport, String>,
        delay: Duration,
        timeout: Duration,
    ) -> Enrichment {
        let answers = Answers { result, delay };
        enrich(&answers, None, "AWSMarketplace", "cs-1", timeout).await
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_lookup_is_abandoned_at_the_deadline() {
        let result = enriched(
            Ok(ChangeSetReport::default()),
            Duration::from_secs(60),
            Duration::from_millis(250),
        )
        .await;
        assert_eq!(
            result,
            Enrichment::Unavailable("DescribeChangeSet did not answer within 250 ms".into())
        );
    }

    #[tokio::test]
    async fn answers_and_errors_are_passed_on() {
        let report = ChangeSetReport {
            intent: Some("APPLY".into()),
            failure_description: Some("bad".into()),
            changes: vec![],
        };
        assert_eq!(
            enriched(
                Ok(report.clone()),
                Duration::ZERO,
                crate::lookup::DEFAULT_TIMEOUT
            )
            .await,
            Enrichment::Described(report)
        );
        assert_eq!(
            enriched(
                Err("AccessDenied".into()),
                Duration::ZERO,
                crate::lookup::DEFAULT_TIMEOUT
            )
            .await,
            Enrichment::Unavailable("AccessDenied".into())
        );
    }
}
