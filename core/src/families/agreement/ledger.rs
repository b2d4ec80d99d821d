//! What agreement events do to the ledger: a cancellation request is open from Pending
//! Approval until it is approved, rejected, withdrawn or fails validation (keyed by the
//! request id, else the agreement id); an agreement is open from Ending or Renewal Upcoming
//! until its renewal (Created with intent `RENEW` naming it as previous) or its end.

use super::compose::CANCELLATION_AUTO_APPROVAL;
use super::details::{CancellationDetail, LifecycleDetail};
use super::{AgreementDetail, Cancellation, Lifecycle};
use crate::event::Envelope;
use crate::ledger::{Closing, ItemId, Kind, LedgerChange, OpenItem};
use crate::lookup::Found;
use crate::text::single_line;

pub(super) fn change(
    detail: &AgreementDetail,
    envelope: &Envelope,
    found: &Found,
) -> Option<LedgerChange> {
    match detail {
        AgreementDetail::Cancellation(event, _, detail) => {
            cancellation(*event, detail, envelope, found)
        }
        AgreementDetail::Lifecycle(event, _, detail) => lifecycle(*event, detail, envelope, found),
        AgreementDetail::BillingAdjustment(..) | AgreementDetail::Unrecognised(_) => None,
    }
}

fn present(value: Option<&str>) -> Option<&str> {
    value.filter(|value| !value.trim().is_empty())
}

fn closing(kind: Kind, key: &str, envelope: &Envelope) -> LedgerChange {
    LedgerChange::Close(Closing {
        id: ItemId::new(kind, key),
        by: envelope.id.clone(),
        at: envelope.time,
    })
}

/// "USD 1200.00", from the event's renewal summary or else the lookup.
fn value(amount: Option<&str>, currency: Option<&str>) -> Option<String> {
    let amount = present(amount)?;
    Some(match present(currency) {
        Some(currency) => format!("{} {}", single_line(currency), single_line(amount)),
        None => single_line(amount),
    })
}

fn looked_up_value(found: &Found) -> Option<String> {
    let facts = found.agreement().facts()?;
    value(
        facts.agreement_value.as_deref(),
        facts.currency_code.as_deref(),
    )
}

fn cancellation(
    event: Cancellation,
    detail: &CancellationDetail,
    envelope: &Envelope,
    found: &Found,
) -> Option<LedgerChange> {
    let agreement = detail.agreement.id.as_str();
    let request = detail.agreement_cancellation_request.as_ref();
    // Every event of one request carries its id; a request without one is named by its
    // agreement, which has one pending request at a time.
    let key = present(request.and_then(|request| request.id.as_deref())).unwrap_or(agreement);
    match event {
        Cancellation::PendingApproval => {
            let created = request
                .and_then(|request| request.created_at)
                .unwrap_or(envelope.time);
            Some(LedgerChange::Open(OpenItem {
                id: ItemId::new(Kind::CancellationRequest, key),
                account: envelope.account_label(),
                title: format!(
                    "Cancellation request for agreement {}, buyer {} (auto-approved unless the buyer answers)",
                    single_line(agreement),
                    single_line(detail.agreement.acceptor_id.as_str())
                ),
                deadline: Some(created + CANCELLATION_AUTO_APPROVAL),
                value: looked_up_value(found),
                link: None,
                opened_by: envelope.id.clone(),
                opened_at: envelope.time,
            }))
        }
        Cancellation::Approved
        | Cancellation::Rejected
        | Cancellation::Cancelled
        | Cancellation::ValidationFailed => Some(closing(Kind::CancellationRequest, key, envelope)),
    }
}

fn lifecycle(
    event: Lifecycle,
    detail: &LifecycleDetail,
    envelope: &Envelope,
    found: &Found,
) -> Option<LedgerChange> {
    let agreement = &detail.agreement;
    let id = agreement.id.as_str();
    match event {
        Lifecycle::Ending | Lifecycle::RenewalUpcoming => {
            let summary = detail.renewal_summary.as_ref();
            let value = value(
                summary.and_then(|summary| summary.tcv.as_deref()),
                summary.and_then(|summary| summary.currency.as_deref()),
            )
            .or_else(|| looked_up_value(found));
            let end = agreement
                .end_time
                .or_else(|| found.agreement().facts().and_then(|facts| facts.end_time));
            let product = present(
                detail
                    .product
                    .as_ref()
                    .and_then(|product| product.title.as_deref()),
            )
            .map(|title| format!(" ({})", single_line(title)))
            .unwrap_or_default();
            Some(LedgerChange::Open(OpenItem {
                id: ItemId::new(Kind::AgreementEnding, id),
                account: envelope.account_label(),
                title: format!(
                    "Agreement {}{product} with buyer {} ends unless renewed",
                    single_line(id),
                    single_line(detail.acceptor.account_id.as_str())
                ),
                deadline: end,
                value,
                link: None,
                opened_by: envelope.id.clone(),
                opened_at: envelope.time,
            }))
        }
        Lifecycle::Created => {
            let renews = agreement
                .intent
                .as_deref()
                .is_some_and(|intent| intent.trim().eq_ignore_ascii_case("RENEW"));
            let previous = present(agreement.previous_agreement_id.as_deref())?;
            renews.then(|| closing(Kind::AgreementEnding, previous, envelope))
        }
        Lifecycle::Ended => Some(closing(Kind::AgreementEnding, id, envelope)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{detail_type, parse};
    use super::*;
    use crate::family::parse_payload;
    use crate::ledger::{Applied, Entry, apply};

    fn payload(
        detail_type: &str,
        id: &str,
        time: &str,
        detail: serde_json::Value,
    ) -> serde_json::Value {
        json!({
            "version": "0", "id": id, "detail-type": detail_type,
            "source": "aws.agreement-marketplace", "account": "123456789012",
            "time": time, "region": "us-east-1", "resources": [], "detail": detail
        })
    }

    fn change_of(payload: &serde_json::Value) -> Option<LedgerChange> {
        let (envelope, detail): (Envelope, AgreementDetail) =
            parse_payload(payload, parse).expect("parses");
        crate::family::Detail::ledger(&detail, &envelope, &Found::Nothing)
    }

    fn request(status: &str) -> serde_json::Value {
        json!({
            "agreement": {"id": "agmt-1", "acceptorId": "845735284135"},
            "agreementCancellationRequest": {"id": "acr-1", "statusCode": status,
                                             "createdAt": "2026-12-01T00:00:00Z"}
        })
    }

    fn lifecycle(intent: Option<&str>, previous: Option<&str>) -> serde_json::Value {
        json!({
            "agreement": {"id": "agmt-2", "intent": intent, "previousAgreementId": previous,
                          "endTime": "2026-12-31T00:00:00Z"},
            "renewalSummary": {"tcv": "1200.00", "currency": "USD"},
            "acceptor": {"accountId": "845735284135"},
            "proposer": {"accountId": "123456789012"}
        })
    }

    #[test]
    fn a_cancellation_request_opens_with_its_auto_approval_date_and_its_answer_closes_it() {
        let opening = change_of(&payload(
            detail_type::CANCELLATION_PENDING_APPROVAL_PROPOSER,
            "e-open",
            "2026-12-01T00:00:05Z",
            request("PENDING_APPROVAL"),
        ));
        let Some(LedgerChange::Open(item)) = &opening else {
            panic!("opens: {opening:?}");
        };
        assert_eq!(item.id.to_string(), "cancellation-request#acr-1");
        assert_eq!(
            item.deadline.map(|at| at.to_rfc3339()),
            Some("2026-12-08T00:00:00+00:00".to_owned())
        );
        assert_eq!(item.account.as_deref(), Some("123456789012"));
        for closing_type in [
            detail_type::CANCELLATION_APPROVED_PROPOSER,
            detail_type::CANCELLATION_REJECTED_MANUFACTURER,
            detail_type::CANCELLATION_CANCELLED_PROPOSER,
            detail_type::CANCELLATION_VALIDATION_FAILED_MANUFACTURER,
        ] {
            let closing = change_of(&payload(
                closing_type,
                "e-close",
                "2026-12-02T00:00:00Z",
                request("X"),
            ))
            .expect("closes");
            assert_eq!(closing.id(), &item.id, "{closing_type}");
            assert!(matches!(closing, LedgerChange::Close(_)), "{closing_type}");
            // Either order leaves it closed.
            let opening = opening.clone().expect("opens");
            for order in [[&opening, &closing], [&closing, &opening]] {
                let mut stored: Option<Entry> = None;
                for change in order {
                    if let Applied::Write(entry) = apply(stored.as_ref(), change) {
                        stored = Some(entry);
                    }
                }
                assert!(
                    stored.as_ref().and_then(Entry::open).is_none(),
                    "{closing_type}"
                );
            }
        }
    }

    #[test]
    fn an_ending_agreement_opens_with_its_value_and_its_renewal_or_end_closes_it() {
        let opening = change_of(&payload(
            detail_type::ENDING_PROPOSER,
            "e-1",
            "2026-12-01T00:00:00Z",
            lifecycle(None, None),
        ));
        let Some(LedgerChange::Open(item)) = opening else {
            panic!("opens: {opening:?}");
        };
        assert_eq!(item.id.to_string(), "agreement-ending#agmt-2");
        assert_eq!(item.value.as_deref(), Some("USD 1200.00"));
        assert_eq!(
            item.deadline.map(|at| at.to_rfc3339()),
            Some("2026-12-31T00:00:00+00:00".to_owned())
        );
        assert!(matches!(
            change_of(&payload(
                detail_type::RENEWAL_UPCOMING_PROPOSER,
                "e-2",
                "2026-12-01T00:00:00Z",
                lifecycle(None, None)
            )),
            Some(LedgerChange::Open(_))
        ));

        let renewal = change_of(&payload(
            detail_type::CREATED_PROPOSER,
            "e-3",
            "2026-12-02T00:00:00Z",
            {
                let mut detail = lifecycle(Some("RENEW"), Some("agmt-2"));
                detail["agreement"]["id"] = json!("agmt-3");
                detail
            },
        ));
        assert!(
            matches!(&renewal, Some(LedgerChange::Close(closing)) if closing.id.to_string() == "agreement-ending#agmt-2"),
            "{renewal:?}"
        );
        let ended = change_of(&payload(
            detail_type::ENDED_PROPOSER,
            "e-4",
            "2026-12-31T00:00:00Z",
            lifecycle(None, None),
        ));
        assert!(
            matches!(&ended, Some(LedgerChange::Close(closing)) if closing.id.to_string() == "agreement-ending#agmt-2"),
            "{ended:?}"
        );
        // A new agreement, or a replacement, closes nothing.
        assert_eq!(
            change_of(&payload(
                detail_type::CREATED_PROPOSER,
                "e-5",
                "2026-12-02T00:00:00Z",
                lifecycle(Some("NEW"), None)
            )),
            None
        );
        assert_eq!(
            change_of(&payload(
                detail_type::CREATED_PROPOSER,
                "e-6",
                "2026-12-02T00:00:00Z",
                lifecycle(Some("REPLACE"), Some("agmt-2"))
            )),
            None
        );
    }
}
