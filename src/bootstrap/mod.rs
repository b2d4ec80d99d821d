//! Builds the notifier a [`Config`] describes: which publisher, whether change sets,
//! agreements and co-sell invitations and opportunities are looked up within which
//! deadline, and whether deliveries are checked against the durable delivery table. Shared
//! by the Lambda bootstrap ([`crate::lambda`]) and any other executable that must handle
//! events exactly as the function does. The settings that can be wrong are read first
//! ([`settings`]); the clients, which cannot fail to build, come after
//! ([`Settings::notifier`]).

mod account_names;
mod settings;

pub use settings::{Settings, settings};

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;

use crate::aws::{
    self, AccountAccess, AgreementApi, CatalogApi, DigestTable, DynamoDbStore, PartnerCentralApi,
    SnsPublisher,
};
use crate::config::{Config, LookupSetting, Publishing, TopicArn};
use crate::dedupe::DurableCheck;
use crate::digest::DigestStore;
use crate::error::{ConfigError, PublishError};
use crate::notification::Notification;
use crate::notifier::Notifier;
use crate::publish::{DryRunPublisher, Publisher};

/// The publisher [`Config::publishing`] chose.
#[derive(Debug)]
pub enum ConfiguredPublisher {
    Sns(SnsPublisher),
    DryRun(DryRunPublisher),
}

impl Publisher for ConfiguredPublisher {
    async fn publish(
        &self,
        topic: &TopicArn,
        notification: &Notification,
    ) -> Result<String, PublishError> {
        match self {
            Self::Sns(publisher) => publisher.publish(topic, notification).await,
            Self::DryRun(publisher) => publisher.publish(topic, notification).await,
        }
    }
}

/// The notifier as the function runs it.
pub type ConfiguredNotifier = Notifier<ConfiguredPublisher>;

/// Builds the notifier `config` describes, loading the AWS SDK configuration from the
/// environment only when something in it talks to AWS. Fails when the account names' SSM
/// parameter cannot be read: the function must not start naming accounts wrongly.
pub async fn notifier(config: &Config) -> Result<ConfiguredNotifier, ConfigError> {
    Ok(settings(config).await?.notifier(config).await)
}

/// [`notifier`] with the SDK configuration from `load`, called at most once: a dry run
/// without lookups or SSM names talks to no AWS service, so it needs no region or
/// credentials. A dry run publishes nothing, so it has no delivery to record in the table
/// either.
#[cfg(test)]
async fn notifier_with<F>(
    config: &Config,
    load: impl Fn() -> F,
) -> Result<ConfiguredNotifier, ConfigError>
where
    F: Future<Output = SdkConfig>,
{
    Ok(settings::settings_with(config, &load)
        .await?
        .notifier_with(config, &load)
        .await)
}

impl Settings {
    /// The notifier: the publisher and the clients `config` asks for, built on these
    /// settings. The second half of [`notifier`], which cannot fail, so the function can
    /// ask for its first event while this runs.
    pub async fn notifier(self, config: &Config) -> ConfiguredNotifier {
        self.notifier_with(config, aws::load_sdk_config).await
    }

    async fn notifier_with<F>(self, config: &Config, load: impl Fn() -> F) -> ConfiguredNotifier
    where
        F: Future<Output = SdkConfig>,
    {
        let Self {
            account_names,
            routing,
            mut sdk_config,
        } = self;
        let mut durable = None;
        let mut digests = None;
        let publisher = match config.publishing {
            Publishing::Sns => {
                let sdk_config = loaded(&mut sdk_config, &load).await;
                durable = durable_check(config, sdk_config);
                digests = digest_store(config, sdk_config);
                let publisher = SnsPublisher::from_sdk_config(sdk_config);
                // The first notification's SDK set-up (credentials, endpoint, signing)
                // before the first event. A failure here is only logged: the first real
                // publish meets it and reports it.
                if let Some(topic) = config.topics.arns().next()
                    && let Err(reason) = publisher.prepare(topic).await
                {
                    tracing::debug!(%reason, "preparing the first publish at init failed");
                }
                ConfiguredPublisher::Sns(publisher)
            }
            Publishing::DryRun => ConfiguredPublisher::DryRun(DryRunPublisher::stdout()),
        };
        let (catalog_api, change_set_deadline) = lookup_client(
            config,
            config.change_set_lookup,
            &mut sdk_config,
            &load,
            CatalogApi::new,
        )
        .await;
        let (agreement_api, agreement_deadline) = lookup_client(
            config,
            config.agreement_lookup,
            &mut sdk_config,
            &load,
            AgreementApi::new,
        )
        .await;
        let (partner_central_api, cosell_deadline) = lookup_client(
            config,
            config.cosell_lookup,
            &mut sdk_config,
            &load,
            PartnerCentralApi::new,
        )
        .await;
        let mut notifier = Notifier::from_config(config, publisher);
        if let Some(routing) = routing {
            notifier = notifier.with_routing(routing);
        }
        notifier
            .with_digest_store(digests)
            .with_change_set_details(catalog_api, change_set_deadline)
            .with_agreement_details(agreement_api, agreement_deadline)
            .with_cosell_details(partner_central_api, cosell_deadline)
            .with_durable_check(durable)
            .with_account_names(account_names)
    }
}

/// The SDK configuration, loaded by `load` the first time something needs it.
async fn loaded<'a, F>(slot: &'a mut Option<SdkConfig>, load: &impl Fn() -> F) -> &'a SdkConfig
where
    F: Future<Output = SdkConfig>,
{
    let config = match slot.take() {
        Some(config) => config,
        None => load().await,
    };
    slot.insert(config)
}

/// One lookup's client, made by `client` when `setting` turns the lookup on, with its
/// deadline; without a client the deadline is never used.
async fn lookup_client<C, F>(
    config: &Config,
    setting: LookupSetting,
    sdk_config: &mut Option<SdkConfig>,
    load: &impl Fn() -> F,
    client: impl FnOnce(AccountAccess, Duration) -> C,
) -> (Option<C>, Duration)
where
    F: Future<Output = SdkConfig>,
{
    match setting {
        LookupSetting::On { deadline } => {
            let sdk_config = loaded(sdk_config, load).await;
            (
                Some(client(account_access(config, sdk_config), deadline)),
                deadline,
            )
        }
        LookupSetting::Off => (None, Duration::ZERO),
    }
}

/// Lookups reach the event's seller account: with its own credentials for the function's
/// account, through `ENRICH_ROLE_NAME` for any other.
fn account_access(config: &Config, sdk_config: &SdkConfig) -> AccountAccess {
    AccountAccess::new(sdk_config.clone(), config.cross_account.clone())
}

/// The DynamoDB-backed durable check when a delivery table is configured; its records
/// live as long as the warm memory's window.
fn durable_check(config: &Config, sdk_config: &SdkConfig) -> Option<DurableCheck> {
    let table = config.dedupe_table.as_deref()?;
    Some(DurableCheck::new(
        Arc::new(DynamoDbStore::from_sdk_config(sdk_config, table)),
        config.function_name.clone(),
        config.duplicate_window,
    ))
}

/// The DynamoDB digest table when one is configured.
fn digest_store(config: &Config, sdk_config: &SdkConfig) -> Option<Arc<dyn DigestStore>> {
    let table = config.digest_table.as_deref()?;
    Some(Arc::new(DigestTable::from_sdk_config(
        sdk_config,
        table,
        config.function_name.clone(),
    )))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use aws_config::{BehaviorVersion, Region};

    use super::*;

    const TOPIC: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-events";

    fn config(
        publishing: Publishing,
        change_set_lookup: LookupSetting,
        agreement_lookup: LookupSetting,
    ) -> Config {
        let mut config =
            Config::from_lookup(|name| name.ends_with("_TOPIC_ARN").then(|| TOPIC.to_owned()))
                .unwrap_or_else(|error| panic!("test configuration: {error}"));
        config.publishing = publishing;
        config.change_set_lookup = change_set_lookup;
        config.agreement_lookup = agreement_lookup;
        // Each test below that wants the co-sell lookup turns it on itself.
        config.cosell_lookup = LookupSetting::Off;
        config
    }

    #[tokio::test]
    async fn every_configuration_gets_its_publisher_its_lookups_and_aws_only_when_needed() {
        let deadline = Duration::from_millis(750);
        let (change_sets, agreements) = (
            LookupSetting::On { deadline },
            LookupSetting::On { deadline },
        );
        let (no_change_sets, no_agreements) = (LookupSetting::Off, LookupSetting::Off);
        let some = Some(deadline);
        for (publishing, change_set_lookup, agreement_lookup, sns, change_set, agreement, loads) in [
            (
                Publishing::Sns,
                change_sets,
                agreements,
                true,
                some,
                some,
                1,
            ),
            (
                Publishing::Sns,
                no_change_sets,
                no_agreements,
                true,
                None,
                None,
                1,
            ),
            (
                Publishing::DryRun,
                change_sets,
                no_agreements,
                false,
                some,
                None,
                1,
            ),
            (
                Publishing::DryRun,
                no_change_sets,
                agreements,
                false,
                None,
                some,
                1,
            ),
            (
                Publishing::DryRun,
                change_sets,
                agreements,
                false,
                some,
                some,
                1,
            ),
            (
                Publishing::DryRun,
                no_change_sets,
                no_agreements,
                false,
                None,
                None,
                0,
            ),
        ] {
            let load_count = AtomicUsize::new(0);
            let load = || {
                load_count.fetch_add(1, Ordering::Relaxed);
                async {
                    SdkConfig::builder()
                        .behavior_version(BehaviorVersion::latest())
                        .region(Region::new("us-east-1"))
                        .build()
                }
            };
            let configured = config(publishing, change_set_lookup, agreement_lookup);
            let notifier = notifier_with(&configured, load)
                .await
                .unwrap_or_else(|error| panic!("{publishing:?}: {error}"));
            let case = format!("{publishing:?} with {change_set_lookup:?}, {agreement_lookup:?}");
            assert_eq!(
                matches!(notifier.publisher(), ConfiguredPublisher::Sns(_)),
                sns,
                "{case}"
            );
            assert_eq!(notifier.change_set_deadline(), change_set, "{case}");
            assert_eq!(notifier.agreement_deadline(), agreement, "{case}");
            assert_eq!(load_count.load(Ordering::Relaxed), loads, "{case}");
        }
    }

    #[tokio::test]
    async fn the_cosell_lookup_gets_its_client_and_deadline_and_loads_aws_only_when_on() {
        let deadline = Duration::from_millis(900);
        for (publishing, cosell_lookup, expected, loads) in [
            (
                Publishing::DryRun,
                LookupSetting::On { deadline },
                Some(deadline),
                1,
            ),
            (Publishing::DryRun, LookupSetting::Off, None, 0),
            (
                Publishing::Sns,
                LookupSetting::On { deadline },
                Some(deadline),
                1,
            ),
        ] {
            let load_count = AtomicUsize::new(0);
            let load = || {
                load_count.fetch_add(1, Ordering::Relaxed);
                async {
                    SdkConfig::builder()
                        .behavior_version(BehaviorVersion::latest())
                        .region(Region::new("us-east-1"))
                        .build()
                }
            };
            let mut configured = config(publishing, LookupSetting::Off, LookupSetting::Off);
            configured.cosell_lookup = cosell_lookup;
            let notifier = notifier_with(&configured, load)
                .await
                .unwrap_or_else(|error| panic!("{publishing:?}: {error}"));
            let case = format!("{publishing:?} with {cosell_lookup:?}");
            assert_eq!(notifier.cosell_deadline(), expected, "{case}");
            assert_eq!(notifier.agreement_deadline(), None, "{case}");
            assert_eq!(load_count.load(Ordering::Relaxed), loads, "{case}");
        }
    }

    #[tokio::test]
    async fn the_delivery_table_is_checked_only_when_named_and_publishing() {
        let load = || async {
            SdkConfig::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new("us-east-1"))
                .build()
        };
        for (publishing, table, expect_check) in [
            (Publishing::Sns, Some("deliveries"), true),
            (Publishing::Sns, None, false),
            // A dry run publishes nothing, so there is no delivery to record.
            (Publishing::DryRun, Some("deliveries"), false),
        ] {
            let mut config = config(publishing, LookupSetting::Off, LookupSetting::Off);
            config.dedupe_table = table.map(str::to_owned);
            let notifier = notifier_with(&config, load)
                .await
                .unwrap_or_else(|error| panic!("{error}"));
            assert_eq!(
                notifier.has_durable_check(),
                expect_check,
                "{publishing:?} with table {table:?}"
            );
        }
    }
}
