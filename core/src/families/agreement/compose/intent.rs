//! What a created or amended agreement says, from what the event names and nothing more:
//! `intent` tells a new agreement from a renewal or a replacement, and an amendment names
//! who switched auto-renewal off only when `renewalSummary.disabledBy` says so.
//!
//! Sources (AWS Marketplace seller guide): "Amazon EventBridge events" (Created is also sent
//! when an auto-renewal creates the next agreement, intent `RENEW` with
//! `previousAgreementId`; a seller's renewal opt-out is processed as an amendment and
//! arrives as Amended with `disabledBy`); "Managing SaaS subscription events with Amazon
//! EventBridge" (Created also announces an agreement that replaces an existing one).

use crate::text::single_line;

/// The opening words of a created agreement's headline and the summary's first sentence.
pub(super) struct Created {
    pub headline: &'static str,
    pub sentence: String,
}

/// A created agreement by its `intent`. `channel_partner` is the seller of record's account
/// when the reader is the manufacturer of a channel partner's resale.
pub(super) fn created(
    intent: Option<&str>,
    previous: Option<&str>,
    channel_partner: Option<&str>,
) -> Created {
    let sold_by = channel_partner
        .map(|partner| format!(" Channel partner account {partner} sold it."))
        .unwrap_or_default();
    let previous = previous.map(single_line);
    match intent {
        Some("RENEW") => Created {
            headline: "Agreement renewed",
            sentence: match previous {
                Some(previous) => {
                    format!("Agreement {previous} was renewed into a new one.{sold_by}")
                }
                None => format!(
                    "An agreement was renewed (the event does not name the previous one).{sold_by}"
                ),
            },
        },
        Some("REPLACE") => Created {
            headline: "Agreement replaced",
            sentence: match previous {
                Some(previous) => format!(
                    "This agreement replaces agreement {previous} (for example after the buyer accepted a new offer, or moved to the public offer when a private offer ended).{sold_by}"
                ),
                None => format!(
                    "This agreement replaces an earlier one (the event does not name it or say why; for example the buyer accepted a new offer, or moved to the public offer when a private offer ended).{sold_by}"
                ),
            },
        },
        Some("NEW") => Created {
            headline: "New agreement",
            sentence: match channel_partner {
                Some(partner) => format!(
                    "A channel partner (account {partner}) sold your product: the buyer accepted the partner's offer."
                ),
                None => "The buyer accepted your offer.".to_owned(),
            },
        },
        other => Created {
            headline: "New agreement",
            sentence: format!(
                "A new agreement exists (intent {}).{sold_by}",
                other.map_or_else(|| "not given".to_owned(), single_line)
            ),
        },
    }
}

/// The opening words of an amended agreement's headline, the summary's closing sentence
/// and the step.
pub(super) struct Amended {
    pub headline: String,
    pub sentence: String,
    pub step: String,
}

/// An amendment: who switched auto-renewal off when the event says so, else only that it
/// changed (the event does not say what, nor who asked).
pub(super) fn amended(
    auto_renews: Option<bool>,
    disabled_by: Option<&str>,
    end: String,
    deadline: String,
) -> Amended {
    match (auto_renews, disabled_by.map(str::trim)) {
        (Some(false) | None, Some("PROPOSER")) => Amended {
            headline: "Agreement amended, auto-renewal off (seller)".to_owned(),
            sentence: format!(
                "Auto-renewal is off, switched off by the seller: a seller's renewal opt-out is processed as an amendment. Without renewal it ends on {end}."
            ),
            step: format!(
                "If the opt-out was not intended, switch auto-renewal back on before the renewal decision deadline ({deadline})."
            ),
        },
        (Some(false) | None, Some("ACCEPTOR")) => Amended {
            headline: "Agreement amended, auto-renewal off (buyer)".to_owned(),
            sentence: format!(
                "Auto-renewal is off, switched off by the buyer. Without renewal it ends on {end}."
            ),
            step: format!("Contact the buyer about renewing before {end}."),
        },
        (Some(false), _) => Amended {
            headline: "Agreement amended".to_owned(),
            sentence:
                "Auto-renewal is off. The event does not say what changed or who asked for it."
                    .to_owned(),
            step: "Review the current terms and adjust what the buyer is provisioned with (for example more units).".to_owned(),
        },
        _ => Amended {
            headline: "Agreement amended".to_owned(),
            sentence: "The event does not say what changed or who asked for it.".to_owned(),
            step: "Review the current terms and adjust what the buyer is provisioned with (for example more units).".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_created_agreement_says_what_its_intent_says() {
        let new = created(Some("NEW"), None, None);
        assert_eq!(new.headline, "New agreement");
        assert!(new.sentence.contains("accepted your offer"));
        let renewed = created(Some("RENEW"), Some("agmt-old"), None);
        assert_eq!(renewed.headline, "Agreement renewed");
        assert!(
            renewed.sentence.contains("agmt-old"),
            "{}",
            renewed.sentence
        );
        assert!(
            !renewed.sentence.contains("accepted"),
            "{}",
            renewed.sentence
        );
        let replaced = created(Some("REPLACE"), None, None);
        assert_eq!(replaced.headline, "Agreement replaced");
        assert!(!replaced.sentence.contains("accepted your"));
        let resold = created(Some("NEW"), None, Some("111122223333"));
        assert!(resold.sentence.contains("111122223333"));
    }

    #[test]
    fn an_amendment_names_only_who_the_event_names() {
        let at = || "2027-11-30".to_owned();
        let seller = amended(Some(false), Some("PROPOSER"), at(), at());
        assert!(
            seller.sentence.contains("by the seller"),
            "{}",
            seller.sentence
        );
        assert!(!seller.sentence.contains("buyer"), "{}", seller.sentence);
        let buyer = amended(Some(false), Some("ACCEPTOR"), at(), at());
        assert!(
            buyer.sentence.contains("by the buyer"),
            "{}",
            buyer.sentence
        );
        for unnamed in [
            amended(Some(true), None, at(), at()),
            amended(None, None, at(), at()),
        ] {
            assert!(!unnamed.sentence.contains("buyer"), "{}", unnamed.sentence);
            assert!(!unnamed.sentence.contains("seller"), "{}", unnamed.sentence);
        }
    }
}
