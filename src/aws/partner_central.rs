//! The Partner Central Selling API client behind the co-sell lookups (AWS JSON 1.0):
//! `GetEngagementInvitation` for a referral's customer, project and expiry, and
//! `GetOpportunity` for an opportunity's stage, in the event's account, with the same
//! timeouts and single quick retry as the other lookups.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_partnercentralselling::config::http::HttpResponse;
use aws_sdk_partnercentralselling::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_partnercentralselling::types::Payload;
use chrono::{DateTime, Utc};

use super::error::error_code;
use super::{AccountAccess, lookup_limits};
use crate::lookup::{InvitationFacts, OpportunityFacts, PartnerCentral};

/// The code a lookup fails with when the event's account cannot be reached (a malformed
/// account id); AWS's own codes cover a refused role.
const UNREACHABLE_ACCOUNT_CODE: &str = "InvalidAccountId";

#[derive(Debug, Clone)]
pub struct PartnerCentralApi {
    accounts: AccountAccess,
    deadline: Duration,
}

impl PartnerCentralApi {
    /// Looks invitations and opportunities up in the account each event comes from, through
    /// `accounts`. `AWS_ENDPOINT_URL_PARTNERCENTRAL_SELLING` points the client elsewhere
    /// (the SDK's service id is "PartnerCentral Selling").
    pub fn new(accounts: AccountAccess, deadline: Duration) -> Self {
        Self { accounts, deadline }
    }

    /// Looks everything up with `config`'s credentials (the function's own account).
    pub fn from_sdk_config(config: &SdkConfig, deadline: Duration) -> Self {
        Self::new(AccountAccess::new(config.clone(), None), deadline)
    }

    /// A client for `account` whose own timeouts sit inside the lookup's deadline; a failure
    /// to reach the account is logged in full and returned as a code.
    async fn client(
        &self,
        account: Option<&str>,
    ) -> Result<aws_sdk_partnercentralselling::Client, String> {
        let config = self
            .accounts
            .sdk_config_for(account)
            .await
            .map_err(|reason| {
                tracing::warn!(%reason, "co-sell lookup: account not reachable");
                UNREACHABLE_ACCOUNT_CODE.to_owned()
            })?;
        let (timeouts, retries) = lookup_limits(self.deadline);
        let client_config = aws_sdk_partnercentralselling::config::Builder::from(&config)
            .timeout_config(timeouts)
            .retry_config(retries)
            .build();
        Ok(aws_sdk_partnercentralselling::Client::from_conf(
            client_config,
        ))
    }

    /// The error's code, all a notification shows; a lookup through a member account's
    /// role also logs the role, the first thing to check when it is refused.
    fn failed<E>(&self, account: Option<&str>, error: &SdkError<E, HttpResponse>) -> String
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let code = error_code(error);
        if let Some(role) = self.accounts.role_arn_for(account) {
            tracing::warn!(%role, error_code = %code, "co-sell lookup through the member account's role failed");
        }
        code
    }
}

impl PartnerCentral for PartnerCentralApi {
    async fn engagement_invitation(
        &self,
        account: Option<&str>,
        catalog: &str,
        invitation_id: &str,
    ) -> Result<InvitationFacts, String> {
        let output = self
            .client(account)
            .await?
            .get_engagement_invitation()
            .catalog(catalog)
            .identifier(invitation_id)
            .send()
            .await
            .map_err(|error| self.failed(account, &error))?;
        // An opportunity invitation names the customer and the project; a lead invitation
        // only the customer, so the engagement's title stands in for the project.
        let (customer, project_title) = match output.payload() {
            Some(Payload::OpportunityInvitation(payload)) => (
                payload.customer().map(|customer| customer.company_name()),
                payload.project().map(|project| project.title()),
            ),
            Some(Payload::LeadInvitation(payload)) => (
                payload.customer().map(|customer| customer.company_name()),
                None,
            ),
            _ => (None, None),
        };
        Ok(InvitationFacts {
            customer: given(customer),
            project_title: given(project_title).or_else(|| given(output.engagement_title())),
            sender: given(output.sender_company_name()),
            expires_at: output.expiration_date().and_then(to_chrono),
            status: output.status().map(|status| status.as_str().to_owned()),
        })
    }

    async fn opportunity(
        &self,
        account: Option<&str>,
        catalog: &str,
        opportunity_id: &str,
    ) -> Result<OpportunityFacts, String> {
        let output = self
            .client(account)
            .await?
            .get_opportunity()
            .catalog(catalog)
            .identifier(opportunity_id)
            .send()
            .await
            .map_err(|error| self.failed(account, &error))?;
        let life_cycle = output.life_cycle();
        Ok(OpportunityFacts {
            stage: given(
                life_cycle
                    .and_then(|l| l.stage())
                    .map(|stage| stage.as_str()),
            ),
            review_status: given(
                life_cycle
                    .and_then(|l| l.review_status())
                    .map(|status| status.as_str()),
            ),
            project_title: given(output.project().and_then(|project| project.title())),
            customer: given(
                output
                    .customer()
                    .and_then(|customer| customer.account())
                    .map(|account| account.company_name()),
            ),
        })
    }
}

/// The SDK fills a required field the answer lacks with an empty string; that is "not
/// given", not a name.
fn given(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

fn to_chrono(at: &aws_sdk_partnercentralselling::primitives::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(at.secs(), at.subsec_nanos())
}
