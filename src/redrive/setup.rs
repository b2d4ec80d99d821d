//! The notifier as the function builds it from its environment: the topic variables, the
//! duplicate window, change-set enrichment, and SNS (or the dry-run printer) behind it.

use aws_config::SdkConfig;

use crate::config::{Config, TopicArn};
use crate::enrich::CatalogApi;
use crate::error::PublishError;
use crate::notification::Notification;
use crate::notifier::Notifier;
use crate::publish::{DryRunPublisher, Publisher, SnsPublisher};

/// SNS, or standard output when the configuration asks for a dry run.
pub enum EnvironmentPublisher {
    Sns(SnsPublisher),
    DryRun(DryRunPublisher),
}

impl Publisher for EnvironmentPublisher {
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

/// The notifier [`notifier_from_config`] builds.
pub type EnvironmentNotifier = Notifier<EnvironmentPublisher, CatalogApi>;

/// Builds the notifier the way the function's bootstrap does for the same configuration,
/// so an event redriven from a queue is rendered and routed exactly as the function would.
pub fn notifier_from_config(config: &Config, sdk_config: &SdkConfig) -> EnvironmentNotifier {
    let publisher = if config.dry_run {
        EnvironmentPublisher::DryRun(DryRunPublisher::stdout())
    } else {
        EnvironmentPublisher::Sns(SnsPublisher::from_sdk_config(sdk_config))
    };
    let catalog_api = config
        .enrich_change_sets
        .then(|| CatalogApi::from_sdk_config(sdk_config, config.enrich_timeout));
    Notifier::from_config(config, publisher)
        .with_change_set_details(catalog_api, config.enrich_timeout)
}
