//! The connection opened ahead against a local listener, and the fallback connector.

use std::sync::atomic::{AtomicUsize, Ordering};

use aws_smithy_runtime_api::http::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;

/// The connector the first request falls back to: it answers 204 and counts its calls.
#[derive(Debug, Clone, Default)]
struct Otherwise {
    calls: Arc<AtomicUsize>,
}

impl Otherwise {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
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

fn connector(ahead: &'static ConnectionAhead) -> (FirstOnConnectionAhead, Otherwise) {
    let otherwise = Otherwise::default();
    let shared = SharedHttpConnector::new(otherwise.clone());
    (
        FirstOnConnectionAhead::new(ahead, move || shared.clone()),
        otherwise,
    )
}

/// A slot of the test's own, with a connection being opened to 127.0.0.1:`port`.
fn opened_to(port: u16) -> &'static ConnectionAhead {
    let ahead = Box::leak(Box::new(ConnectionAhead::new()));
    ahead
        .open(&format!("http://127.0.0.1:{port}/"), Duration::from_secs(2))
        .unwrap_or_else(|error| panic!("{error}"));
    ahead
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
    let ahead = opened_to(port);
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
    assert_eq!(otherwise.calls(), 0);
    // Taken once: the next request goes to the other connector.
    let second = connector
        .call(post(&format!("http://127.0.0.1:{port}/")))
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(second.status().as_u16(), 204);
    assert_eq!(otherwise.calls(), 1);
}

#[tokio::test]
async fn a_request_for_another_origin_leaves_the_connection_for_its_own() {
    let (_listener, port) = listener().await;
    let ahead = opened_to(port);
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
    assert_eq!(otherwise.calls(), 3);
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
    let ahead = opened_to(port);
    let (connector, otherwise) = connector(ahead);
    let response = connector
        .call(post(&format!("http://127.0.0.1:{port}/")))
        .await
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(response.status().as_u16(), 204);
    assert_eq!(otherwise.calls(), 1);
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
