//! AWS access to the seller accounts whose events the function receives: the function's own
//! account uses its own credentials; any other account is reached by assuming
//! `arn:aws:iam::<account>:role/<ENRICH_ROLE_NAME>` (Marketplace runs only in the aws partition). Any API lookup (change sets,
//! agreements, entities) builds its client from [`AccountAccess::sdk_config_for`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use aws_config::SdkConfig;
use aws_config::identity::IdentityCache;
use aws_config::sts::AssumeRoleProvider;
use aws_sdk_marketplacecatalog::config::SharedCredentialsProvider;

use crate::accounts::is_account_id;
use crate::config::CrossAccount;

/// The session name CloudTrail shows in the seller account for every lookup.
pub const SESSION_NAME: &str = "marketplace-catalog-notifier";

/// Hands out the SDK configuration for an account, one per account for the life of the
/// instance: each carries its own lazily refreshed credentials cache, so a role is assumed
/// once and its credentials reused until shortly before they expire.
#[derive(Debug, Clone)]
pub struct AccountAccess {
    base: SdkConfig,
    cross_account: Option<CrossAccount>,
    configs: Arc<Mutex<HashMap<String, SdkConfig>>>,
}

impl AccountAccess {
    /// `cross_account: None` uses `base` for every account (the single-account set-up).
    pub fn new(base: SdkConfig, cross_account: Option<CrossAccount>) -> Self {
        Self {
            base,
            cross_account,
            configs: Arc::default(),
        }
    }

    /// The role assumed in `account`, or `None` when the base credentials serve it (the
    /// function's own account, the event names no account, or no role is configured).
    pub fn role_arn_for(&self, account: Option<&str>) -> Option<String> {
        let cross_account = self.cross_account.as_ref()?;
        let account = account.filter(|account| *account != cross_account.home_account)?;
        Some(format!(
            "arn:aws:iam::{account}:role/{}",
            cross_account.role_name
        ))
    }

    /// The configuration to call AWS in `account` with. Assuming the role happens on the
    /// first call that needs credentials, so its failure surfaces as that call's error.
    pub async fn sdk_config_for(&self, account: Option<&str>) -> Result<SdkConfig, String> {
        let Some(role_arn) = self.role_arn_for(account) else {
            return Ok(self.base.clone());
        };
        let account = account.unwrap_or_default();
        if !is_account_id(account) {
            return Err(format!(
                "the event's account {account:?} is not a 12-digit AWS account id"
            ));
        }
        if let Some(config) = self.cached(account) {
            return Ok(config);
        }
        let provider = AssumeRoleProvider::builder(role_arn)
            .session_name(SESSION_NAME)
            .configure(&self.base)
            .build()
            .await;
        let config = self
            .base
            .to_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .identity_cache(IdentityCache::lazy().build())
            .build();
        self.configs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(account.to_owned())
            .or_insert(config.clone());
        Ok(config)
    }

    fn cached(&self, account: &str) -> Option<SdkConfig> {
        self.configs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(account)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_config::{BehaviorVersion, Region};

    fn access(cross_account: Option<CrossAccount>) -> AccountAccess {
        let base = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::from_static("us-east-1"))
            .build();
        AccountAccess::new(base, cross_account)
    }

    fn central() -> Option<CrossAccount> {
        Some(CrossAccount {
            home_account: "123456789012".into(),
            role_name: "notifier-enrich".into(),
        })
    }

    #[test]
    fn only_other_accounts_need_a_role() {
        let access = access(central());
        assert_eq!(access.role_arn_for(Some("123456789012")), None);
        assert_eq!(access.role_arn_for(None), None);
        assert_eq!(
            access.role_arn_for(Some("111122223333")).as_deref(),
            Some("arn:aws:iam::111122223333:role/notifier-enrich")
        );
        assert_eq!(self::access(None).role_arn_for(Some("111122223333")), None);
    }

    #[tokio::test]
    async fn a_malformed_account_is_refused_before_any_call() {
        let error = access(central())
            .sdk_config_for(Some("1111:role/x"))
            .await
            .unwrap_err();
        assert!(error.contains("\"1111:role/x\""), "{error}");
    }
}
