//! template.yaml agrees with the code: the EventBridge rules send every catalog event to
//! the function exactly once (checked with moto's EventBridge pattern matcher, not a
//! hand-written one), the topic variables the code reads are set from topics the function
//! may publish to, and failed events are kept.
//!
//! The template is read by tests/template_patterns.py, run with the Python named by
//! `NOTIFIER_PYTHON` (the project's venv with moto and cfn-lint; `make test` sets it).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use marketplace_catalog_notifier::aws::{EXPIRATION_ATTRIBUTE, KEY_ATTRIBUTE};
use marketplace_catalog_notifier::config::{
    CHAT_SEVERITIES_VARIABLE, CHAT_TOPIC_VARIABLE, DEDUPE_TABLE_VARIABLE, REQUIRED_TOPIC_VARIABLES,
    TOPIC_VARIABLES,
};
use marketplace_catalog_notifier::families::agreement;
use marketplace_catalog_notifier::families::catalog::SOURCE;
use marketplace_catalog_notifier::registry;
use serde_json::{Value, json};

use crate::support::{envelope, sample_events};

/// A detail type the code has no formatter for, standing in for one AWS adds later.
const FUTURE_DETAIL_TYPE: &str = "Catalog Entity Deprecated";

/// A real Marketplace source the function must not receive (the code rejects it): buyer-
/// and vendor-side, not a seller's.
const OTHER_SOURCE: &str = "aws.vendor-insights";

/// Marketplace events from sources the function must not receive.
const OTHER_SOURCE_EVENTS: &[(&str, &str)] = &[
    (OTHER_SOURCE, "Disbursement Paused"),
    ("aws.private-marketplace", "Offer Released"),
];

/// Agreement types the code has no dedicated composition for; they must still arrive.
const UNCOMPOSED_AGREEMENT_TYPES: &[&str] = &[
    "Purchase Agreement Created - Acceptor",
    "Agreement Cancellation Request Approved - Acceptor",
    "Purchase Agreement Something New - Proposer",
];

/// The account the template helper takes the stack to run in (its `AWS::AccountId`).
const STACK_ACCOUNT: &str = "123456789012";

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

/// An event from `source` with an empty detail: the rules match on source and type only.
fn probe_event(source: &str, detail_type: &str) -> Value {
    let mut event = envelope(detail_type, json!({}));
    event["source"] = json!(source);
    event
}

/// Every sample event, which the template is checked against.
fn sample_probes() -> Vec<Probe> {
    sample_events()
        .into_iter()
        .map(|(file, mut event)| {
            // A sample is what its receiving account sees, and the stack is deployed in
            // that account: the helper's stack runs in STACK_ACCOUNT.
            event["account"] = json!(STACK_ACCOUNT);
            // The template must mirror the code: the function accepts only the registry's
            // sources.
            let deliveries = usize::from(
                event["source"]
                    .as_str()
                    .is_some_and(|source| registry::sources().any(|known| known == source)),
            );
            Probe {
                name: format!("events/{file}"),
                event,
                deliveries,
            }
        })
        .collect()
}

fn probes() -> Vec<Probe> {
    let mut probes = sample_probes();
    let routed = registry::routes()
        .map(|route| (route.source, route.detail_type))
        .chain([(SOURCE, FUTURE_DETAIL_TYPE)])
        .chain(
            UNCOMPOSED_AGREEMENT_TYPES
                .iter()
                .map(|detail_type| (agreement::SOURCE, *detail_type)),
        );
    for (source, detail_type) in routed {
        probes.push(Probe {
            name: format!("synthetic {source} / {detail_type}"),
            event: probe_event(source, detail_type),
            deliveries: 1,
        });
        // Same detail type from another Marketplace source: the source must decide.
        probes.push(Probe {
            name: format!("synthetic {OTHER_SOURCE} / {detail_type}"),
            event: probe_event(OTHER_SOURCE, detail_type),
            deliveries: 0,
        });
    }
    for (source, detail_type) in OTHER_SOURCE_EVENTS {
        probes.push(Probe {
            name: format!("synthetic {source} / {detail_type}"),
            event: probe_event(source, detail_type),
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
        let report = crate::support::template::report(&events);
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
    assert!(!TOPIC_VARIABLES.is_empty() && registry::routes().next().is_some());
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
    for detail_type in registry::known_detail_types()
        .iter()
        .chain([&FUTURE_DETAIL_TYPE])
    {
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
            "{name} is {topic}, but {function} has no sns:Publish grant for it"
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
            readers.iter().any(|name| is_read_topic_variable(name)),
            "{function} may publish to {topic}, but no variable the code reads names it \
             (set by: {readers:?}; the code reads {TOPIC_VARIABLES:?})"
        );
    }
    for name in environment
        .keys()
        .filter(|name| name.ends_with("_TOPIC_ARN"))
    {
        assert!(
            is_read_topic_variable(name),
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
    // DescribeAgreement has no resource type and no condition key, so IAM accepts it only
    // on "*"; nothing else may be granted that way.
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
    let agreement_rules: Vec<&str> = function_rules()
        .into_iter()
        .filter(|(_, (_, rule))| rule["pattern"]["source"] == json!([agreement::SOURCE]))
        .map(|(id, _)| id)
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

/// The topics of deployed stacks: `<name>Topic`, its `<name>TopicPolicy` and the
/// `<name>TopicArn` output. A logical id that changes makes CloudFormation replace the
/// topic (new ARN, subscriptions lost); an output name is what deployers read.
const DEPLOYED_TOPIC_NAMES: &[&str] = &[
    "Offers",
    "ChangeSets",
    "Security",
    "OtherEvents",
    "Agreements",
    "Payments",
    "Cosell",
    "Chat",
    "Alarms",
];

#[test]
fn deployed_topics_keep_their_logical_ids_and_output_names() {
    let report = &facts().report;
    for name in DEPLOYED_TOPIC_NAMES {
        let topic = format!("{name}Topic");
        let policy = format!("{topic}Policy");
        let output = format!("{topic}Arn");
        assert_eq!(
            report["resources"][&topic]["Type"], "AWS::SNS::Topic",
            "{topic} is no longer an SNS topic of the template"
        );
        assert_eq!(
            report["resources"][&policy]["Type"], "AWS::SNS::TopicPolicy",
            "{policy} is no longer a topic policy of the template"
        );
        assert_eq!(
            report["resources"][&policy]["Properties"]["Topics"],
            json!([reference(&topic)]),
            "{policy} must protect {topic} alone"
        );
        assert_eq!(
            report["outputs"][&output]["Value"],
            reference(&topic),
            "output {output} must give {topic}'s ARN"
        );
    }
}

#[test]
fn every_topic_has_an_arn_output_and_a_display_name() {
    let report = &facts().report;
    for name in resources_of("AWS::SNS::Topic").keys() {
        let output = &report["outputs"][format!("{name}Arn")];
        assert_eq!(
            output["Value"],
            reference(name),
            "{name} has no {name}Arn output (a name missing from a loop's list?)"
        );
        assert!(
            output["Description"]
                .as_str()
                .is_some_and(|text| !text.is_empty()),
            "{name}Arn has no description"
        );
        // A literal once the template is expanded: a Fn::FindInMap left over means the
        // mapping lacks the topic's entry, which neither linter reports.
        let display_name = &report["resources"][*name]["Properties"]["DisplayName"];
        assert!(
            display_name.as_str().is_some_and(|text| !text.is_empty()),
            "{name}: DisplayName (the e-mail sender name) is {display_name}, not a name"
        );
    }
}

#[test]
fn the_report_shows_what_each_loop_makes_and_no_loop() {
    let report = &facts().report;
    for section in ["resources", "outputs"] {
        let keys = report[section]
            .as_object()
            .expect("a section of the report");
        assert!(
            keys.keys().all(|key| !key.starts_with("Fn::ForEach::")),
            "the helper left a Fn::ForEach in {section}: the checks would miss what it makes"
        );
    }
    for (name, topic_loop) in report["loops"].as_object().expect("the report lists loops") {
        let made = strings(&topic_loop["made"]);
        assert!(!made.is_empty(), "{name} makes nothing");
        let section = topic_loop["section"]
            .as_str()
            .expect("a loop's section")
            .to_lowercase();
        for key in made {
            assert!(
                report[&section][key].is_object(),
                "{name} makes {key}, which the report's {section} lack"
            );
        }
    }
}

// ------------------------------------------------------------ operations: alarms, policies

/// Every resource of one CloudFormation type, as written in the template.
fn resources_of(kind: &str) -> BTreeMap<&'static str, &'static Value> {
    facts().report["resources"]
        .as_object()
        .expect("the report lists resources")
        .iter()
        .filter(|(_, resource)| resource["Type"] == kind)
        .map(|(id, resource)| (id.as_str(), resource))
        .collect()
}

fn reference(id: &str) -> Value {
    json!({"Ref": id})
}

fn get_att(id: &str, attribute: &str) -> Value {
    json!({"Fn::GetAtt": [id, attribute]})
}

/// The alarms watching `metric` in `namespace` with one dimension equal to `dimension`.
fn alarms_on(namespace: &str, metric: &str, dimension: &Value) -> Vec<&'static str> {
    resources_of("AWS::CloudWatch::Alarm")
        .into_iter()
        .filter(|(_, alarm)| {
            let properties = &alarm["Properties"];
            properties["Namespace"] == namespace
                && properties["MetricName"] == metric
                && properties["Dimensions"]
                    .as_array()
                    .is_some_and(|dimensions| dimensions.iter().any(|d| &d["Value"] == dimension))
                && properties["Threshold"] == 0
                && properties["ComparisonOperator"] == "GreaterThanThreshold"
        })
        .map(|(id, _)| id)
        .collect()
}

/// The SNS topic the alarms notify: the one an alarm names first.
fn alarms_topic() -> &'static str {
    let alarms = resources_of("AWS::CloudWatch::Alarm");
    let (_, alarm) = alarms.iter().next().expect("the template declares alarms");
    alarm["Properties"]["AlarmActions"][0]["Ref"]
        .as_str()
        .expect("an alarm action is a !Ref to a topic")
}

fn statements(document: &Value) -> Vec<&Value> {
    match &document["Statement"] {
        Value::Array(statements) => statements.iter().collect(),
        statement => vec![statement],
    }
}

#[test]
fn every_failure_queue_has_an_alarm_on_waiting_messages() {
    let queues = resources_of("AWS::SQS::Queue");
    assert!(!queues.is_empty(), "the template declares no failure queue");
    for queue in queues.keys() {
        let alarms = alarms_on(
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            &get_att(queue, "QueueName"),
        );
        assert!(
            !alarms.is_empty(),
            "{queue} has no alarm on ApproximateNumberOfMessagesVisible > 0"
        );
    }
}

#[test]
fn the_function_and_its_rule_have_failure_alarms() {
    let (function, _) = function();
    for metric in ["Errors", "DestinationDeliveryFailures", "Throttles"] {
        assert!(
            !alarms_on("AWS/Lambda", metric, &reference(function)).is_empty(),
            "{function} has no alarm on {metric} > 0"
        );
    }
    for rule in function_rules().keys() {
        // SAM names the rule it generates from Function.Events.Name as FunctionName.
        let generated = rule.replace(".Events.", "");
        assert!(
            !alarms_on("AWS/Events", "FailedInvocations", &reference(&generated)).is_empty(),
            "rule {generated} has no alarm on FailedInvocations > 0"
        );
    }
}

#[test]
fn every_alarm_notifies_the_alarms_topic_and_says_what_to_do() {
    let topic = alarms_topic();
    assert!(
        resources_of("AWS::SNS::Topic").contains_key(topic),
        "alarm action {topic} is not a topic of this stack"
    );
    let (function, report) = function();
    assert!(
        !strings(&report["publish_topics"]).contains(topic),
        "{function} may publish to the alarms topic {topic}"
    );
    for (id, alarm) in resources_of("AWS::CloudWatch::Alarm") {
        let properties = &alarm["Properties"];
        assert_eq!(
            properties["AlarmActions"],
            json!([reference(topic)]),
            "{id}: every alarm notifies {topic}, and only it"
        );
        assert!(
            properties["ActionsEnabled"] != false,
            "{id} has its actions disabled"
        );
        let description = properties["AlarmDescription"].to_string();
        assert!(
            description.contains("make redrive") || id.contains("DestinationDelivery"),
            "{id}: the description must give the redrive command: {description}"
        );
    }
}

#[test]
fn the_alarms_topic_key_admits_cloudwatch_for_this_stack_and_rotates() {
    let topic = alarms_topic();
    let key_ref = &resources_of("AWS::SNS::Topic")[topic]["Properties"]["KmsMasterKeyId"];
    let key_id = key_ref["Ref"].as_str().unwrap_or_else(|| {
        panic!("{topic} must use a customer-managed key of this stack, not {key_ref}")
    });
    let key = resources_of("AWS::KMS::Key")
        .get(key_id)
        .copied()
        .unwrap_or_else(|| panic!("{topic}'s key {key_id} is not an AWS::KMS::Key"));
    assert_eq!(
        key["Properties"]["EnableKeyRotation"], true,
        "{key_id}: rotation"
    );
    let cloudwatch: Vec<&Value> = statements(&key["Properties"]["KeyPolicy"])
        .into_iter()
        .filter(|statement| {
            statement["Effect"] == "Allow"
                && statement["Principal"]["Service"] == "cloudwatch.amazonaws.com"
        })
        .collect();
    assert_eq!(
        cloudwatch.len(),
        1,
        "{key_id}: one key-policy statement admits CloudWatch"
    );
    let statement = cloudwatch[0];
    let actions = strings(&statement["Action"]);
    assert_eq!(
        actions,
        BTreeSet::from(["kms:Decrypt", "kms:GenerateDataKey*"]),
        "{key_id}: CloudWatch needs exactly these to publish to an encrypted topic"
    );
    let condition = &statement["Condition"];
    assert_eq!(
        condition["StringEquals"]["aws:SourceAccount"],
        reference("AWS::AccountId"),
        "{key_id}: CloudWatch acts for this account only"
    );
    let source = condition["ArnLike"]["aws:SourceArn"].to_string();
    assert!(
        source.contains(":alarm:${AWS::StackName}-"),
        "{key_id}: CloudWatch acts for this stack's alarms only, not {source}"
    );
    for (id, alarm) in resources_of("AWS::CloudWatch::Alarm") {
        let name = alarm["Properties"]["AlarmName"]["Fn::Sub"].as_str();
        assert!(
            name.is_some_and(|name| name.starts_with("${AWS::StackName}-")),
            "{id}: AlarmName must start with the stack name, or the key policy refuses it"
        );
    }
}

#[test]
fn only_the_function_role_may_publish_notifications() {
    let (function, report) = function();
    let role = report["role_id"].as_str().unwrap_or_else(|| {
        panic!("{function} must use a role of this stack (Role: !GetAtt X.Arn)")
    });
    let alarms = alarms_topic();
    let policies = resources_of("AWS::SNS::TopicPolicy");
    for topic in resources_of("AWS::SNS::Topic").keys() {
        let documents: Vec<&Value> = policies
            .values()
            .filter(|policy| {
                policy["Properties"]["Topics"]
                    .as_array()
                    .is_some_and(|topics| topics.contains(&reference(topic)))
            })
            .map(|policy| &policy["Properties"]["PolicyDocument"])
            .collect();
        assert!(!documents.is_empty(), "{topic} has no topic policy");
        let all: Vec<&Value> = documents.into_iter().flat_map(statements).collect();
        let publishes = |statement: &Value| {
            strings(&statement["Action"]).contains("sns:Publish")
                || statement["Action"] == "sns:Publish"
        };
        // The Deny on everyone but the allowed principals, with no other condition.
        let deny = all
            .iter()
            .filter(|statement| publishes(statement))
            .find(|statement| {
                statement["Effect"] == "Deny"
                    && statement["Principal"] == "*"
                    && statement["Condition"].get("Bool").is_none()
            })
            .unwrap_or_else(|| panic!("{topic}: no Deny of sns:Publish to other principals"));
        let condition = deny["Condition"].as_object().expect("a condition");
        assert_eq!(condition.len(), 1, "{topic}: the Deny has one condition");
        if *topic == alarms {
            assert_eq!(
                deny["Condition"]["StringNotEquals"]["aws:PrincipalServiceName"],
                "cloudwatch.amazonaws.com",
                "{topic}: only CloudWatch may publish alarms"
            );
        } else {
            let allowed = &deny["Condition"]["ArnNotEquals"]["aws:PrincipalArn"];
            let role_arn = get_att(role, "Arn");
            // Always the function's role; the redrive role only when that parameter is set.
            let expected = json!({"Fn::If": [
                "HasRedrivePrincipal",
                [role_arn, reference("RedrivePrincipalArn")],
                [role_arn]
            ]});
            assert_eq!(
                allowed, &expected,
                "{topic}: publishing must be denied to all but {role}"
            );
        }
        // No Allow grants publishing to anyone but CloudWatch on the alarms topic.
        for statement in all.iter().filter(|statement| publishes(statement)) {
            if statement["Effect"] == "Allow" {
                assert!(
                    *topic == alarms
                        && statement["Principal"] == json!({"Service": "cloudwatch.amazonaws.com"}),
                    "{topic}: a topic policy lets {} publish",
                    statement["Principal"]
                );
            }
        }
    }
}

#[test]
fn the_function_role_writes_only_its_own_log_group() {
    let (function, report) = function();
    assert_eq!(
        report["managed_policies"],
        json!([]),
        "{function}: managed policies (AWSLambdaBasicExecutionRole logs to Resource \"*\")"
    );
    let role = report["role_id"].as_str().expect("the function's own role");
    let log_group =
        facts().report["resources"][function]["Properties"]["LoggingConfig"]["LogGroup"]["Ref"]
            .as_str()
            .unwrap_or_else(|| {
                panic!("{function}: LoggingConfig.LogGroup is a !Ref to a log group")
            });
    let role_resource = resources_of("AWS::IAM::Role")[role];
    assert!(
        role_resource["Properties"]["ManagedPolicyArns"].is_null(),
        "{role} has managed policies"
    );
    let text = role_resource.to_string();
    let logs: Vec<&Value> = role_resource["Properties"]["Policies"]
        .as_array()
        .expect("inline policies")
        .iter()
        .filter_map(|policy| policy.get("PolicyDocument"))
        .flat_map(statements)
        .filter(|statement| statement.to_string().contains("logs:"))
        .collect();
    assert_eq!(logs.len(), 1, "{role}: one statement on logs: {text}");
    assert_eq!(
        strings(&logs[0]["Action"]),
        BTreeSet::from(["logs:CreateLogStream", "logs:PutLogEvents"])
    );
    assert_eq!(logs[0]["Resource"], get_att(log_group, "Arn"));
}

#[test]
fn both_failure_queues_are_retained() {
    let queues = resources_of("AWS::SQS::Queue");
    assert_eq!(
        queues.len(),
        2,
        "the two failure queues: {:?}",
        queues.keys()
    );
    for (id, queue) in queues {
        assert_eq!(queue["DeletionPolicy"], "Retain", "{id}: DeletionPolicy");
        assert_eq!(
            queue["UpdateReplacePolicy"], "Retain",
            "{id}: UpdateReplacePolicy"
        );
    }
}

#[test]
fn reserved_concurrency_is_a_parameter_off_by_default() {
    let (function, _) = function();
    let properties = &facts().report["resources"][function]["Properties"];
    assert_eq!(
        properties["ReservedConcurrentExecutions"],
        json!({"Fn::If": ["HasReservedConcurrency", reference("ReservedConcurrency"), reference("AWS::NoValue")]}),
        "{function}: ReservedConcurrentExecutions"
    );
}

/// A topic variable the code reads: a family topic's or the chat topic's.
fn is_read_topic_variable(name: &str) -> bool {
    TOPIC_VARIABLES.contains(&name) || name == CHAT_TOPIC_VARIABLE
}

/// The logical id of the topic CHAT_TOPIC_ARN is set from.
fn chat_topic() -> &'static str {
    let (function, report) = function();
    report["environment"][CHAT_TOPIC_VARIABLE]["ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{function} must set {CHAT_TOPIC_VARIABLE} to a !Ref of a topic"))
}

#[test]
fn the_chat_topic_is_passed_to_the_function_and_publishable() {
    let (function, report) = function();
    let topic = chat_topic();
    assert!(
        facts().report["topics"][topic].is_object(),
        "{CHAT_TOPIC_VARIABLE} refers to {topic}, which is not an SNS topic"
    );
    assert!(
        strings(&report["publish_topics"]).contains(topic),
        "{function} may not publish to the chat topic {topic}"
    );
    for (name, value) in [
        ("offers", TOPIC_VARIABLES[0]),
        ("change sets", TOPIC_VARIABLES[1]),
    ] {
        assert_ne!(
            report["environment"][value]["ref"], topic,
            "the chat topic must be its own topic, not the {name} one"
        );
    }
    assert!(
        !report["environment"][CHAT_SEVERITIES_VARIABLE].is_null(),
        "{function} does not pass the chat severity filter ({CHAT_SEVERITIES_VARIABLE})"
    );
}

#[test]
fn chat_channel_configurations_subscribe_to_the_chat_and_alarms_topics_and_can_do_nothing() {
    let channels = facts().report["chat_channels"]
        .as_object()
        .expect("chat_channels");
    let types: BTreeSet<&str> = channels
        .values()
        .filter_map(|channel| channel["type"].as_str())
        .collect();
    assert_eq!(
        types,
        BTreeSet::from([
            "AWS::Chatbot::MicrosoftTeamsChannelConfiguration",
            "AWS::Chatbot::SlackChannelConfiguration",
        ]),
        "expected one Slack and one Teams channel configuration"
    );
    let roles = facts().report["roles"].as_object().expect("roles");
    for (name, channel) in channels {
        assert!(
            channel["condition"].is_string(),
            "{name} must be conditional: without channel parameters nothing is created"
        );
        // The chat topic's notifications, and the alarms (Q Developer renders CloudWatch
        // alarm messages itself); nothing else.
        assert_eq!(
            channel["sns_topics"],
            json!([chat_topic(), alarms_topic()]),
            "{name} must subscribe to the chat topic and the alarms topic only"
        );
        let guardrails = format!("{}", channel["guardrails"]);
        assert!(
            guardrails.contains("AWSDenyAll"),
            "{name}: the guardrail must deny every action, found {guardrails}"
        );
        let role_name = channel["role"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: IamRoleArn must be !GetAtt <role>.Arn"));
        let role = &roles[role_name];
        assert_eq!(
            role["services"],
            json!(["chatbot.amazonaws.com"]),
            "{role_name} must be assumable by Q Developer only"
        );
        assert_eq!(
            (&role["policies"], &role["managed_policies"]),
            (&json!([]), &json!([])),
            "{role_name} must grant nothing: the channels only receive notifications"
        );
    }
}

// ---- durable duplicate check (src/dedupe/, src/aws/delivery_table.rs) ----

/// The DynamoDB item actions src/aws/delivery_table.rs calls, and nothing more.
const DELIVERY_TABLE_ACTIONS: &[&str] = &[
    "dynamodb:DeleteItem",
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
];

#[test]
fn the_delivery_table_and_its_grants_exist_exactly_when_durable_deduplication_is_on() {
    let report = &facts().report;
    let parameter = &report["parameters"]["DurableDeduplication"];
    assert_eq!(parameter["Default"], "true", "DurableDeduplication default");
    assert_eq!(parameter["AllowedValues"], json!(["true", "false"]));

    // The one condition that is true exactly when the parameter is "true".
    let on = json!({"Fn::Equals": [{"Ref": "DurableDeduplication"}, "true"]});
    let conditions: Vec<&String> = report["conditions"]
        .as_object()
        .expect("conditions")
        .iter()
        .filter(|(_, condition)| **condition == on)
        .map(|(name, _)| name)
        .collect();
    let [condition] = conditions.as_slice() else {
        panic!("expected one condition equal to {on}, found {conditions:?}");
    };
    let condition = condition.as_str();

    let tables = report["tables"].as_object().expect("tables");
    assert_eq!(tables.len(), 1, "expected one DynamoDB table: {tables:?}");
    let (table, facts_of_table) = tables.iter().next().unwrap();
    assert_eq!(facts_of_table["condition"], condition, "{table}: Condition");
    assert_eq!(facts_of_table["deletion_policy"], "Retain", "{table}");
    assert_eq!(facts_of_table["update_replace_policy"], "Retain", "{table}");
    let properties = &facts_of_table["properties"];
    assert_eq!(properties["BillingMode"], "PAY_PER_REQUEST", "{table}");
    assert_eq!(
        properties["KeySchema"],
        json!([{"AttributeName": KEY_ATTRIBUTE, "KeyType": "HASH"}]),
        "{table}: the code's partition key"
    );
    assert_eq!(
        properties["AttributeDefinitions"],
        json!([{"AttributeName": KEY_ATTRIBUTE, "AttributeType": "S"}]),
        "{table}"
    );
    assert_eq!(
        properties["TimeToLiveSpecification"],
        json!({"AttributeName": EXPIRATION_ATTRIBUTE, "Enabled": true}),
        "{table}: TTL on the attribute the code writes"
    );
    assert_eq!(
        properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], true,
        "{table}: point-in-time recovery"
    );
    assert_eq!(
        properties["SSESpecification"]["SSEEnabled"], true,
        "{table}: encryption"
    );

    let (function, report) = function();
    assert_eq!(
        report["environment"][DEDUPE_TABLE_VARIABLE]["value"],
        json!({"Fn::If": [condition, {"Ref": table}, ""]}),
        "{function}: {DEDUPE_TABLE_VARIABLE} must name the table exactly when it exists"
    );
    let grants = report["dynamodb_grants"].as_array().expect("grants");
    assert!(!grants.is_empty(), "{function} has no access to {table}");
    let mut actions = BTreeSet::new();
    for grant in grants {
        assert_eq!(
            grant["condition"], condition,
            "{function}: a DynamoDB grant deployed regardless of {condition}: {grant}"
        );
        assert_eq!(
            grant["resources"],
            json!([{"Fn::GetAtt": [table, "Arn"]}]),
            "{function}: DynamoDB grants name the table only"
        );
        actions.extend(strings(&grant["actions"]));
    }
    assert_eq!(
        actions,
        DELIVERY_TABLE_ACTIONS.iter().copied().collect(),
        "{function}: exactly the item actions the code uses"
    );
}
