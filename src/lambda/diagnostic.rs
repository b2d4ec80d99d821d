//! What Lambda records for a failed invocation or cold start: the `errorType` and message
//! the Runtime API is sent for each of the notifier's errors.

use lambda_runtime::Diagnostic;

use crate::error::{ConfigError, NotifierError};

/// A failed invocation: the error's own type name, and the message that names the event id
/// and the field, so the event found later in the on-failure destination matches its logs.
pub fn of_failure(error: NotifierError) -> Diagnostic {
    Diagnostic {
        error_type: error.error_type().to_owned(),
        error_message: error.to_string(),
    }
}

/// A cold start stopped by the configuration, reported to the init-error endpoint: one
/// `errorType` for every configuration mistake; the message names the variable.
pub fn of_configuration(error: &ConfigError) -> Diagnostic {
    Diagnostic {
        error_type: "InvalidConfiguration".to_owned(),
        error_message: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_carries_the_error_type_and_the_full_message() {
        let error = NotifierError::InvalidDetail {
            event_id: "evt-1".into(),
            detail_type: "Change Set Failed".into(),
            field: "detail.ChangeSetId".into(),
            reason: "missing field".into(),
        };
        let diagnostic = of_failure(error);
        assert_eq!(diagnostic.error_type, "InvalidDetail");
        assert_eq!(
            diagnostic.error_message,
            "event evt-1: invalid \"Change Set Failed\" detail: field `detail.ChangeSetId`: missing field"
        );
    }

    #[test]
    fn configuration_errors_are_reported_as_invalid_configuration() {
        for error in [
            ConfigError::Missing {
                variable: "SECURITY_TOPIC_ARN",
            },
            ConfigError::Invalid {
                variable: "ENRICH_TIMEOUT_MS",
                value: "0".into(),
                reason: "expected milliseconds between 1 and 10000".into(),
            },
        ] {
            let diagnostic = of_configuration(&error);
            assert_eq!(diagnostic.error_type, "InvalidConfiguration");
            assert_eq!(diagnostic.error_message, error.to_string());
        }
    }
}
