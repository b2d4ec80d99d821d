//! Hands an event to the deployed function, as EventBridge would but synchronously (Lambda
//! `Invoke`, `RequestResponse`), so the function's own configuration decides: its topics,
//! chat channel, lookups and delivery table. The redrive command delivers through this.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::InvocationType;
use serde_json::Value;

use super::error::describe;

/// One invocation may run for the function's whole timeout (30 s in the template) and its
/// publishes; this leaves room for both and for a cold start.
const INVOKE_TIMEOUT: Duration = Duration::from_secs(90);

/// The function's answer to one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// It returned this outcome (`{"status": "published" | "skipped" | "duplicate", ...}`).
    Outcome(Value),
    /// It failed: its `errorType` and `errorMessage`.
    Failed {
        error_type: String,
        error_message: String,
    },
}

#[derive(Debug, Clone)]
pub struct FunctionInvoker {
    client: aws_sdk_lambda::Client,
    function: String,
}

impl FunctionInvoker {
    /// Invokes `function` (a name, ARN or alias ARN) with the SDK settings of `sdk_config`.
    pub fn new(sdk_config: &SdkConfig, function: impl Into<String>) -> Self {
        let config = aws_sdk_lambda::config::Builder::from(sdk_config)
            .timeout_config(
                TimeoutConfig::builder()
                    .operation_timeout(INVOKE_TIMEOUT)
                    .operation_attempt_timeout(INVOKE_TIMEOUT)
                    .build(),
            )
            .build();
        Self {
            client: aws_sdk_lambda::Client::from_conf(config),
            function: function.into(),
        }
    }

    pub fn function(&self) -> &str {
        &self.function
    }

    /// The function's answer to `event`; `Err` when it could not be asked (permissions,
    /// throttling, network), with the reason.
    pub async fn invoke(&self, event: &Value) -> Result<Answer, String> {
        let response = self
            .client
            .invoke()
            .function_name(&self.function)
            .invocation_type(InvocationType::RequestResponse)
            .payload(Blob::new(event.to_string()))
            .send()
            .await
            .map_err(|error| format!("Invoke {}: {}", self.function, describe(&error)))?;
        let payload = response
            .payload()
            .map(|blob| blob.as_ref().to_vec())
            .unwrap_or_default();
        let body: Value = serde_json::from_slice(&payload)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&payload).into_owned()));
        if response.function_error().is_none() {
            return Ok(Answer::Outcome(body));
        }
        let field = |name: &str| {
            body.get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_default()
        };
        Ok(Answer::Failed {
            error_type: Some(field("errorType"))
                .filter(|error_type| !error_type.is_empty())
                .unwrap_or_else(|| "Unhandled".to_owned()),
            error_message: match field("errorMessage") {
                message if message.is_empty() => body.to_string(),
                message => message,
            },
        })
    }
}
