//! template.yaml agrees with the code: the EventBridge rules send every catalog event to
//! the function exactly once (checked with moto's EventBridge pattern matcher, not a
//! hand-written one), the topic variables the code reads are set from topics the function
//! may publish to, and failed events are kept.
//!
//! The template is read by tests/template_patterns.py, run with the Python named by
//! `NOTIFIER_PYTHON` (the project's venv with moto and cfn-lint; `make test` sets it).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use marketplace_catalog_notifier::agreement;
use marketplace_catalog_notifier::config::{REQUIRED_TOPIC_VARIABLES, TOPIC_VARIABLES};
use marketplace_catalog_notifier::event::{KNOWN_DETAIL_TYPES, SOURCE, SOURCES};
use serde_json::{Value, json};

/// A detail type the code has no formatter for, standing in for one AWS adds later.
const FUTURE_DETAIL_TYPE: &str = "Catalog Entity Deprecated";

/// Real Marketplace sources the function must not receive (the code rejects them).
const OTHER_SOURCE_EVENTS: &[(&str, &str)] = &[("aws.marketplace", "Disbursement Paused")];

/// Agreement types the code has no dedicated composition for; they must still arrive.
const UNCOMPOSED_AGREEMENT_TYPES: &[&str] = &[
    "Purchase Agreement Created - Acceptor",
    "Agreement Cancellation Request Approved - Manufacturer",
    "Purchase Agreement Something New - Proposer",
];

/// One event sent to the pattern matcher, and how many deliveries to the function it
/// must produce.
struct Probe {
    name: String,
    event: Value,
    deliveries: usize,
}

/// What the helper reported, plus the probes it was asked about.
struct Facts {
    report: Value,
    probes: Vec<Probe>,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn envelope(source: &str, detail_type: &str) -> Value {
    json!({
        "version": "0",
        "id": "00000000-0000-4000-8000-000000000000",
        "detail-type": detail_type,
        "source": source,
        "account": "123456789012",
        "time": "2025-01-01T00:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": {}
    })
}

fn fixture_probes(dir: &Path) -> Vec<Probe> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    assert!(
        !paths.is_empty(),
        "no sample events in {}: the template is checked against them",
        dir.display()
    );
    paths
        .into_iter()
        .map(|path| {
            let name = format!("events/{}", path.file_name().unwrap().to_string_lossy());
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
            let event: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
                panic!("{name} is not valid JSON ({e}); keep deliberately broken samples outside events/")
            });
            // The template must mirror the code: the function accepts only SOURCES.
            let deliveries = usize::from(
                event["source"]
                    .as_str()
                    .is_some_and(|source| SOURCES.contains(&source)),
            );
            Probe { name, event, deliveries }
        })
        .collect()
}

fn probes() -> Vec<Probe> {
    let mut probes = fixture_probes(&root().join("events"));
    for detail_type in KNOWN_DETAIL_TYPES
        .iter()
        .copied()
        .chain([FUTURE_DETAIL_TYPE])
    {
        probes.push(Probe {
            name: format!("synthetic {SOURCE} / {detail_type}"),
            event: envelope(SOURCE, detail_type),
            deliveries: 1,
        });
        // Same detail type from another Marketplace source: the source must decide.
        probes.push(Probe {
            name: format!("synthetic aws.marketplace / {detail_type}"),
            event: envelope("aws.marketplace", detail_type),
            deliveries: 0,
        });
    }
    for detail_type in agreement::KNOWN_DETAIL_TYPES
        .iter()
        .map(|(name, _)| *name)
        .chain(UNCOMPOSED_AGREEMENT_TYPES.iter().copied())
    {
        probes.push(Probe {
            name: format!("synthetic {} / {detail_type}", agreement::SOURCE),
            event: envelope(agreement::SOURCE, detail_type),
            deliveries: 1,
        });
    }
    for (source, detail_type) in OTHER_SOURCE_EVENTS {
        probes.push(Probe {
            name: format!("synthetic {source} / {detail_type}"),
            event: envelope(source, detail_type),
            deliveries: 0,
        });
    }
    probes
}

fn facts() -> &'static Facts {
    static FACTS: OnceLock<Facts> = OnceLock::new();
    FACTS.get_or_init(|| {
        let probes = probes();
        let events: Vec<(String, Value)> = probes
            .iter()
            .map(|probe| (probe.name.clone(), probe.event.clone()))
            .collect();
        let report = support::template::report(&events);
        Facts { report, probes }
    })
}

/// The template's only function, and what the helper says about it.
fn function() -> (&'static str, &'static Value) {
    let functions = facts().report["functions"].as_object().expect("functions");
    assert_eq!(
        functions.len(),
        1,
        "expected exactly one AWS::Serverless::Function, found {:?}",
        functions.keys().collect::<Vec<_>>()
    );
    let (name, value) = functions.iter().next().unwrap();
    (name.as_str(), value)
}

/// Rules with at least one target pointing at the function, and how many such targets.
fn function_rules() -> BTreeMap<&'static str, (usize, &'static Value)> {
    let (function, _) = function();
    facts().report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter_map(|rule| {
            let targets = rule["targets"]
                .as_array()
                .expect("targets")
                .iter()
                .filter(|t| t["function"] == function)
                .count();
            (targets > 0).then(|| (rule["id"].as_str().expect("rule id"), (targets, rule)))
        })
        .collect()
}

fn strings(value: &Value) -> BTreeSet<&str> {
    value
        .as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn the_code_knows_its_topic_variables() {
    // Guards the checks below against an empty or inconsistent contract.
    assert!(!TOPIC_VARIABLES.is_empty() && !KNOWN_DETAIL_TYPES.is_empty());
    for name in REQUIRED_TOPIC_VARIABLES {
        assert!(
            TOPIC_VARIABLES.contains(name),
            "{name} is required but not in TOPIC_VARIABLES"
        );
    }
}

#[test]
fn every_catalog_event_reaches_the_function_exactly_once() {
    let rules = function_rules();
    assert!(
        !rules.is_empty(),
        "no EventBridge rule targets {}",
        function().0
    );
    let matches = &facts().report["matches"];
    let mut wrong = Vec::new();
    for probe in &facts().probes {
        let matched = strings(&matches[probe.name.as_str()]);
        let deliveries: usize = matched
            .iter()
            .filter_map(|id| rules.get(id))
            .map(|(targets, _)| targets)
            .sum();
        if deliveries != probe.deliveries {
            wrong.push(format!(
                "{}: source {}, detail-type {} -> {deliveries} deliveries (rules {matched:?}), expected {}",
                probe.name, probe.event["source"], probe.event["detail-type"], probe.deliveries
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "rules disagree with the code:\n{}",
        wrong.join("\n")
    );
    // The probes cover what they claim to.
    let probed: BTreeSet<&str> = facts()
        .probes
        .iter()
        .filter(|p| p.deliveries == 1)
        .filter_map(|p| p.event["detail-type"].as_str())
        .collect();
    for detail_type in KNOWN_DETAIL_TYPES.iter().chain([&FUTURE_DETAIL_TYPE]) {
        assert!(probed.contains(detail_type), "{detail_type} was not probed");
    }
    assert!(
        facts().probes.iter().any(|p| p.deliveries == 0),
        "no other-source event probed"
    );
}

#[test]
fn function_rules_are_live_on_the_default_bus() {
    for (id, (_, rule)) in function_rules() {
        assert!(
            rule["bus"].is_null() || rule["bus"] == "default",
            "rule {id} is on bus {}: AWS delivers Marketplace events to the default bus",
            rule["bus"]
        );
        assert_eq!(rule["state"], "ENABLED", "rule {id} is not enabled");
    }
}

#[test]
fn rule_targets_pass_the_whole_event_and_keep_undeliverable_ones() {
    let (function, _) = function();
    for (id, (_, rule)) in function_rules() {
        for target in rule["targets"].as_array().unwrap() {
            if target["function"] != function {
                continue;
            }
            assert_eq!(
                target["input_keys"],
                json!([]),
                "rule {id} rewrites the event; the handler needs the whole envelope"
            );
            assert!(
                target["retry_policy"].is_object(),
                "rule {id} has no RetryPolicy"
            );
            assert!(
                !target["dead_letter_arn"].is_null() || !target["dead_letter_type"].is_null(),
                "rule {id} has no DeadLetterConfig"
            );
        }
    }
}

#[test]
fn every_topic_variable_is_set_from_a_topic_the_function_may_publish_to() {
    let (function, report) = function();
    let environment = &report["environment"];
    let topics = facts().report["topics"].as_object().expect("topics");
    let publishable = strings(&report["publish_topics"]);
    for name in TOPIC_VARIABLES {
        let value = &environment[*name];
        assert!(
            !value.is_null(),
            "{function} does not set {name}, which the code reads"
        );
        let topic = value["ref"].as_str().unwrap_or_else(|| {
            panic!(
                "{name} must be a !Ref to a topic of this stack, found {}",
                value["value"]
            )
        });
        assert!(
            topics.contains_key(topic),
            "{name} refers to {topic}, which is not an SNS topic"
        );
        assert!(
            publishable.contains(topic),
            "{name} is {topic}, but {function} has no SNSPublishMessagePolicy for it"
        );
    }
}

#[test]
fn every_topic_the_function_may_publish_to_is_read_by_the_code() {
    let (function, report) = function();
    let environment = report["environment"].as_object().expect("environment");
    for topic in strings(&report["publish_topics"]) {
        let readers: Vec<&String> = environment
            .iter()
            .filter(|(_, value)| value["ref"] == topic)
            .map(|(name, _)| name)
            .collect();
        assert!(
            readers
                .iter()
                .any(|name| TOPIC_VARIABLES.contains(&name.as_str())),
            "{function} may publish to {topic}, but no variable the code reads names it \
             (set by: {readers:?}; the code reads {TOPIC_VARIABLES:?})"
        );
    }
    for name in environment
        .keys()
        .filter(|name| name.ends_with("_TOPIC_ARN"))
    {
        assert!(
            TOPIC_VARIABLES.contains(&name.as_str()),
            "{name} is set in the template but the code never reads it"
        );
    }
    assert!(
        !environment.contains_key("NOTIFIER_DRY_RUN"),
        "the deployed function must publish: NOTIFIER_DRY_RUN is for local runs only"
    );
}

#[test]
fn grants_are_scoped() {
    let (function, report) = function();
    assert_eq!(
        report["publish_unresolved"],
        json!([]),
        "{function} has sns:Publish grants that do not name one of this stack's topics"
    );
    // DescribeAgreement has no resource type, so IAM accepts it only on "*"; nothing
    // else may be granted that way.
    let wildcards: Vec<&Value> = report["wildcard_statements"]
        .as_array()
        .expect("wildcard_statements")
        .iter()
        .filter(|statement| statement["Action"] != "aws-marketplace:DescribeAgreement")
        .collect();
    assert!(
        wildcards.is_empty(),
        "{function} has policy statements on Resource \"*\": {wildcards:?}"
    );
}

#[test]
fn agreement_events_have_their_own_rule_and_topic() {
    let (function, report) = function();
    let rules = function_rules();
    let agreement_rules: Vec<&str> = rules
        .iter()
        .filter(|(_, (_, rule))| rule["pattern"]["source"] == json!([agreement::SOURCE]))
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(
        agreement_rules.len(),
        1,
        "expected one rule on source {} targeting {function}, found {agreement_rules:?}",
        agreement::SOURCE
    );
    let topic = report["environment"]["AGREEMENTS_TOPIC_ARN"]["ref"]
        .as_str()
        .expect("AGREEMENTS_TOPIC_ARN is a !Ref to a topic");
    assert!(
        strings(&report["publish_topics"]).contains(topic),
        "{function} may not publish to {topic}"
    );
}

#[test]
fn failed_invocations_are_retried_then_kept() {
    let (function, report) = function();
    let config = &report["event_invoke_config"];
    assert!(config.is_object(), "{function} has no EventInvokeConfig");
    assert_eq!(
        config["MaximumRetryAttempts"], 2,
        "{function}: MaximumRetryAttempts"
    );
    let on_failure = &config["DestinationConfig"]["OnFailure"];
    assert_eq!(
        on_failure["Type"], "SQS",
        "{function}: OnFailure destination must be SQS"
    );
    assert!(
        !on_failure["Destination"].is_null(),
        "{function}: OnFailure has no Destination"
    );
}

#[test]
fn topics_are_standard_and_encrypted() {
    let topics = facts().report["topics"].as_object().expect("topics");
    assert!(!topics.is_empty(), "the template declares no SNS topic");
    for (name, topic) in topics {
        assert_eq!(
            topic["fifo"], false,
            "{name}: FIFO topics cannot deliver e-mail"
        );
        assert!(
            !topic["kms_master_key_id"].is_null(),
            "{name} is not encrypted (KmsMasterKeyId)"
        );
    }
}
