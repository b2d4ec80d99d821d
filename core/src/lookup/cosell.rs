//! The co-sell lookups: who the customer is, what the project is called and when an
//! engagement invitation expires (`GetEngagementInvitation`), and which stage an opportunity
//! is in (`GetOpportunity`), from the Partner Central Selling API. Co-sell events carry
//! identifiers only, so these facts are what make a referral worth reading. Best effort
//! under one deadline, like the other lookups: refused or late, the event is published
//! without them and says so.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

use super::agreement::TIMEOUT_CODE;
use super::by_deadline;

/// What `GetEngagementInvitation` says about an invitation, as composition sees it. Every
/// field is optional: the API marks some as required, but a partner-facing message must
/// still go out when one is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvitationFacts {
    /// The customer's company, from the opportunity or lead payload.
    pub customer: Option<String>,
    /// The project's title (opportunity payload), else the engagement's title.
    pub project_title: Option<String>,
    /// `SenderCompanyName`: AWS for a referral, or the inviting partner.
    pub sender: Option<String>,
    /// `ExpirationDate`: after it the invitation can no longer be accepted.
    pub expires_at: Option<DateTime<Utc>>,
    /// `PENDING`, `ACCEPTED`, `REJECTED` or `EXPIRED`.
    pub status: Option<String>,
}

/// What `GetOpportunity` says about an opportunity, as composition sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpportunityFacts {
    /// `LifeCycle.Stage`: Prospect, Qualified, Technical Validation, Business Validation,
    /// Committed, Launched or Closed Lost.
    pub stage: Option<String>,
    /// `LifeCycle.ReviewStatus`: where AWS's review of the opportunity stands.
    pub review_status: Option<String>,
    pub project_title: Option<String>,
    /// `Customer.Account.CompanyName`.
    pub customer: Option<String>,
}

/// The outcome of a co-sell lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CosellLookup {
    /// Not looked up (switched off, or an event without an identifier or catalog).
    #[default]
    NotAttempted,
    Invitation(Box<InvitationFacts>),
    Opportunity(Box<OpportunityFacts>),
    /// Looked up, but no usable answer; holds the error code only (`AccessDeniedException`,
    /// `Timeout`), never a message that could leak an account id or role.
    Unavailable(String),
}

impl CosellLookup {
    pub fn invitation(&self) -> Option<&InvitationFacts> {
        match self {
            CosellLookup::Invitation(facts) => Some(facts),
            _ => None,
        }
    }

    pub fn opportunity(&self) -> Option<&OpportunityFacts> {
        match self {
            CosellLookup::Opportunity(facts) => Some(facts),
            _ => None,
        }
    }

    /// The error code of a lookup that gave no answer.
    pub fn unavailable(&self) -> Option<&str> {
        match self {
            CosellLookup::Unavailable(code) => Some(code),
            _ => None,
        }
    }
}

/// What the co-sell lookup is asked for: one invitation or one opportunity in a catalog
/// (`AWS`, or `Sandbox` for tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CosellRequest<'a> {
    Invitation {
        catalog: &'a str,
        invitation_id: &'a str,
    },
    Opportunity {
        catalog: &'a str,
        opportunity_id: &'a str,
    },
}

/// Reads invitations and opportunities in the seller account the event came from (`None`:
/// the function's own). Implemented by the Partner Central client; tests may use any other.
/// Errors are AWS error codes only.
pub trait PartnerCentral {
    fn engagement_invitation(
        &self,
        account: Option<&str>,
        catalog: &str,
        invitation_id: &str,
    ) -> impl Future<Output = Result<InvitationFacts, String>> + Send;

    fn opportunity(
        &self,
        account: Option<&str>,
        catalog: &str,
        opportunity_id: &str,
    ) -> impl Future<Output = Result<OpportunityFacts, String>> + Send;
}

/// Answers `request` under a hard deadline, whatever the client's own timeouts do.
pub async fn look_up_cosell<P: PartnerCentral>(
    api: &P,
    account: Option<&str>,
    request: CosellRequest<'_>,
    timeout: Duration,
) -> CosellLookup {
    let deadline = Instant::now() + timeout;
    let timed_out = || TIMEOUT_CODE.to_owned();
    let answer = match request {
        CosellRequest::Invitation {
            catalog,
            invitation_id,
        } => by_deadline(
            deadline,
            api.engagement_invitation(account, catalog, invitation_id),
            timed_out,
        )
        .await
        .map(|facts| CosellLookup::Invitation(Box::new(facts))),
        CosellRequest::Opportunity {
            catalog,
            opportunity_id,
        } => by_deadline(
            deadline,
            api.opportunity(account, catalog, opportunity_id),
            timed_out,
        )
        .await
        .map(|facts| CosellLookup::Opportunity(Box::new(facts))),
    };
    answer.unwrap_or_else(CosellLookup::Unavailable)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Answers after `delay` with the invitation or opportunity, or `error` when given.
    struct Answers {
        delay: Duration,
        error: Option<&'static str>,
    }

    impl PartnerCentral for Answers {
        async fn engagement_invitation(
            &self,
            _: Option<&str>,
            catalog: &str,
            invitation_id: &str,
        ) -> Result<InvitationFacts, String> {
            tokio::time::sleep(self.delay).await;
            match self.error {
                Some(code) => Err(code.to_owned()),
                None => Ok(InvitationFacts {
                    customer: Some(format!("{catalog}/{invitation_id}")),
                    ..InvitationFacts::default()
                }),
            }
        }

        async fn opportunity(
            &self,
            _: Option<&str>,
            _: &str,
            _: &str,
        ) -> Result<OpportunityFacts, String> {
            tokio::time::sleep(self.delay).await;
            match self.error {
                Some(code) => Err(code.to_owned()),
                None => Ok(OpportunityFacts {
                    stage: Some("Qualified".into()),
                    ..OpportunityFacts::default()
                }),
            }
        }
    }

    const INVITATION: CosellRequest<'static> = CosellRequest::Invitation {
        catalog: "Sandbox",
        invitation_id: "engi-1",
    };
    const OPPORTUNITY: CosellRequest<'static> = CosellRequest::Opportunity {
        catalog: "AWS",
        opportunity_id: "O1",
    };

    #[tokio::test]
    async fn each_request_gets_its_own_answer() {
        let api = Answers {
            delay: Duration::ZERO,
            error: None,
        };
        let invitation = look_up_cosell(&api, None, INVITATION, Duration::from_secs(1)).await;
        assert_eq!(
            invitation.invitation().and_then(|f| f.customer.as_deref()),
            Some("Sandbox/engi-1")
        );
        let opportunity = look_up_cosell(&api, None, OPPORTUNITY, Duration::from_secs(1)).await;
        assert_eq!(
            opportunity.opportunity().and_then(|f| f.stage.as_deref()),
            Some("Qualified")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_answer_is_abandoned_at_the_deadline_and_an_error_keeps_its_code() {
        let slow = Answers {
            delay: Duration::from_secs(600),
            error: None,
        };
        let lookup = look_up_cosell(&slow, None, OPPORTUNITY, Duration::from_millis(300)).await;
        assert_eq!(lookup.unavailable(), Some("Timeout"));

        let denied = Answers {
            delay: Duration::ZERO,
            error: Some("AccessDeniedException"),
        };
        let lookup = look_up_cosell(&denied, None, INVITATION, Duration::from_secs(1)).await;
        assert_eq!(
            lookup,
            CosellLookup::Unavailable("AccessDeniedException".into())
        );
    }
}
