//! What template.yaml declares, as tests/template_patterns.py reports it: the template is
//! read with cfn-lint's CloudFormation loader (so `!Ref` and `!GetAtt` parse), run with the
//! Python named by `NOTIFIER_PYTHON` (the project's venv; `make test` sets it).
//!
//! The end-to-end suite builds its moto world from these facts rather than from names
//! written into the tests, so a topic or rule added to the template is exercised too.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

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

/// Sends one request to a tests/template_patterns.py helper and returns its JSON report.
///
/// Helpers stay running between requests: importing cfn-lint and moto is most of what a
/// request costs, and the suite sends dozens. A request takes an idle helper, or starts one
/// when every helper is busy (tests run in parallel), and gives it back once answered. A
/// helper that fails to answer is stopped, not given back. Helpers end when the test process
/// does: their stdin closes with it.
fn run(request: &Value) -> Value {
    let idle = || IDLE_HELPERS.lock().unwrap_or_else(PoisonError::into_inner);
    let popped = idle().pop();
    let mut helper = popped.unwrap_or_else(Helper::start);
    match helper.ask(request) {
        Ok(report) => {
            idle().push(helper);
            report
        }
        Err(problem) => {
            let stderr = helper.stop();
            panic!("{} {problem}\n{stderr}", helper_script().display())
        }
    }
}

static IDLE_HELPERS: Mutex<Vec<Helper>> = Mutex::new(Vec::new());

fn helper_script() -> std::path::PathBuf {
    root().join("tests").join("template_patterns.py")
}

/// How long the helper may take for one request: the first loads cfn-lint and moto, a few
/// seconds on a busy machine.
const HELPER_TIMEOUT: Duration = Duration::from_secs(60);

/// One running helper: a request goes in on its stdin as one line, its answer comes back on
/// stdout as one line, read on a thread of its own so that waiting for it can time out.
struct Helper {
    child: Child,
    stdin: ChildStdin,
    answers: Receiver<String>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Helper {
    fn start() -> Self {
        let python = std::env::var(PYTHON_VARIABLE)
            .ok()
            .filter(|python| !python.trim().is_empty())
            .unwrap_or_else(|| {
                panic!(
                    "{PYTHON_VARIABLE} is not set: template.yaml is read with cfn-lint from the \
                     project's venv. Run `make test`, or set {PYTHON_VARIABLE}=.venv/bin/python"
                )
            });
        let script = helper_script();
        let mut child = Command::new(&python)
            .arg(&script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run {PYTHON_VARIABLE}={python}: {error}"));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let (sender, answers) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        // Kept whole, so a helper that fails can say why.
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut pipe = child.stderr.take().expect("piped stderr");
        let kept = Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut chunk = [0_u8; 4096];
            while let Ok(read @ 1..) = pipe.read(&mut chunk) {
                kept.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .extend_from_slice(&chunk[..read]);
            }
        });
        Self {
            child,
            stdin,
            answers,
            stderr,
        }
    }

    /// The report for `request`, or what went wrong: the helper's own error, its exit, or
    /// its silence past [`HELPER_TIMEOUT`].
    fn ask(&mut self, request: &Value) -> Result<Value, String> {
        writeln!(self.stdin, "{request}")
            .and_then(|()| self.stdin.flush())
            .map_err(|error| format!("did not take the request: {error}"))?;
        let line = match self.answers.recv_timeout(HELPER_TIMEOUT) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => {
                return Err(format!("did not answer within {HELPER_TIMEOUT:?}"));
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err("exited without answering".to_owned());
            }
        };
        let mut answer: Value = serde_json::from_str(&line)
            .map_err(|error| format!("answered with no JSON ({error}): {line}"))?;
        match answer["error"].as_str() {
            Some(error) => Err(format!("refused the request: {error}")),
            None => Ok(answer["report"].take()),
        }
    }

    /// Stops the helper and returns what it wrote on stderr.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let stderr = self.stderr.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&stderr).into_owned()
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
