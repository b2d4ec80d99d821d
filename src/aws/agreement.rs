//! The AWS clients behind agreement enrichment: `DescribeAgreement` (Agreement API, Smithy
//! RPC v2 CBOR) and `DescribeEntity` (Catalog API) for the product title, with the same
//! timeouts and single quick retry as the change-set lookup, both in the event's account.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_marketplaceagreement::config::http::HttpResponse;
use aws_sdk_marketplaceagreement::error::{ProvideErrorMetadata, SdkError};
use chrono::{DateTime, Utc};

use super::catalog::catalog_client;
use super::error::error_code;
use super::{AccountAccess, lookup_limits};
use crate::lookup::{AgreementFacts, DescribeAgreement};

/// The catalog every Marketplace product lives in.
const CATALOG: &str = "AWSMarketplace";

/// The code a lookup fails with when the event's account cannot be reached (a malformed
/// account id); AWS's own codes cover a refused role.
const UNREACHABLE_ACCOUNT_CODE: &str = "InvalidAccountId";

#[derive(Debug, Clone)]
pub struct AgreementApi {
    accounts: AccountAccess,
    deadline: Duration,
}

impl AgreementApi {
    /// Looks agreements up in the account each event comes from, through `accounts`, with
    /// clients whose own timeouts sit inside the enrichment deadline (see `CatalogApi`).
    /// `AWS_ENDPOINT_URL_MARKETPLACE_AGREEMENT` points the agreement client elsewhere.
    pub fn new(accounts: AccountAccess, deadline: Duration) -> Self {
        Self { accounts, deadline }
    }

    /// Looks every agreement up with `config`'s credentials (the function's own account).
    pub fn from_sdk_config(config: &SdkConfig, deadline: Duration) -> Self {
        Self::new(AccountAccess::new(config.clone(), None), deadline)
    }

    /// The configuration for `account`; a failure is logged in full and returned as a code,
    /// the only thing a notification shows of it.
    async fn sdk_config_for(&self, account: Option<&str>) -> Result<SdkConfig, String> {
        self.accounts
            .sdk_config_for(account)
            .await
            .map_err(|reason| {
                tracing::warn!(%reason, "agreement lookup: account not reachable");
                UNREACHABLE_ACCOUNT_CODE.to_owned()
            })
    }
}

impl AgreementApi {
    /// The error's code, which is all a notification shows; a lookup through a member
    /// account's role also logs the role, the first thing to check when it is refused.
    fn failed<E>(&self, account: Option<&str>, error: &SdkError<E, HttpResponse>) -> String
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let code = error_code(error);
        if let Some(role) = self.accounts.role_arn_for(account) {
            tracing::warn!(%role, error_code = %code, "lookup through the member account's role failed");
        }
        code
    }
}

impl DescribeAgreement for AgreementApi {
    async fn describe_agreement(
        &self,
        account: Option<&str>,
        agreement_id: &str,
    ) -> Result<AgreementFacts, String> {
        let config = self.sdk_config_for(account).await?;
        let (timeouts, retries) = lookup_limits(self.deadline);
        let client_config = aws_sdk_marketplaceagreement::config::Builder::from(&config)
            .timeout_config(timeouts)
            .retry_config(retries)
            .build();
        let output = aws_sdk_marketplaceagreement::Client::from_conf(client_config)
            .describe_agreement()
            .agreement_id(agreement_id)
            .send()
            .await
            .map_err(|error| self.failed(account, &error))?;
        let charges = output.estimated_charges();
        let proposal = output.proposal_summary();
        Ok(AgreementFacts {
            status: output.status().map(|status| status.as_str().to_owned()),
            acceptance_time: output.acceptance_time().and_then(to_chrono),
            start_time: output.start_time().and_then(to_chrono),
            end_time: output.end_time().and_then(to_chrono),
            acceptor_account_id: output
                .acceptor()
                .and_then(|acceptor| acceptor.account_id())
                .map(str::to_owned),
            proposer_account_id: output
                .proposer()
                .and_then(|proposer| proposer.account_id())
                .map(str::to_owned),
            offer_id: proposal
                .and_then(|proposal| proposal.offer_id())
                .map(str::to_owned),
            product_id: proposal
                .and_then(|proposal| proposal.resources().first())
                .and_then(|resource| resource.id())
                .map(str::to_owned),
            product_title: None,
            product_type: proposal
                .and_then(|proposal| proposal.resources().first())
                .and_then(|resource| resource.r#type())
                .map(str::to_owned),
            agreement_value: charges
                .and_then(|charges| charges.agreement_value())
                .map(str::to_owned),
            currency_code: charges
                .and_then(|charges| charges.currency_code())
                .map(str::to_owned),
        })
    }

    async fn product_title(
        &self,
        account: Option<&str>,
        product_id: &str,
    ) -> Result<Option<String>, String> {
        let config = self.sdk_config_for(account).await?;
        let output = catalog_client(&config, self.deadline)
            .describe_entity()
            .catalog(CATALOG)
            .entity_id(product_id)
            .send()
            .await
            .map_err(|error| self.failed(account, &error))?;
        // Product entities keep their title at Description.ProductTitle in `Details`.
        Ok(output
            .details()
            .and_then(|details| serde_json::from_str::<serde_json::Value>(details).ok())
            .and_then(|details| {
                details
                    .pointer("/Description/ProductTitle")
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
            }))
    }
}

fn to_chrono(at: &aws_sdk_marketplaceagreement::primitives::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(at.secs(), at.subsec_nanos())
}
