//! Runs the notifier binary the way Lambda does: a small Lambda Runtime API emulator on
//! 127.0.0.1 hands it invocations through `GET /2018-06-01/runtime/invocation/next` and
//! records what it posts back (`/response`, `/error`, `/runtime/init/error`).
//!
//! The emulator serves HTTP/1.1 with keep-alive (the runtime's client reuses connections),
//! answers one `next` per queued invocation and holds the request open until there is one,
//! like the real API. Every wait is bounded, and the process is killed when dropped.

use std::convert::Infallible;
use std::process::{ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};
use tokio::sync::{Mutex, mpsc, watch};
use tokio::task::JoinHandle;

/// The binary under test. Cargo builds it in the test profile for integration tests; the
/// release bootstrap (opt-level "s", LTO, panic = "abort") is built by the template checks.
pub const BINARY: &str = env!("CARGO_BIN_EXE_marketplace-catalog-notifier");

/// The function ARN the emulator reports in `lambda-runtime-invoked-function-arn`.
pub const FUNCTION_ARN: &str =
    "arn:aws:lambda:us-east-1:123456789012:function:marketplace-catalog-notifier-test";

/// How long an invocation may run, as the `lambda-runtime-deadline-ms` header tells it.
const FUNCTION_TIMEOUT: Duration = Duration::from_secs(30);

const API_PREFIX: &str = "/2018-06-01/runtime";

/// What the function posted back to the Runtime API.
#[derive(Debug, Clone)]
pub enum Report {
    /// `POST /invocation/{id}/response`.
    Response { request_id: String, body: Value },
    /// `POST /invocation/{id}/error`.
    /// (Its `lambda-runtime-function-error-type` header is the runtime's fixed "unhandled";
    /// the error type the function chose is in the body.)
    Error { request_id: String, body: Value },
    /// `POST /runtime/init/error`.
    InitError {
        error_type_header: Option<String>,
        body: Value,
    },
    /// A request the Runtime API does not define; answered with 404.
    Unexpected { method: String, path: String },
}

/// The result of one invocation.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The handler's return value.
    Response(Value),
    /// The invocation error, with the `errorType` and `errorMessage` Lambda records.
    Error {
        error_type: String,
        error_message: String,
    },
}

impl Reply {
    /// The response body, or a failure naming `context`.
    pub fn expect_response(self, context: &str) -> Value {
        match self {
            Reply::Response(body) => body,
            Reply::Error {
                error_type,
                error_message,
                ..
            } => panic!("{context}: expected a response, got {error_type}: {error_message}"),
        }
    }

    /// The `(errorType, errorMessage)` of an invocation error, or a failure naming `context`.
    pub fn expect_error(self, context: &str) -> (String, String) {
        match self {
            Reply::Error {
                error_type,
                error_message,
                ..
            } => (error_type, error_message),
            Reply::Response(body) => panic!("{context}: expected an error, got response {body}"),
        }
    }
}

/// One queued invocation.
struct Invocation {
    request_id: String,
    payload: Bytes,
}

/// What the connection handlers share.
struct Shared {
    pending: Mutex<mpsc::UnboundedReceiver<Invocation>>,
    reports: mpsc::UnboundedSender<Report>,
    next_calls: AtomicUsize,
    connections: AtomicUsize,
}

/// The Lambda Runtime API emulator, listening on a free 127.0.0.1 port until dropped.
pub struct RuntimeApi {
    address: String,
    invocations: mpsc::UnboundedSender<Invocation>,
    reports: mpsc::UnboundedReceiver<Report>,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
    invocation_count: usize,
}

impl RuntimeApi {
    /// Starts the emulator on a free port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the Runtime API emulator on 127.0.0.1");
        let address = listener
            .local_addr()
            .expect("the emulator's address")
            .to_string();
        let (invocations, pending) = mpsc::unbounded_channel();
        let (report_sender, reports) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            pending: Mutex::new(pending),
            reports: report_sender,
            next_calls: AtomicUsize::new(0),
            connections: AtomicUsize::new(0),
        });
        let server = tokio::spawn(accept(listener, Arc::clone(&shared)));
        Self {
            address,
            invocations,
            reports,
            shared,
            server,
            invocation_count: 0,
        }
    }

    /// `host:port`, the value for `AWS_LAMBDA_RUNTIME_API`.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// How many times the function asked for its next invocation.
    pub fn next_calls(&self) -> usize {
        self.shared.next_calls.load(Ordering::SeqCst)
    }

    /// How many TCP connections the function opened. With keep-alive it reuses one for
    /// many invocations.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// How many invocations were queued so far.
    pub fn invocations(&self) -> usize {
        self.invocation_count
    }

    /// Queues an invocation with these payload bytes and returns its request id.
    pub fn enqueue(&mut self, payload: impl Into<Bytes>) -> String {
        self.invocation_count += 1;
        let request_id = format!("request-{:04}", self.invocation_count);
        self.invocations
            .send(Invocation {
                request_id: request_id.clone(),
                payload: payload.into(),
            })
            .expect("the emulator is running");
        request_id
    }

    /// The next thing the function posted, or `None` when the emulator stopped.
    pub async fn next_report(&mut self) -> Option<Report> {
        self.reports.recv().await
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Accepts connections and serves each on its own task, with HTTP/1.1 keep-alive.
async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        shared.connections.fetch_add(1, Ordering::SeqCst);
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            let service = service_fn(move |request| route(Arc::clone(&shared), request));
            // A connection the function drops (or a killed process) just ends here.
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Dispatches one Runtime API request.
async fn route(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let Some(rest) = path.strip_prefix(API_PREFIX) else {
        return Ok(unexpected(&shared, &method, &path));
    };
    let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    let response = match (&method, segments.as_slice()) {
        (&Method::GET, ["invocation", "next"]) => next_invocation(&shared).await,
        (&Method::POST, ["invocation", request_id, "response"]) => {
            let request_id = (*request_id).to_owned();
            let body = json_body(request).await;
            report(&shared, Report::Response { request_id, body })
        }
        (&Method::POST, ["invocation", request_id, "error"]) => {
            let request_id = (*request_id).to_owned();
            let body = json_body(request).await;
            report(&shared, Report::Error { request_id, body })
        }
        (&Method::POST, ["init", "error"]) => {
            let error_type_header = error_type_header(&request);
            let body = json_body(request).await;
            report(
                &shared,
                Report::InitError {
                    error_type_header,
                    body,
                },
            )
        }
        _ => unexpected(&shared, &method, &path),
    };
    Ok(response)
}

/// Holds the request until an invocation is queued, then hands it over with the headers
/// lambda_runtime requires.
async fn next_invocation(shared: &Shared) -> Response<Full<Bytes>> {
    shared.next_calls.fetch_add(1, Ordering::SeqCst);
    let Some(invocation) = shared.pending.lock().await.recv().await else {
        return reply(StatusCode::GONE, "the emulator is shutting down");
    };
    let deadline = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        + FUNCTION_TIMEOUT;
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json")
        .header("lambda-runtime-aws-request-id", &invocation.request_id)
        .header(
            "lambda-runtime-deadline-ms",
            deadline.as_millis().to_string(),
        )
        .header("lambda-runtime-invoked-function-arn", FUNCTION_ARN)
        .body(Full::new(invocation.payload))
        .expect("a valid response")
}

fn report(shared: &Shared, report: Report) -> Response<Full<Bytes>> {
    // The test may have finished and dropped the receiver; the function still gets its 202.
    let _ = shared.reports.send(report);
    reply(StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
}

fn unexpected(shared: &Shared, method: &Method, path: &str) -> Response<Full<Bytes>> {
    let _ = shared.reports.send(Report::Unexpected {
        method: method.to_string(),
        path: path.to_owned(),
    });
    reply(StatusCode::NOT_FOUND, "not a Runtime API path")
}

fn reply(status: StatusCode, body: &'static str) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .body(Full::new(Bytes::from_static(body.as_bytes())))
        .expect("a valid response")
}

fn error_type_header(request: &Request<Incoming>) -> Option<String> {
    request
        .headers()
        .get("lambda-runtime-function-error-type")
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
}

/// The body as JSON; anything else is kept as a string so the test can show it.
async fn json_body(request: Request<Incoming>) -> Value {
    let bytes = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(error) => return Value::String(format!("<body could not be read: {error}>")),
    };
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
}

/// The notifier binary running under a [`RuntimeApi`], with its output captured.
pub struct Lambda {
    // Declared first so that the process is killed before the emulator goes away.
    child: Child,
    stdout: watch::Receiver<Vec<u8>>,
    stderr: watch::Receiver<Vec<u8>>,
    pub api: RuntimeApi,
}

impl Lambda {
    /// Starts an emulator and the binary with a clean environment: the variables Lambda
    /// sets for a 128 MB function, plus `env` (topics, AWS endpoint, credentials, …).
    pub async fn start(env: &[(String, String)]) -> Self {
        let api = RuntimeApi::start().await;
        let mut child = Command::new(BINARY)
            .env_clear()
            .env(
                "AWS_LAMBDA_FUNCTION_NAME",
                "marketplace-catalog-notifier-test",
            )
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_RUNTIME_API", api.address())
            .envs(env.iter().map(|(name, value)| (name, value)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {BINARY}: {error}"));
        let stdout = capture(child.stdout.take().expect("piped stdout"));
        let stderr = capture(child.stderr.take().expect("piped stderr"));
        Self {
            child,
            stdout,
            stderr,
            api,
        }
    }

    /// Sends one invocation and waits (bounded by [`super::WAIT`]) for the function's reply
    /// to it. Fails with the process output if the process exits or nothing comes back.
    pub async fn invoke(&mut self, payload: impl Into<Bytes>) -> Reply {
        let request_id = self.api.enqueue(payload);
        let waited = tokio::time::timeout(super::WAIT, async {
            tokio::select! {
                report = self.api.next_report() => Ok(report),
                status = self.child.wait() => Err(status),
            }
        })
        .await;
        let report = match waited {
            Ok(Ok(Some(report))) => report,
            Ok(Ok(None)) => self.fail(&format!("the emulator stopped before {request_id}")),
            Ok(Err(status)) => self.fail(&format!(
                "the process exited ({status:?}) during {request_id}"
            )),
            Err(_) => self.fail(&format!(
                "no reply to {request_id} within {:?}",
                super::WAIT
            )),
        };
        match report {
            Report::Response {
                request_id: replied,
                body,
            } if replied == request_id => Reply::Response(body),
            Report::Error {
                request_id: replied,
                body,
            } if replied == request_id => Reply::Error {
                error_type: body["errorType"].as_str().unwrap_or_default().to_owned(),
                error_message: body["errorMessage"].as_str().unwrap_or_default().to_owned(),
            },
            Report::Unexpected { method, path } => self.fail(&format!(
                "during {request_id} the function called {method} {path}, \
                 which the Runtime API does not define"
            )),
            other => self.fail(&format!("{request_id} got an unexpected report {other:?}")),
        }
    }

    /// Waits for the init error the function posts when it cannot start, then for the
    /// process to exit; returns the error body, its error-type header and the exit status.
    pub async fn expect_init_failure(&mut self) -> (Value, Option<String>, ExitStatus) {
        let report = tokio::time::timeout(super::WAIT, self.api.next_report()).await;
        let (body, header) = match report {
            Ok(Some(Report::InitError {
                body,
                error_type_header,
            })) => (body, error_type_header),
            other => self.fail(&format!("expected an init error, got {other:?}")),
        };
        let status = self.wait_exit().await;
        (body, header, status)
    }

    /// Waits (bounded) for the process to exit.
    pub async fn wait_exit(&mut self) -> ExitStatus {
        match tokio::time::timeout(super::WAIT, self.child.wait()).await {
            Ok(Ok(status)) => status,
            Ok(Err(error)) => self.fail(&format!("waiting for the process: {error}")),
            Err(_) => self.fail(&format!("the process still runs after {:?}", super::WAIT)),
        }
    }

    /// Waits (bounded by [`super::WAIT`]) until the function asks for its next invocation
    /// after the last one queued: proof that a failed invocation did not stop it serving.
    pub async fn wait_for_next_poll(&mut self) {
        let deadline = tokio::time::Instant::now() + super::WAIT;
        while self.api.next_calls() <= self.api.invocations() {
            if tokio::time::Instant::now() >= deadline {
                self.fail(&format!(
                    "the function did not ask for another invocation within {:?} \
                     ({} next calls for {} invocations)",
                    super::WAIT,
                    self.api.next_calls(),
                    self.api.invocations()
                ));
            }
            tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(10)) => {}
                status = self.child.wait() => {
                    self.fail(&format!("the process exited ({status:?}) instead of serving"));
                }
            }
        }
    }

    /// Waits (bounded) until the process has written `needle` to standard output.
    pub async fn wait_for_stdout(&mut self, needle: &str) {
        let mut stdout = self.stdout.clone();
        let found = tokio::time::timeout(
            super::WAIT,
            stdout.wait_for(|bytes| String::from_utf8_lossy(bytes).contains(needle)),
        )
        .await;
        if !matches!(found, Ok(Ok(_))) {
            self.fail(&format!("standard output never contained {needle:?}"));
        }
    }

    /// Everything the process wrote so far, for failure messages.
    pub fn output(&self) -> String {
        format!(
            "---- stdout ----\n{}\n---- stderr ----\n{}",
            String::from_utf8_lossy(&self.stdout.borrow()),
            String::from_utf8_lossy(&self.stderr.borrow())
        )
    }

    fn fail(&self, what: &str) -> ! {
        panic!("{what}\n{}", self.output())
    }
}

/// Collects a pipe's bytes as they arrive, so tests can wait for a line or show the output.
fn capture(mut pipe: impl AsyncRead + Unpin + Send + 'static) -> watch::Receiver<Vec<u8>> {
    let (sender, receiver) = watch::channel(Vec::new());
    tokio::spawn(async move {
        let mut buffer = vec![0; 16 * 1024];
        loop {
            match pipe.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(read) => sender.send_modify(|all| all.extend_from_slice(&buffer[..read])),
            }
        }
    });
    receiver
}
