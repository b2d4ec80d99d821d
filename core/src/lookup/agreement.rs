//! The agreement lookup: value, term, status and buyer from `DescribeAgreement`, and the
//! product title from the Catalog API's `DescribeEntity` when the event lacks it. Best effort
//! under one deadline shared by both calls, like the change-set lookup.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use super::agreement_facts::{AgreementFacts, AgreementLookup};
use super::by_deadline;

/// What the error code says when the deadline passes before an answer.
pub const TIMEOUT_CODE: &str = "Timeout";

/// Looks agreements and product titles up in the seller account the event came from
/// (`None`: the event does not say, so the function's own). Implemented by the AWS clients;
/// tests may use any other. Errors are AWS error codes only (`AccessDeniedException`,
/// `Timeout`, ...).
pub trait DescribeAgreement {
    fn describe_agreement(
        &self,
        account: Option<&str>,
        agreement_id: &str,
    ) -> impl Future<Output = Result<AgreementFacts, String>> + Send;

    fn product_title(
        &self,
        account: Option<&str>,
        product_id: &str,
    ) -> impl Future<Output = Result<Option<String>, String>> + Send;
}

/// Looks an agreement up under a hard deadline, whatever the clients' own timeouts do. The
/// title is looked up only when the event has none, and only in the time left: without it
/// the agreement facts still count.
pub async fn look_up<A: DescribeAgreement>(
    api: &A,
    account: Option<&str>,
    agreement_id: &str,
    event_product_id: Option<&str>,
    event_product_title: Option<&str>,
    timeout: Duration,
) -> AgreementLookup {
    let deadline = Instant::now() + timeout;
    let timed_out = || TIMEOUT_CODE.to_owned();
    let lookup = api.describe_agreement(account, agreement_id);
    let mut facts = match by_deadline(deadline, lookup, timed_out).await {
        Ok(facts) => facts,
        Err(code) => return AgreementLookup::Unavailable(code),
    };
    if let Some(title) = event_product_title {
        facts.product_title = Some(title.to_owned());
    } else if let Some(product_id) = event_product_id
        .map(str::to_owned)
        .or_else(|| facts.product_id.clone())
        && let Ok(title) =
            by_deadline(deadline, api.product_title(account, &product_id), timed_out).await
    {
        facts.product_title = title;
    }
    AgreementLookup::Described(Box::new(facts))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers from fixed results, each after an optional delay.
    struct Fixed {
        agreement: Result<AgreementFacts, String>,
        title: Result<Option<String>, String>,
        title_delay: Duration,
    }

    impl DescribeAgreement for Fixed {
        async fn describe_agreement(
            &self,
            _: Option<&str>,
            _: &str,
        ) -> Result<AgreementFacts, String> {
            self.agreement.clone()
        }
        async fn product_title(&self, _: Option<&str>, _: &str) -> Result<Option<String>, String> {
            tokio::time::sleep(self.title_delay).await;
            self.title.clone()
        }
    }

    struct Hangs;
    impl DescribeAgreement for Hangs {
        async fn describe_agreement(
            &self,
            _: Option<&str>,
            _: &str,
        ) -> Result<AgreementFacts, String> {
            tokio::time::sleep(Duration::from_secs(600)).await;
            Ok(AgreementFacts::default())
        }
        async fn product_title(&self, _: Option<&str>, _: &str) -> Result<Option<String>, String> {
            Ok(None)
        }
    }

    fn facts() -> AgreementFacts {
        AgreementFacts {
            agreement_value: Some("1200".into()),
            product_id: Some("prod-1".into()),
            ..AgreementFacts::default()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_hanging_lookup_ends_at_the_deadline_with_a_code() {
        let lookup = look_up(
            &Hangs,
            None,
            "agmt-1",
            None,
            None,
            Duration::from_millis(300),
        )
        .await;
        assert_eq!(lookup, AgreementLookup::Unavailable("Timeout".into()));
    }

    #[tokio::test(start_paused = true)]
    async fn the_title_comes_from_the_catalog_only_when_the_event_has_none() {
        let api = Fixed {
            agreement: Ok(facts()),
            title: Ok(Some("From the catalog".into())),
            title_delay: Duration::ZERO,
        };
        let lookup = look_up(&api, None, "agmt-1", None, None, Duration::from_secs(1)).await;
        assert_eq!(
            lookup.facts().unwrap().product_title.as_deref(),
            Some("From the catalog")
        );
        let lookup = look_up(
            &api,
            None,
            "agmt-1",
            None,
            Some("In the event"),
            Duration::from_secs(1),
        )
        .await;
        assert_eq!(
            lookup.facts().unwrap().product_title.as_deref(),
            Some("In the event")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_or_failed_title_keeps_the_agreement_facts() {
        let slow = Fixed {
            agreement: Ok(facts()),
            title: Ok(Some("late".into())),
            title_delay: Duration::from_secs(5),
        };
        let lookup = look_up(
            &slow,
            None,
            "agmt-1",
            Some("prod-1"),
            None,
            Duration::from_secs(1),
        )
        .await;
        assert_eq!(lookup, AgreementLookup::Described(Box::new(facts())));

        let denied = Fixed {
            agreement: Ok(facts()),
            title: Err("AccessDeniedException".into()),
            title_delay: Duration::ZERO,
        };
        let lookup = look_up(&denied, None, "agmt-1", None, None, Duration::from_secs(1)).await;
        assert_eq!(lookup, AgreementLookup::Described(Box::new(facts())));
    }

    #[tokio::test]
    async fn an_agreement_error_is_its_code() {
        let api = Fixed {
            agreement: Err("AccessDeniedException".into()),
            title: Ok(None),
            title_delay: Duration::ZERO,
        };
        let lookup = look_up(&api, None, "agmt-1", None, None, Duration::from_secs(1)).await;
        assert_eq!(
            lookup,
            AgreementLookup::Unavailable("AccessDeniedException".into())
        );
    }
}
