//! The Marketplace Catalog API client behind enrichment: one `DescribeChangeSet` call in the
//! event's account, with few retries, mapped onto [`ChangeSetReport`].

use std::time::Duration;

use aws_config::SdkConfig;

use super::{AccountAccess, lookup_limits};

use crate::lookup::{ChangeError, ChangeReport, ChangeSetReport, DescribeChangeSet};

#[derive(Debug, Clone)]
pub struct CatalogApi {
    accounts: AccountAccess,
    deadline: Duration,
}

impl CatalogApi {
    /// Looks change sets up in the account each event comes from, through `accounts`.
    pub fn new(accounts: AccountAccess, deadline: Duration) -> Self {
        Self { accounts, deadline }
    }

    /// Looks every change set up with `config`'s credentials (the function's own account).
    pub fn from_sdk_config(config: &SdkConfig, deadline: Duration) -> Self {
        Self::new(AccountAccess::new(config.clone(), None), deadline)
    }
}

/// A client whose own timeouts sit inside the enrichment deadline; one quick retry at most,
/// since a late answer is worth less than a prompt notification, and the real error (a 500,
/// AccessDenied) should surface before the deadline hides it.
pub(crate) fn catalog_client(
    config: &SdkConfig,
    deadline: Duration,
) -> aws_sdk_marketplacecatalog::Client {
    let (timeouts, retries) = lookup_limits(deadline);
    let client_config = aws_sdk_marketplacecatalog::config::Builder::from(config)
        .timeout_config(timeouts)
        .retry_config(retries)
        .build();
    aws_sdk_marketplacecatalog::Client::from_conf(client_config)
}

impl DescribeChangeSet for CatalogApi {
    async fn describe(
        &self,
        account: Option<&str>,
        catalog: &str,
        change_set_id: &str,
    ) -> Result<ChangeSetReport, String> {
        let config = self.accounts.sdk_config_for(account).await?;
        let output = catalog_client(&config, self.deadline)
            .describe_change_set()
            .catalog(catalog)
            .change_set_id(change_set_id)
            .send()
            .await
            .map_err(|error| {
                // The role goes last: the notification shows only the error code at the
                // start, the function's log the whole reason.
                let reason = super::error::describe(&error);
                match self.accounts.role_arn_for(account) {
                    Some(role) => format!("DescribeChangeSet failed: {reason} (as {role})"),
                    None => format!("DescribeChangeSet failed: {reason}"),
                }
            })?;

        let changes = output
            .change_set()
            .iter()
            .map(|change| ChangeReport {
                change_type: change
                    .change_type()
                    .unwrap_or("(change type not given)")
                    .to_owned(),
                change_name: change.change_name().map(str::to_owned),
                entity_type: change.entity().map(|entity| entity.r#type().to_owned()),
                entity_id: change
                    .entity()
                    .and_then(|entity| entity.identifier())
                    .map(str::to_owned),
                errors: change
                    .error_detail_list()
                    .iter()
                    .map(|error| ChangeError {
                        code: error.error_code().unwrap_or("(no code)").to_owned(),
                        message: error.error_message().unwrap_or("(no message)").to_owned(),
                    })
                    .collect(),
            })
            .collect();
        Ok(ChangeSetReport {
            intent: output.intent().map(|intent| intent.as_str().to_owned()),
            failure_description: output.failure_description().map(str::to_owned),
            changes,
        })
    }
}
