"""Report what template.yaml declares, for tests/integration/template.rs to check against the code.

Reads JSON requests on stdin, one per line, until stdin closes:

    {"template": "/path/to/template.yaml",
     "parameters": {"AccountIds": "111122223333"},   (optional; else the defaults)
     "events": [{"name": "events/x.json", "event": {...EventBridge envelope...}}, ...]}

and answers each with one line on stdout: {"report": {...}} or {"error": "why"}. A test
process keeps its helpers running between requests, so cfn-lint and moto are imported once
per helper, not once per request. The report is one JSON object of facts:

    functions  per AWS::Serverless::Function: environment variables (each a
               {"ref": LogicalId} or {"value": raw}), the topics its policies
               let it publish to, publish grants it could not resolve to a topic,
               statements with a bare "*" resource, its async EventInvokeConfig
               (with Role set to a role of the template, that role's policies
               are the ones read)
    topics     per AWS::SNS::Topic: KMS key and whether it is FIFO
    tables     per AWS::DynamoDB::Table: its condition, deletion and replace
               policies and properties; with `parameters` and `conditions` as
               declared, and per function `dynamodb_grants` (the condition
               guarding each DynamoDB statement, its actions and resources)
    rules      every EventBridge rule: SAM EventBridgeRule/CloudWatchEvent events
               and AWS::Events::Rule resources, with bus, state, pattern, targets
    matches    per event name: the ids of the rules whose pattern matches it
    resources  every resource as written (alarms, keys, queues, policies), for
               checks that need no interpretation beyond the YAML tags
    chat_channels  per AWS::Chatbot::{Slack,MicrosoftTeams}ChannelConfiguration: its
               type, condition, the topics it subscribes to, its role and guardrails
    roles      per AWS::IAM::Role: condition, trusted services, inline and managed policies
    deployed   every resource deployed with those parameters (its Condition holds),
               with Ref/Sub/If/Split of parameters and pseudo parameters resolved
               (the stack is taken to run in account 123456789012, us-east-1);
               !GetAtt and resource !Refs are kept as written
    outputs    every output, as written
    mappings   the Mappings section, as written
    written_environment  per AWS::Serverless::Function, its environment variables as
               written, before AWS::LanguageExtensions (whose cfn-lint implementation
               resolves a Fn::FindInMap keyed by a parameter to one arbitrary entry)
    loops      per Fn::ForEach of Resources and Outputs: its section, identifier and
               collection as written, and the keys it makes
    archives   per AWS::Events::Archive: its source bus and its pattern (parameters
               resolved); `archive_matches` gives, per event name, the archives whose
               pattern matches it, as `matches` does for the rules
    rejected_by  the Rules (template section) that refuse these parameters: per rule whose
               RuleCondition holds, the AssertDescription of each assertion that fails
    parameter_sets  only when the request has "parameter_sets" (a list of parameter
               objects, each applied over the defaults): per set, in order, its
               `parameters`, `rejected_by` and `deployed`, as above

It only reports; tests/integration/template.rs decides what is right. Patterns are matched
with moto's EventBridge implementation, the template is read with cfn-lint's
CloudFormation YAML loader (so !Ref, !GetAtt and !Sub parse). A template with the
AWS::LanguageExtensions transform is expanded first with cfn-lint's implementation of it
(the one `make lint-template` checks), so every section above lists the resources and
outputs Fn::ForEach makes, under their own logical ids, and never the loops. A request the
helper cannot answer gets {"error": "why"} as its answer, and the helper goes on to the next.
"""

import json
import sys
import traceback
from types import SimpleNamespace

from cfnlint.decode import cfn_yaml
from cfnlint.helpers import FUNCTION_FOR_EACH
# Not exported by cfn-lint, but the exact expansion its linting uses; requirements/test.txt
# pins cfn-lint, and a release that moves it fails here, loudly.
from cfnlint.template.transforms._language_extensions import language_extension
from moto.events.models import EventPattern

# SAM event types that create an EventBridge rule targeting the function.
SAM_RULE_EVENT_TYPES = ("EventBridgeRule", "CloudWatchEvent")
# Target properties that replace the event the function receives.
INPUT_KEYS = ("Input", "InputPath", "InputTransformer")
PUBLISH_ACTIONS = ("sns:publish", "sns:*", "*")


# Pseudo parameters as moto's default account sees them, so resolved patterns match the
# events moto stamps with its account.
PSEUDO_PARAMETERS = {
    "AWS::AccountId": "123456789012",
    "AWS::Region": "us-east-1",
    "AWS::Partition": "aws",
    "AWS::StackName": "notifier",
    "AWS::URLSuffix": "amazonaws.com",
}
NO_VALUE = object()


class Resolver:
    """Evaluates the intrinsics that depend only on parameters and conditions."""

    def __init__(self, template, overrides):
        self.values = dict(PSEUDO_PARAMETERS)
        for name, declaration in (template.get("Parameters") or {}).items():
            self.values[name] = str(declaration.get("Default", ""))
        for name, value in overrides.items():
            if name not in self.values:
                fail(f"unknown parameter {name}")
            self.values[name] = value
        self.conditions = template.get("Conditions") or {}

    def condition(self, name):
        if name not in self.conditions:
            fail(f"unknown condition {name}")
        return bool(self.resolve(self.conditions[name]))

    def resolve(self, node):
        if isinstance(node, list):
            items = [self.resolve(item) for item in node]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, argument), = node.items()
            if key == "Ref" and argument == "AWS::NoValue":
                return NO_VALUE
            if key == "Ref" and argument in self.values:
                return self.values[argument]
            if key == "Condition":
                return self.condition(argument)
            if key == "Fn::If":
                name, when_true, when_false = argument
                return self.resolve(when_true if self.condition(name) else when_false)
            if key == "Fn::Equals":
                left, right = (self.resolve(part) for part in argument)
                return left == right
            if key == "Fn::Not":
                return not self.resolve(argument[0])
            if key == "Fn::And":
                return all(self.resolve(part) for part in argument)
            if key == "Fn::Or":
                return any(self.resolve(part) for part in argument)
            if key == "Fn::Split":
                delimiter, text = argument
                text = self.resolve(text)
                return text.split(delimiter) if isinstance(text, str) else node
            if key == "Fn::Sub" and isinstance(argument, str):
                text = argument
                for name, value in self.values.items():
                    text = text.replace("${" + name + "}", value)
                return text
        resolved = {key: self.resolve(value) for key, value in node.items()}
        return {key: value for key, value in resolved.items() if value is not NO_VALUE}

    def deployed(self, resources):
        return {
            name: self.resolve(resource)
            for name, resource in resources.items()
            if "Condition" not in resource or self.condition(resource["Condition"])
        }


# The functions CloudFormation allows in a Rules section, evaluated over parameter values.
def rule_value(node, values):
    if isinstance(node, list):
        return [rule_value(item, values) for item in node]
    if not isinstance(node, dict):
        return node
    if len(node) != 1:
        fail(f"unsupported in Rules: {node!r}")
    (key, argument), = node.items()
    if key == "Ref":
        if argument not in values:
            fail(f"Rules reference unknown parameter {argument}")
        return values[argument]
    if key == "Fn::Equals":
        left, right = (rule_value(part, values) for part in argument)
        return left == right
    if key == "Fn::Not":
        return not rule_value(argument[0], values)
    if key == "Fn::And":
        return all(rule_value(part, values) is True for part in argument)
    if key == "Fn::Or":
        return any(rule_value(part, values) is True for part in argument)
    if key == "Fn::Contains":
        collection, value = (rule_value(part, values) for part in argument)
        return value in collection
    if key == "Fn::EachMemberEquals":
        collection, value = (rule_value(part, values) for part in argument)
        return all(member == value for member in collection)
    if key == "Fn::EachMemberIn":
        members, allowed = (rule_value(part, values) for part in argument)
        return all(member in allowed for member in members)
    fail(f"unsupported in Rules: {key}")


def rejected_by(template, resolver):
    """The rules refusing the resolver's parameters: name -> failed assertion descriptions."""
    refused = {}
    for name, rule in (template.get("Rules") or {}).items():
        condition = rule.get("RuleCondition")
        if condition is not None and rule_value(condition, resolver.values) is not True:
            continue
        failed = [
            assertion.get("AssertDescription", "")
            for assertion in rule.get("Assertions") or []
            if rule_value(assertion["Assert"], resolver.values) is not True
        ]
        if failed:
            refused[name] = failed
    return refused


LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
# The sections where the template may loop (CloudFormation also allows Conditions).
LOOP_SECTIONS = ("Resources", "Outputs")


def transforms(template):
    declared = template.get("Transform") or []
    return declared if isinstance(declared, list) else [declared]


def loops(template):
    """Each Fn::ForEach of LOOP_SECTIONS, as written: section, identifier, collection."""
    found = {}
    for section in LOOP_SECTIONS:
        for key, value in (template.get(section) or {}).items():
            if FUNCTION_FOR_EACH.match(key):
                if not isinstance(value, list) or len(value) != 3:
                    fail(f"{section}.{key} is not [identifier, collection, fragment]")
                identifier, collection, _ = value
                found[key] = {
                    "section": section, "identifier": identifier, "collection": collection,
                }
    return found


def language_extensions(template, filename):
    """cfn-lint's AWS::LanguageExtensions transform of `template` (it fails, as
    CloudFormation would, on a key a loop makes twice or that is declared already)."""
    # The transform reads only these attributes of cfn-lint's Template (filename for its
    # error messages); the stack runs in us-east-1 (PSEUDO_PARAMETERS).
    stand_in = SimpleNamespace(
        template=template, filename=filename, regions=[PSEUDO_PARAMETERS["AWS::Region"]]
    )
    matches, expanded = language_extension(stand_in)
    if matches:
        fail(f"cannot expand {filename}: " + "; ".join(match.message for match in matches))
    return expanded


def expand_language_extensions(template, filename):
    """The template as CloudFormation sees it after AWS::LanguageExtensions, Fn::ForEach
    replaced by what it makes, and its loops with the keys each one makes."""
    written = loops(template)
    if LANGUAGE_EXTENSIONS not in transforms(template):
        if written:
            fail(f"Fn::ForEach needs the {LANGUAGE_EXTENSIONS} transform")
        return template, {}
    expanded = language_extensions(template, filename)
    for key, loop in written.items():
        # What one loop makes: the keys of its section with that loop alone in it.
        alone = {loop["section"]: {key: template[loop["section"]][key]}}
        loop["made"] = sorted(language_extensions(alone, filename)[loop["section"]])
    return expanded, written


class Refused(Exception):
    """A request the helper cannot answer; its message is the answer's "error"."""


def fail(message):
    raise Refused(message)


def plain(node):
    """cfn-lint's nodes subclass dict/list/str; turn them into plain JSON values."""
    return json.loads(json.dumps(node))


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def logical_id(value, attribute=None):
    """The resource a !Ref (or a !GetAtt of `attribute`) points at, else None."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    if "Ref" in value and attribute is None:
        return value["Ref"] if isinstance(value["Ref"], str) else None
    if "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        if isinstance(target, str):
            target = target.split(".", 1)
        if isinstance(target, list) and len(target) == 2:
            if attribute is None or target[1] == attribute:
                return target[0]
    return None


def function_of(arn, functions):
    """The function a target Arn refers to (Ref or GetAtt .Arn), else None."""
    for candidate in (logical_id(arn), logical_id(arn, "Arn")):
        if candidate in functions:
            return candidate
    return None


def describe_statements(document, topics, report):
    for statement in as_list(document.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        actions = [a.lower() for a in as_list(statement.get("Action")) if isinstance(a, str)]
        resources = as_list(statement.get("Resource"))
        if "*" in resources:
            report["wildcard_statements"].append(statement)
        if not any(a in PUBLISH_ACTIONS for a in actions):
            continue
        for resource in resources:
            topic = logical_id(resource)
            if topic in topics:
                report["publish_topics"].append(topic)
            else:
                report["publish_unresolved"].append(resource)


def describe_policies(policies, topics, report):
    for policy in as_list(policies):
        if isinstance(policy, dict) and "Fn::If" in policy:
            # Either branch may be deployed: report the grants of both.
            branches = [b for b in policy["Fn::If"][1:] if b != {"Ref": "AWS::NoValue"}]
            describe_policies(branches, topics, report)
        elif isinstance(policy, str):
            report["managed_policies"].append(policy)
        elif isinstance(policy, dict) and "Statement" in policy:
            describe_statements(policy, topics, report)
        elif isinstance(policy, dict) and len(policy) == 1:
            (name, arguments), = policy.items()
            report["policy_templates"].append(name)
            if name == "SNSPublishMessagePolicy":
                topic = logical_id((arguments or {}).get("TopicName"), "TopicName")
                if topic in topics:
                    report["publish_topics"].append(topic)
                else:
                    report["publish_unresolved"].append(arguments)
        else:
            report["publish_unresolved"].append(policy)


def dynamodb_grants(policies, condition=None):
    """Every statement granting DynamoDB actions, with the !If condition deploying it."""
    grants = []
    for policy in as_list(policies):
        if isinstance(policy, dict) and "Fn::If" in policy:
            name, *branches = policy["Fn::If"]
            for index, branch in enumerate(branches):
                if branch == {"Ref": "AWS::NoValue"}:
                    continue
                # The second branch is deployed when the condition is false.
                guard = name if index == 0 else f"!{name}"
                grants.extend(dynamodb_grants([branch], guard if condition is None else f"{condition}&{guard}"))
        elif isinstance(policy, dict) and isinstance(policy.get("PolicyDocument"), dict):
            # An AWS::IAM::Role's inline policy.
            grants.extend(dynamodb_grants([policy["PolicyDocument"]], condition))
        elif isinstance(policy, dict) and "Statement" in policy:
            for statement in as_list(policy.get("Statement")):
                if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                    continue
                actions = [a for a in as_list(statement.get("Action")) if isinstance(a, str)]
                if any(a.lower().startswith("dynamodb:") or a == "*" for a in actions):
                    grants.append({
                        "condition": condition,
                        "actions": actions,
                        "resources": as_list(statement.get("Resource")),
                    })
    return grants




def role_policy_documents(role):
    """The PolicyDocument of each inline policy of an AWS::IAM::Role, both branches of
    a conditional one included."""
    documents = []
    for policy in as_list((role.get("Properties") or {}).get("Policies")):
        branches = [policy]
        if isinstance(policy, dict) and "Fn::If" in policy:
            branches = [b for b in policy["Fn::If"][1:] if b != {"Ref": "AWS::NoValue"}]
        for branch in branches:
            if isinstance(branch, dict) and isinstance(branch.get("PolicyDocument"), dict):
                documents.append(branch["PolicyDocument"])
            else:
                documents.append(branch)
    return documents


def describe_function(properties, global_properties, topics, resources):
    variables = dict(
        (global_properties.get("Environment") or {}).get("Variables") or {}
    )
    variables.update((properties.get("Environment") or {}).get("Variables") or {})
    environment = {}
    for name, value in variables.items():
        ref = logical_id(value)
        environment[name] = {"ref": ref} if ref else {"value": value}

    report = {
        "environment": environment,
        "publish_topics": [],
        "publish_unresolved": [],
        "wildcard_statements": [],
        "managed_policies": [],
        "policy_templates": [],
        "role": properties.get("Role"),
        "event_invoke_config": properties.get("EventInvokeConfig"),
    }
    describe_policies(properties.get("Policies"), topics, report)
    report["dynamodb_grants"] = dynamodb_grants(properties.get("Policies"))
    role = resources.get(logical_id(properties.get("Role"), "Arn") or "")
    if role and role.get("Type") == "AWS::IAM::Role":
        report["role_id"] = logical_id(properties.get("Role"), "Arn")
        describe_policies(role_policy_documents(role), topics, report)
        report["dynamodb_grants"].extend(
            dynamodb_grants((role.get("Properties") or {}).get("Policies"))
        )
    report["publish_topics"] = sorted(set(report["publish_topics"]))
    return report


def target_facts(function, properties):
    dead_letter = properties.get("DeadLetterConfig") or {}
    return {
        "function": function,
        "input_keys": [key for key in INPUT_KEYS if key in properties],
        "dead_letter_arn": dead_letter.get("Arn"),
        "dead_letter_type": dead_letter.get("Type"),
        "retry_policy": properties.get("RetryPolicy"),
    }


def collect_rules(resources, functions, resolver):
    rules = []
    for function_id in functions:
        events = resources[function_id].get("Properties", {}).get("Events") or {}
        for event_id, event in events.items():
            if event.get("Type") not in SAM_RULE_EVENT_TYPES:
                continue
            properties = event.get("Properties") or {}
            enabled = properties.get("Enabled", True)
            state = properties.get("State", "ENABLED" if enabled else "DISABLED")
            rules.append({
                "id": f"{function_id}.Events.{event_id}",
                "bus": properties.get("EventBusName"),
                "state": state,
                "pattern": resolver.resolve(properties.get("Pattern")),
                "targets": [target_facts(function_id, properties)],
            })
    for rule_id, resource in resources.items():
        if resource.get("Type") != "AWS::Events::Rule":
            continue
        properties = resource.get("Properties") or {}
        rules.append({
            "id": rule_id,
            "bus": properties.get("EventBusName"),
            "state": properties.get("State", "ENABLED"),
            "pattern": resolver.resolve(properties.get("EventPattern")),
            "targets": [
                target_facts(function_of(target.get("Arn"), functions), target)
                for target in as_list(properties.get("Targets"))
            ],
        })
    return rules


def compile_pattern(rule):
    pattern = rule["pattern"]
    if pattern is None:
        return None  # a schedule rule: no event ever matches it
    if isinstance(pattern, str):
        pattern = json.loads(pattern)
    try:
        return EventPattern.load(json.dumps(pattern))
    except Exception as error:  # moto raises its own exception types
        fail(f"rule {rule['id']}: EventBridge rejects its pattern {pattern!r}: {error}")


def report(request):
    """The facts of one request, as the module's docstring lists them."""
    try:
        loaded = cfn_yaml.load(request["template"])
    except Exception as error:
        fail(f"cannot load {request['template']}: {error}")
    # cfn-lint's expansion also resolves Fn::FindInMap keyed by a parameter (to one value
    # of its mapping, whatever the parameter), so the functions' environment is also
    # reported as written.
    written_environment = {
        name: ((r.get("Properties") or {}).get("Environment") or {}).get("Variables") or {}
        for name, r in plain((loaded.get("Resources") or {})).items()
        if isinstance(r, dict) and r.get("Type") == "AWS::Serverless::Function"
    }
    expanded, template_loops = expand_language_extensions(loaded, request["template"])
    template = plain(expanded)

    resources = template.get("Resources") or {}
    global_function = (template.get("Globals") or {}).get("Function") or {}
    topics = {
        name: {
            "kms_master_key_id": (r.get("Properties") or {}).get("KmsMasterKeyId"),
            "fifo": bool((r.get("Properties") or {}).get("FifoTopic", False)),
        }
        for name, r in resources.items()
        if r.get("Type") == "AWS::SNS::Topic"
    }
    tables = {
        name: {
            "condition": r.get("Condition"),
            "deletion_policy": r.get("DeletionPolicy"),
            "update_replace_policy": r.get("UpdateReplacePolicy"),
            "properties": r.get("Properties") or {},
        }
        for name, r in resources.items()
        if r.get("Type") == "AWS::DynamoDB::Table"
    }
    function_ids = [
        name for name, r in resources.items() if r.get("Type") == "AWS::Serverless::Function"
    ]
    functions = {
        name: describe_function(
            resources[name].get("Properties") or {}, global_function, topics, resources
        )
        for name in function_ids
    }
    resolver = Resolver(template, request.get("parameters") or {})
    rules = collect_rules(resources, functions, resolver)

    compiled = [(rule["id"], compile_pattern(rule)) for rule in rules]
    matches = {}
    for item in request.get("events", []):
        matches[item["name"]] = [
            rule_id
            for rule_id, pattern in compiled
            if pattern is not None and pattern.matches_event(item["event"])
        ]
    archives = {
        name: {
            "source_arn": resolver.resolve((r.get("Properties") or {}).get("SourceArn")),
            "pattern": resolver.resolve((r.get("Properties") or {}).get("EventPattern")),
        }
        for name, r in resources.items()
        if r.get("Type") == "AWS::Events::Archive"
    }
    compiled_archives = [
        (name, compile_pattern({"id": name, "pattern": archive["pattern"]}))
        for name, archive in archives.items()
    ]
    archive_matches = {}
    for item in request.get("events", []):
        archive_matches[item["name"]] = [
            name
            for name, pattern in compiled_archives
            # An archive without a pattern keeps every event of its bus.
            if pattern is None or pattern.matches_event(item["event"])
        ]
    parameter_sets = []
    for parameters in request.get("parameter_sets", []):
        other = Resolver(template, parameters)
        parameter_sets.append({
            "parameters": parameters,
            "rejected_by": rejected_by(template, other),
            "deployed": other.deployed(resources),
        })

    chat_types = (
        "AWS::Chatbot::SlackChannelConfiguration",
        "AWS::Chatbot::MicrosoftTeamsChannelConfiguration",
    )
    chat_channels = {}
    for name, r in resources.items():
        if r.get("Type") not in chat_types:
            continue
        properties = r.get("Properties") or {}
        chat_channels[name] = {
            "type": r["Type"],
            "condition": r.get("Condition"),
            "sns_topics": [logical_id(arn) for arn in as_list(properties.get("SnsTopicArns"))],
            "role": logical_id(properties.get("IamRoleArn"), "Arn"),
            "guardrails": as_list(properties.get("GuardrailPolicies")),
        }
    roles = {}
    for name, r in resources.items():
        if r.get("Type") != "AWS::IAM::Role":
            continue
        properties = r.get("Properties") or {}
        trust = (properties.get("AssumeRolePolicyDocument") or {}).get("Statement") or []
        roles[name] = {
            "condition": r.get("Condition"),
            "services": sorted(
                service
                for statement in as_list(trust)
                for service in as_list((statement.get("Principal") or {}).get("Service"))
            ),
            "policies": as_list(properties.get("Policies")),
            "managed_policies": as_list(properties.get("ManagedPolicyArns")),
            "boundary": properties.get("PermissionsBoundary"),
        }

    return {
        "functions": functions,
        "topics": topics,
        "rules": rules,
        "matches": matches,
        "resources": resources,
        "chat_channels": chat_channels,
        "roles": roles,
        "tables": tables,
        "parameters": template.get("Parameters") or {},
        "conditions": template.get("Conditions") or {},
        "mappings": template.get("Mappings") or {},
        "written_environment": written_environment,
        "deployed": resolver.deployed(resources),
        "outputs": template.get("Outputs") or {},
        "loops": plain(template_loops),
        "archives": archives,
        "archive_matches": archive_matches,
        "rejected_by": rejected_by(template, resolver),
        "parameter_sets": parameter_sets,
    }


def main():
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            answer = {"report": report(json.loads(line))}
        except json.JSONDecodeError as error:
            answer = {"error": f"the request is not JSON: {error}"}
        except Refused as error:
            answer = {"error": str(error)}
        except Exception:  # one bad request must not end the helper the others share
            answer = {"error": traceback.format_exc()}
        # One line per answer: JSON escapes every line break inside its strings.
        sys.stdout.write(json.dumps(answer, sort_keys=True) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
