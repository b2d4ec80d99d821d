//! What co-sell events do to the ledger: an AWS referral (an engagement invitation the
//! account received) is open from Engagement Invitation Created until it is accepted,
//! rejected or expires, keyed by the invitation id. Invitations the account sent, and
//! Sandbox ones (a partner's tests), are not tracked.

use super::{Change, CosellEvent, Kind as EventKind};
use crate::event::Envelope;
use crate::ledger::{Closing, ItemId, Kind, LedgerChange, OpenItem};
use crate::text::single_line;

pub(super) fn change(event: &CosellEvent, envelope: &Envelope) -> Option<LedgerChange> {
    let EventKind::Invitation(change) = event.kind else {
        return None;
    };
    let detail = &event.detail;
    if detail.is_sandbox() || detail.is_sender() {
        return None;
    }
    let id = ItemId::new(Kind::AwsReferral, single_line(detail.invitation_id()?));
    match change {
        Change::Created => {
            let sender = detail
                .engagement_invitation
                .as_ref()
                .and_then(|invitation| invitation.sender_company_name.as_deref())
                .filter(|name| !name.trim().is_empty())
                .map_or_else(|| "AWS".to_owned(), single_line);
            let what = detail
                .engagement_invitation
                .as_ref()
                .and_then(|invitation| invitation.payload_type.as_deref())
                .map_or("invitation", |payload| {
                    if payload.contains("Lead") {
                        "lead invitation"
                    } else {
                        "opportunity invitation"
                    }
                });
            Some(LedgerChange::Open(OpenItem {
                id,
                account: envelope.account_label(),
                title: format!("Co-sell {what} from {sender}: accept or reject before it expires"),
                deadline: detail.expires_at(),
                value: None,
                link: None,
                opened_by: envelope.id.clone(),
                opened_at: envelope.time,
            }))
        }
        Change::Accepted | Change::Rejected | Change::Expired => {
            Some(LedgerChange::Close(Closing {
                id,
                by: envelope.id.clone(),
                at: envelope.time,
            }))
        }
        Change::Updated => None,
    }
}
