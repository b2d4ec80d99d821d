//! The message for a co-sell event: what happened to which opportunity, invitation or
//! engagement, in the partner's terms. An AWS referral (Engagement Invitation Created, the
//! receiving side) is the one that needs a person: it says how long is left to answer, and
//! its severity rises as the expiry nears. Sandbox events say they are tests, first. What
//! Partner Central's lookup found (customer, project, expiry, stage) is added when it came;
//! when it did not, one line says so.

use chrono::TimeDelta;
use serde_json::Value;

use super::{Change, CosellEvent, Kind};
use crate::event::Envelope;
use crate::families::catalog::other;
use crate::families::common::{base_message, details_unavailable, event_section};
use crate::lookup::{CosellLookup, InvitationFacts, OpportunityFacts};
use crate::message::{Line, Link, Message, NextStep, Section, Severity};
use crate::text::{NOT_GIVEN, count, or_not_given, shorten, single_line, timestamp, written_name};

/// AWS Partner Central, where opportunities and invitations are answered.
pub const PARTNER_CENTRAL: &str = "https://partnercentral.awspartner.com/";

/// How a test event is marked, in the headline and the summary.
const SANDBOX_MARK: &str = "[Sandbox test] ";

/// An invitation's severity by the time left to answer it: critical within a day (or past),
/// error within three days, else a warning; unknown expiry is a warning. Invitations the
/// account sent and Sandbox ones are information.
pub fn invitation_severity(time_left: Option<TimeDelta>, sandbox: bool, sent: bool) -> Severity {
    if sandbox || sent {
        return Severity::Info;
    }
    match time_left {
        Some(left) if left <= TimeDelta::days(1) => Severity::Critical,
        Some(left) if left <= TimeDelta::days(3) => Severity::Error,
        _ => Severity::Warning,
    }
}

/// "expires in 10 days", "expires in less than a day", "has expired": for the headline.
fn expiry_short(time_left: TimeDelta) -> String {
    if time_left <= TimeDelta::zero() {
        return "has expired".to_owned();
    }
    match time_left.num_days() {
        0 => "expires in less than a day".to_owned(),
        n => format!("expires in {}", count(n.unsigned_abs(), "day", "days")),
    }
}

/// [`expiry_short`] with the instant: "expires in 10 days (before 2026-12-11 09:00:00 UTC)".
fn expiry_words(time_left: TimeDelta, at: &str) -> String {
    if time_left <= TimeDelta::zero() {
        return format!("has expired (expiry {at})");
    }
    format!("{} (before {at})", expiry_short(time_left))
}

pub(super) fn compose(event: &CosellEvent, envelope: &Envelope, lookup: &CosellLookup) -> Message {
    let detail = &event.detail;
    let sandbox = detail.is_sandbox();
    let catalog = or_not_given(detail.catalog.as_deref());
    let opportunity = detail.opportunity_id().map(single_line);
    let invitation = detail.invitation_id().map(single_line);
    let engagement = detail.engagement_id().map(single_line);
    let opportunity_text = opportunity.clone().unwrap_or_else(|| NOT_GIVEN.to_owned());
    let engagement_text = engagement.clone().unwrap_or_else(|| NOT_GIVEN.to_owned());
    let partner_central = Link::new("AWS Partner Central", PARTNER_CENTRAL);

    let mut facts = Section::new("Co-sell").field("Catalog", &catalog);
    let mut steps = Vec::new();
    let (headline, severity, action_required, summary) = match event.kind {
        Kind::Opportunity(change) => {
            let word = match change {
                Change::Created => "created",
                Change::Updated => "updated",
                Change::Accepted => "accepted",
                Change::Rejected => "rejected",
                Change::Expired => "expired",
            };
            facts.push_field("Opportunity", &opportunity_text);
            let found = lookup.opportunity().map(OpportunityWords::from);
            if let Some(found) = &found {
                found.add_facts(&mut facts);
            }
            let stage = found.as_ref().and_then(|found| found.stage.clone());
            if let Some(url) = detail
                .opportunity
                .as_ref()
                .and_then(|o| o.url.as_deref())
                .filter(|url| url.starts_with("https://"))
            {
                facts.push_field("Opportunity page", single_line(url));
            }
            let open = match &stage {
                Some(_) => format!(
                    "Open opportunity {opportunity_text} in AWS Partner Central to see what changed"
                ),
                None => format!(
                    "Open opportunity {opportunity_text} in AWS Partner Central to see its stage and what changed (the event carries only its identifier)"
                ),
            };
            steps.push(NextStep::new(open).with_link(partner_central.clone()));
            let about = found
                .as_ref()
                .map(|found| about(found.customer.as_deref(), found.project.as_deref()))
                .unwrap_or_default();
            let (headline_stage, summary_stage) = match &stage {
                Some(stage) => (
                    format!(" ({stage})"),
                    format!(" It is in the {stage} stage."),
                ),
                None => (String::new(), String::new()),
            };
            (
                format!("Co-sell opportunity {word}: {opportunity_text}{headline_stage}"),
                Severity::Info,
                false,
                format!(
                    "Opportunity {opportunity_text}{about} was {word} in AWS Partner Central (catalog {catalog}).{summary_stage}"
                ),
            )
        }
        Kind::Invitation(change) => invitation_verdict(
            event,
            change,
            envelope,
            lookup.invitation(),
            &mut facts,
            &mut steps,
        ),
        Kind::Member => {
            let member = detail.engagement_member.clone().unwrap_or_default();
            let who = match (
                member.company_name.as_deref().map(or_single),
                member.account_id.as_deref().map(single_line),
            ) {
                (Some(name), Some(account)) => format!("{name} (account {account})"),
                (Some(name), None) => name,
                (None, Some(account)) => format!("account {account}"),
                (None, None) => "a new member (not named in the event)".to_owned(),
            };
            facts.push_field("Engagement", &engagement_text);
            facts.push_field("Member", &who);
            // Engagement Member Joined or Added: the detail type says which.
            let word = if envelope.detail_type.ends_with("Added") {
                "added"
            } else {
                "joined"
            };
            let how = if word == "added" {
                "was added to"
            } else {
                "joined"
            };
            (
                format!("Co-sell engagement member {word}: {engagement_text}"),
                Severity::Info,
                false,
                format!("{who} {how} engagement {engagement_text}."),
            )
        }
        Kind::Snapshot => {
            let snapshot = detail.resource_snapshot.clone().unwrap_or_default();
            let resource = format!(
                "{} {}",
                or_not_given(snapshot.resource_type.as_deref()),
                or_not_given(snapshot.resource_id.as_deref())
            );
            facts.push_field("Engagement", &engagement_text);
            facts.push_field("Resource", &resource);
            facts.push_field(
                "Template",
                or_not_given(snapshot.resource_snapshot_template_name.as_deref()),
            );
            facts.push_field("Created by", or_not_given(snapshot.created_by.as_deref()));
            (
                format!("Co-sell snapshot created: {resource}"),
                Severity::Info,
                false,
                format!(
                    "A new snapshot of {resource} was recorded in engagement {engagement_text}: open the engagement in AWS Partner Central to see what changed."
                ),
            )
        }
    };

    // Refused or late: the notification goes out with what the event says, and says so.
    if let Some(code) = lookup.unavailable() {
        facts.push(Line::Bullet(details_unavailable("Co-sell", code)));
    }
    let mut message = base_message(envelope, if sandbox { Severity::Info } else { severity });
    message.action_required = action_required && !sandbox;
    message.headline = if sandbox {
        format!("{SANDBOX_MARK}{headline}")
    } else {
        headline
    };
    message.summary = if sandbox {
        format!("This is a test event from the Sandbox catalog, not a real customer. {summary}")
    } else {
        summary
    };
    message.next_steps = steps;
    message.sections = vec![facts, event_section(envelope, None)];
    message.links = vec![partner_central];
    message.thread_key = engagement
        .clone()
        .or_else(|| opportunity.clone())
        .or_else(|| invitation.clone())
        .unwrap_or_else(|| single_line(&envelope.id));
    message.keywords = vec!["co-sell".to_owned(), "Partner Central".to_owned()];
    for (name, value) in [
        ("opportunity_id", &opportunity),
        ("engagement_invitation_id", &invitation),
        ("engagement_id", &engagement),
    ] {
        if let Some(value) = value {
            message.attributes = message.attributes.with(name, value);
        }
    }
    if let Some(catalog) = &detail.catalog {
        message.attributes = message.attributes.with("catalog", catalog);
    }
    message
}

/// An engagement invitation: the AWS referral to answer (created, receiving side), or what
/// became of one.
fn invitation_verdict(
    event: &CosellEvent,
    change: Change,
    envelope: &Envelope,
    found: Option<&InvitationFacts>,
    facts: &mut Section,
    steps: &mut Vec<NextStep>,
) -> (String, Severity, bool, String) {
    let detail = &event.detail;
    let invitation = detail.engagement_invitation.clone().unwrap_or_default();
    let id = or_not_given(invitation.id.as_deref());
    // A name before an account id: the event's, else the one Partner Central gave.
    let sender = invitation
        .sender_company_name
        .as_deref()
        .filter(|name| !name.trim().is_empty())
        .map(or_single)
        .or_else(|| {
            found
                .and_then(|found| found.sender.as_deref())
                .map(or_single)
        })
        .or_else(|| {
            invitation
                .sender_account_id
                .as_deref()
                .map(|account| format!("account {}", single_line(account)))
        })
        .unwrap_or_else(|| "AWS".to_owned());
    let customer = found
        .and_then(|found| found.customer.as_deref())
        .map(written_name);
    let project = found
        .and_then(|found| found.project_title.as_deref())
        .map(written_name);
    let about = about(customer.as_deref(), project.as_deref());
    let kind = match invitation.payload_type.as_deref() {
        Some("LeadInvitation") => "lead",
        Some("OpportunityInvitation") => "opportunity",
        _ => "co-sell",
    };
    // The event's own expiry first; Partner Central's when the event lacks one.
    let expires = detail
        .expires_at()
        .or_else(|| found.and_then(|found| found.expires_at));
    let time_left = expires.map(|at| at - envelope.time);
    let (expiry, expiry_headline) = match (expires, time_left) {
        (Some(at), Some(left)) => (expiry_words(left, &timestamp(&at)), expiry_short(left)),
        _ => match invitation.expiration_date.as_deref() {
            Some(given) if !given.trim().is_empty() => {
                let words = format!("expires {}", single_line(given));
                (words.clone(), words)
            }
            _ => (
                "has an expiry the event does not give".to_owned(),
                "to answer".to_owned(),
            ),
        },
    };
    facts.push_field("Invitation", &id);
    facts.push_field(
        "Engagement",
        detail
            .engagement_id()
            .map_or(NOT_GIVEN.to_owned(), single_line),
    );
    facts.push_field("From", &sender);
    if let Some(customer) = &customer {
        facts.push_field("Customer", customer);
    }
    if let Some(project) = &project {
        facts.push_field("Project", project);
    }
    facts.push_field("Kind", kind);
    facts.push_field(
        "Your side",
        or_not_given(invitation.participant_type.as_deref()),
    );
    if change == Change::Created {
        facts.push_field("Expiry", &expiry);
    }
    let sent = detail.is_sender();
    match change {
        Change::Created if !sent => {
            steps.push(
                NextStep::new(format!(
                    "Accept or reject invitation {id} in AWS Partner Central before it expires; unanswered, it expires and the referral is lost"
                ))
                .with_link(Link::new("AWS Partner Central", PARTNER_CENTRAL)),
            );
            steps.push(
                NextStep::new("See the customer, project and expiry:").with_command(format!(
                    "aws partnercentral-selling get-engagement-invitation --catalog {} --identifier {id} --region us-east-1",
                    detail.catalog.as_deref().map_or("AWS".to_owned(), single_line)
                )),
            );
            // The customer says more than the sender (AWS, usually) and the subject has
            // room for one name; the summary names both.
            let who = customer.as_deref().map_or_else(|| sender.clone(), shorten);
            (
                format!("Co-sell {kind} invitation {expiry_headline}: {who}"),
                invitation_severity(time_left, detail.is_sandbox(), false),
                true,
                format!(
                    "{sender} invited you to co-sell ({kind} invitation {id}){about}. It {expiry}: answer it in AWS Partner Central before then, or it expires."
                ),
            )
        }
        Change::Created => (
            format!("Co-sell invitation sent: {id}"),
            Severity::Info,
            false,
            format!("Your {kind} invitation {id}{about} was created and sent."),
        ),
        other => {
            let (word, outcome) = match other {
                Change::Accepted => ("accepted", "was accepted"),
                Change::Rejected => ("rejected", "was rejected"),
                Change::Expired => (
                    "expired",
                    "expired without an answer; it can no longer be accepted",
                ),
                Change::Created | Change::Updated => ("updated", "was updated"),
            };
            (
                format!("Co-sell invitation {word}: {id}"),
                Severity::Info,
                false,
                format!("The {kind} invitation {id} from {sender}{about} {outcome}."),
            )
        }
    }
}

/// A co-sell detail type with no dedicated format: the generic message on the co-sell topic.
pub(super) fn other(detail: &Value, envelope: &Envelope) -> Message {
    other::unrecognised_as(
        detail,
        envelope,
        "Co-sell event",
        |detail_type| {
            format!(
                "AWS Partner Central sent a co-sell event of type \"{detail_type}\", which has no dedicated format yet. Its full detail follows."
            )
        },
        "co-sell",
    )
}

/// A partner-written name as one inert line.
fn or_single(name: &str) -> String {
    or_not_given(Some(name))
}

/// ` for Acme Corp: "Data lake migration"`: who and what an invitation or opportunity is
/// about, as far as the lookup said; empty when it said neither.
fn about(customer: Option<&str>, project: Option<&str>) -> String {
    match (customer, project) {
        (Some(customer), Some(project)) => format!(" for {customer}: \"{project}\""),
        (Some(customer), None) => format!(" for {customer}"),
        (None, Some(project)) => format!(": \"{project}\""),
        (None, None) => String::new(),
    }
}

/// What `GetOpportunity` said, each value already one inert line.
struct OpportunityWords {
    stage: Option<String>,
    review_status: Option<String>,
    project: Option<String>,
    customer: Option<String>,
}

impl From<&OpportunityFacts> for OpportunityWords {
    fn from(facts: &OpportunityFacts) -> Self {
        Self {
            stage: facts.stage.as_deref().map(single_line),
            review_status: facts.review_status.as_deref().map(single_line),
            project: facts.project_title.as_deref().map(written_name),
            customer: facts.customer.as_deref().map(written_name),
        }
    }
}

impl OpportunityWords {
    fn add_facts(&self, facts: &mut Section) {
        for (label, value) in [
            ("Customer", &self.customer),
            ("Project", &self.project),
            ("Stage", &self.stage),
            ("AWS review", &self.review_status),
        ] {
            if let Some(value) = value.as_deref().filter(|value| !value.is_empty()) {
                facts.push_field(label, value);
            }
        }
    }
}
