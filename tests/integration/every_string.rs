//! Every string a sample event holds, and every string a lookup answers with, made
//! hostile: whichever family reads the event and whichever field the string lands in, both
//! renderings come out clean. The renderers write the text they are given without scanning
//! it again, so this is what holds every family to cleaning what it takes from outside.

use marketplace_catalog_notifier::lookup::{
    AgreementFacts, AgreementLookup, ChangeError, ChangeReport, ChangeSetReport, CosellLookup,
    Enrichment, Found, InvitationFacts, OpportunityFacts,
};
use marketplace_catalog_notifier::notification::Notification;
use marketplace_catalog_notifier::registry::MarketplaceEvent;
use marketplace_catalog_notifier::render::{ChatRenderer, Renderer, TextRenderer};
use marketplace_catalog_notifier::text::is_format;
use proptest::prelude::*;
use serde_json::Value;
use std::sync::LazyLock;

use crate::support::sample_events;

/// The samples small enough to be rendered hundreds of times in a debug build (the
/// 30,000-buyer offer is left to the size tests).
const MAX_SAMPLE_BYTES: usize = 16 * 1024;

/// The samples, read once for every case.
static SAMPLES: LazyLock<Vec<(String, Value)>> = LazyLock::new(|| {
    sample_events()
        .into_iter()
        .filter(|(_, payload)| payload.to_string().len() <= MAX_SAMPLE_BYTES)
        .collect()
});

/// What a name, id or message from an event may hold that no notification may show:
/// controls (C0, DEL, C1), line breaks, bidi overrides and isolates, zero-width and
/// invisible characters, tags, and markup that chat gives a meaning to.
const HOSTILE: &[char] = &[
    '\u{0}',
    '\u{7}',
    '\n',
    '\r',
    '\t',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    '\u{9f}',
    '\u{ad}',
    '\u{61c}',
    '\u{180e}',
    '\u{200b}',
    '\u{200d}',
    '\u{200e}',
    '\u{2028}',
    '\u{202e}',
    '\u{2066}',
    '\u{2069}',
    '\u{feff}',
    '\u{e0001}',
    '\u{e0041}',
    '<',
    '@',
    '`',
    '*',
    '"',
    '\\',
    ':',
    '/',
    'a',
    ' ',
    'é',
    '🚀',
];

/// A JSON path: object keys and array indexes.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// The path of every string in `value`, object keys left alone.
fn string_paths(value: &Value, path: &mut Vec<Step>, found: &mut Vec<Vec<Step>>) {
    match value {
        Value::String(_) => found.push(path.clone()),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                path.push(Step::Index(index));
                string_paths(item, path, found);
                path.pop();
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                path.push(Step::Key(key.clone()));
                string_paths(member, path, found);
                path.pop();
            }
        }
        _ => {}
    }
}

fn string_at<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut String> {
    let mut at = value;
    for step in path {
        at = match step {
            Step::Key(key) => at.get_mut(key.as_str())?,
            Step::Index(index) => at.get_mut(*index)?,
        };
    }
    match at {
        Value::String(text) => Some(text),
        _ => None,
    }
}

/// `hostile` put into `text` at about `at` (a character boundary).
fn inserted(text: &str, hostile: &str, at: usize) -> String {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(index, _)| index)
        .chain([text.len()])
        .collect();
    let at = boundaries[at % boundaries.len()];
    [&text[..at], hostile, &text[at..]].concat()
}

/// Hostile texts handed out in turn, round and round.
struct Texts<'a>(std::iter::Cycle<std::slice::Iter<'a, String>>);

impl Texts<'_> {
    fn text(&mut self) -> String {
        self.0.next().cloned().unwrap_or_default()
    }

    fn some(&mut self) -> Option<String> {
        Some(self.text())
    }
}

/// Every answer a lookup can give, each of its strings taken in turn from `texts`.
fn hostile_answers(texts: &[String]) -> Vec<Found> {
    let mut next = Texts(texts.iter().cycle());
    let change_set = ChangeSetReport {
        intent: next.some(),
        failure_description: next.some(),
        changes: vec![ChangeReport {
            change_type: next.text(),
            change_name: next.some(),
            entity_type: next.some(),
            entity_id: next.some(),
            errors: vec![ChangeError {
                code: next.text(),
                message: next.text(),
            }],
        }],
    };
    let agreement = AgreementFacts {
        status: next.some(),
        acceptor_account_id: next.some(),
        proposer_account_id: next.some(),
        offer_id: next.some(),
        product_id: next.some(),
        product_title: next.some(),
        product_type: next.some(),
        agreement_value: next.some(),
        currency_code: next.some(),
        ..AgreementFacts::default()
    };
    let invitation = InvitationFacts {
        customer: next.some(),
        project_title: next.some(),
        sender: next.some(),
        status: next.some(),
        ..InvitationFacts::default()
    };
    let opportunity = OpportunityFacts {
        stage: next.some(),
        review_status: next.some(),
        project_title: next.some(),
        customer: next.some(),
    };
    vec![
        Found::Nothing,
        Found::ChangeSet(Enrichment::Described(change_set)),
        Found::ChangeSet(Enrichment::Unavailable(next.text())),
        Found::Agreement(AgreementLookup::Described(Box::new(agreement))),
        Found::Agreement(AgreementLookup::Unavailable(next.text())),
        Found::Cosell(CosellLookup::Invitation(Box::new(invitation))),
        Found::Cosell(CosellLookup::Opportunity(Box::new(opportunity))),
        Found::Cosell(CosellLookup::Unavailable(next.text())),
    ]
}

fn assert_clean(sample: &str, notification: &Notification) -> Result<(), TestCaseError> {
    let subject = notification.subject().as_str();
    prop_assert!(
        !subject.chars().any(|c| c.is_control() || is_format(c)),
        "{sample}: subject {subject:?}"
    );
    let body = notification.body();
    let unclean = body
        .chars()
        .find(|&c| (c.is_control() && c != '\n' && c != '\t') || is_format(c));
    prop_assert!(unclean.is_none(), "{sample}: {unclean:?} in {body:?}");
    for (name, value) in notification.attributes().iter() {
        prop_assert!(
            !value.chars().any(|c| c.is_control() || is_format(c)),
            "{sample}: attribute {name} = {value:?}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn hostile_characters_in_any_string_of_any_sample_never_reach_a_notification(
        sample in any::<prop::sample::Index>(),
        edits in prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                any::<usize>(),
                prop::collection::vec(prop::sample::select(HOSTILE), 1..6),
            ),
            1..4,
        ),
        answers in prop::collection::vec(
            prop::collection::vec(prop::sample::select(HOSTILE), 1..12)
                .prop_map(|chars| chars.into_iter().collect::<String>()),
            1..8,
        ),
    ) {
        let samples = &*SAMPLES;
        let (name, mut payload) = samples[sample.index(samples.len())].clone();
        let mut paths = Vec::new();
        string_paths(&payload, &mut Vec::new(), &mut paths);
        for (which, at, hostile) in edits {
            let path = &paths[which.index(paths.len())];
            let hostile: String = hostile.into_iter().collect();
            if let Some(text) = string_at(&mut payload, path) {
                *text = inserted(text, &hostile, at);
            }
        }
        // An event the edits made unreadable (a time, an id a family checks) is refused,
        // naming what is wrong; one that is read is rendered clean in both formats, with
        // whatever its family's lookup could answer.
        if let Ok(event) = MarketplaceEvent::parse(payload) {
            for found in hostile_answers(&answers) {
                let message = event.compose(&found);
                assert_clean(&name, &TextRenderer.render(&message))?;
                assert_clean(&name, &ChatRenderer.render(&message))?;
            }
        }
    }
}
