//! The connection the first publish goes out on, opened while the function starts: its TCP
//! connect and, for HTTPS, its TLS handshake run beside the request for the first event,
//! instead of inside the first invocation.
//!
//! The SDK's HTTPS client opens connections only for a request, so the connection is opened
//! here, with hyper (the HTTP/1 client the SDK's own is built on), and handed the first
//! request for its origin; every other request, and the first one too when this connection
//! is not there, not ready or old, goes to the SDK's connector as before.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_types::body::SdkBody;
use http::{HeaderValue, Uri, header::HOST};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::task::JoinHandle;

/// The process's connection opened ahead: the SNS publisher's preparation at init opens
/// it, the publisher's connector hands it the first request.
pub static OPENED_AHEAD: ConnectionAhead = ConnectionAhead::new();

/// How long an unused connection is trusted. A cold start asks for its first event at
/// once; an execution environment initialised ahead of its first event may wait much
/// longer, and a server may have closed the idle connection meanwhile.
const MAX_AGE: Duration = Duration::from_secs(10);

/// At most one connection, being opened or open, and the origin it is for.
#[derive(Debug)]
pub struct ConnectionAhead {
    slot: Mutex<Option<Opening>>,
}

#[derive(Debug)]
struct Opening {
    origin: Origin,
    started: Instant,
    connecting: JoinHandle<Result<SendRequest<SdkBody>, BoxError>>,
}

/// Scheme, host and port: what a request must share with the connection to go out on it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Origin {
    https: bool,
    host: String,
    port: u16,
}

impl Origin {
    fn of(uri: &Uri) -> Result<Self, String> {
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            other => return Err(format!("scheme {other:?} is neither http nor https")),
        };
        let host = uri.host().ok_or_else(|| format!("{uri} names no host"))?;
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        Ok(Self {
            https,
            // An IPv6 literal keeps its brackets in a URI, not in an address.
            host: host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .to_owned(),
            port,
        })
    }
}

impl ConnectionAhead {
    pub const fn new() -> Self {
        Self {
            slot: Mutex::new(None),
        }
    }

    /// Starts opening a connection to `uri`'s origin on the current Tokio runtime (its task
    /// runs while the runtime waits for other work), in place of any opened before. Fails
    /// without a runtime or on a URI that names no HTTP(S) origin.
    pub fn open(&self, uri: &str, connect_timeout: Duration) -> Result<(), String> {
        let uri: Uri = uri
            .parse()
            .map_err(|error| format!("endpoint {uri:?}: {error}"))?;
        let origin = Origin::of(&uri)?;
        let runtime = tokio::runtime::Handle::try_current().map_err(|error| error.to_string())?;
        let for_task = origin.clone();
        let connecting = runtime.spawn(async move {
            tokio::time::timeout(connect_timeout, connect(&for_task))
                .await
                .map_err(|_| format!("not connected within {connect_timeout:?}"))?
        });
        let opening = Opening {
            origin,
            started: Instant::now(),
            connecting,
        };
        let mut slot = self
            .slot
            .lock()
            .map_err(|_| "the connection slot was poisoned".to_owned())?;
        if let Some(replaced) = slot.replace(opening) {
            replaced.connecting.abort();
        }
        Ok(())
    }

    /// The connection, if one was opened for `request`'s origin; it is taken once.
    fn take_for(&self, request: &HttpRequest) -> Option<Opening> {
        let mut slot = self.slot.lock().ok()?;
        // Once the connection is taken, every later request finds the slot empty here,
        // before its URI is read.
        let opened = slot.as_ref()?;
        let origin = request
            .uri()
            .parse()
            .ok()
            .and_then(|uri| Origin::of(&uri).ok())?;
        if opened.origin == origin {
            slot.take()
        } else {
            None
        }
    }
}

impl Default for ConnectionAhead {
    fn default() -> Self {
        Self::new()
    }
}

async fn connect(origin: &Origin) -> Result<SendRequest<SdkBody>, BoxError> {
    let tcp = TcpStream::connect((origin.host.as_str(), origin.port)).await?;
    tcp.set_nodelay(true)?;
    if !origin.https {
        return handshake(tcp).await;
    }
    // Turning the root certificates into trust anchors is CPU work: off the runtime's thread,
    // which is meanwhile asking for the first event.
    let tls = tokio::task::spawn_blocking(super::trust::rustls_client_config).await??;
    let server_name = rustls::pki_types::ServerName::try_from(origin.host.clone())?;
    let stream = tokio_rustls::TlsConnector::from(Arc::new(tls))
        .connect(server_name, tcp)
        .await?;
    handshake(stream).await
}

/// HTTP/1 over `io`, its connection driven by a task of its own until it closes.
async fn handshake<T>(io: T) -> Result<SendRequest<SdkBody>, BoxError>
where
    T: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io)).await?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            tracing::debug!(%error, "the connection opened ahead ended with an error");
        }
    });
    Ok(sender)
}

/// What sending on the connection came to: the answer (or an error after the request went
/// out, which the SDK's retry policy judges), or the request back, unsent.
enum Sent {
    Answered(Result<HttpResponse, ConnectorError>),
    NotSent(HttpRequest),
}

impl Opening {
    async fn send(self, request: HttpRequest) -> Sent {
        if self.started.elapsed() > MAX_AGE {
            self.connecting.abort();
            return Sent::NotSent(request);
        }
        let mut sender = match self.connecting.await {
            Ok(Ok(sender)) => sender,
            Ok(Err(error)) => {
                tracing::debug!(%error, "the connection opened ahead failed");
                return Sent::NotSent(request);
            }
            Err(error) => {
                tracing::debug!(%error, "opening the connection ahead did not finish");
                return Sent::NotSent(request);
            }
        };
        if sender.ready().await.is_err() {
            return Sent::NotSent(request);
        }
        let mut request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(error) => return Sent::Answered(Err(ConnectorError::user(error.into()))),
        };
        let absolute = request.uri().clone();
        if let Err(error) = in_origin_form(&mut request) {
            return Sent::Answered(Err(ConnectorError::user(error)));
        }
        match sender.try_send_request(request).await {
            Ok(response) => Sent::Answered(
                HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                    .map_err(|error| ConnectorError::other(error.into(), None)),
            ),
            Err(mut error) => {
                let unsent = error.take_message().and_then(|mut unsent| {
                    *unsent.uri_mut() = absolute;
                    HttpRequest::try_from(unsent).ok()
                });
                match unsent {
                    Some(unsent) => Sent::NotSent(unsent),
                    None => Sent::Answered(Err(ConnectorError::io(error.into_error().into()))),
                }
            }
        }
    }
}

/// The request as it goes on the wire to an origin server: the path and query as its
/// target, and a `Host` header written as hyper's pooled client (and SigV4's signature)
/// write it: the host, with the port only when it is not the scheme's default.
fn in_origin_form(request: &mut http::Request<SdkBody>) -> Result<(), BoxError> {
    let uri = request.uri();
    let origin = Origin::of(uri)?;
    let default_port = if origin.https { 443 } else { 80 };
    let host = match (uri.host(), uri.port_u16()) {
        (Some(host), Some(port)) if port != default_port => format!("{host}:{port}"),
        (Some(host), _) => host.to_owned(),
        (None, _) => return Err("the request names no host".into()),
    };
    let target: Uri = uri
        .path_and_query()
        .map_or("/", |target| target.as_str())
        .parse()?;
    if !request.headers().contains_key(HOST) {
        request
            .headers_mut()
            .insert(HOST, HeaderValue::try_from(host)?);
    }
    *request.uri_mut() = target;
    Ok(())
}

/// A connector that sends the first request for the connection's origin on it, and every
/// other request on the connector `otherwise` gives, which is asked for only when needed
/// (so the SDK's connector being built elsewhere is not waited for by the first request).
pub struct FirstOnConnectionAhead {
    ahead: &'static ConnectionAhead,
    otherwise: Arc<dyn Fn() -> SharedHttpConnector + Send + Sync>,
}

impl FirstOnConnectionAhead {
    pub fn new(
        ahead: &'static ConnectionAhead,
        otherwise: impl Fn() -> SharedHttpConnector + Send + Sync + 'static,
    ) -> Self {
        Self {
            ahead,
            otherwise: Arc::new(otherwise),
        }
    }
}

impl std::fmt::Debug for FirstOnConnectionAhead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirstOnConnectionAhead")
            .field("ahead", &self.ahead)
            .finish_non_exhaustive()
    }
}

impl HttpConnector for FirstOnConnectionAhead {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let Some(opening) = self.ahead.take_for(&request) else {
            return (self.otherwise)().call(request);
        };
        let otherwise = Arc::clone(&self.otherwise);
        HttpConnectorFuture::new(async move {
            match opening.send(request).await {
                Sent::Answered(answer) => answer,
                Sent::NotSent(request) => otherwise().call(request).await,
            }
        })
    }
}

#[cfg(test)]
mod tests;
