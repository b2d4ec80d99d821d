//! The message for an agreement's lifecycle events: created, amended, ending, ended,
//! renewal, advisory and licence events, with the renewal helpers only they use.

use chrono::{DateTime, Utc};

use super::super::details::{LifecycleDetail, RenewalSummary};
use super::super::{Lifecycle, Party};
use super::ended::{ProductType, deprovisioned, ended};
use super::intent::{amended, created};
use super::{
    Essentials, field, known, known_time, money, present, section, step, term_clause, when, yes_no,
};
use crate::event::Envelope;
use crate::lookup::AgreementLookup;
use crate::message::{Message, Section, Severity};
use crate::text::{concat, single_line, timestamp};

/// From this many days before its end, an agreement that will not renew is a warning that
/// needs a person; before that, the Ending notices (180, 120, 90, 60 days) are information.
pub const ENDING_WARNING_DAYS: i64 = 30;

pub(super) fn lifecycle(
    event: Lifecycle,
    party: Party,
    detail: &LifecycleDetail,
    envelope: &Envelope,
    lookup: &AgreementLookup,
) -> Message {
    let facts = lookup.facts();
    let agreement = &detail.agreement;
    let product = detail.product.as_ref();
    let subject = Essentials {
        envelope,
        request_id: detail.request_id.as_deref(),
        agreement_id: agreement.id.as_str(),
        party,
        acceptor: Some(single_line(detail.acceptor.account_id.as_str())),
        offer_id: present(detail.offer.as_ref().and_then(|o| o.id.as_deref()))
            .or_else(|| present(facts.and_then(|f| f.offer_id.as_deref()))),
        product_id: present(product.and_then(|p| p.id.as_deref()))
            .or_else(|| present(facts.and_then(|f| f.product_id.as_deref()))),
        product_title: present(product.and_then(|p| p.title.as_deref()))
            .or_else(|| present(facts.and_then(|f| f.product_title.as_deref()))),
        lookup,
    };
    let status = present(agreement.status.as_deref())
        .or_else(|| present(facts.and_then(|f| f.status.as_deref())));
    let start = agreement
        .start_time
        .or_else(|| facts.and_then(|f| f.start_time));
    let end = agreement
        .end_time
        .or_else(|| facts.and_then(|f| f.end_time));
    let intent = present(agreement.intent.as_deref());
    let resale = present(
        detail
            .resale_authorization
            .as_ref()
            .and_then(|r| r.id.as_deref()),
    );
    // Borrowed, not copied: an event without a renewal summary reads as an empty one.
    let no_renewal = RenewalSummary::default();
    let renewal = detail.renewal_summary.as_ref().unwrap_or(&no_renewal);
    let days_left = agreement
        .days_before_end_time
        .map(i64::from)
        .or_else(|| end.map(|end| whole_days_between(envelope.time, end)));
    let auto_renews = agreement.auto_renewal_enabled;
    let product_type =
        ProductType::from_resource_type(facts.and_then(|f| f.product_type.as_deref()));
    let renewal_total = detail
        .renewal_summary
        .as_ref()
        .and_then(|r| present(r.tcv.as_deref()).map(|tcv| money(&tcv, r.currency.as_deref())));
    let label = subject.subject_label(renewal_total);
    let buyer = subject.buyer();
    let id = single_line(agreement.id.as_str());
    let proposer = single_line(detail.proposer.account_id.as_str());
    let value_sentence = subject
        .value()
        .map(|value| concat([" Estimated value: ", &value, "."]))
        .unwrap_or_default();
    let term = term_clause(start, end);
    let status_clause = status
        .as_deref()
        .map(|status| concat([", status ", status]))
        .unwrap_or_default();

    let mut steps = Vec::new();
    let verdict = match event {
        Lifecycle::Created => {
            let previous = present(agreement.previous_agreement_id.as_deref());
            let created = created(
                intent.as_deref(),
                previous.as_deref(),
                (party == Party::Manufacturer).then_some(proposer.as_str()),
            );
            steps.push(step(
                "Make sure the buyer is provisioned: for SaaS products, read the buyer's entitlements (GetEntitlements) and complete onboarding.",
            ));
            (
                concat([created.headline, ": ", &label, ", buyer ", &buyer]),
                Severity::Info,
                false,
                concat([
                    &created.sentence,
                    " Agreement ",
                    &id,
                    " with buyer account ",
                    &buyer,
                    &status_clause,
                    &term,
                    ".",
                    &value_sentence,
                ]),
            )
        }
        Lifecycle::Amended => {
            let amended = amended(
                auto_renews,
                renewal.disabled_by.as_deref(),
                when(end),
                when(renewal.lockout_start_time),
            );
            steps.push(step(amended.step));
            (
                concat([&amended.headline, ": ", &label, ", buyer ", &buyer]),
                Severity::Info,
                false,
                concat([
                    "Agreement ",
                    &id,
                    " with buyer account ",
                    &buyer,
                    " was amended",
                    &status_clause,
                    &term,
                    ". ",
                    &amended.sentence,
                    &value_sentence,
                ]),
            )
        }
        Lifecycle::Ended => {
            let verdict = ended(status.as_deref(), product_type);
            steps.extend(verdict.steps);
            (
                concat([&verdict.headline, ": ", &label, ", buyer ", &buyer]),
                verdict.severity,
                verdict.action_required,
                concat([
                    "Agreement ",
                    &id,
                    " with buyer account ",
                    &buyer,
                    " has ended",
                    &status_clause,
                    ". ",
                    &verdict.closing,
                ]),
            )
        }
        Lifecycle::Ending => {
            let days = days_left
                .map(|days| format!("{days} days"))
                .unwrap_or_else(|| "an unknown number of days".to_owned());
            let renews = auto_renews == Some(true);
            // The clock: a warning from 30 days before the end or from the renewal decision
            // deadline, whichever comes first; before that a notice. Unknown counts as close.
            let lockout_started = renewal
                .lockout_start_time
                .is_some_and(|deadline| deadline <= envelope.time);
            let close = days_left.is_none_or(|days| days <= ENDING_WARNING_DAYS) || lockout_started;
            if renews {
                steps.push(step(format!(
                    "Nothing is needed for it to renew; the renewal decision deadline is {}.",
                    when(renewal.lockout_start_time)
                )));
            } else if close {
                steps.push(step(format!(
                    "Contact the buyer about a renewal and prepare a renewal offer before {}.",
                    when(end)
                )));
            } else {
                steps.push(step(format!(
                    "Nothing is needed yet: AWS sends this notice again as the end approaches. To keep the buyer, plan a renewal offer before {}.",
                    when(end)
                )));
            }
            let (severity, action_required) = match (renews, close) {
                (false, true) => (Severity::Warning, true),
                _ => (Severity::Info, false),
            };
            (
                concat([
                    "Agreement ends in ",
                    &days,
                    ": ",
                    &label,
                    ", buyer ",
                    &buyer,
                ]),
                severity,
                action_required,
                concat([
                    "Agreement ",
                    &id,
                    " with buyer account ",
                    &buyer,
                    " ends on ",
                    &when(end),
                    " (",
                    &days,
                    " left)",
                    &renewal_text(auto_renews, renewal.disabled_by.as_deref())
                        .map(|text| concat(["; auto-renewal is ", &text]))
                        .unwrap_or_default(),
                    ".",
                    &value_sentence,
                ]),
            )
        }
        Lifecycle::RenewalTermsFinalized => (
            format!("Renewal price final: {label}, buyer {buyer}"),
            Severity::Info,
            false,
            format!(
                "The adjustment deadline has passed: the renewal of agreement {id} is priced at {}.",
                renewal_value(renewal)
            ),
        ),
        Lifecycle::RenewalUpcoming => (
            format!("Agreement will auto-renew: {label}, buyer {buyer}"),
            Severity::Info,
            false,
            format!(
                "The renewal decision deadline has passed: agreement {id} with buyer account {buyer} renews automatically after {} for {}.",
                when(end),
                renewal_value(renewal)
            ),
        ),
        Lifecycle::AdvisoryIssued => {
            steps.push(step(
                "Open the agreement in AWS Partner Central (formerly the AWS Marketplace Management Portal) to see what the advisory concerns.",
            ));
            (
                format!("Agreement advisory issued: {label}, buyer {buyer}"),
                Severity::Warning,
                false,
                format!(
                    "AWS Marketplace issued an advisory that may affect agreement {id} with buyer account {buyer}{}. The event does not say what it concerns.",
                    detail
                        .advisory
                        .as_ref()
                        .and_then(|a| a.issued_at)
                        .map(|at| format!(" (issued {})", timestamp(&at)))
                        .unwrap_or_default()
                ),
            )
        }
        Lifecycle::AdvisoryResolved => (
            format!("Agreement advisory resolved: {label}, buyer {buyer}"),
            Severity::Info,
            false,
            format!(
                "The advisory on agreement {id} with buyer account {buyer} was resolved{}.",
                detail
                    .advisory
                    .as_ref()
                    .and_then(|a| a.resolved_at)
                    .map(|at| format!(" ({})", timestamp(&at)))
                    .unwrap_or_default()
            ),
        ),
        Lifecycle::LicenseUpdated => {
            steps.push(step(
                "Read the buyer's entitlements again (GetEntitlements) and apply the change.",
            ));
            (
                format!("License updated: {label}, buyer {buyer}"),
                Severity::Info,
                false,
                format!(
                    "The license of buyer account {buyer} under agreement {id} was provisioned or changed."
                ),
            )
        }
        Lifecycle::LicenseDeprovisioned => {
            let (severity, action_required, closing, what_to_do) = deprovisioned(product_type);
            steps.extend(what_to_do);
            (
                format!("License deprovisioned: {label}, buyer {buyer}"),
                severity,
                action_required,
                format!(
                    "The entitlements of buyer account {buyer} under agreement {id} were fully revoked. {closing}"
                ),
            )
        }
    };

    let mut agreement_lines = subject.agreement_lines(resale.is_some());
    agreement_lines.extend(
        [
            known("Intent", intent.as_deref()),
            known("Status", status.as_deref()),
            known_time("Start", start),
            known_time("End", end),
        ]
        .into_iter()
        .flatten(),
    );
    if let Some(accepted) = agreement
        .acceptance_time
        .or_else(|| facts.and_then(|f| f.acceptance_time))
    {
        agreement_lines.push(field("Accepted", timestamp(&accepted)));
    }
    if event == Lifecycle::Ending
        && let Some(days) = days_left
    {
        agreement_lines.push(field("Days left", days.to_string()));
    }
    agreement_lines.extend(subject.value_line());
    if let Some(previous) = present(agreement.previous_agreement_id.as_deref()) {
        agreement_lines.push(field("Previous agreement", previous));
    }
    agreement_lines.extend(subject.lookup_note());

    let mut party_lines = vec![
        field("Buyer account", buyer.clone()),
        field(
            "Seller of record",
            match present(detail.proposer.name.as_deref()) {
                Some(name) => format!("{name} ({proposer})"),
                None => proposer.clone(),
            },
        ),
    ];
    if let Some(resale) = &resale {
        party_lines.push(field("Resale authorization", resale.clone()));
    }

    let mut product_extra = Vec::new();
    if let Some(code) = present(product.and_then(|p| p.code.as_deref())) {
        product_extra.push(field("Product code", code));
    }
    if let Some(arn) = present(detail.license.as_ref().and_then(|l| l.arn.as_deref())) {
        product_extra.push(field("License", arn));
    }

    let mut sections = vec![
        section("Agreement", agreement_lines),
        section("Parties", party_lines),
        subject.product_section(product_extra),
    ];
    if let Some(renewal_section) = renewal_section(auto_renews, renewal) {
        sections.push(renewal_section);
    }
    subject.finish(verdict, steps, sections)
}

fn renewal_section(auto_renews: Option<bool>, renewal: &RenewalSummary) -> Option<Section> {
    if auto_renews.is_none() && renewal == &Default::default() {
        return None;
    }
    let mut lines: Vec<_> = renewal_text(auto_renews, renewal.disabled_by.as_deref())
        .map(|text| field("Auto-renewal", text))
        .into_iter()
        .collect();
    if renewal.lockout_start_time.is_some() {
        lines.push(field("Decision deadline", when(renewal.lockout_start_time)));
    }
    if let Some(reached) = renewal.lockout_reached {
        lines.push(field("Decision deadline passed", yes_no(reached)));
    }
    if renewal.tcv.is_some() {
        lines.push(field("Renewal value", renewal_value(renewal)));
    }
    if renewal.terms_finalized_time.is_some() {
        lines.push(field("Terms finalized", when(renewal.terms_finalized_time)));
    }
    Some(section("Renewal", lines))
}

/// "on", "off (switched off by the buyer)", "off", or nothing when the event does not say.
fn renewal_text(auto_renews: Option<bool>, disabled_by: Option<&str>) -> Option<String> {
    match (auto_renews, disabled_by.map(single_line)) {
        (Some(true), _) => Some("on".to_owned()),
        (_, Some(by)) if !by.is_empty() => Some(format!("off (switched off by the {})", who(&by))),
        (Some(false), _) => Some("off".to_owned()),
        (None, _) => None,
    }
}

fn renewal_value(renewal: &RenewalSummary) -> String {
    match present(renewal.tcv.as_deref()) {
        Some(tcv) => money(&tcv, renewal.currency.as_deref()),
        None => "a value not given in the event".to_owned(),
    }
}

/// `ACCEPTOR`/`PROPOSER` in the reader's words.
fn who(code: &str) -> String {
    match code {
        "ACCEPTOR" => "buyer".to_owned(),
        "PROPOSER" => "seller".to_owned(),
        other => single_line(other),
    }
}

/// Whole days from `from` until `to`, rounded up so "29 days and an hour" reads as 30.
fn whole_days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    let seconds = (to - from).num_seconds();
    seconds.div_euclid(86_400) + i64::from(seconds.rem_euclid(86_400) > 0)
}
