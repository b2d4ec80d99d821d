//! A digest invocation: for every destination that routes of the cadence name, claim it,
//! read what is pending, publish one digest in that destination's rendering, mark the items
//! sent, and give the claim back. Items are marked sent only after their digest published, so
//! a failure leaves them for the next invocation; the claim keeps two invocations at once
//! from both sending. Destinations of the open-items report get the ledger first ("Still
//! open", or on the daily digest when the report is weekly, what is due within 48 hours),
//! and get a digest for it even with no events pending. The ledger is the state at the time
//! of the digest, not a queue: each digest lists what is open then.

use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use tracing::{error, info, warn};

use super::Notifier;
use crate::channel::{ChannelRoute, Destination};
use crate::config::TopicArn;
use crate::digest::{self, DigestStore, Stream};
use crate::error::NotifierError;
use crate::ledger::{self, OpenItem, Report};
use crate::outcome::{DigestDelivery, Outcome};
use crate::publish::Publisher;
use crate::routing::Cadence;

/// How long a claim lasts when the caller gives no deadline (direct calls, not through
/// Lambda): the template's function timeout.
const DEFAULT_CLAIM: Duration = Duration::from_secs(30);
/// Added to the invocation's deadline, so clock differences never let another invocation
/// take a claim over while its holder can still publish.
const CLAIM_MARGIN: Duration = Duration::from_secs(5);

/// The open items one destination's digest lists, and the instant they were selected at
/// (their deadlines are worded from it).
struct OpenListed {
    report: Report,
    listed: Vec<OpenItem>,
    as_of: DateTime<Utc>,
}

impl<P: Publisher> Notifier<P> {
    /// Sends the `cadence` digest of every destination with pending items. `Err` when any
    /// destination's digest could not be sent or settled (the others are still sent), so
    /// the schedule's retry sends what is left.
    pub(super) async fn send_digests(
        &self,
        cadence: Cadence,
        deadline: Option<SystemTime>,
    ) -> Result<Outcome, NotifierError> {
        let mut published = Vec::new();
        let mut claimed_elsewhere = Vec::new();
        let Some(store) = &self.digests else {
            warn!(%cadence, "digest requested, but no digest table is configured: nothing to send");
            return Ok(Outcome::Digest {
                cadence,
                published,
                claimed_elsewhere,
            });
        };
        let until = deadline.unwrap_or_else(|| SystemTime::now() + DEFAULT_CLAIM) + CLAIM_MARGIN;
        // One "now" for the whole run: the label, and every destination's open items.
        let now = self.clock.now();
        let label = format!("{cadence}-digest-{}", now.format("%Y-%m-%d"));
        let report = self.open_items_report(cadence);
        // Read once for every destination: each lists the same state.
        let open_items = match report {
            Some(_) => store.open_items().await.map_err(|error| {
                let error = NotifierError::DigestStore {
                    subject: format!("{cadence} digest's open items"),
                    reason: error.to_string(),
                };
                error!(%cadence, error_type = error.error_type(), error = %error,
                       "open items unreadable: no digest sent");
                error
            })?,
            None => Vec::new(),
        };
        let mut first_error = None;
        for (target, stream) in self.digest_streams(cadence) {
            let open = report.map(|report| OpenListed {
                listed: report.select(&self.open_items_for(&stream, &open_items), now),
                report,
                as_of: now,
            });
            match self
                .send_digest(store.as_ref(), target, &stream, until, &label, open)
                .await
            {
                Ok(Sent::Published(delivery)) => published.push(delivery),
                Ok(Sent::NothingPending) => {}
                Ok(Sent::ClaimedElsewhere) => claimed_elsewhere.push(stream.topic.to_string()),
                Err(error) => {
                    error!(%cadence, topic = %stream.topic, channel = stream.channel,
                           error_type = error.error_type(), error = %error, "digest not sent");
                    first_error.get_or_insert(error);
                }
            }
        }
        match first_error {
            Some(error) => Err(error),
            None => Ok(Outcome::Digest {
                cadence,
                published,
                claimed_elsewhere,
            }),
        }
    }

    /// Which open items the `cadence` digest lists: all in the report's cadence; those due
    /// soon in the daily digest when the report is weekly; none otherwise.
    fn open_items_report(&self, cadence: Cadence) -> Option<Report> {
        let report = self.routing.open_items()?;
        if report.cadence == cadence {
            Some(Report::All)
        } else if cadence == Cadence::Daily {
            Some(Report::DueSoon)
        } else {
            None
        }
    }

    /// The open items `stream` lists: all of them on a topic the report names; on a family
    /// topic (`"family"`), those of the kinds whose events go there.
    fn open_items_for(&self, stream: &Stream, items: &[OpenItem]) -> Vec<OpenItem> {
        let Some(report) = self.routing.open_items() else {
            return Vec::new();
        };
        let mut everything = false;
        let mut family = false;
        for target in report
            .targets
            .iter()
            .filter(|target| target.channel().name == stream.channel)
        {
            match target.destination() {
                Destination::Topic(topic) => everything |= *topic == stream.topic,
                Destination::FamilyTopic => family = true,
            }
        }
        items
            .iter()
            .filter(|item| {
                everything
                    || (family && self.topics.arn_for(item.id.kind.topic()) == Some(&stream.topic))
            })
            .cloned()
            .collect()
    }

    /// Every (rendering, destination) a `cadence` route names, and those of the open-items
    /// report when this digest lists open items, with the family destination standing for
    /// each configured family topic; each once.
    fn digest_streams(&self, cadence: Cadence) -> Vec<(&ChannelRoute, Stream)> {
        let mut streams: Vec<(&ChannelRoute, Stream)> = Vec::new();
        let report_targets = self
            .routing
            .open_items()
            .filter(|_| self.open_items_report(cadence).is_some())
            .map(|report| report.targets.iter().collect::<Vec<_>>())
            .unwrap_or_default();
        for target in self
            .routing
            .digest_targets(cadence)
            .into_iter()
            .chain(report_targets)
        {
            let topics: Vec<&TopicArn> = match target.destination() {
                Destination::FamilyTopic => self.topics.arns().collect(),
                Destination::Topic(topic) => vec![topic],
            };
            for topic in topics {
                let stream = Stream {
                    cadence,
                    channel: target.channel().name,
                    topic: topic.clone(),
                };
                if !streams.iter().any(|(_, known)| *known == stream) {
                    streams.push((target, stream));
                }
            }
        }
        streams
    }

    async fn send_digest(
        &self,
        store: &dyn DigestStore,
        target: &ChannelRoute,
        stream: &Stream,
        until: SystemTime,
        label: &str,
        open: Option<OpenListed>,
    ) -> Result<Sent, NotifierError> {
        let failed = |reason: String| NotifierError::DigestStore {
            subject: format!("{} digest to {}", stream.cadence, stream.topic),
            reason,
        };
        let Some(token) = store
            .claim(stream, until)
            .await
            .map_err(|error| failed(error.to_string()))?
        else {
            info!(cadence = %stream.cadence, topic = %stream.topic, channel = stream.channel,
                  "another invocation is sending this digest: left to it");
            return Ok(Sent::ClaimedElsewhere);
        };
        let result = self
            .publish_pending(store, target, stream, label, open)
            .await;
        // Released whatever happened: after a failure the next invocation may claim at once.
        if let Err(error) = store.release(stream, &token).await {
            warn!(cadence = %stream.cadence, topic = %stream.topic, error = %error,
                  "digest claim not released; it expires with the invocation");
        }
        result.map_err(|reason| match reason {
            Failure::Store(reason) => failed(reason),
            Failure::Publish(error) => error,
        })
    }

    async fn publish_pending(
        &self,
        store: &dyn DigestStore,
        target: &ChannelRoute,
        stream: &Stream,
        label: &str,
        open: Option<OpenListed>,
    ) -> Result<Sent, Failure> {
        let items = store
            .pending(stream)
            .await
            .map_err(|error| Failure::Store(error.to_string()))?;
        let open = open.filter(|open| !open.listed.is_empty());
        if items.is_empty() && open.is_none() {
            return Ok(Sent::NothingPending);
        }
        let renderer = target.renderer();
        let room = renderer.digest_room();
        let mut open_count = 0;
        let message = match open {
            None => digest::compose(stream.cadence, &items, room, label),
            Some(OpenListed {
                report,
                listed,
                as_of,
            }) => {
                // The open items lead, but leave the events half the room when there are any.
                let open_room = if items.is_empty() { room } else { room / 2 };
                let (section, used) = ledger::section(report, &listed, as_of, open_room);
                let mut message = digest::compose(stream.cadence, &items, room - used, label);
                message
                    .headline
                    .push_str(&report.headline_part(listed.len()));
                message.action_required = true;
                message.sections.insert(0, section);
                open_count = listed.len();
                message
            }
        };
        let notification = renderer.render(&message);
        let message_id = self
            .publisher
            .publish(&stream.topic, &notification)
            .await
            .map_err(|error| {
                Failure::Publish(NotifierError::Publish {
                    event_id: label.to_owned(),
                    topic_arn: stream.topic.to_string(),
                    reason: error.to_string(),
                })
            })?;
        info!(cadence = %stream.cadence, topic = %stream.topic, channel = stream.channel,
              items = items.len(), open_items = open_count, message_id, "published digest");
        store.mark_sent(stream, &items).await.map_err(|error| {
            // Published but not marked: the next digest lists these items again. Saying so
            // is better than losing them.
            Failure::Store(format!(
                "published as {message_id}, but its {} items could not be marked sent and will be listed again: {error}",
                items.len()
            ))
        })?;
        Ok(Sent::Published(DigestDelivery {
            channel: stream.channel,
            topic_arn: stream.topic.to_string(),
            items: items.len(),
            open_items: open_count,
            message_id,
        }))
    }
}

/// How one destination's digest ended.
enum Sent {
    Published(DigestDelivery),
    NothingPending,
    ClaimedElsewhere,
}

enum Failure {
    Store(String),
    Publish(NotifierError),
}

#[cfg(test)]
#[path = "digest_run_tests.rs"]
mod tests;
