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
        let origin = request
            .uri()
            .parse()
            .ok()
            .and_then(|uri| Origin::of(&uri).ok())?;
        let mut slot = self.slot.lock().ok()?;
        if slot.as_ref()?.origin == origin {
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
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use aws_smithy_runtime_api::http::StatusCode;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::*;

    /// The connector the first request falls back to: it answers 204 and counts its calls.
    #[derive(Debug, Default)]
    struct Otherwise {
        calls: AtomicUsize,
    }

    impl HttpConnector for Otherwise {
        fn call(&self, _: HttpRequest) -> HttpConnectorFuture {
            self.calls.fetch_add(1, Ordering::SeqCst);
            HttpConnectorFuture::ready(Ok(HttpResponse::new(
                StatusCode::try_from(204).unwrap_or_else(|error| panic!("{error}")),
                SdkBody::empty(),
            )))
        }
    }

    fn connector(ahead: &'static ConnectionAhead) -> (FirstOnConnectionAhead, Arc<Otherwise>) {
        let otherwise = Arc::new(Otherwise::default());
        let shared = SharedHttpConnector::new(ArcConnector(Arc::clone(&otherwise)));
        (
            FirstOnConnectionAhead::new(ahead, move || shared.clone()),
            otherwise,
        )
    }

    #[derive(Debug)]
    struct ArcConnector(Arc<Otherwise>);

    impl HttpConnector for ArcConnector {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            self.0.call(request)
        }
    }

    fn leaked() -> &'static ConnectionAhead {
        Box::leak(Box::new(ConnectionAhead::new()))
    }

    fn post(uri: &str) -> HttpRequest {
        let mut request = HttpRequest::new(SdkBody::from("Action=Publish"));
        request
            .set_method("POST")
            .unwrap_or_else(|error| panic!("{error}"));
        request
            .set_uri(uri)
            .unwrap_or_else(|error| panic!("{error}"));
        request
    }

    async fn listener() -> (TcpListener, u16) {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|error| panic!("bind: {error}"));
        let port = listener
            .local_addr()
            .unwrap_or_else(|error| panic!("{error}"))
            .port();
        (listener, port)
    }

    #[tokio::test]
    async fn the_first_request_goes_out_on_the_connection_opened_before_it() {
        let (listener, port) = listener().await;
        let ahead = leaked();
        ahead
            .open(&format!("http://127.0.0.1:{port}/"), Duration::from_secs(2))
            .unwrap_or_else(|error| panic!("{error}"));
        // The connection is there before any request is made.
        let (mut server_side, _) = listener
            .accept()
            .await
            .unwrap_or_else(|error| panic!("accept: {error}"));
        let (connector, otherwise) = connector(ahead);
        let answered =
            tokio::spawn(connector.call(post(&format!("http://127.0.0.1:{port}/topics?x=1"))));
        let mut received = Vec::new();
        while !received.ends_with(b"Action=Publish") {
            let mut chunk = [0u8; 1024];
            let read = server_side
                .read(&mut chunk)
                .await
                .unwrap_or_else(|error| panic!("read: {error}"));
            assert!(
                read > 0,
                "closed after {:?}",
                String::from_utf8_lossy(&received)
            );
            received.extend_from_slice(&chunk[..read]);
        }
        let received = String::from_utf8_lossy(&received).to_lowercase();
        assert!(
            received.starts_with("post /topics?x=1 http/1.1\r\n"),
            "{received}"
        );
        assert!(
            received.contains(&format!("host: 127.0.0.1:{port}\r\n")),
            "{received}"
        );
        server_side
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok")
            .await
            .unwrap_or_else(|error| panic!("write: {error}"));
        let response = answered
            .await
            .unwrap_or_else(|error| panic!("{error}"))
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(otherwise.calls.load(Ordering::SeqCst), 0);
        // Taken once: the next request goes to the other connector.
        let second = connector
            .call(post(&format!("http://127.0.0.1:{port}/")))
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(second.status().as_u16(), 204);
        assert_eq!(otherwise.calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_request_for_another_origin_leaves_the_connection_for_its_own() {
        let (_listener, port) = listener().await;
        let ahead = leaked();
        ahead
            .open(&format!("http://127.0.0.1:{port}/"), Duration::from_secs(2))
            .unwrap_or_else(|error| panic!("{error}"));
        let (connector, otherwise) = connector(ahead);
        for other in [
            format!("https://127.0.0.1:{port}/"),
            format!("http://127.0.0.1:{}/", port.wrapping_add(1)),
            format!("http://localhost:{port}/"),
        ] {
            let response = connector
                .call(post(&other))
                .await
                .unwrap_or_else(|error| panic!("{other}: {error}"));
            assert_eq!(response.status().as_u16(), 204, "{other}");
        }
        assert_eq!(otherwise.calls.load(Ordering::SeqCst), 3);
        assert!(
            ahead.slot.lock().is_ok_and(|slot| slot.is_some()),
            "the connection was taken by a request for another origin"
        );
    }

    #[tokio::test]
    async fn a_connection_that_could_not_be_opened_hands_the_request_to_the_other_connector() {
        // A port that was just free: nothing listens on it.
        let (listener, port) = listener().await;
        drop(listener);
        let ahead = leaked();
        ahead
            .open(&format!("http://127.0.0.1:{port}/"), Duration::from_secs(2))
            .unwrap_or_else(|error| panic!("{error}"));
        let (connector, otherwise) = connector(ahead);
        let response = connector
            .call(post(&format!("http://127.0.0.1:{port}/")))
            .await
            .unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(response.status().as_u16(), 204);
        assert_eq!(otherwise.calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn opening_needs_a_runtime_and_an_http_origin() {
        let ahead = ConnectionAhead::new();
        let timeout = Duration::from_secs(1);
        let no_runtime = ahead.open("http://127.0.0.1:1/", timeout);
        assert!(no_runtime.is_err(), "{no_runtime:?}");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|error| panic!("{error}"));
        let _inside = runtime.enter();
        for wrong in ["ftp://example.com/", "/no/origin", "not a uri"] {
            let opened = ahead.open(wrong, timeout);
            assert!(opened.is_err(), "{wrong}: {opened:?}");
        }
    }

    #[test]
    fn origins_take_the_scheme_default_port_and_drop_ipv6_brackets() {
        let origin =
            |uri: &str| Origin::of(&uri.parse().unwrap_or_else(|error| panic!("{uri}: {error}")));
        let expected = |https, host: &str, port| {
            Ok(Origin {
                https,
                host: host.to_owned(),
                port,
            })
        };
        assert_eq!(
            origin("https://sns.us-east-1.amazonaws.com/"),
            expected(true, "sns.us-east-1.amazonaws.com", 443)
        );
        assert_eq!(
            origin("http://127.0.0.1:5000"),
            expected(false, "127.0.0.1", 5000)
        );
        assert_eq!(origin("http://[::1]/"), expected(false, "::1", 80));
        assert!(origin("ftp://example.com/").is_err());
    }

    #[test]
    fn the_host_header_carries_the_port_only_when_it_is_not_the_default() {
        let host = |uri: &str| {
            let mut request = http::Request::builder()
                .uri(uri)
                .body(SdkBody::empty())
                .unwrap_or_else(|error| panic!("{error}"));
            in_origin_form(&mut request).unwrap_or_else(|error| panic!("{uri}: {error}"));
            (
                request.uri().to_string(),
                request
                    .headers()
                    .get(HOST)
                    .map(|host| host.as_bytes().to_vec()),
            )
        };
        assert_eq!(
            host("https://sns.us-east-1.amazonaws.com/"),
            (
                "/".to_owned(),
                Some(b"sns.us-east-1.amazonaws.com".to_vec())
            )
        );
        assert_eq!(
            host("https://sns.us-east-1.amazonaws.com:443"),
            (
                "/".to_owned(),
                Some(b"sns.us-east-1.amazonaws.com".to_vec())
            )
        );
        assert_eq!(
            host("http://127.0.0.1:5000/a?b=c"),
            ("/a?b=c".to_owned(), Some(b"127.0.0.1:5000".to_vec()))
        );
        let mut kept = http::Request::builder()
            .uri("http://127.0.0.1:5000/")
            .header(HOST, "example.com")
            .body(SdkBody::empty())
            .unwrap_or_else(|error| panic!("{error}"));
        in_origin_form(&mut kept).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(
            kept.headers().get(HOST).map(HeaderValue::as_bytes),
            Some(&b"example.com"[..])
        );
    }
}
