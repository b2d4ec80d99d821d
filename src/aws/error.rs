//! Short, readable descriptions of AWS SDK errors. They end up in notifications and in
//! Lambda's `errorMessage`, where the SDK's full debug chain (raw headers, bodies) would bury
//! the one line that matters; that chain goes to the debug log instead.

use std::error::Error;

use aws_sdk_sns::config::http::HttpResponse;
use aws_sdk_sns::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// "NotFound: Topic does not exist", "could not reach the endpoint (Connection refused …)".
pub fn describe<E>(error: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + Error + 'static,
{
    tracing::debug!(error = %DisplayErrorContext(error), "AWS SDK error in full");
    match error {
        SdkError::ServiceError(context) => {
            let service_error = context.err();
            match (service_error.code(), service_error.message()) {
                (Some(code), Some(message)) => format!("{code}: {message}"),
                (Some(code), None) => code.to_owned(),
                (None, message) => without_error_code(context.raw().status().as_u16(), message),
            }
        }
        SdkError::TimeoutError(_) => "no answer within the SDK's timeout".to_owned(),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            format!("timed out reaching the endpoint ({})", root_cause(error))
        }
        SdkError::DispatchFailure(failure) if failure.is_io() => {
            format!("could not reach the endpoint ({})", root_cause(error))
        }
        SdkError::ResponseError(_) => format!("unreadable response ({})", root_cause(error)),
        _ => root_cause(error),
    }
}

/// Just the error code, for text that must not carry AWS's messages (a notification line
/// saying a lookup failed): "AccessDeniedException", "Timeout", "HTTP 502".
pub fn error_code<E>(error: &SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + Error + 'static,
{
    tracing::debug!(error = %DisplayErrorContext(error), "AWS SDK error in full");
    match error {
        SdkError::ServiceError(context) => match context.err().code() {
            Some(code) => code.to_owned(),
            None => format!("HTTP {}", context.raw().status().as_u16()),
        },
        SdkError::TimeoutError(_) => "Timeout".to_owned(),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => "Timeout".to_owned(),
        SdkError::DispatchFailure(_) => "ConnectionFailure".to_owned(),
        SdkError::ResponseError(_) => "UnreadableResponse".to_owned(),
        _ => "RequestFailure".to_owned(),
    }
}

/// An error answer without an AWS error code, typically from something in front of the
/// service (a proxy, a load balancer): its HTTP status is then all there is to go on.
fn without_error_code(status: u16, message: Option<&str>) -> String {
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .map(|reason| format!(" {reason}"))
        .unwrap_or_default();
    match message {
        Some(message) => format!("HTTP {status}{reason} without an AWS error code: {message}"),
        None => format!("HTTP {status}{reason} without an AWS error code"),
    }
}

/// The innermost error's message: the concrete reason (e.g. "Connection refused").
fn root_cause(error: &(dyn Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sns::error::ConnectorError;
    use aws_sdk_sns::operation::publish::PublishError;

    #[test]
    fn unreachable_endpoints_name_the_root_cause() {
        let refused =
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        let error: SdkError<PublishError> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(refused)));
        assert_eq!(
            describe(&error),
            "could not reach the endpoint (Connection refused)"
        );
    }

    #[test]
    fn answers_without_an_error_code_name_the_http_status() {
        assert_eq!(
            without_error_code(429, None),
            "HTTP 429 Too Many Requests without an AWS error code"
        );
        assert_eq!(
            without_error_code(502, Some("upstream unavailable")),
            "HTTP 502 Bad Gateway without an AWS error code: upstream unavailable"
        );
        assert_eq!(
            without_error_code(599, None),
            "HTTP 599 without an AWS error code"
        );
    }

    #[test]
    fn timeouts_say_so() {
        let error: SdkError<PublishError> = SdkError::timeout_error("attempt timeout");
        assert_eq!(describe(&error), "no answer within the SDK's timeout");
    }
}
