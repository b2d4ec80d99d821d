//! What the notifications claim, checked over every case rather than one sample: a
//! validation-only change set never says its changes were applied, an overdue security report
//! never promises a deadline still ahead, no Unicode format character in any name reaches a
//! subject, body or attribute, and every message says whether action is required.

use chrono::{DateTime, TimeDelta, Utc};
use marketplace_catalog_notifier::lookup::{
    ChangeError, ChangeReport, ChangeSetReport, Enrichment, Found,
};
use marketplace_catalog_notifier::message::MAX_ATTRIBUTES;
use marketplace_catalog_notifier::notification::Notification;
use marketplace_catalog_notifier::registry::MarketplaceEvent;
use marketplace_catalog_notifier::render::{chat, text};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{envelope, sample_event, sample_names};

/// The two renderings of an event composed with what a lookup found.
fn renderings(event: &Value, enrichment: &Enrichment) -> [Notification; 2] {
    let event = MarketplaceEvent::parse(event.clone()).expect("a valid event");
    let message = event.compose(&Found::ChangeSet(enrichment.clone()));
    [text::render(&message), chat::render(&message)]
}

/// Subject, body and attribute values of a notification as one string to search.
fn everything(notification: &Notification) -> String {
    let mut all = format!(
        "{}\n{}",
        notification.subject().as_str(),
        notification.body()
    );
    for (name, value) in notification.attributes().iter() {
        all.push_str(&format!("\n{name}={value}"));
    }
    all
}

fn change_set_event(detail_type: &str, failure_code: Option<&str>) -> Value {
    let mut event = envelope(
        detail_type,
        json!({"Catalog": "AWSMarketplace", "ChangeSetId": "cs-validate",
               "ChangeSetName": "Check pricing"}),
    );
    if let Some(code) = failure_code {
        event["detail"]["FailureCode"] = json!(code);
    }
    event
}

fn validate_report(errors: bool) -> Enrichment {
    Enrichment::Described(ChangeSetReport {
        intent: Some("VALIDATE".to_owned()),
        failure_description: None,
        changes: vec![ChangeReport {
            change_type: "UpdatePricingTerms".to_owned(),
            entity_type: Some("Offer@1.0".to_owned()),
            entity_id: Some("offer-1".to_owned()),
            errors: if errors {
                vec![ChangeError {
                    code: "INVALID_INPUT".to_owned(),
                    message: "Price must be positive.".to_owned(),
                }]
            } else {
                Vec::new()
            },
            ..ChangeReport::default()
        }],
    })
}

#[test]
fn a_validation_only_change_set_never_claims_anything_was_applied() {
    for (detail_type, code) in [
        ("Change Set Succeeded", None),
        ("Change Set Failed", Some("CLIENT_ERROR")),
        ("Change Set Failed", Some("SERVER_FAULT")),
        ("Change Set Cancelled", None),
    ] {
        for errors in [false, true] {
            for notification in renderings(
                &change_set_event(detail_type, code),
                &validate_report(errors),
            ) {
                let all = everything(&notification);
                assert!(all.contains("nothing was applied"), "{detail_type}: {all}");
                // "nothing was applied" is the one true sentence with the word in it.
                assert!(
                    !all.replace("nothing was applied", "").contains("applied"),
                    "{detail_type}: {all}"
                );
            }
        }
    }
}

#[test]
fn an_unknown_intent_is_said_to_be_unknown() {
    let [text, _] = renderings(
        &change_set_event("Change Set Succeeded", None),
        &Enrichment::NotAttempted,
    );
    assert!(
        text.body().contains("could not be looked up"),
        "{}",
        text.body()
    );
    assert!(!text.body().contains("are applied"), "{}", text.body());
}

fn security_event(time: DateTime<Utc>, due: DateTime<Utc>, new_issues: bool) -> Value {
    let mut event = envelope(
        "Products Security Report Created",
        json!({"numberOfProductsWithIssues": 2, "numberOfVersionsWithIssues": 3,
               "numberOfLatestVersionsWithIssues": 1, "newIssuesFound": new_issues,
               "upcomingResolutionDueDate": due.to_rfc3339()}),
    );
    event["time"] = json!(time.to_rfc3339());
    event
}

#[test]
fn an_overdue_report_promises_no_deadline_ahead() {
    let due: DateTime<Utc> = "2024-05-01T00:00:00Z".parse().expect("a date");
    for hours_late in [1, 23, 24, 72, 24 * 90] {
        for new_issues in [false, true] {
            let event = security_event(due + TimeDelta::hours(hours_late), due, new_issues);
            for notification in renderings(&event, &Enrichment::NotAttempted) {
                let all = everything(&notification);
                for promise in ["by that date", "in time", "due in"] {
                    assert!(
                        !all.contains(promise),
                        "{hours_late}h late: {promise}: {all}"
                    );
                }
                assert!(all.contains("overdue"), "{all}");
                assert!(
                    all.contains("restricted from new subscribers"),
                    "{hours_late}h late: {all}"
                );
                assert_eq!(notification.severity().as_str(), "critical");
            }
        }
    }
    let sample = sample_event("products-security-report-overdue.json");
    let [text, _] = renderings(&sample, &Enrichment::NotAttempted);
    assert!(!text.body().contains("by that date"), "{}", text.body());
    assert!(!text.body().contains("in time"), "{}", text.body());
}

#[test]
fn a_report_due_later_says_the_days_left_and_the_instant() {
    let due: DateTime<Utc> = "2024-05-01T00:00:00Z".parse().expect("a date");
    let event = security_event(due - TimeDelta::days(3) - TimeDelta::hours(5), due, false);
    let [text, _] = renderings(&event, &Enrichment::NotAttempted);
    let expected = "due in 3 days (before 2024-05-01 00:00 UTC)";
    assert!(
        text.subject().as_str().contains(expected),
        "{:?}",
        text.subject()
    );
    assert!(text.body().contains(expected), "{}", text.body());
}

/// The format characters the notifications must never carry, written out here rather than
/// taken from the code under test: bidi embeddings, overrides and isolates, zero-width
/// characters and marks, the byte-order mark, word joiner and invisible operators.
fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}' | '\u{00AD}')
}

fn offer_event(offer: &str, product: &str, seller: &str) -> Value {
    let mut event = envelope(
        "Offer Released",
        json!({"offer": {"id": "offer-1", "name": offer},
               "product": {"id": "prod-1", "title": product},
               "manufacturer": {"accountId": "111111111111", "name": seller},
               "sellerOfRecord": {"accountId": "222222222222", "name": seller},
               "targetedBuyerAccountIds": ["333333333333"]}),
    );
    event["account"] = json!("111111111111");
    event
}

/// Names built from format characters, ordinary text and web addresses.
fn name_with_format_characters() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            prop::sample::select(vec![
                "\u{202E}",
                "\u{202A}",
                "\u{2066}",
                "\u{2069}",
                "\u{200B}",
                "\u{200D}",
                "\u{200F}",
                "\u{FEFF}",
                "https://",
                "h\u{200B}ttp://",
                "\u{061C}",
            ])
            .prop_map(str::to_owned),
            "\\PC{0,8}",
            any::<String>(),
        ],
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_name_can_put_a_format_character_in_a_notification(
        offer in name_with_format_characters(),
        product in name_with_format_characters(),
        seller in name_with_format_characters(),
    ) {
        for notification in renderings(&offer_event(&offer, &product, &seller), &Enrichment::NotAttempted) {
            let all = everything(&notification);
            prop_assert!(!all.chars().any(is_forbidden), "{:?}", all);
            // The only live links are the notifier's own portal pages.
            let others = all
                .replace("https://aws.amazon.com/marketplace/", "")
                .to_ascii_lowercase();
            prop_assert!(
                !others.contains("http://") && !others.contains("https://"),
                "{:?}",
                all
            );
        }
    }

    #[test]
    fn no_change_set_name_can_put_a_format_character_in_a_notification(
        name in name_with_format_characters(),
    ) {
        let mut event = change_set_event("Change Set Failed", Some("CLIENT_ERROR"));
        event["detail"]["ChangeSetName"] = json!(name);
        for notification in renderings(&event, &Enrichment::NotAttempted) {
            let all = everything(&notification);
            prop_assert!(!all.chars().any(is_forbidden), "{:?}", all);
        }
    }
}

#[test]
fn every_sample_says_whether_action_is_required_within_the_attribute_budget() {
    for name in sample_names() {
        let event = sample_event(&name);
        for notification in renderings(&event, &Enrichment::NotAttempted) {
            let required = notification.attributes().get("action_required");
            assert!(
                matches!(required, Some("true" | "false")),
                "{name}: {required:?}"
            );
            // The receiving account is among them, within SQS raw delivery's limit of 10.
            assert_eq!(
                notification.attributes().get("account"),
                event["account"]
                    .as_str()
                    .filter(|account| !account.is_empty()),
                "{name}"
            );
            assert!(
                notification.attributes().len() <= MAX_ATTRIBUTES,
                "{name}: {:?}",
                notification.attributes()
            );
        }
        let [text, _] = renderings(&event, &Enrichment::NotAttempted);
        let word = if text.attributes().get("action_required") == Some("true") {
            "yes"
        } else {
            "no"
        };
        // Near the top: right after the summary paragraph.
        let second_paragraph = text.body().split("\n\n").nth(1).unwrap_or_default();
        assert_eq!(
            second_paragraph,
            format!("Action required: {word}"),
            "{name}: {}",
            text.body()
        );
    }
}

#[test]
fn no_sample_says_a_fact_is_not_given_or_writes_a_boolean_as_code() {
    for name in sample_names() {
        for notification in renderings(&sample_event(&name), &Enrichment::NotAttempted) {
            let body = notification.body();
            assert!(!body.contains("(not given"), "{name}: {body}");
            for boolean in [": true", ": false", ":* true", ":* false"] {
                assert!(
                    !body.lines().any(|line| line.trim_end().ends_with(boolean)),
                    "{name}: {body}"
                );
            }
        }
    }
}

#[test]
fn every_message_has_at_most_one_command_after_the_steps_that_matter() {
    for name in sample_names() {
        let event = MarketplaceEvent::parse(sample_event(&name)).expect("a valid sample");
        let message = event.compose(&Found::Nothing);
        let commands: Vec<usize> = message
            .next_steps
            .iter()
            .enumerate()
            .filter(|(_, step)| {
                step.command
                    .as_deref()
                    .is_some_and(|command| command.contains(" describe-"))
            })
            .map(|(index, _)| index)
            .collect();
        assert!(commands.len() <= 1, "{name}: {:?}", message.next_steps);
        if let Some(at) = commands.first() {
            // After the steps that matter: only a link (a portal page) may follow it, or
            // it is the first step because it is the step (which change failed and why).
            assert!(
                *at == 0
                    || message.next_steps[at + 1..]
                        .iter()
                        .all(|step| step.link.is_some()),
                "{name}: {:?}",
                message.next_steps
            );
        }
    }
}

#[test]
fn an_agreement_id_in_a_command_is_one_shell_word() {
    let hostile = "agmt-1; rm -rf ~";
    for detail_type in [
        "Purchase Agreement Ended - Proposer",
        "Purchase Agreement Billing Adjustment Failed - Proposer",
    ] {
        let mut event = envelope(
            detail_type,
            json!({"agreement": {"id": hostile, "status": "EXPIRED"},
                   "acceptor": {"accountId": "845735284135"},
                   "proposer": {"accountId": "123456789012"},
                   "billingAdjustmentRequest": {"id": "ba-1"}}),
        );
        event["source"] = json!("aws.agreement-marketplace");
        let message = MarketplaceEvent::parse(event)
            .expect("a valid event")
            .compose(&Found::Nothing);
        let commands: Vec<&str> = message
            .next_steps
            .iter()
            .filter_map(|step| step.command.as_deref())
            .collect();
        assert!(!commands.is_empty(), "{detail_type}");
        for command in commands {
            assert!(
                command.contains("--agreement-id 'agmt-1; rm -rf ~'"),
                "{detail_type}: {command}"
            );
        }
    }
}

#[test]
fn chat_renders_the_same_in_slack_and_teams_and_threads_per_account() {
    for name in sample_names() {
        let event = sample_event(&name);
        let [_, chat] = renderings(&event, &Enrichment::NotAttempted);
        let payload: Value = serde_json::from_str(chat.body()).expect("chat JSON");
        let description = payload["content"]["description"]
            .as_str()
            .unwrap_or_default();
        // `*x*` is bold in Slack and italic in Teams.
        assert!(!description.contains(":*"), "{name}: {description}");
        assert!(!description.contains("\n*"), "{name}: {description}");
        let summary = payload["metadata"]["summary"].as_str().unwrap_or_default();
        assert!(
            summary.chars().count() <= chat::MAX_TITLE_CHARS,
            "{name}: {summary}"
        );
        for step in payload["content"]["nextSteps"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let step = step.as_str().unwrap_or_default();
            for span in step.split('`').skip(1).step_by(2) {
                assert!(
                    !span.contains(['<', '>', '‹', '›']),
                    "{name}: a placeholder a paste would send: {span}"
                );
            }
            if let Some(at) = step.find("https://") {
                let url: String = step[at..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                assert_eq!(
                    description.matches(url.as_str()).count(),
                    0,
                    "{name}: {url} twice"
                );
            }
        }
        if let Some(account) = event["account"].as_str() {
            let thread = payload["metadata"]["threadId"].as_str().unwrap_or_default();
            assert!(thread.contains(account), "{name}: {thread}");
        }
    }
}
