//! Short, readable descriptions of AWS SDK errors. They end up in notifications and in
//! Lambda's `errorMessage`, where the SDK's full debug chain (raw headers, bodies) would bury
//! the one line that matters; that chain goes to the debug log instead.

use std::error::Error;
use std::fmt::Debug;

use aws_sdk_sns::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// "NotFound: Topic does not exist", "could not reach the endpoint (Connection refused …)".
pub fn describe<E, R>(error: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + Error + 'static,
    R: Debug + 'static,
{
    tracing::debug!(error = %DisplayErrorContext(error), "AWS SDK error in full");
    match error {
        SdkError::ServiceError(context) => {
            let service_error = context.err();
            let code = service_error.code().unwrap_or("UnknownError");
            match service_error.message() {
                Some(message) => format!("{code}: {message}"),
                None => code.to_owned(),
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
    fn timeouts_say_so() {
        let error: SdkError<PublishError> = SdkError::timeout_error("attempt timeout");
        assert_eq!(describe(&error), "no answer within the SDK's timeout");
    }
}
