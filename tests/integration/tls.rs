//! Certificate validation of the AWS clients' HTTPS client: a local HTTPS server with a
//! self-signed certificate must be refused, while a client that does trust that certificate
//! completes the handshake with the same server (so the refusal is the verification's).

use std::sync::Arc;

use aws_config::retry::RetryConfig;
use aws_sdk_sns::config::SharedCredentialsProvider;
use aws_sdk_sns::config::{Credentials, Region};
use marketplace_catalog_notifier::aws::{SnsPublisher, load_sdk_config, start_publisher_connector};
use marketplace_catalog_notifier::config::TopicArn;
use marketplace_catalog_notifier::message::{Attributes, Severity};
use marketplace_catalog_notifier::notification::{Channel, Notification, Subject};
use marketplace_catalog_notifier::publish::Publisher;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::{TlsAcceptor, TlsConnector};

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A self-signed certificate for `localhost` and the server that presents it; every
/// handshake's outcome (its error text, or `None` when it succeeded) goes to the receiver.
async fn self_signed_server() -> (
    u16,
    CertificateDer<'static>,
    mpsc::UnboundedReceiver<Option<String>>,
) {
    let issued = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
        .expect("certificate generated");
    let certificate = issued.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(issued.signing_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(vec![certificate.clone()], key)
        .expect("server certificate");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("local address").port();
    let (outcomes, received) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let outcomes = outcomes.clone();
            tokio::spawn(async move {
                match acceptor.accept(stream).await {
                    Ok(mut tls) => {
                        let _ = outcomes.send(None);
                        // Enough HTTP for any client that got this far to notice.
                        let mut request = [0u8; 1024];
                        let _ = tls.read(&mut request).await;
                        let _ = tls
                            .write_all(
                                b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n",
                            )
                            .await;
                    }
                    Err(error) => {
                        let _ = outcomes.send(Some(error.to_string()));
                    }
                }
            });
        }
    });
    (port, certificate, received)
}

#[tokio::test]
async fn the_aws_clients_refuse_a_self_signed_certificate() {
    let (port, _, mut handshakes) = self_signed_server().await;
    let sdk_config = load_sdk_config().await;
    let sns_config = aws_sdk_sns::config::Builder::from(&sdk_config)
        .endpoint_url(format!("https://localhost:{port}"))
        .region(Region::from_static("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .retry_config(RetryConfig::disabled())
        .build();
    let client = aws_sdk_sns::Client::from_conf(sns_config);

    let result = client
        .publish()
        .topic_arn("arn:aws:sns:us-east-1:123456789012:tls")
        .message("must not be sent")
        .send()
        .await;

    let error = result.expect_err("a self-signed certificate was accepted");
    let chain = format!(
        "{:?}",
        aws_smithy_types::error::display::DisplayErrorContext(&error)
    );
    assert!(chain.contains("UnknownIssuer"), "{chain}");
    let handshake = handshakes.recv().await.expect("the client connected");
    let server_saw = handshake.expect("the server saw the handshake fail");
    assert!(server_saw.contains("UnknownCA"), "{server_saw}");
}

#[tokio::test]
async fn the_connection_opened_ahead_of_the_first_publish_refuses_it_too() {
    let (port, _, mut handshakes) = self_signed_server().await;
    // As the function's cold start does: the publisher's connector started ahead, then
    // the first publish prepared, which opens the connection it will go out on.
    start_publisher_connector();
    let sdk_config = load_sdk_config()
        .await
        .into_builder()
        .endpoint_url(format!("https://localhost:{port}"))
        .region(Region::from_static("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "testing", "testing", None, None, "test",
        )))
        .retry_config(RetryConfig::disabled())
        .build();
    let publisher = SnsPublisher::from_sdk_config(&sdk_config);
    let topic = TopicArn::parse("arn:aws:sns:us-east-1:123456789012:tls").expect("valid ARN");
    assert_eq!(publisher.prepare(&topic).await, Ok(()));

    // Nothing has been published yet: the server's first handshake is the connection's.
    let opened_ahead = handshakes
        .recv()
        .await
        .expect("a connection was opened ahead");
    let refused = opened_ahead.expect("the connection opened ahead trusted the certificate");
    assert!(refused.contains("UnknownCA"), "{refused}");

    // The first publish finds that connection failed and goes through the SDK's connector,
    // which refuses the certificate as well.
    let notification = Notification::new(
        Channel::TEXT,
        Subject::new("must not be sent"),
        "must not be sent",
        Severity::Info,
        Attributes::new(),
    );
    let published = publisher.publish(&topic, &notification).await;
    assert!(published.is_err(), "{published:?}");
    let handshake = handshakes.recv().await.expect("the publish connected");
    let server_saw = handshake.expect("the server saw the publish's handshake fail");
    assert!(server_saw.contains("UnknownCA"), "{server_saw}");
}

#[tokio::test]
async fn the_same_server_completes_a_handshake_with_a_client_that_trusts_it() {
    let (port, certificate, mut handshakes) = self_signed_server().await;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(certificate)
        .expect("the certificate is a valid anchor");
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let name = ServerName::try_from("localhost").expect("server name");

    TlsConnector::from(Arc::new(config))
        .connect(name, stream)
        .await
        .expect("handshake with a trusted certificate");

    assert_eq!(handshakes.recv().await, Some(None));
}
