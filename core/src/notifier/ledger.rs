//! The ledger's part of an invocation: the change the event makes to the open items,
//! applied in the digest table before the event is delivered, so a failure fails the
//! invocation and its retry applies it again (a change applies once however often it is
//! sent).

use tracing::{error, info};

use super::Notifier;
use crate::error::NotifierError;
use crate::ledger::LedgerChange;
use crate::lookup::Found;
use crate::message::Message;
use crate::publish::Publisher;
use crate::registry::MarketplaceEvent;

impl<P: Publisher> Notifier<P> {
    /// Records what `event` opens, closes or replaces; nothing without a digest table.
    pub(super) async fn record_open_items(
        &self,
        event: &MarketplaceEvent,
        message: &Message,
        found: &Found,
    ) -> Result<(), NotifierError> {
        let Some(store) = &self.digests else {
            return Ok(());
        };
        let Some(mut change) = event.detail.ledger(&event.envelope, found) else {
            return Ok(());
        };
        if let LedgerChange::Open(item) | LedgerChange::Replace(item) = &mut change
            && item.link.is_none()
        {
            // Where the notification itself says to act.
            item.link = message.first_link().map(str::to_owned);
        }
        let event_id = event.envelope.id.as_str();
        let changed = store.apply_ledger(&change).await.map_err(|error| {
            let error = NotifierError::DigestStore {
                subject: format!("event {event_id}"),
                reason: error.to_string(),
            };
            error!(event_id, item = %change.id(), error_type = error.error_type(), error = %error,
                   "recording the open item failed");
            error
        })?;
        let what = match change {
            LedgerChange::Open(_) => "open",
            LedgerChange::Replace(_) => "replace",
            LedgerChange::Close(_) => "close",
        };
        info!(event_id, item = %change.id(), change = what, changed, "open items recorded");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::{Value, json};

    use super::*;
    use crate::config::{TopicArn, TopicKind, Topics};
    use crate::digest::{DigestStore, MemoryStore};
    use crate::publish::RecordingPublisher;

    const AGREEMENTS: &str = "arn:aws:sns:us-east-1:123456789012:agreements";

    fn cancellation(id: &str, detail_type: &str) -> Value {
        json!({
            "version": "0", "id": id, "detail-type": detail_type,
            "source": "aws.agreement-marketplace", "account": "123456789012",
            "time": "2026-12-01T10:00:00Z", "region": "us-east-1", "resources": [],
            "detail": {"agreement": {"id": "agmt-1", "acceptorId": "845735284135"},
                       "agreementCancellationRequest": {"id": "acr-1"}}
        })
    }

    #[tokio::test]
    async fn events_open_and_close_items_once_in_the_invocation_that_notifies() {
        let store = Arc::new(MemoryStore::default());
        let topics =
            Topics::new().with(TopicKind::AGREEMENTS, TopicArn::parse(AGREEMENTS).unwrap());
        let notifier =
            Notifier::new(topics, RecordingPublisher::new()).with_digest_store(Some(store.clone()));
        let pending = "Agreement Cancellation Request Pending Approval - Proposer";
        for _ in 0..2 {
            notifier
                .handle(cancellation("e-open", pending))
                .await
                .unwrap();
        }
        let open = store.open_items().await.unwrap();
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(open[0].id.to_string(), "cancellation-request#acr-1");
        assert_eq!(open[0].opened_by, "e-open");
        // The notification's own place to act.
        assert!(open[0].link.is_some(), "{open:?}");
        notifier
            .handle(cancellation(
                "e-close",
                "Agreement Cancellation Request Approved - Proposer",
            ))
            .await
            .unwrap();
        assert!(store.open_items().await.unwrap().is_empty());
        // The opening redelivered after its closing stays closed.
        notifier
            .handle(cancellation("e-open", pending))
            .await
            .unwrap();
        assert!(store.open_items().await.unwrap().is_empty());
    }
}
