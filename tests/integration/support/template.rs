//! What template.yaml declares, as tests/template_patterns.py reports it: the template is
//! read with cfn-lint's CloudFormation loader (so `!Ref` and `!GetAtt` parse), run with the
//! Python named by `NOTIFIER_PYTHON` (the project's venv; `make test` sets it).
//!
//! The end-to-end suite builds its moto world from these facts rather than from names
//! written into the tests, so a topic or rule added to the template is exercised too.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::root;

/// The variable naming the Python interpreter that has moto and cfn-lint.
pub const PYTHON_VARIABLE: &str = "NOTIFIER_PYTHON";

/// Runs tests/template_patterns.py on template.yaml and returns its JSON report. `events` are
/// `(name, EventBridge event)` pairs the helper matches against the template's rule
/// patterns (its `matches` section); pass none when only the declarations are wanted.
pub fn report(events: &[(String, Value)]) -> Value {
    report_on("template.yaml", &json!({}), events)
}

/// Runs the helper on any template of the package (e.g. `templates/forwarder.yaml`) with
/// `parameters` (name → value; the rest keep their defaults): its `resources` section then
/// shows what such a stack deploys.
pub fn report_on(template: &str, parameters: &Value, events: &[(String, Value)]) -> Value {
    run(&json!({
        "template": root().join(template),
        "parameters": parameters,
        "events": events
            .iter()
            .map(|(name, event)| json!({"name": name, "event": event}))
            .collect::<Vec<_>>(),
    }))
}

/// Runs the helper on `template` once for several parameter sets (each applied over the
/// defaults): per set, in order, `{"parameters", "rejected_by", "deployed"}` — the Rules
/// that refuse it (empty when CloudFormation would deploy it) and what it deploys.
pub fn report_parameter_sets(template: &str, sets: &[Value]) -> Vec<Value> {
    let report = run(&json!({
        "template": root().join(template),
        "parameter_sets": sets,
    }));
    report["parameter_sets"]
        .as_array()
        .expect("the report lists the parameter sets")
        .clone()
}

/// Sends one request to tests/template_patterns.py and returns its JSON report.
fn run(request: &Value) -> Value {
    let python = std::env::var(PYTHON_VARIABLE)
        .ok()
        .filter(|python| !python.trim().is_empty())
        .unwrap_or_else(|| {
            panic!(
                "{PYTHON_VARIABLE} is not set: template.yaml is read with cfn-lint from the \
                 project's venv. Run `make test`, or set {PYTHON_VARIABLE}=.venv/bin/python"
            )
        });
    let script = root().join("tests").join("template_patterns.py");
    let mut child = Command::new(&python)
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {PYTHON_VARIABLE}={python}: {error}"));
    // Pipes are written and read on their own threads, so a helper that dies early or
    // prints a lot cannot block the test; the helper itself is killed if it overstays.
    let mut stdin = child.stdin.take().expect("piped stdin");
    let body = request.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(body.as_bytes());
    });
    let stdout = read_on_a_thread(child.stdout.take().expect("piped stdout"));
    let stderr = read_on_a_thread(child.stderr.take().expect("piped stderr"));
    let status = wait_bounded(&mut child, HELPER_TIMEOUT)
        .unwrap_or_else(|| panic!("{} still runs after {HELPER_TIMEOUT:?}", script.display()));
    writer.join().expect("the stdin writer does not panic");
    let stdout = stdout.join().expect("the stdout reader does not panic");
    let stderr = stderr.join().expect("the stderr reader does not panic");
    assert!(
        status.success(),
        "{} failed ({status}):\n{}",
        script.display(),
        String::from_utf8_lossy(&stderr)
    );
    serde_json::from_slice(&stdout).unwrap_or_else(|error| {
        panic!(
            "{} printed no JSON report ({error}):\n{}",
            script.display(),
            String::from_utf8_lossy(&stdout)
        )
    })
}

/// How long the helper may take: it loads cfn-lint and moto, a few seconds on a busy machine.
const HELPER_TIMEOUT: Duration = Duration::from_secs(60);

/// Reads a pipe to its end on another thread.
fn read_on_a_thread(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// Waits for `child` to exit for at most `limit`; kills it and returns `None` after that.
fn wait_bounded(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
        }
    }
}

/// An EventBridge rule the template declares that sends events to a function.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The helper's id, e.g. `NotifierFunction.Events.CatalogEvents`.
    pub id: String,
    /// The event bus, `None` for the default bus.
    pub bus: Option<String>,
    /// `ENABLED` or `DISABLED`.
    pub state: String,
    /// The event pattern, as JSON.
    pub pattern: Value,
}

/// The declarations the end-to-end suite rebuilds on moto.
#[derive(Debug, Clone)]
pub struct Declared {
    /// Logical ids of every `AWS::SNS::Topic` for notifications, sorted: all but the ones
    /// CloudWatch alarms notify (the function never publishes there).
    pub topics: Vec<String>,
    /// The only function's environment variables that reference one of those topics:
    /// variable name → topic logical id (e.g. `OFFERS_TOPIC_ARN` → `OffersTopic`).
    pub topic_variables: BTreeMap<String, String>,
    /// The rules with the function as a target and an event pattern.
    pub rules: Vec<Rule>,
}

impl Declared {
    /// Reads template.yaml; fails unless it declares exactly one function.
    pub fn load() -> Self {
        let report = report(&[]);
        let alarm_topics: Vec<&str> = report["resources"]
            .as_object()
            .expect("the report lists resources")
            .values()
            .filter(|resource| resource["Type"] == "AWS::CloudWatch::Alarm")
            .filter_map(|alarm| alarm["Properties"]["AlarmActions"].as_array())
            .flatten()
            .filter_map(|action| action["Ref"].as_str())
            .collect();
        let topics: Vec<String> = report["topics"]
            .as_object()
            .expect("the report lists topics")
            .keys()
            .filter(|topic| !alarm_topics.contains(&topic.as_str()))
            .cloned()
            .collect();
        let functions = report["functions"]
            .as_object()
            .expect("the report lists functions");
        assert_eq!(
            functions.len(),
            1,
            "expected one AWS::Serverless::Function, found {:?}",
            functions.keys().collect::<Vec<_>>()
        );
        let (function_id, function) = functions.iter().next().expect("one function");
        let topic_variables = function["environment"]
            .as_object()
            .expect("the function's environment")
            .iter()
            .filter_map(|(variable, value)| {
                let target = value["ref"].as_str()?;
                topics
                    .iter()
                    .any(|topic| topic == target)
                    .then(|| (variable.clone(), target.to_owned()))
            })
            .collect();
        let rules = report["rules"]
            .as_array()
            .expect("the report lists rules")
            .iter()
            .filter(|rule| {
                let targets = rule["targets"].as_array().expect("rule targets");
                targets
                    .iter()
                    .any(|target| target["function"] == function_id.as_str())
                    && !rule["pattern"].is_null()
            })
            .map(|rule| Rule {
                id: rule["id"].as_str().expect("a rule id").to_owned(),
                bus: rule["bus"].as_str().map(str::to_owned),
                state: rule["state"].as_str().unwrap_or("ENABLED").to_owned(),
                pattern: match &rule["pattern"] {
                    // A pattern may be written as a JSON string in the template.
                    Value::String(text) => serde_json::from_str(text)
                        .unwrap_or_else(|error| panic!("rule pattern {text}: {error}")),
                    pattern => pattern.clone(),
                },
            })
            .collect();
        Self {
            topics,
            topic_variables,
            rules,
        }
    }
}
