//! `Change Set Succeeded`, `Failed` and `Cancelled` details. AWS spells these fields in
//! PascalCase, except the camelCase `requestId`.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

use super::Id;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeSetDetail {
    #[serde(rename = "requestId")]
    pub request_id: Option<String>,
    pub catalog: Id,
    pub change_set_id: Id,
    pub change_set_name: Option<String>,
    pub start_time: Option<DateTime<Utc>>,
    pub end_time: Option<DateTime<Utc>>,
    pub failure_code: Option<FailureCode>,
}

/// How a change set ended; the failure code travels with a failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeSetOutcome {
    Succeeded,
    Failed(FailureCode),
    Cancelled,
}

/// Why a change set failed. AWS documents two codes; any other is kept as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailureCode {
    /// The request has problems; the change set's error list says which.
    ClientError,
    /// A problem on AWS's side; the same request can be retried.
    ServerFault,
    Other(String),
}

impl FailureCode {
    pub fn as_str(&self) -> &str {
        match self {
            FailureCode::ClientError => "CLIENT_ERROR",
            FailureCode::ServerFault => "SERVER_FAULT",
            FailureCode::Other(code) => code,
        }
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FailureCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = Id::deserialize(deserializer)?;
        Ok(match code.as_str() {
            "CLIENT_ERROR" => FailureCode::ClientError,
            "SERVER_FAULT" => FailureCode::ServerFault,
            other => FailureCode::Other(other.to_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_codes_parse_known_and_unknown_values() {
        let parse = |s: &str| serde_json::from_value::<FailureCode>(serde_json::json!(s));
        assert_eq!(parse("CLIENT_ERROR").unwrap(), FailureCode::ClientError);
        assert_eq!(parse("SERVER_FAULT").unwrap(), FailureCode::ServerFault);
        assert_eq!(
            parse("THROTTLED").unwrap(),
            FailureCode::Other("THROTTLED".into())
        );
        assert!(parse("").is_err());
    }
}
