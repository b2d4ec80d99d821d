//! A Lambda `Invoke` endpoint on 127.0.0.1 in front of the real function binary, which runs
//! under the Runtime API emulator ([`super::lambda`]): `POST
//! /2015-03-31/functions/<name>/invocations` hands the body to the function as one
//! invocation and answers as Lambda does — the function's response, or its error object with
//! the `X-Amz-Function-Error` header. The redrive command reaches it through
//! `AWS_ENDPOINT_URL_LAMBDA`.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Response, StatusCode};
use serde_json::json;
use tokio::sync::Mutex;

use super::http_server;
use super::lambda::{Lambda, Reply};

pub struct InvokeEndpoint {
    /// `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_LAMBDA`.
    pub url: String,
    invocations: Arc<AtomicUsize>,
}

impl InvokeEndpoint {
    /// Starts the function with `env` and serves Invoke for it (any function name).
    pub async fn start(env: &[(String, String)]) -> Self {
        let lambda = Arc::new(Mutex::new(Lambda::start(env).await));
        let invocations = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&invocations);
        let url = http_server::serve(move |request: hyper::Request<hyper::body::Incoming>| {
            let lambda = Arc::clone(&lambda);
            let counter = Arc::clone(&counter);
            async move {
                let is_invoke = request.method() == hyper::Method::POST
                    && request.uri().path().ends_with("/invocations");
                if !is_invoke {
                    let body = Full::new(Bytes::from_static(b"{\"message\":\"not Invoke\"}"));
                    return Ok::<_, Infallible>(
                        Response::builder()
                            .status(StatusCode::NOT_FOUND)
                            .body(body)
                            .expect("a response"),
                    );
                }
                let payload = request
                    .into_body()
                    .collect()
                    .await
                    .map(|body| body.to_bytes())
                    .unwrap_or_default();
                counter.fetch_add(1, Ordering::SeqCst);
                let reply = lambda.lock().await.invoke(payload).await;
                let response = Response::builder().status(StatusCode::OK);
                Ok(match reply {
                    Reply::Response(body) => response
                        .body(Full::new(Bytes::from(body.to_string())))
                        .expect("a response"),
                    Reply::Error {
                        error_type,
                        error_message,
                    } => response
                        .header("X-Amz-Function-Error", "Unhandled")
                        .body(Full::new(Bytes::from(
                            json!({"errorType": error_type, "errorMessage": error_message})
                                .to_string(),
                        )))
                        .expect("a response"),
                })
            }
        })
        .await;
        Self { url, invocations }
    }

    /// How many invocations were asked for so far.
    pub fn invocations(&self) -> usize {
        self.invocations.load(Ordering::SeqCst)
    }
}
