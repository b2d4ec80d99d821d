//! A plain HTTP/1.1 server on 127.0.0.1 around a test's handler: the stand-in for a service
//! with no local equivalent (the Marketplace Catalog and Agreement APIs, an SNS `http`
//! subscriber). It lives as long as the test's runtime.

use std::convert::Infallible;
use std::future::Future;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// Serves every request with `respond`; returns the server's URL, `http://127.0.0.1:<port>`.
pub async fn serve<F, R>(respond: F) -> String
where
    F: Fn(Request<Incoming>) -> R + Clone + Send + 'static,
    R: Future<Output = Result<Response<Full<Bytes>>, Infallible>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(
                http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service_fn(respond.clone())),
            );
        }
    });
    format!("http://{address}")
}
