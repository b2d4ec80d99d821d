//! Reports a failed cold start to the Lambda Runtime API (`/runtime/init/error`), so Lambda
//! records why the function could not start (e.g. a missing topic variable) instead of only
//! "Runtime exited".

use http::{Method, Uri};
use lambda_runtime::Diagnostic;
use lambda_runtime_api_client::{Client, body::Body, build_request};

const INIT_ERROR_PATH: &str = "/2018-06-01/runtime/init/error";

/// Posts the diagnostic when running under a Runtime API; elsewhere (a local run) there is
/// nobody to tell, and the caller's own error output suffices.
pub async fn report(diagnostic: &Diagnostic) {
    let Ok(api) = std::env::var("AWS_LAMBDA_RUNTIME_API") else {
        return;
    };
    if let Err(reason) = post(&api, diagnostic).await {
        tracing::error!(%reason, "could not report the init error to the Lambda Runtime API");
    }
}

async fn post(api: &str, diagnostic: &Diagnostic) -> Result<(), String> {
    let base: Uri = api.parse().map_err(|error| {
        format!("AWS_LAMBDA_RUNTIME_API {api:?} is not a valid address: {error}")
    })?;
    if base.authority().is_none() {
        return Err(format!("AWS_LAMBDA_RUNTIME_API {api:?} has no host"));
    }
    let client = Client::builder()
        .with_endpoint(base)
        .build()
        .map_err(|error| error.to_string())?;
    let body = serde_json::to_vec(diagnostic).map_err(|error| error.to_string())?;
    let request = build_request()
        .method(Method::POST)
        .uri(INIT_ERROR_PATH)
        .header(
            "lambda-runtime-function-error-type",
            diagnostic.error_type.as_str(),
        )
        .body(Body::from(body))
        .map_err(|error| error.to_string())?;
    let response = client
        .call(request)
        .await
        .map_err(|error| error.to_string())?;
    if !response.status().is_success() {
        return Err(format!("the Runtime API answered {}", response.status()));
    }
    Ok(())
}
