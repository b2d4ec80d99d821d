//! How a change applies to what the store holds for its id. Pure, so the memory store and
//! the DynamoDB table decide alike: the table reads the entry, applies, and writes only if
//! nothing changed in between.

use super::{Entry, LedgerChange};

/// What applying a change decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Store this entry in place of the current one.
    Write(Entry),
    /// Nothing to change: the same event again, an opening of something already closed, or
    /// a change older than what is stored.
    Unchanged,
}

/// Applies `change` to `current` (what is stored under its id, if anything).
pub fn apply(current: Option<&Entry>, change: &LedgerChange) -> Applied {
    // A redelivered event finds its own entry: nothing changes twice.
    if current.is_some_and(|entry| entry.event() == change.event()) {
        return Applied::Unchanged;
    }
    match (change, current) {
        (LedgerChange::Open(item) | LedgerChange::Replace(item), None) => {
            Applied::Write(Entry::Open(item.clone()))
        }
        // Closed first (EventBridge does not order events): the opening comes too late.
        (LedgerChange::Open(_), Some(Entry::Closed { .. })) => Applied::Unchanged,
        // A later notice about the same open item (Ending 90 days, then 30) refreshes it.
        (LedgerChange::Open(item), Some(Entry::Open(known))) => {
            if item.opened_at > known.opened_at {
                Applied::Write(Entry::Open(item.clone()))
            } else {
                Applied::Unchanged
            }
        }
        (LedgerChange::Replace(item), Some(known)) => {
            if item.opened_at > known.at() {
                Applied::Write(Entry::Open(item.clone()))
            } else {
                Applied::Unchanged
            }
        }
        (LedgerChange::Close(closing), current) => match current {
            Some(Entry::Closed { .. }) => Applied::Unchanged,
            // Only a replaceable item (a security report) can be newer than its closing:
            // for the other kinds nothing opens an item again once it was closed.
            Some(Entry::Open(known)) if known.opened_at > closing.at && replaceable(known) => {
                Applied::Unchanged
            }
            _ => Applied::Write(Entry::Closed {
                id: closing.id.clone(),
                at: closing.at,
                by: closing.by.clone(),
            }),
        },
    }
}

/// Kinds whose key is reused by later openings (one security report per account, one
/// paused instrument that may be paused again).
fn replaceable(item: &super::OpenItem) -> bool {
    matches!(
        item.id.kind,
        super::Kind::SecurityReport | super::Kind::PausedDisbursement
    )
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeDelta, TimeZone, Utc};

    use super::super::{Closing, ItemId, Kind, OpenItem};
    use super::*;

    fn at(hour: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0)
            .single()
            .unwrap_or_default()
            + TimeDelta::hours(hour)
    }

    fn item(kind: Kind, event: &str, hour: i64) -> OpenItem {
        OpenItem {
            id: ItemId::new(kind, "key-1"),
            account: Some("111122223333".to_owned()),
            title: format!("{kind} opened by {event}"),
            deadline: Some(at(hour + 72)),
            value: None,
            link: None,
            opened_by: event.to_owned(),
            opened_at: at(hour),
        }
    }

    fn close(kind: Kind, event: &str, hour: i64) -> LedgerChange {
        LedgerChange::Close(Closing {
            id: ItemId::new(kind, "key-1"),
            by: event.to_owned(),
            at: at(hour),
        })
    }

    /// Applies `changes` in order from an empty store; what is left.
    fn replay(changes: &[LedgerChange]) -> Option<Entry> {
        let mut stored: Option<Entry> = None;
        for change in changes {
            if let Applied::Write(entry) = apply(stored.as_ref(), change) {
                stored = Some(entry);
            }
        }
        stored
    }

    #[test]
    fn an_opening_then_its_closing_leaves_it_closed() {
        for kind in Kind::ALL {
            let left = replay(&[
                LedgerChange::Open(item(kind, "open", 0)),
                close(kind, "close", 1),
            ]);
            assert!(
                matches!(left, Some(Entry::Closed { ref by, .. }) if by == "close"),
                "{kind}: {left:?}"
            );
        }
    }

    #[test]
    fn a_closing_before_its_opening_keeps_it_closed() {
        for kind in [
            Kind::CancellationRequest,
            Kind::AgreementEnding,
            Kind::AwsReferral,
            Kind::PausedDisbursement,
        ] {
            // The closing happened later but arrived first.
            let left = replay(&[
                close(kind, "close", 5),
                LedgerChange::Open(item(kind, "open", 0)),
            ]);
            assert!(
                left.as_ref().and_then(Entry::open).is_none(),
                "{kind}: {left:?}"
            );
        }
        // A security report without issues that arrives before the older one with issues.
        let kind = Kind::SecurityReport;
        let left = replay(&[
            close(kind, "clean", 5),
            LedgerChange::Replace(item(kind, "issues", 0)),
        ]);
        assert!(left.as_ref().and_then(Entry::open).is_none(), "{left:?}");
    }

    #[test]
    fn the_same_event_twice_changes_nothing_the_second_time() {
        let opening = LedgerChange::Open(item(Kind::CancellationRequest, "open", 0));
        let stored = Entry::Open(item(Kind::CancellationRequest, "open", 0));
        assert_eq!(apply(Some(&stored), &opening), Applied::Unchanged);
        let closing = close(Kind::CancellationRequest, "close", 1);
        let Applied::Write(closed) = apply(Some(&stored), &closing) else {
            panic!("closes");
        };
        assert_eq!(apply(Some(&closed), &closing), Applied::Unchanged);
    }

    #[test]
    fn a_later_notice_refreshes_an_open_item_and_an_older_one_does_not() {
        let kind = Kind::AgreementEnding;
        let mut later = item(kind, "ending-30", 10);
        later.value = Some("USD 1200.00".to_owned());
        let left = replay(&[
            LedgerChange::Open(item(kind, "ending-90", 0)),
            LedgerChange::Open(later.clone()),
        ]);
        assert_eq!(left, Some(Entry::Open(later.clone())));
        let left = replay(&[
            LedgerChange::Open(later.clone()),
            LedgerChange::Open(item(kind, "ending-90", 0)),
        ]);
        assert_eq!(left, Some(Entry::Open(later)));
    }

    #[test]
    fn the_next_security_report_replaces_the_last_and_one_without_issues_closes_it() {
        let kind = Kind::SecurityReport;
        let first = item(kind, "report-1", 0);
        let second = item(kind, "report-2", 24);
        let left = replay(&[
            LedgerChange::Replace(first.clone()),
            LedgerChange::Replace(second.clone()),
        ]);
        assert_eq!(left, Some(Entry::Open(second.clone())));
        // Out of order: the older report does not replace the newer one.
        let left = replay(&[
            LedgerChange::Replace(second.clone()),
            LedgerChange::Replace(first.clone()),
        ]);
        assert_eq!(left, Some(Entry::Open(second.clone())));
        // A clean report closes it; a newer report with issues opens it again.
        let left = replay(&[
            LedgerChange::Replace(first.clone()),
            close(kind, "clean", 12),
        ]);
        assert!(left.as_ref().and_then(Entry::open).is_none());
        let left = replay(&[
            LedgerChange::Replace(first),
            close(kind, "clean", 12),
            LedgerChange::Replace(second.clone()),
        ]);
        assert_eq!(left, Some(Entry::Open(second.clone())));
        // A clean report older than the open one does not close it.
        let left = replay(&[
            LedgerChange::Replace(second.clone()),
            close(kind, "clean", 12),
        ]);
        assert_eq!(left, Some(Entry::Open(second)));
    }

    #[test]
    fn a_disbursement_paused_again_after_a_closing_by_hand_is_open_again() {
        let kind = Kind::PausedDisbursement;
        let left = replay(&[
            LedgerChange::Replace(item(kind, "paused-1", 0)),
            close(kind, "closed by hand", 24),
            LedgerChange::Replace(item(kind, "paused-2", 48)),
        ]);
        assert_eq!(left.as_ref().map(Entry::event), Some("paused-2"));
        // The first pause redelivered after the closing stays closed.
        let left = replay(&[
            LedgerChange::Replace(item(kind, "paused-1", 0)),
            close(kind, "closed by hand", 24),
            LedgerChange::Replace(item(kind, "paused-1", 0)),
        ]);
        assert!(left.as_ref().and_then(Entry::open).is_none(), "{left:?}");
    }

    #[test]
    fn items_expire_thirty_days_past_their_deadline_or_opening() {
        let mut opened = item(Kind::PausedDisbursement, "paused", 0);
        opened.deadline = None;
        assert_eq!(opened.expires_at(), at(0) + TimeDelta::days(30));
        let due = item(Kind::CancellationRequest, "open", 0);
        assert_eq!(due.expires_at(), at(72) + TimeDelta::days(30));
    }
}
