//! Reading an SSM parameter at cold start (`ACCOUNT_NAMES`, `ROUTES`) without the generated
//! SSM client: the request must be the `GetParameter` a real client sends, signed with SigV4
//! for SSM in the configured region, and the SDK's retry rules must apply (throttling
//! retried, a missing parameter not). A loopback server records what it was sent; the
//! answer moto gives is covered end to end in `several_accounts.rs`.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use marketplace_catalog_notifier::aws::ParameterStore;
use serde_json::{Value, json};

use crate::support::{http_server, lookups};

const TIMEOUT: Duration = Duration::from_secs(3);

/// What the fake service was sent: headers by name, and the JSON body.
#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    body: Value,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.as_str())
            .unwrap_or_default()
    }
}

/// Serves the answers in `script` in turn (the last one again once they run out), recording
/// every request.
async fn fake_ssm(script: Vec<(StatusCode, Value)>) -> (String, Arc<Mutex<Vec<Received>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&received);
    let url = http_server::serve(move |request: Request<Incoming>| {
        let log = Arc::clone(&log);
        let script = script.clone();
        async move {
            let headers = request
                .headers()
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        value.to_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            let bytes = request
                .into_body()
                .collect()
                .await
                .map(|body| body.to_bytes())
                .unwrap_or_default();
            let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            let turn = {
                let mut log = log.lock().expect("the request log");
                log.push(Received { headers, body });
                log.len() - 1
            };
            let (status, answer) = script[turn.min(script.len() - 1)].clone();
            Ok::<_, Infallible>(
                Response::builder()
                    .status(status)
                    .header("content-type", "application/x-amz-json-1.1")
                    .body(Full::new(Bytes::from(answer.to_string())))
                    .expect("static response parts are valid"),
            )
        }
    })
    .await;
    (url, received)
}

fn value_answer(value: &str) -> (StatusCode, Value) {
    (
        StatusCode::OK,
        json!({"Parameter": {"Name": "/n", "Type": "SecureString", "Value": value, "Version": 1}}),
    )
}

#[tokio::test]
async fn get_parameter_is_signed_for_ssm_in_the_region_and_asks_for_decryption() {
    let (url, received) = fake_ssm(vec![value_answer(r#"{"111122223333":"Acme"}"#)]).await;
    let store = ParameterStore::new(&lookups::sdk_config(url).await).expect("a region is set");

    let value = store
        .read(
            "arn:aws:ssm:us-east-1:123456789012:parameter/names",
            TIMEOUT,
        )
        .await
        .expect("the value");

    assert_eq!(value, r#"{"111122223333":"Acme"}"#);
    let received = received.lock().expect("the request log").clone();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.header("x-amz-target"), "AmazonSSM.GetParameter");
    assert_eq!(request.header("content-type"), "application/x-amz-json-1.1");
    assert_eq!(
        request.body,
        json!({"Name": "arn:aws:ssm:us-east-1:123456789012:parameter/names", "WithDecryption": true})
    );
    let authorization = request.header("authorization");
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=testing/")
            && authorization.contains("/us-east-1/ssm/aws4_request")
            && authorization.contains("x-amz-target")
            && authorization.contains("Signature="),
        "a SigV4 signature for SSM in us-east-1 that covers the operation: {authorization}"
    );
    assert!(!request.header("x-amz-date").is_empty());
}

#[tokio::test]
async fn throttling_is_retried() {
    let (url, received) = fake_ssm(vec![
        (
            StatusCode::BAD_REQUEST,
            json!({"__type": "ThrottlingException", "message": "Rate exceeded"}),
        ),
        value_answer("after a retry"),
    ])
    .await;
    let store = ParameterStore::new(&lookups::sdk_config(url).await).expect("a region is set");

    let value = store.read("/names", TIMEOUT).await.expect("the value");

    assert_eq!(value, "after a retry");
    assert_eq!(received.lock().expect("the request log").len(), 2);
}

#[tokio::test]
async fn a_missing_parameter_is_named_and_not_retried() {
    let (url, received) = fake_ssm(vec![(
        StatusCode::BAD_REQUEST,
        json!({"__type": "com.amazonaws.ssm#ParameterNotFound", "message": "Parameter /names not found."}),
    )])
    .await;
    let store = ParameterStore::new(&lookups::sdk_config(url).await).expect("a region is set");

    let error = store
        .read("/names", TIMEOUT)
        .await
        .expect_err("no such parameter");

    assert!(
        error.contains("\"/names\"") && error.contains("ParameterNotFound"),
        "{error}"
    );
    assert_eq!(received.lock().expect("the request log").len(), 1);
}
