//! A fault-injecting HTTP proxy on 127.0.0.1 in front of moto: the notifier's SNS client is
//! pointed at it (`AWS_ENDPOINT_URL`), and the test switches what it does between
//! invocations: refuse connections, hang up, answer errors, stall, or pass requests through.
//!
//! It decides per HTTP request (the SDK keeps connections alive, so a connection opened while
//! passing through must not keep passing through once a fault is set) and never forwards a
//! request it answers itself, so a fault never publishes anything behind the test's back.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};

/// What the proxy does with the next requests.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Forward each request to the upstream server and relay its answer.
    PassThrough,
    /// Forward like [`Fault::PassThrough`], but one request at a time. DynamoDB applies a
    /// conditional write to an item atomically; moto serves each request on its own thread
    /// and checks then writes in Python, so two writes at once can both pass their check.
    /// In front of moto's DynamoDB this gives the atomicity the real service documents.
    OneAtATime,
    /// Nothing listens on the port any more: connecting fails with "connection refused".
    Closed,
    /// Read the request, then close the connection without answering.
    HangUp,
    /// Answer each request with this status, content type and body, forwarding nothing.
    Respond {
        status: StatusCode,
        content_type: &'static str,
        body: String,
    },
    /// Hold each request this long, then answer 503 (to a client that has normally given
    /// up by then), forwarding nothing.
    Stall(Duration),
    /// Forward the proxy's first `passes` requests (counted since it started), then stall
    /// every later one as [`Fault::Stall`] does: a process can be stopped at a known point
    /// (the redrive command's tests, built with the `redrive` feature).
    #[cfg_attr(not(feature = "redrive"), allow(dead_code))]
    PassThenStall { passes: usize, stall: Duration },
}

impl Fault {
    /// SNS's query-protocol error document, as SNS sends it with an HTTP error status.
    pub fn sns_error(status: StatusCode, kind: &str, code: &str, message: &str) -> Self {
        let body = format!(
            "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">\
             <Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>\
             <RequestId>0b1e5a2c-fault-proxy</RequestId></ErrorResponse>"
        );
        Fault::Respond {
            status,
            content_type: "text/xml",
            body,
        }
    }
}

/// What the connection tasks share with the test.
struct Shared {
    fault: Mutex<Fault>,
    upstream: SocketAddr,
    requests: AtomicUsize,
    /// Held while forwarding in [`Fault::OneAtATime`].
    forwarding: tokio::sync::Mutex<()>,
}

/// The proxy, listening on a fixed 127.0.0.1 port (except while [`Fault::Closed`]) until
/// dropped.
pub struct FaultProxy {
    address: SocketAddr,
    shared: Arc<Shared>,
    /// The accept loop; `None` while closed.
    accept: Option<JoinHandle<()>>,
    connections: Arc<Mutex<JoinSet<()>>>,
}

impl FaultProxy {
    /// Starts passing requests through to `upstream` (`http://127.0.0.1:PORT`).
    pub async fn start(upstream: &str) -> Self {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|error| panic!("upstream {upstream} is not http://IP:PORT: {error}"));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the fault proxy on 127.0.0.1");
        let address = listener.local_addr().expect("the proxy's address");
        let shared = Arc::new(Shared {
            fault: Mutex::new(Fault::PassThrough),
            upstream,
            requests: AtomicUsize::new(0),
            forwarding: tokio::sync::Mutex::new(()),
        });
        let connections = Arc::new(Mutex::new(JoinSet::new()));
        let accept = tokio::spawn(accept(
            listener,
            Arc::clone(&shared),
            Arc::clone(&connections),
        ));
        Self {
            address,
            shared,
            accept: Some(accept),
            connections,
        }
    }

    /// `http://127.0.0.1:PORT`, the value for `AWS_ENDPOINT_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// How many HTTP requests reached the proxy so far, in any mode.
    pub fn requests(&self) -> usize {
        self.shared.requests.load(Ordering::SeqCst)
    }

    /// Switches to `fault`. [`Fault::Closed`] stops listening and drops every open
    /// connection before returning; any other fault listens again on the same port.
    pub async fn set(&mut self, fault: Fault) {
        let closing = matches!(fault, Fault::Closed);
        *self.shared.fault.lock().expect("fault lock") = fault;
        if closing {
            if let Some(accept) = self.accept.take() {
                accept.abort();
                // Awaited, so the listener is gone once `set` returns.
                let _ = accept.await;
            }
            let mut open = std::mem::take(&mut *self.connections.lock().expect("connections lock"));
            open.shutdown().await;
        } else if self.accept.is_none() {
            let listener = TcpListener::bind(self.address)
                .await
                .unwrap_or_else(|error| panic!("listen again on {}: {error}", self.address));
            self.accept = Some(tokio::spawn(accept(
                listener,
                Arc::clone(&self.shared),
                Arc::clone(&self.connections),
            )));
        }
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
        }
        if let Ok(mut connections) = self.connections.lock() {
            connections.abort_all();
        }
    }
}

/// Accepts connections and serves each with HTTP/1.1 keep-alive on its own task.
async fn accept(listener: TcpListener, shared: Arc<Shared>, connections: Arc<Mutex<JoinSet<()>>>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = Arc::clone(&shared);
        let mut connections = connections.lock().expect("connections lock");
        // Forget connections that already ended.
        while connections.try_join_next().is_some() {}
        connections.spawn(async move {
            let service = service_fn(move |request| answer(Arc::clone(&shared), request));
            // A hang-up, or a client that gave up, just ends the connection here.
            let _ = http1::Builder::new()
                .keep_alive(true)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Why a connection was closed without an answer (hyper then drops it).
#[derive(Debug)]
struct HungUp;

impl std::fmt::Display for HungUp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the fault proxy hung up")
    }
}

impl std::error::Error for HungUp {}

/// Answers one request according to the current fault.
async fn answer(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, HungUp> {
    let number = shared.requests.fetch_add(1, Ordering::SeqCst) + 1;
    let fault = shared.fault.lock().expect("fault lock").clone();
    let fault = match fault {
        Fault::PassThenStall { passes, .. } if number <= passes => Fault::PassThrough,
        Fault::PassThenStall { stall, .. } => Fault::Stall(stall),
        fault => fault,
    };
    match fault {
        Fault::PassThrough => Ok(forward(shared.upstream, request).await),
        Fault::OneAtATime => {
            let _one_at_a_time = shared.forwarding.lock().await;
            Ok(forward(shared.upstream, request).await)
        }
        // A connection accepted just before closing is treated like a hang-up.
        Fault::Closed | Fault::HangUp => Err(HungUp),
        Fault::Respond {
            status,
            content_type,
            body,
        } => Ok(canned(status, content_type, body)),
        Fault::Stall(delay) | Fault::PassThenStall { stall: delay, .. } => {
            tokio::time::sleep(delay).await;
            Ok(canned(
                StatusCode::SERVICE_UNAVAILABLE,
                "text/plain",
                "stalled".to_owned(),
            ))
        }
    }
}

fn canned(status: StatusCode, content_type: &'static str, body: String) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header(CONTENT_TYPE, content_type)
        .body(Full::new(Bytes::from(body)))
        .expect("a valid response")
}

/// Sends the request to the upstream on a new connection and relays the answer; a failure
/// to reach the upstream becomes a 502 naming it.
async fn forward(upstream: SocketAddr, request: Request<Incoming>) -> Response<Full<Bytes>> {
    match try_forward(upstream, request).await {
        Ok(response) => response,
        Err(error) => canned(
            StatusCode::BAD_GATEWAY,
            "text/plain",
            format!("fault proxy: upstream {upstream}: {error}"),
        ),
    }
}

async fn try_forward(
    upstream: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Box<dyn std::error::Error + Send + Sync>> {
    let stream = TcpStream::connect(upstream).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake::<_, Incoming>(TokioIo::new(stream)).await?;
    let driver = tokio::spawn(connection);
    let response = sender.send_request(request).await?;
    let (mut parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    drop(sender);
    driver.abort();
    // The body is relayed whole: hyper sets its length again.
    parts.headers.remove(TRANSFER_ENCODING);
    parts.headers.remove(CONTENT_LENGTH);
    Ok(Response::from_parts(parts, Full::new(body)))
}
