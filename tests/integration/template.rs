//! template.yaml agrees with the code: the EventBridge rules send every catalog event to
//! the function exactly once (checked with moto's EventBridge pattern matcher, not a
//! hand-written one), the topic variables the code reads are set from topics the function
//! may publish to, and failed events are kept. With routes, the digest table has the keys the
//! code writes and the schedules invoke the function with the digest requests it answers.
//!
//! The template is read by tests/template_patterns.py, run with the Python named by
//! `NOTIFIER_PYTHON` (the project's venv with moto and cfn-lint; `make test` sets it).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use marketplace_catalog_notifier::aws::{EXPIRATION_ATTRIBUTE, KEY_ATTRIBUTE};
use marketplace_catalog_notifier::config::{
    CHAT_SEVERITIES_VARIABLE, CHAT_TOPIC_VARIABLE, DEDUPE_TABLE_VARIABLE, DIGEST_TABLE_VARIABLE,
    REQUIRED_TOPIC_VARIABLES, ROUTES_VARIABLE, TOPIC_VARIABLES,
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
    // Besides the stack's topics, only the topics outside it that routes may name, as
    // listed in RouteTopicArns (checked with the routes below).
    assert_eq!(
        report["publish_unresolved"],
        json!([route_topics_grant()]),
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
            description.contains("make redrive")
                || description.contains("aws sqs receive-message")
                || id.contains("DestinationDelivery"),
            "{id}: the description must give the command that puts it right: {description}"
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
fn every_queue_is_retained() {
    let queues = resources_of("AWS::SQS::Queue");
    assert_eq!(
        queues.keys().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([
            "DeliveryFailureQueue",
            "ProcessingFailureQueue",
            "SubscriptionDeadLetterQueue",
            "DigestScheduleDeadLetterQueue",
        ]),
        "the failure queues (deployed stacks know the first two by these logical ids) and \
         the digest schedules' dead-letter queue"
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

// ---- durable duplicate check (core/src/dedupe/, src/aws/delivery_table.rs) ----

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

    // The table DEDUPE_TABLE_NAME names (the digest table is checked with the routes).
    let tables = report["tables"].as_object().expect("tables");
    let (_, function_facts) = function();
    let named = &function_facts["environment"][DEDUPE_TABLE_VARIABLE]["value"]["Fn::If"][1]["Ref"];
    let (table, facts_of_table) = tables
        .iter()
        .find(|(table, _)| *named == table.as_str())
        .unwrap_or_else(|| panic!("{DEDUPE_TABLE_VARIABLE} names no table of {tables:?}"));
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
    let table_arn = json!([{"Fn::GetAtt": [table, "Arn"]}]);
    let grants: Vec<&Value> = report["dynamodb_grants"]
        .as_array()
        .expect("grants")
        .iter()
        .filter(|grant| {
            grant["resources"].as_array().is_some_and(|resources| {
                resources
                    .iter()
                    .any(|resource| resource["Fn::GetAtt"][0] == table.as_str())
            })
        })
        .collect();
    assert!(!grants.is_empty(), "{function} has no access to {table}");
    let mut actions = BTreeSet::new();
    for grant in grants {
        assert_eq!(
            grant["condition"], condition,
            "{function}: a DynamoDB grant deployed regardless of {condition}: {grant}"
        );
        assert_eq!(
            grant["resources"], table_arn,
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

// ------------------------------------------------ every failure reaches a person (issue 21)

/// The member-account forwarder as a member deploys it (its alarms need an address).
fn forwarder_in_a_member() -> Value {
    crate::support::template::report_on(
        "templates/forwarder.yaml",
        &json!({"CentralAccountId": "999988887777",
                "CentralFunctionRoleArn": "arn:aws:iam::999988887777:role/notifier",
                "AlarmsEmail": "alarms@example.com"}),
        &[],
    )["deployed"]
        .clone()
}

/// Every resource of `kind` in a `resources` section (the report's, or a `deployed` one).
fn of_type<'a>(resources: &'a Value, kind: &str) -> BTreeMap<&'a str, &'a Value> {
    resources
        .as_object()
        .expect("a resources section")
        .iter()
        .filter(|(_, resource)| resource["Type"] == kind)
        .map(|(id, resource)| (id.as_str(), resource))
        .collect()
}

/// The alarms of `resources` on `namespace`/`metric` with a dimension equal to
/// `dimension`, by id, with their properties.
fn alarms_of<'a>(
    resources: &'a Value,
    namespace: &str,
    metric: &str,
    dimension: &Value,
) -> Vec<(&'a str, &'a Value)> {
    of_type(resources, "AWS::CloudWatch::Alarm")
        .into_iter()
        .map(|(id, alarm)| (id, &alarm["Properties"]))
        .filter(|(_, properties)| {
            properties["Namespace"] == namespace
                && properties["MetricName"] == metric
                && properties["Dimensions"]
                    .as_array()
                    .is_some_and(|dimensions| dimensions.iter().any(|d| &d["Value"] == dimension))
        })
        .collect()
}

/// An alarm's description as written (the `Fn::Sub` text, or a plain string).
fn description(properties: &Value) -> String {
    let text = &properties["AlarmDescription"];
    text["Fn::Sub"]
        .as_str()
        .or_else(|| text.as_str())
        .unwrap_or_else(|| panic!("an AlarmDescription of text or Fn::Sub text, not {text}"))
        .to_owned()
}

/// The queues of `resources` that are an SNS subscription's dead-letter queue.
fn subscription_dead_letter_queues(resources: &Value) -> BTreeSet<&str> {
    of_type(resources, "AWS::SNS::Subscription")
        .values()
        .filter_map(|subscription| {
            subscription["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
                .as_str()
        })
        .collect()
}

/// The queues of `resources` that are an EventBridge Scheduler schedule's dead-letter queue.
fn schedule_dead_letter_queues(resources: &Value) -> BTreeSet<&str> {
    of_type(resources, "AWS::Scheduler::Schedule")
        .values()
        .filter_map(|schedule| {
            schedule["Properties"]["Target"]["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0].as_str()
        })
        .collect()
}

/// Every queue of `resources` has an alarm on the age of its oldest message and one that
/// fires again for each new arrival, both on an alarm action, and both naming the queue
/// and the command that empties it: `make redrive` for failed events, reading the queue
/// for undelivered notifications.
fn assert_failure_queues_alarmed(resources: &Value, template: &str) {
    let queues = of_type(resources, "AWS::SQS::Queue");
    assert!(!queues.is_empty(), "{template} declares no queue");
    let dead_letters = subscription_dead_letter_queues(resources);
    let schedule_dead_letters = schedule_dead_letter_queues(resources);
    for queue in queues.keys() {
        let name = get_att(queue, "QueueName");
        let arrivals = alarms_of(resources, "AWS/SQS", "NumberOfMessagesSent", &name);
        let arrivals: Vec<_> = arrivals
            .into_iter()
            .filter(|(_, alarm)| {
                // A sum over one minute, back to OK when a minute sends nothing: an alarm
                // already raised by the last failure speaks again for the next.
                alarm["Statistic"] == "Sum"
                    && alarm["Period"].as_u64().is_some_and(|period| period <= 60)
                    && alarm["EvaluationPeriods"] == 1
                    && alarm["Threshold"] == 0
                    && alarm["ComparisonOperator"] == "GreaterThanThreshold"
                    && alarm["TreatMissingData"] == "notBreaching"
            })
            .collect();
        assert!(
            !arrivals.is_empty(),
            "{template}: {queue} has no alarm on each new message (NumberOfMessagesSent Sum \
             > 0 over at most 60 s, missing data not breaching)"
        );
        let ages: Vec<_> = alarms_of(resources, "AWS/SQS", "ApproximateAgeOfOldestMessage", &name)
            .into_iter()
            .filter(|(_, alarm)| {
                // Raised while there is still time: before the 14 days' retention ends.
                alarm["ComparisonOperator"] == "GreaterThanThreshold"
                    && alarm["Threshold"]
                        .as_u64()
                        .is_some_and(|seconds| seconds < 14 * 86_400)
            })
            .collect();
        assert!(
            !ages.is_empty(),
            "{template}: {queue} has no alarm on ApproximateAgeOfOldestMessage"
        );
        // A digest a schedule could not deliver is read, then sent again by invoking the
        // function with its payload; its items wait in the digest table meanwhile.
        let command = if dead_letters.contains(queue) || schedule_dead_letters.contains(queue) {
            format!("aws sqs receive-message --queue-url ${{{queue}}}")
        } else {
            format!("make redrive QUEUE_URL=${{{queue}}}")
        };
        for (id, alarm) in arrivals.into_iter().chain(ages) {
            let text = description(alarm);
            if schedule_dead_letters.contains(queue) {
                assert!(
                    text.contains("aws lambda invoke --function-name ${NotifierFunction}"),
                    "{template}: {id} must say how to send the digest now: {text}"
                );
            }
            assert!(
                text.contains(&format!("${{{queue}.QueueName}}")),
                "{template}: {id} must name the queue ${{{queue}.QueueName}}: {text}"
            );
            assert!(
                text.contains(&command),
                "{template}: {id} must give the command `{command}`: {text}"
            );
            assert!(
                alarm["AlarmActions"]
                    .as_array()
                    .is_some_and(|actions| !actions.is_empty()),
                "{template}: {id} notifies nobody"
            );
        }
    }
}

#[test]
fn every_failure_queue_has_an_age_alarm_and_a_new_arrival_alarm() {
    assert_failure_queues_alarmed(&facts().report["resources"], "template.yaml");
    assert_failure_queues_alarmed(&forwarder_in_a_member(), "templates/forwarder.yaml");
}

/// Topics with a subscriber in `resources`: an `AWS::SNS::Subscription`'s topic, or a chat
/// channel configuration's.
fn subscribed_topics(resources: &Value) -> BTreeSet<String> {
    let subscriptions = of_type(resources, "AWS::SNS::Subscription")
        .into_values()
        .filter_map(|subscription| subscription["Properties"]["TopicArn"]["Ref"].as_str());
    let channels = [
        "AWS::Chatbot::SlackChannelConfiguration",
        "AWS::Chatbot::MicrosoftTeamsChannelConfiguration",
    ]
    .into_iter()
    .flat_map(|kind| of_type(resources, kind).into_values())
    .flat_map(|channel| {
        channel["Properties"]["SnsTopicArns"]
            .as_array()
            .into_iter()
            .flatten()
    })
    .filter_map(|topic| topic["Ref"].as_str());
    subscriptions.chain(channels).map(str::to_owned).collect()
}

fn assert_subscribed_topics_alarmed(resources: &Value, template: &str) {
    let topics = subscribed_topics(resources);
    assert!(!topics.is_empty(), "{template}: no topic has a subscriber");
    for topic in &topics {
        let alarms: Vec<_> = alarms_of(
            resources,
            "AWS/SNS",
            "NumberOfNotificationsFailed",
            &get_att(topic, "TopicName"),
        )
        .into_iter()
        .filter(|(_, alarm)| {
            alarm["Statistic"] == "Sum"
                && alarm["Threshold"] == 0
                && alarm["ComparisonOperator"] == "GreaterThanThreshold"
                && alarm["TreatMissingData"] == "notBreaching"
        })
        .collect();
        assert!(
            !alarms.is_empty(),
            "{template}: {topic} has subscribers but no alarm on NumberOfNotificationsFailed > 0"
        );
    }
}

#[test]
fn every_subscribed_topic_has_a_failed_notification_alarm() {
    // The template as written: every conditional subscription and channel counts.
    let resources = &facts().report["resources"];
    let topics = subscribed_topics(resources);
    for topic in resources_of("AWS::SNS::Topic").keys() {
        assert!(
            topics.contains(*topic),
            "{topic} has no subscription or chat channel the stack can create"
        );
    }
    assert_subscribed_topics_alarmed(resources, "template.yaml");
    assert_subscribed_topics_alarmed(&forwarder_in_a_member(), "templates/forwarder.yaml");
}

fn assert_subscriptions_have_dead_letter_queues(resources: &Value, template: &str) {
    let subscriptions = of_type(resources, "AWS::SNS::Subscription");
    assert!(!subscriptions.is_empty(), "{template}: no subscription");
    let policies = of_type(resources, "AWS::SQS::QueuePolicy");
    for (id, subscription) in subscriptions {
        let properties = &subscription["Properties"];
        if !matches!(
            properties["Protocol"].as_str(),
            Some("email" | "email-json" | "sqs")
        ) {
            continue;
        }
        let queue = properties["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"]
            .as_array()
            .filter(|target| target.get(1) == Some(&json!("Arn")))
            .and_then(|target| target[0].as_str())
            .unwrap_or_else(|| {
                panic!("{template}: {id} has no RedrivePolicy naming a queue of the stack: {properties}")
            });
        assert_eq!(
            resources[queue]["Type"], "AWS::SQS::Queue",
            "{template}: {id}'s dead-letter target {queue}"
        );
        let topic = &properties["TopicArn"];
        // SNS writes the dead letters as sns.amazonaws.com, for the subscription's topic.
        let admitted = policies
            .values()
            .filter(|policy| {
                policy["Properties"]["Queues"]
                    .as_array()
                    .is_some_and(|queues| queues.contains(&reference(queue)))
            })
            .flat_map(|policy| statements(&policy["Properties"]["PolicyDocument"]))
            .any(|statement| {
                let sources = &statement["Condition"]["ArnEquals"]["aws:SourceArn"];
                statement["Effect"] == "Allow"
                    && statement["Principal"] == json!({"Service": "sns.amazonaws.com"})
                    && statement["Action"] == "sqs:SendMessage"
                    && statement["Resource"] == get_att(queue, "Arn")
                    && (sources == topic
                        || sources.as_array().is_some_and(|arns| arns.contains(topic)))
            });
        assert!(
            admitted,
            "{template}: {queue}'s policy must let sns.amazonaws.com send for {topic} ({id})"
        );
    }
}

#[test]
fn email_subscriptions_keep_what_sns_cannot_deliver() {
    assert_subscriptions_have_dead_letter_queues(&facts().report["resources"], "template.yaml");
    assert_subscriptions_have_dead_letter_queues(
        &forwarder_in_a_member(),
        "templates/forwarder.yaml",
    );
}

/// Sample values, valid for each parameter's AllowedPattern, of the parameters that decide
/// whether something subscribes to the alarms topic.
const RECIPIENT_SAMPLES: &[(&str, &str)] = &[
    ("AlarmsEmail", "alarms@example.com"),
    ("SlackWorkspaceId", "T012AB3CD"),
    ("SlackChannelId", "C012AB3CDE"),
    ("TeamsTenantId", "11111111-2222-3333-4444-555555555555"),
    ("TeamId", "11111111-2222-3333-4444-666666666666"),
    ("TeamsChannelId", "19:abc@thread.tacv2"),
];

/// The parameters a condition depends on, through the conditions it names.
fn condition_parameters(node: &Value, conditions: &Value, found: &mut BTreeSet<String>) {
    match node {
        Value::Array(items) => items
            .iter()
            .for_each(|item| condition_parameters(item, conditions, found)),
        Value::Object(map) => {
            if let Some(Value::String(name)) = map.get("Ref") {
                if !name.starts_with("AWS::") {
                    found.insert(name.clone());
                }
            } else if let Some(Value::String(name)) = map.get("Condition") {
                condition_parameters(&conditions[name], conditions, found);
            } else {
                map.values()
                    .for_each(|value| condition_parameters(value, conditions, found));
            }
        }
        _ => {}
    }
}

/// Whether a `deployed` section subscribes anything to `topic`.
fn has_subscriber(deployed: &Value, topic: &str) -> bool {
    subscribed_topics(deployed).contains(topic)
}

#[test]
fn no_deployable_parameter_set_leaves_the_alarms_topic_without_a_subscriber() {
    let report = &facts().report;
    let topic = alarms_topic();
    // Every parameter the alarms topic's possible subscribers depend on.
    let mut parameters = BTreeSet::new();
    for (id, resource) in report["resources"].as_object().expect("resources") {
        let subscribes = subscribed_topics(&json!({ id: resource })).contains(topic);
        if let (true, Some(condition)) = (subscribes, resource["Condition"].as_str()) {
            condition_parameters(
                &report["conditions"][condition],
                &report["conditions"],
                &mut parameters,
            );
        }
    }
    assert!(
        !parameters.is_empty(),
        "nothing subscribes to {topic} conditionally?"
    );
    let samples: BTreeMap<&str, &str> = RECIPIENT_SAMPLES.iter().copied().collect();
    let parameters: Vec<(&str, &str)> = parameters
        .iter()
        .map(|name| {
            let sample = samples.get(name.as_str()).unwrap_or_else(|| {
                panic!("{name} decides a subscription to {topic}: add a sample value for it")
            });
            (name.as_str(), *sample)
        })
        .collect();
    // Every combination of those parameters empty or set.
    let sets: Vec<Value> = (0..1u32 << parameters.len())
        .map(|mask| {
            let set: serde_json::Map<String, Value> = parameters
                .iter()
                .enumerate()
                .map(|(bit, (name, sample))| {
                    let value = if mask & (1 << bit) != 0 { *sample } else { "" };
                    ((*name).to_owned(), json!(value))
                })
                .collect();
            Value::Object(set)
        })
        .collect();
    let outcomes = crate::support::template::report_parameter_sets("template.yaml", &sets);
    assert_eq!(outcomes.len(), sets.len());
    let mut deployable = 0;
    for outcome in &outcomes {
        let rejected = outcome["rejected_by"]
            .as_object()
            .is_some_and(|rules| !rules.is_empty());
        let heard = has_subscriber(&outcome["deployed"], topic);
        // Refused exactly when nobody would hear the alarms: never a silent stack, and no
        // stack with a recipient refused.
        assert_eq!(
            rejected, !heard,
            "parameters {}: rejected by {}, a subscriber to {topic}: {heard}",
            outcome["parameters"], outcome["rejected_by"]
        );
        deployable += usize::from(!rejected);
    }
    assert!(deployable > 0, "no parameter set is deployable");
    // The defaults leave every recipient empty: they are refused, with a message naming
    // what to set.
    let refused = &report["rejected_by"];
    let messages = refused.to_string();
    assert!(
        refused.as_object().is_some_and(|rules| !rules.is_empty())
            && messages.contains("AlarmsEmail"),
        "the default parameters must be refused with a message naming AlarmsEmail: {refused}"
    );
}

#[test]
fn the_forwarder_requires_an_alarm_address() {
    let report = crate::support::template::report_on("templates/forwarder.yaml", &json!({}), &[]);
    let parameter = &report["parameters"]["AlarmsEmail"];
    assert!(
        parameter.is_object(),
        "templates/forwarder.yaml has no AlarmsEmail parameter"
    );
    assert!(
        parameter.get("Default").is_none(),
        "AlarmsEmail must be required (no Default): {parameter}"
    );
    let pattern = parameter["AllowedPattern"].as_str().unwrap_or_default();
    assert!(
        !pattern.starts_with("^$|"),
        "AlarmsEmail must not accept an empty value: {pattern}"
    );
    let deployed = forwarder_in_a_member();
    let alarm_topics: BTreeSet<&str> = of_type(&deployed, "AWS::CloudWatch::Alarm")
        .values()
        .flat_map(|alarm| {
            alarm["Properties"]["AlarmActions"]
                .as_array()
                .into_iter()
                .flatten()
        })
        .filter_map(|action| action["Ref"].as_str())
        .collect();
    assert!(
        !alarm_topics.is_empty(),
        "the forwarder declares no alarm action"
    );
    for topic in alarm_topics {
        let email = of_type(&deployed, "AWS::SNS::Subscription")
            .values()
            .any(|subscription| {
                subscription["Properties"]["TopicArn"] == reference(topic)
                    && subscription["Properties"]["Endpoint"] == "alarms@example.com"
            });
        assert!(
            email,
            "the forwarder's alarm topic {topic} must subscribe AlarmsEmail"
        );
    }
    for (id, queue) in of_type(&deployed, "AWS::SQS::Queue") {
        assert_eq!(
            queue["DeletionPolicy"], "Retain",
            "forwarder {id}: DeletionPolicy"
        );
        assert_eq!(
            queue["UpdateReplacePolicy"], "Retain",
            "forwarder {id}: UpdateReplacePolicy"
        );
    }
}

/// Every source the function's rules take.
fn rule_sources() -> BTreeSet<&'static str> {
    let sources: BTreeSet<&str> = function_rules()
        .values()
        .flat_map(|(_, rule)| strings(&rule["pattern"]["source"]))
        .collect();
    assert!(!sources.is_empty(), "the rules name no source");
    sources
}

#[test]
fn an_archive_keeps_every_event_a_rule_takes() {
    let report = &facts().report;
    let archives = report["archives"].as_object().expect("archives");
    assert!(
        !archives.is_empty(),
        "the template declares no AWS::Events::Archive"
    );
    let default_bus = format!("arn:aws:events:us-east-1:{STACK_ACCOUNT}:event-bus/default");
    // One archive on the rules' bus covers all their sources.
    let covering: Vec<&String> = archives
        .iter()
        .filter(|(_, archive)| archive["source_arn"] == default_bus.as_str())
        .filter(|(_, archive)| {
            let sources = strings(&archive["pattern"]["source"]);
            archive["pattern"].is_null() || rule_sources().is_subset(&sources)
        })
        .map(|(id, _)| id)
        .collect();
    assert!(
        !covering.is_empty(),
        "no archive of the default bus covers the rules' sources {:?}: {archives:?}",
        rule_sources()
    );
    // And, by moto's matcher, every probe a rule takes is archived.
    for probe in &facts().probes {
        let taken = !report["matches"][&probe.name]
            .as_array()
            .expect("matches")
            .is_empty();
        let archived = !report["archive_matches"][&probe.name]
            .as_array()
            .expect("archive_matches")
            .is_empty();
        assert!(
            !taken || archived,
            "{} is taken by a rule but not archived",
            probe.name
        );
    }
    // Retention is a parameter, and deliveries are remembered as long (so a replay of any
    // window still in the archive publishes nothing twice).
    for id in &covering {
        assert_eq!(
            report["resources"][id.as_str()]["Properties"]["RetentionDays"],
            reference("ArchiveRetentionDays"),
            "{id}: RetentionDays"
        );
    }
    let (function, _) = function();
    assert_eq!(
        report["written_environment"][function]["DUPLICATE_WINDOW_SECONDS"],
        json!({"Fn::FindInMap": ["ArchiveRetention", reference("ArchiveRetentionDays"), "Seconds"]}),
        "{function}: DUPLICATE_WINDOW_SECONDS must follow the archive's retention"
    );
    let allowed = report["parameters"]["ArchiveRetentionDays"]["AllowedValues"]
        .as_array()
        .expect("ArchiveRetentionDays has AllowedValues");
    for days in allowed {
        let days: u64 = days
            .as_str()
            .and_then(|days| days.parse().ok())
            .or_else(|| days.as_u64())
            .expect("a whole number of days");
        assert_eq!(
            report["mappings"]["ArchiveRetention"][days.to_string()]["Seconds"],
            (days * 86_400).to_string(),
            "ArchiveRetention mapping for {days} days"
        );
    }
}

#[test]
fn the_bus_policies_admit_only_the_sources_the_rules_take() {
    let deployed = crate::support::template::report_on(
        "template.yaml",
        &json!({"OrganizationId": "o-abcdef1234", "AccountIds": "111122223333,444455556666"}),
        &[],
    )["deployed"]
        .clone();
    let policies = of_type(&deployed, "AWS::Events::EventBusPolicy");
    assert_eq!(
        policies.len(),
        2,
        "the organization's and the accounts' policies"
    );
    for (id, policy) in policies {
        let statement = &policy["Properties"]["Statement"];
        assert_eq!(statement["Action"], "events:PutEvents", "{id}");
        let sources =
            strings(&statement["Condition"]["ForAllValues:StringEquals"]["events:source"]);
        assert_eq!(
            sources,
            rule_sources(),
            "{id} must admit exactly the sources the rules take: {statement}"
        );
    }
}

#[test]
fn the_function_may_assume_member_roles_only_in_accepted_accounts() {
    let assume = |parameters: Value| -> Value {
        let deployed =
            crate::support::template::report_on("template.yaml", &parameters, &[])["deployed"]
                .clone();
        deployed["NotifierRole"]["Properties"]["Policies"]
            .as_array()
            .expect("inline policies")
            .iter()
            .flat_map(|policy| statements(&policy["PolicyDocument"]).into_iter().cloned())
            .find(|statement| statement["Action"] == "sts:AssumeRole")
            .expect("an sts:AssumeRole statement")
    };
    let listed = assume(json!({"AccountIds": "111122223333,444455556666"}));
    assert_eq!(
        listed["Condition"],
        json!({"StringEquals": {"aws:ResourceAccount": ["111122223333", "444455556666"]}}),
        "with AccountIds, only roles in those accounts"
    );
    let both = assume(json!({"OrganizationId": "o-abcdef1234", "AccountIds": "111122223333"}));
    assert_eq!(
        both["Condition"],
        json!({"StringEquals": {"aws:ResourceAccount": ["111122223333"]}}),
        "with both, the listed accounts (the rules take no others)"
    );
    let organization = assume(json!({"OrganizationId": "o-abcdef1234"}));
    assert_eq!(
        organization["Condition"],
        json!({"StringEquals": {"aws:ResourceOrgID": "o-abcdef1234"}}),
        "with an organization alone, only roles in it"
    );
}

#[test]
fn the_member_role_trusts_the_central_function_of_the_central_account_only() {
    let role = &forwarder_in_a_member()["EnrichRole"]["Properties"];
    let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        trust["Principal"],
        json!({"AWS": "arn:aws:iam::999988887777:role/notifier"})
    );
    assert_eq!(
        trust["Condition"],
        json!({"StringEquals": {"aws:PrincipalAccount": "999988887777"}}),
        "the trusted role must also be of CentralAccountId"
    );
}

// ------------------------------------------------------------ routes and digests

/// The digest table's keys and TTL attribute, as the function's store names them.
use marketplace_catalog_notifier::aws::{
    DIGEST_EXPIRES_AT as DIGEST_EXPIRY_ATTRIBUTE, DIGEST_PARTITION_KEY, DIGEST_SORT_KEY,
};

/// The DynamoDB calls the function makes on the digest table, and nothing more.
const DIGEST_TABLE_ACTIONS: &[&str] = &[
    "dynamodb:BatchWriteItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:Query",
];

/// The payloads the schedules invoke the function with, by cadence.
const DIGEST_INPUTS: &[(&str, &str)] = &[
    ("daily", "{\"digest\":\"daily\"}"),
    ("weekly", "{\"digest\":\"weekly\"}"),
];

/// Routes as a deployer passes them inline.
const INLINE_ROUTES: &str = r#"{"routes":[{"match":{"severity":["critical"]},"to":["chat"]},{"match":{},"to":["family"],"cadence":"daily"}]}"#;

/// Two topics outside the stack that routes name.
const ROUTE_TOPICS: &str =
    "arn:aws:sns:us-east-1:111122223333:emea-sales,arn:aws:sns:us-east-1:111122223333:apac-sales";

/// The template's `sns:Publish` resource for the topics outside the stack, as written.
fn route_topics_grant() -> Value {
    json!({"Fn::Split": [",", reference("RouteTopicArns")]})
}

/// The template's resources and conditions evaluated as CloudFormation would for
/// `parameters` (over the defaults, in account STACK_ACCOUNT, us-east-1). Unlike the
/// helper's `deployed` section, this also evaluates `Fn::Select` and the list form of
/// `Fn::Sub`, which the routes conditions and the digest schedule expressions use.
struct Stack {
    values: BTreeMap<String, Value>,
}

impl Stack {
    fn with(parameters: &[(&str, &str)]) -> Self {
        let report = &facts().report;
        let mut values: BTreeMap<String, Value> = report["parameters"]
            .as_object()
            .expect("parameters")
            .iter()
            .map(|(name, declaration)| {
                let default = match &declaration["Default"] {
                    Value::String(text) => text.clone(),
                    Value::Null => String::new(),
                    other => other.to_string(),
                };
                (name.clone(), json!(default))
            })
            .collect();
        for (name, value) in [
            ("AWS::AccountId", STACK_ACCOUNT),
            ("AWS::Region", "us-east-1"),
            ("AWS::Partition", "aws"),
            ("AWS::StackName", "notifier"),
        ] {
            values.insert(name.to_owned(), json!(value));
        }
        for (name, value) in parameters {
            assert!(values.contains_key(*name), "no parameter {name}");
            values.insert((*name).to_owned(), json!(value));
        }
        Self { values }
    }

    fn condition(&self, name: &str) -> bool {
        let condition = &facts().report["conditions"][name];
        assert!(!condition.is_null(), "no condition {name}");
        self.evaluate(condition)
            .as_bool()
            .unwrap_or_else(|| panic!("condition {name} is not a boolean: {condition}"))
    }

    /// Whether a resource (or output) with this `Condition` attribute is deployed.
    fn deploys(&self, declaration: &Value) -> bool {
        declaration["Condition"]
            .as_str()
            .is_none_or(|name| self.condition(name))
    }

    fn evaluate(&self, node: &Value) -> Value {
        match node {
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|item| self.evaluate(item))
                    .filter(|item| *item != no_value())
                    .collect(),
            ),
            Value::Object(map) if map.len() == 1 => {
                let (key, argument) = map.iter().next().unwrap();
                let part = |index: usize| self.evaluate(&argument[index]);
                match key.as_str() {
                    "Ref" => argument
                        .as_str()
                        .and_then(|name| self.values.get(name))
                        .cloned()
                        .unwrap_or_else(|| node.clone()),
                    "Condition" => json!(self.condition(argument.as_str().expect("a name"))),
                    "Fn::If" => {
                        let name = argument[0].as_str().expect("a condition name");
                        part(if self.condition(name) { 1 } else { 2 })
                    }
                    "Fn::Equals" => json!(part(0) == part(1)),
                    "Fn::Not" => json!(!truthy(&part(0))),
                    "Fn::And" => json!(
                        self.evaluate(argument)
                            .as_array()
                            .unwrap()
                            .iter()
                            .all(truthy)
                    ),
                    "Fn::Or" => json!(
                        self.evaluate(argument)
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(truthy)
                    ),
                    "Fn::Split" => {
                        let (delimiter, text) = (part(0), part(1));
                        match (delimiter.as_str(), text.as_str()) {
                            (Some(delimiter), Some(text)) => {
                                json!(text.split(delimiter).collect::<Vec<_>>())
                            }
                            _ => node.clone(),
                        }
                    }
                    "Fn::Select" => {
                        let (index, list) = (part(0), part(1));
                        match (
                            index.as_u64().or_else(|| index.as_str()?.parse().ok()),
                            list.as_array(),
                        ) {
                            (Some(index), Some(list)) => {
                                list.get(index as usize).cloned().unwrap_or_else(|| {
                                    panic!("Fn::Select {index} of {list:?}: out of range")
                                })
                            }
                            _ => node.clone(),
                        }
                    }
                    "Fn::Sub" => {
                        let (text, variables) = match argument {
                            Value::String(text) => (text.clone(), BTreeMap::new()),
                            _ => (
                                argument[0].as_str().expect("Fn::Sub text").to_owned(),
                                argument[1]
                                    .as_object()
                                    .expect("Fn::Sub variables")
                                    .iter()
                                    .map(|(name, value)| (name.clone(), self.evaluate(value)))
                                    .collect(),
                            ),
                        };
                        let mut text = text;
                        for (name, value) in variables.iter().chain(&self.values) {
                            if let Some(value) = value.as_str() {
                                text = text.replace(&format!("${{{name}}}"), value);
                            }
                        }
                        json!(text)
                    }
                    _ => json!({key: self.evaluate(argument)}),
                }
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(key, value)| (key.clone(), self.evaluate(value)))
                    .filter(|(_, value)| *value != no_value())
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// A resource's properties as deployed, or `None` when its condition leaves it out.
    fn resource(&self, id: &str) -> Option<Value> {
        let resource = &facts().report["resources"][id];
        assert!(resource.is_object(), "no resource {id}");
        self.deploys(resource)
            .then(|| self.evaluate(&resource["Properties"]))
    }

    /// The function role's inline policy statements as deployed.
    fn function_role_statements(&self) -> Vec<Value> {
        let (function, report) = function();
        let role = report["role_id"]
            .as_str()
            .unwrap_or_else(|| panic!("{function} has a role of the stack"));
        let properties = self.resource(role).expect("the function's role");
        properties["Policies"]
            .as_array()
            .expect("inline policies")
            .iter()
            .flat_map(|policy| statements(&policy["PolicyDocument"]).into_iter().cloned())
            .collect()
    }
}

fn no_value() -> Value {
    reference("AWS::NoValue")
}

fn truthy(value: &Value) -> bool {
    value
        .as_bool()
        .unwrap_or_else(|| panic!("a condition evaluated to {value}, not a boolean"))
}

/// Whether the parameter's AllowedPattern accepts `value` as a whole, as CloudFormation
/// checks it (tried with Python's `re.fullmatch` from `NOTIFIER_PYTHON`).
fn pattern_accepts(parameter: &str, value: &str) -> bool {
    let pattern = facts().report["parameters"][parameter]["AllowedPattern"]
        .as_str()
        .unwrap_or_else(|| panic!("{parameter} has no AllowedPattern"))
        .to_owned();
    let python = std::env::var(crate::support::template::PYTHON_VARIABLE).expect("NOTIFIER_PYTHON");
    let status = std::process::Command::new(python)
        .args([
            "-c",
            "import re, sys; sys.exit(0 if re.fullmatch(sys.argv[1], sys.argv[2]) else 1)",
            &pattern,
            value,
        ])
        .status()
        .expect("python runs");
    status.success()
}

/// The condition that is true exactly when `Routes` is set: the digest resources' own.
fn routes_condition() -> &'static str {
    let on = json!({"Fn::Not": [{"Fn::Equals": [reference("Routes"), ""]}]});
    let conditions: Vec<&String> = facts().report["conditions"]
        .as_object()
        .expect("conditions")
        .iter()
        .filter(|(_, condition)| **condition == on)
        .map(|(name, _)| name)
        .collect();
    let [condition] = conditions.as_slice() else {
        panic!("expected one condition equal to {on}, found {conditions:?}");
    };
    condition.as_str()
}

/// The digest table: the one DIGEST_TABLE_NAME names.
fn digest_table() -> &'static str {
    let (function, report) = function();
    report["environment"][DIGEST_TABLE_VARIABLE]["value"]["Fn::If"][1]["Ref"]
        .as_str()
        .unwrap_or_else(|| {
            panic!("{function}: {DIGEST_TABLE_VARIABLE} must be !If [<routes>, !Ref <table>, ...]")
        })
}

/// The two digest schedules, by the cadence their payload asks for.
fn digest_schedules() -> BTreeMap<String, (&'static str, &'static Value)> {
    let schedules = resources_of("AWS::Scheduler::Schedule");
    let by_cadence: BTreeMap<String, (&str, &Value)> = schedules
        .iter()
        .map(|(id, schedule)| {
            let input = schedule["Properties"]["Target"]["Input"]
                .as_str()
                .unwrap_or_else(|| panic!("{id}: Target.Input is JSON text"));
            let payload: Value = serde_json::from_str(input)
                .unwrap_or_else(|error| panic!("{id}: Target.Input {input} is not JSON: {error}"));
            let cadence = payload["digest"].as_str().unwrap_or_default().to_owned();
            (cadence, (*id, *schedule))
        })
        .collect();
    assert_eq!(
        by_cadence.len(),
        schedules.len(),
        "two schedules ask for the same digest: {schedules:?}"
    );
    by_cadence
}

#[test]
fn the_function_reads_the_routes_and_the_digest_table_only_when_routes_are_set() {
    let (function, _) = function();
    let written = &facts().report["written_environment"][function];
    let condition = routes_condition();
    assert_eq!(
        written[ROUTES_VARIABLE],
        json!({"Fn::If": [condition, reference("Routes"), no_value()]}),
        "{function}: {ROUTES_VARIABLE} is the Routes parameter as given, unset without it"
    );
    assert_eq!(
        written[DIGEST_TABLE_VARIABLE],
        json!({"Fn::If": [condition, reference(digest_table()), no_value()]}),
        "{function}: {DIGEST_TABLE_VARIABLE} names the digest table exactly when it exists"
    );
    let environment = |parameters: &[(&str, &str)]| {
        Stack::with(parameters)
            .resource(function)
            .expect("the function")["Environment"]["Variables"]
            .clone()
    };
    let default = environment(&[]);
    for variable in [ROUTES_VARIABLE, DIGEST_TABLE_VARIABLE] {
        assert!(
            default.get(variable).is_none(),
            "{function}: {variable} is set without routes: today's behaviour needs it unset"
        );
    }
    for routes in [INLINE_ROUTES, "/notifier/routes"] {
        let set = environment(&[("Routes", routes)]);
        assert_eq!(
            set[ROUTES_VARIABLE], routes,
            "{function}: {ROUTES_VARIABLE}"
        );
        assert_eq!(set[DIGEST_TABLE_VARIABLE], reference(digest_table()));
    }
}

#[test]
fn the_routes_parameter_takes_json_or_an_ssm_parameter_and_its_defaults_are_off() {
    let parameters = &facts().report["parameters"];
    for (name, default) in [
        ("Routes", ""),
        ("RouteTopicArns", ""),
        ("DailyDigestTime", "08:00"),
        ("WeeklyDigestDay", "MON"),
        ("DigestTimezone", "UTC"),
    ] {
        assert_eq!(parameters[name]["Default"], default, "{name}: Default");
    }
    for accepted in [
        "",
        INLINE_ROUTES,
        "{\n  \"routes\": []\n}",
        "/notifier/routes",
        "notifier-routes",
        "arn:aws:ssm:us-east-1:123456789012:parameter/notifier/routes",
    ] {
        assert!(
            pattern_accepts("Routes", accepted),
            "Routes refuses {accepted:?}"
        );
    }
    for refused in [
        " {\"routes\": []}",
        "routes please",
        "arn:aws:s3:::bucket/routes.json",
    ] {
        assert!(
            !pattern_accepts("Routes", refused),
            "Routes accepts {refused:?}"
        );
    }
    assert!(pattern_accepts("RouteTopicArns", ROUTE_TOPICS));
    assert!(!pattern_accepts(
        "RouteTopicArns",
        "arn:aws:sns:us-east-1:111122223333:a, arn:aws:sns:us-east-1:111122223333:b"
    ));
    assert!(!pattern_accepts(
        "RouteTopicArns",
        "arn:aws:sns:us-east-1:111122223333:orders.fifo"
    ));
    for time in ["00:00", "08:00", "17:30", "23:59"] {
        assert!(pattern_accepts("DailyDigestTime", time), "{time}");
    }
    for time in ["8:00", "24:00", "12:60", "noon"] {
        assert!(!pattern_accepts("DailyDigestTime", time), "{time}");
    }
    for zone in [
        "UTC",
        "Europe/Berlin",
        "America/Argentina/Buenos_Aires",
        "Etc/GMT+5",
    ] {
        assert!(pattern_accepts("DigestTimezone", zone), "{zone}");
    }
    assert!(!pattern_accepts("DigestTimezone", "Europe/Berlin; UTC"));
}

#[test]
fn the_function_may_read_the_routes_parameter_it_is_given_and_no_other() {
    let parameter_arn = "arn:aws:ssm:us-east-1:123456789012:parameter/notifier/routes";
    for (routes, expected) in [
        ("", None),
        (INLINE_ROUTES, None),
        ("/notifier/routes", Some(parameter_arn)),
        (
            "notifier-routes",
            Some("arn:aws:ssm:us-east-1:123456789012:parameter/notifier-routes"),
        ),
        (parameter_arn, Some(parameter_arn)),
    ] {
        let statements = Stack::with(&[("Routes", routes)]).function_role_statements();
        let reads: Vec<&Value> = statements
            .iter()
            .filter(|statement| statement["Action"] == "ssm:GetParameter")
            .map(|statement| &statement["Resource"])
            .collect();
        let expected: Vec<Value> = expected.into_iter().map(|arn| json!(arn)).collect();
        assert_eq!(
            reads,
            expected.iter().collect::<Vec<_>>(),
            "Routes={routes}: ssm:GetParameter on the routes parameter only, and only when it is one"
        );
        // A SecureString is decrypted through SSM, not by the function directly.
        let decrypts = statements.iter().any(|statement| {
            statement["Action"] == "kms:Decrypt"
                && statement["Condition"]["StringEquals"]["kms:ViaService"]
                    == "ssm.us-east-1.amazonaws.com"
        });
        assert_eq!(
            decrypts,
            !expected.is_empty(),
            "Routes={routes}: kms:Decrypt through SSM"
        );
    }
}

#[test]
fn the_function_may_publish_to_exactly_the_listed_route_topics() {
    let publish_targets = |parameters: &[(&str, &str)]| -> Vec<Value> {
        Stack::with(parameters)
            .function_role_statements()
            .into_iter()
            .filter(|statement| statement["Action"] == "sns:Publish")
            .flat_map(|statement| match &statement["Resource"] {
                Value::Array(resources) => resources.clone(),
                resource => vec![resource.clone()],
            })
            .filter(|resource| resource.is_string())
            .collect()
    };
    let listed: Vec<Value> = ROUTE_TOPICS.split(',').map(|arn| json!(arn)).collect();
    assert_eq!(
        publish_targets(&[("Routes", INLINE_ROUTES), ("RouteTopicArns", ROUTE_TOPICS)]),
        listed,
        "with routes, exactly the listed topics outside the stack"
    );
    assert_eq!(
        publish_targets(&[("RouteTopicArns", ROUTE_TOPICS)]),
        Vec::<Value>::new(),
        "without routes nothing names those topics: no grant"
    );
    assert_eq!(
        publish_targets(&[("Routes", INLINE_ROUTES)]),
        Vec::<Value>::new(),
        "no topic listed: no grant outside the stack"
    );
}

#[test]
fn the_digest_table_has_the_keys_the_code_writes_and_is_kept() {
    let report = &facts().report;
    let table = digest_table();
    let facts_of_table = &report["tables"][table];
    assert!(
        facts_of_table.is_object(),
        "{table} is not a DynamoDB table"
    );
    assert_eq!(
        facts_of_table["condition"],
        routes_condition(),
        "{table}: Condition"
    );
    assert_eq!(facts_of_table["deletion_policy"], "Retain", "{table}");
    assert_eq!(facts_of_table["update_replace_policy"], "Retain", "{table}");
    let properties = &facts_of_table["properties"];
    assert_eq!(properties["BillingMode"], "PAY_PER_REQUEST", "{table}");
    assert_eq!(
        properties["KeySchema"],
        json!([
            {"AttributeName": DIGEST_PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": DIGEST_SORT_KEY, "KeyType": "RANGE"}
        ]),
        "{table}: the code's partition and sort keys"
    );
    let definitions: BTreeSet<(&str, &str)> = properties["AttributeDefinitions"]
        .as_array()
        .expect("AttributeDefinitions")
        .iter()
        .map(|definition| {
            (
                definition["AttributeName"].as_str().unwrap(),
                definition["AttributeType"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        definitions,
        BTreeSet::from([(DIGEST_PARTITION_KEY, "S"), (DIGEST_SORT_KEY, "S")]),
        "{table}: both keys are strings, and no other attribute is declared (no index)"
    );
    assert!(
        properties["GlobalSecondaryIndexes"].is_null()
            && properties["LocalSecondaryIndexes"].is_null()
    );
    assert_eq!(
        properties["TimeToLiveSpecification"],
        json!({"AttributeName": DIGEST_EXPIRY_ATTRIBUTE, "Enabled": true}),
        "{table}: items expire through TTL on the attribute the code writes"
    );
    assert_eq!(
        properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"], true,
        "{table}: point-in-time recovery"
    );
    assert_eq!(
        properties["SSESpecification"]["SSEEnabled"], true,
        "{table}: encryption"
    );
    let output = &report["outputs"]["DigestTableName"];
    assert_eq!(output["Value"], reference(table), "DigestTableName output");
    assert_eq!(
        output["Condition"],
        routes_condition(),
        "DigestTableName output"
    );
}

#[test]
fn the_function_may_queue_and_collect_digest_items_on_its_table_only() {
    let (function, report) = function();
    let table = digest_table();
    let grants: Vec<&Value> = report["dynamodb_grants"]
        .as_array()
        .expect("grants")
        .iter()
        .filter(|grant| {
            grant["resources"]
                .to_string()
                .contains(&format!("\"{table}\""))
        })
        .collect();
    assert_eq!(
        grants.len(),
        1,
        "{function}: one statement on {table}: {grants:?}"
    );
    let grant = grants[0];
    assert_eq!(
        grant["condition"],
        routes_condition(),
        "{function}: the digest grant is deployed with the table, not regardless of it"
    );
    assert_eq!(
        grant["resources"],
        json!([get_att(table, "Arn")]),
        "{function}: on the table itself (no index, no other table)"
    );
    assert_eq!(
        strings(&grant["actions"]),
        DIGEST_TABLE_ACTIONS.iter().copied().collect(),
        "{function}: exactly the calls the digests make"
    );
}

#[test]
fn the_digest_schedules_invoke_the_function_daily_and_weekly_at_the_chosen_time() {
    let (function, _) = function();
    let schedules = digest_schedules();
    let cadences: BTreeSet<&str> = schedules.keys().map(String::as_str).collect();
    assert_eq!(
        cadences,
        DIGEST_INPUTS.iter().map(|(cadence, _)| *cadence).collect(),
        "one schedule per digest cadence, with the payload the function answers"
    );
    for (cadence, input) in DIGEST_INPUTS {
        let (id, schedule) = schedules[*cadence];
        assert_eq!(
            schedule["Condition"],
            routes_condition(),
            "{id}: created with routes only"
        );
        let properties = &schedule["Properties"];
        let target = &properties["Target"];
        assert_eq!(
            target["Arn"],
            get_att(function, "Arn"),
            "{id} invokes {function}"
        );
        let payload: Value = serde_json::from_str(target["Input"].as_str().unwrap()).unwrap();
        assert_eq!(
            payload,
            serde_json::from_str::<Value>(input).unwrap(),
            "{id}: Input"
        );
        assert_eq!(
            properties["ScheduleExpressionTimezone"],
            reference("DigestTimezone"),
            "{id}: the time is the deployer's, in their time zone"
        );
        assert_eq!(
            properties["FlexibleTimeWindow"],
            json!({"Mode": "OFF"}),
            "{id}"
        );
        assert!(
            properties["State"].is_null() || properties["State"] == "ENABLED",
            "{id}"
        );
        // Retried for invoke failures, and given up within the hour: the items wait for
        // the next digest rather than a late retry.
        let retry = &target["RetryPolicy"];
        assert!(
            retry["MaximumRetryAttempts"]
                .as_u64()
                .is_some_and(|attempts| attempts >= 1),
            "{id}: RetryPolicy retries: {retry}"
        );
        assert!(
            retry["MaximumEventAgeInSeconds"]
                .as_u64()
                .is_some_and(|age| age <= 3600),
            "{id}: RetryPolicy gives up within the hour: {retry}"
        );
        let queue = target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
            .as_str()
            .unwrap_or_else(|| panic!("{id}: DeadLetterConfig is a queue of the stack"));
        assert!(
            resources_of("AWS::SQS::Queue").contains_key(queue),
            "{id}: {queue}"
        );
    }
    // The expressions are built from the parameters: the defaults, and a later time on
    // another day.
    let expressions = |parameters: &[(&str, &str)]| -> [Value; 2] {
        let stack = Stack::with(parameters);
        ["daily", "weekly"].map(|cadence| {
            stack
                .resource(schedules[cadence].0)
                .expect("deployed with routes")["ScheduleExpression"]
                .clone()
        })
    };
    assert_eq!(
        expressions(&[("Routes", INLINE_ROUTES)]),
        [json!("cron(00 08 * * ? *)"), json!("cron(00 08 ? * MON *)")]
    );
    assert_eq!(
        expressions(&[
            ("Routes", "/notifier/routes"),
            ("DailyDigestTime", "17:30"),
            ("WeeklyDigestDay", "FRI")
        ]),
        [json!("cron(30 17 * * ? *)"), json!("cron(30 17 ? * FRI *)")]
    );
    // Every day the parameter allows is one EventBridge Scheduler's cron knows by name.
    assert_eq!(
        strings(&facts().report["parameters"]["WeeklyDigestDay"]["AllowedValues"]),
        BTreeSet::from(["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"])
    );
    // Without routes, no schedule and no table.
    let stack = Stack::with(&[]);
    for (cadence, (id, _)) in &schedules {
        assert!(
            stack.resource(id).is_none(),
            "the {cadence} schedule {id} exists without routes"
        );
    }
    assert!(
        stack.resource(digest_table()).is_none(),
        "the digest table exists without routes"
    );
}

#[test]
fn the_schedule_role_may_only_invoke_the_function_and_keep_failed_digests() {
    let (function, _) = function();
    let schedules = digest_schedules();
    let roles: BTreeSet<&str> = schedules
        .values()
        .map(|(id, schedule)| {
            schedule["Properties"]["Target"]["RoleArn"]["Fn::GetAtt"][0]
                .as_str()
                .unwrap_or_else(|| panic!("{id}: RoleArn is a role of the stack"))
        })
        .collect();
    let queues: BTreeSet<&str> = schedules
        .values()
        .filter_map(|(_, schedule)| {
            schedule["Properties"]["Target"]["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0].as_str()
        })
        .collect();
    let (roles, queues): (Vec<&str>, Vec<&str>) =
        (roles.into_iter().collect(), queues.into_iter().collect());
    let ([role], [queue]) = (roles.as_slice(), queues.as_slice()) else {
        panic!("the schedules share one role and one dead-letter queue: {roles:?} {queues:?}");
    };
    let (role, queue) = (*role, *queue);
    let resource = resources_of("AWS::IAM::Role")[role];
    assert_eq!(
        resource["Condition"],
        routes_condition(),
        "{role}: created with the schedules"
    );
    let properties = &resource["Properties"];
    assert!(
        properties["ManagedPolicyArns"].is_null(),
        "{role} has managed policies"
    );
    let trust = statements(&properties["AssumeRolePolicyDocument"]);
    assert_eq!(
        trust,
        vec![&json!({
            "Effect": "Allow",
            "Principal": {"Service": "scheduler.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": reference("AWS::AccountId")}}
        })],
        "{role}: assumed by EventBridge Scheduler for this account's schedules only"
    );
    let granted: BTreeSet<(String, String)> = properties["Policies"]
        .as_array()
        .expect("inline policies")
        .iter()
        .flat_map(|policy| statements(&policy["PolicyDocument"]))
        .map(|statement| {
            assert_eq!(statement["Effect"], "Allow", "{role}: {statement}");
            assert!(statement["Condition"].is_null(), "{role}: {statement}");
            (
                statement["Action"].to_string(),
                statement["Resource"].to_string(),
            )
        })
        .collect();
    assert_eq!(
        granted,
        BTreeSet::from([
            (
                json!("lambda:InvokeFunction").to_string(),
                get_att(function, "Arn").to_string()
            ),
            (
                json!("sqs:SendMessage").to_string(),
                get_att(queue, "Arn").to_string()
            ),
        ]),
        "{role}: invoke {function} and send to {queue}, nothing else"
    );
}

#[test]
fn a_digest_the_scheduler_could_not_deliver_raises_an_alarm() {
    let resources = &facts().report["resources"];
    for queue in schedule_dead_letter_queues(resources) {
        let declaration = &resources[queue];
        assert_eq!(declaration["Condition"], routes_condition(), "{queue}");
        let properties = &declaration["Properties"];
        assert_eq!(
            properties["SqsManagedSseEnabled"], true,
            "{queue}: encrypted"
        );
        assert_eq!(
            properties["MessageRetentionPeriod"], 1_209_600,
            "{queue}: 14 days"
        );
        let waiting: Vec<_> = alarms_of(
            resources,
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            &get_att(queue, "QueueName"),
        )
        .into_iter()
        .filter(|(_, alarm)| {
            alarm["Threshold"] == 0 && alarm["ComparisonOperator"] == "GreaterThanThreshold"
        })
        .collect();
        assert!(
            !waiting.is_empty(),
            "{queue} has no alarm on messages visible > 0"
        );
        for (id, alarm) in waiting {
            assert_eq!(
                alarm["AlarmActions"],
                json!([reference(alarms_topic())]),
                "{id} notifies the alarms topic"
            );
            assert_eq!(
                resources[id]["Condition"],
                routes_condition(),
                "{id}: with its queue"
            );
        }
    }
    assert!(
        !schedule_dead_letter_queues(resources).is_empty(),
        "the digest schedules keep no dead letters"
    );
}
