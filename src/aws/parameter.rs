//! Reads a setting kept in an SSM parameter at cold start (a `SecureString` is decrypted),
//! bounded in time: a platform team keeps one copy of it for every stack instead of one per
//! deployment. Used by `ACCOUNT_NAMES` and `ROUTES`.
//!
//! The one call, `GetParameter`, goes through the AWS SDK's own request pipeline (the
//! orchestrator of `aws-smithy-runtime`: the shared HTTPS client, the timeouts, the standard
//! retries with AWS's throttling and transient error codes, SigV4 signing from `aws-runtime`
//! with the function's credentials); only the request body and the reading of the answer
//! are written here. The generated SSM client does the same for some 150 operations, and
//! compiling it took longer than any other crate in both of the project's builds (about two
//! minutes each, on two CPUs) for this one call.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_runtime::auth::SigV4OperationSigningConfig;
use aws_runtime::auth::sigv4::{self, SigV4AuthScheme};
use aws_runtime::retries::classifiers::AwsErrorCodeClassifier;
use aws_smithy_runtime::client::orchestrator::operation::Operation;
use aws_smithy_runtime::client::retries::classifiers::{
    HttpStatusCodeClassifier, TransientErrorClassifier,
};
use aws_smithy_runtime_api::client::auth::AuthSchemeOptionResolverParams;
use aws_smithy_runtime_api::client::auth::static_resolver::StaticAuthSchemeOptionResolver;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, OrchestratorError};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
use aws_smithy_runtime_api::client::runtime_plugin::StaticRuntimePlugin;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::Layer;
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::retry::RetryConfig;
use aws_types::SigningName;
use aws_types::region::SigningRegion;
use aws_types::service_config::ServiceConfigKey;
use serde::Deserialize;

use super::error as aws_error;

/// The bound on one read, retries included; cold start must not hang on it.
pub const PARAMETER_TIMEOUT: Duration = Duration::from_secs(3);

/// The SSM API as the SDK names it: the signing name, the endpoint prefix, and the key of
/// `AWS_ENDPOINT_URL_SSM` (the service-specific endpoint override every SDK honours).
const SERVICE: &str = "ssm";
const SERVICE_ID: &str = "SSM";
const ENDPOINT_VARIABLE: &str = "AWS_ENDPOINT_URL_SSM";

/// Reads parameters with the credentials, region, HTTPS client and timeouts of an SDK
/// configuration.
#[derive(Debug, Clone)]
pub struct ParameterStore {
    operation: Operation<String, String, ErrorMetadata>,
}

impl ParameterStore {
    /// Fails only when the configuration has no region, which every AWS call needs (Lambda
    /// always sets `AWS_REGION`).
    pub fn new(sdk_config: &SdkConfig) -> Result<Self, String> {
        let region = sdk_config
            .region()
            .ok_or("no AWS region is configured (AWS_REGION)")?
            .to_string();
        let endpoint = endpoint(sdk_config, &region);
        let mut builder = Operation::builder()
            .service_name(SERVICE_ID)
            .operation_name("GetParameter")
            .endpoint_url(&endpoint)
            .with_connection_poisoning()
            .runtime_plugin(signing(sdk_config, region));
        if let Some(http_client) = sdk_config.http_client() {
            builder = builder.http_client(http_client);
        }
        if let Some(timeouts) = sdk_config.timeout_config() {
            builder = builder.timeout_config(timeouts.clone());
        }
        if let Some(time_source) = sdk_config.time_source() {
            builder = builder.time_source(time_source);
        }
        builder = match sdk_config.sleep_impl() {
            Some(sleep) => builder
                .standard_retry(
                    sdk_config
                        .retry_config()
                        .unwrap_or(&RetryConfig::standard()),
                )
                .retry_classifier(AwsErrorCodeClassifier::<ErrorMetadata>::new())
                .retry_classifier(TransientErrorClassifier::<ErrorMetadata>::new())
                .retry_classifier(HttpStatusCodeClassifier::default())
                .sleep_impl(sleep),
            // Retries wait between attempts; without a sleep there is one attempt.
            None => builder.no_retry(),
        };
        let operation = builder
            .serializer(get_parameter_request)
            .deserializer(parameter_value)
            .build();
        Ok(Self { operation })
    }

    /// The parameter's value (`name` is a name or an ARN); the error says which parameter
    /// and why.
    pub async fn read(&self, name: &str, timeout: Duration) -> Result<String, String> {
        let request = self.operation.invoke(name.to_owned());
        tokio::time::timeout(timeout, request)
            .await
            .map_err(|_| {
                format!(
                    "SSM parameter {name:?} could not be read within {} ms",
                    timeout.as_millis()
                )
            })?
            .map_err(|error| {
                format!(
                    "SSM parameter {name:?} could not be read: {}",
                    aws_error::describe(&error)
                )
            })
    }
}

/// Where SSM is reached: `AWS_ENDPOINT_URL_SSM`, then `AWS_ENDPOINT_URL` (both also from the
/// shared config file, as the SDK reads them), then the regional endpoint, in its FIPS or
/// dual-stack form when the configuration asks for one.
fn endpoint(sdk_config: &SdkConfig, region: &str) -> String {
    let service_override = ServiceConfigKey::builder()
        .service_id(SERVICE_ID)
        .env(ENDPOINT_VARIABLE)
        .profile("endpoint_url")
        .build()
        .ok()
        .and_then(|key| sdk_config.service_config()?.load_config(key));
    if let Some(url) = service_override.or_else(|| sdk_config.endpoint_url().map(str::to_owned)) {
        return url;
    }
    regional_endpoint(
        region,
        sdk_config.use_fips().unwrap_or(false),
        sdk_config.use_dual_stack().unwrap_or(false),
    )
}

/// SSM's regional endpoint: `ssm`, `ssm-fips` with FIPS, in the partition's domain, or the
/// dual-stack domain (`api.aws`, `api.amazonwebservices.com.cn` in China). AWS Marketplace
/// runs in the commercial partition; anywhere else, `AWS_ENDPOINT_URL_SSM` names the endpoint.
fn regional_endpoint(region: &str, fips: bool, dual_stack: bool) -> String {
    let host = if fips { "ssm-fips" } else { SERVICE };
    let china = region.starts_with("cn-");
    let domain = match (china, dual_stack) {
        (false, false) => "amazonaws.com",
        (false, true) => "api.aws",
        (true, false) => "amazonaws.com.cn",
        (true, true) => "api.amazonwebservices.com.cn",
    };
    format!("https://{host}.{region}.{domain}")
}

/// SigV4 with the configuration's credentials, for SSM in `region`: what a generated client
/// sets up for every operation.
fn signing(sdk_config: &SdkConfig, region: String) -> StaticRuntimePlugin {
    let mut config = Layer::new("ssm-get-parameter");
    config.store_put(AuthSchemeOptionResolverParams::new(()));
    config.store_put(SigV4OperationSigningConfig {
        region: Some(SigningRegion::from(aws_types::region::Region::new(region))),
        name: Some(SigningName::from_static(SERVICE)),
        ..SigV4OperationSigningConfig::default()
    });
    let mut components = RuntimeComponentsBuilder::new("ssm-get-parameter")
        .with_auth_scheme_option_resolver(Some(StaticAuthSchemeOptionResolver::new(vec![
            sigv4::SCHEME_ID,
        ])))
        .with_auth_scheme(SigV4AuthScheme::new());
    if let Some(credentials) = sdk_config.credentials_provider() {
        components = components.with_identity_resolver(sigv4::SCHEME_ID, credentials);
    }
    StaticRuntimePlugin::new()
        .with_config(config.freeze())
        .with_runtime_components(components)
}

/// `GetParameter` in the AWS JSON 1.1 protocol, always decrypted (a `SecureString` is the
/// usual way to keep these settings).
fn get_parameter_request(
    name: String,
) -> Result<HttpRequest, aws_smithy_runtime_api::box_error::BoxError> {
    let body = serde_json::json!({ "Name": name, "WithDecryption": true }).to_string();
    let request = http::Request::builder()
        .method("POST")
        .uri("/")
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amz-target", "AmazonSSM.GetParameter")
        .body(SdkBody::from(body))?;
    Ok(HttpRequest::try_from(request)?)
}

#[derive(Deserialize)]
struct GetParameterOutput {
    #[serde(rename = "Parameter")]
    parameter: Option<Parameter>,
}

#[derive(Deserialize)]
struct Parameter {
    #[serde(rename = "Value")]
    value: Option<String>,
}

/// The `Error` half of an AWS JSON 1.1 answer.
#[derive(Deserialize, Default)]
struct ErrorBody {
    #[serde(rename = "__type")]
    kind: Option<String>,
    #[serde(alias = "Message")]
    message: Option<String>,
}

/// The value of a successful answer, or the service's error code and message (which the
/// retry classifiers read: throttling and transient codes are retried).
fn parameter_value(response: &HttpResponse) -> Result<String, OrchestratorError<ErrorMetadata>> {
    let body = response.body().bytes().unwrap_or_default();
    if response.status().is_success() {
        let output: GetParameterOutput = serde_json::from_slice(body).map_err(|error| {
            OrchestratorError::other(format!("SSM answered GetParameter with {error}"))
        })?;
        return output
            .parameter
            .and_then(|parameter| parameter.value)
            .ok_or_else(|| OrchestratorError::other("the parameter has no value"));
    }
    let error: ErrorBody = serde_json::from_slice(body).unwrap_or_default();
    // The code may come qualified ("com.amazonaws.ssm#ParameterNotFound") and is also in a
    // header, which wins when the body has none.
    let header_code = response
        .headers()
        .get("x-amzn-errortype")
        .map(|value| value.split(':').next().unwrap_or(value).to_owned());
    let code = error
        .kind
        .map(|kind| kind.rsplit('#').next().unwrap_or(&kind).to_owned())
        .or(header_code)
        .unwrap_or_else(|| format!("HTTP {}", response.status().as_u16()));
    let mut metadata = ErrorMetadata::builder().code(code);
    if let Some(message) = error.message {
        metadata = metadata.message(message);
    }
    Err(OrchestratorError::operation(metadata.build()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::http::StatusCode;

    fn response(status: u16, body: &str) -> HttpResponse {
        HttpResponse::new(
            StatusCode::try_from(status).expect("a valid status"),
            SdkBody::from(body.to_owned()),
        )
    }

    #[test]
    fn regional_endpoints_follow_the_partition_fips_and_dual_stack() {
        assert_eq!(
            regional_endpoint("us-east-1", false, false),
            "https://ssm.us-east-1.amazonaws.com"
        );
        assert_eq!(
            regional_endpoint("us-gov-west-1", true, false),
            "https://ssm-fips.us-gov-west-1.amazonaws.com"
        );
        assert_eq!(
            regional_endpoint("eu-west-1", false, true),
            "https://ssm.eu-west-1.api.aws"
        );
        assert_eq!(
            regional_endpoint("cn-north-1", false, false),
            "https://ssm.cn-north-1.amazonaws.com.cn"
        );
    }

    #[test]
    fn the_request_is_get_parameter_decrypted_in_aws_json() {
        let request = get_parameter_request("/notifier/routes".to_owned()).expect("a request");
        assert_eq!(request.method(), "POST");
        assert_eq!(
            request.headers().get("x-amz-target"),
            Some("AmazonSSM.GetParameter")
        );
        assert_eq!(
            request.headers().get("content-type"),
            Some("application/x-amz-json-1.1")
        );
        let body: serde_json::Value =
            serde_json::from_slice(request.body().bytes().expect("an in-memory body"))
                .expect("a JSON body");
        assert_eq!(
            body,
            serde_json::json!({"Name": "/notifier/routes", "WithDecryption": true})
        );
    }

    #[test]
    fn an_answer_gives_its_value() {
        let answer = response(
            200,
            r#"{"Parameter":{"Name":"/a","Type":"SecureString","Value":"{\"1\":\"x\"}","Version":3}}"#,
        );
        assert_eq!(parameter_value(&answer).expect("a value"), r#"{"1":"x"}"#);
    }

    #[test]
    fn an_answer_without_a_value_is_an_error() {
        let error = parameter_value(&response(200, r#"{"Parameter":{"Name":"/a"}}"#))
            .expect_err("no value");
        assert!(format!("{error:?}").contains("no value"), "{error:?}");
    }

    #[test]
    fn an_error_answer_names_the_code_and_message() {
        let error = parameter_value(&response(
            400,
            r#"{"__type":"com.amazonaws.ssm#ParameterNotFound","message":"not here"}"#,
        ))
        .expect_err("an error");
        let metadata = error.as_operation_error().expect("a service error");
        assert_eq!(metadata.code(), Some("ParameterNotFound"));
        assert_eq!(metadata.message(), Some("not here"));
    }

    #[test]
    fn an_error_without_a_body_is_named_by_its_status() {
        let error = parameter_value(&response(503, "")).expect_err("an error");
        let metadata = error.as_operation_error().expect("a service error");
        assert_eq!(metadata.code(), Some("HTTP 503"));
    }
}
