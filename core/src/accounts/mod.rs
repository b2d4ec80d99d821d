//! Account names: which seller account is which, so a notification says
//! "Acme EU (111122223333)" instead of twelve digits. Read once at cold start from
//! `ACCOUNT_NAMES`, either inline JSON or the name of an SSM parameter holding that JSON.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::text::single_line;

/// Environment variable: `{"111122223333": "Acme EU", ...}`, or an SSM parameter name
/// (`/marketplace/account-names`) or ARN whose value is that JSON.
pub const ACCOUNT_NAMES_VARIABLE: &str = "ACCOUNT_NAMES";

/// SSM parameter names are at most 2048 characters (Systems Manager API reference,
/// `GetParameter`); a longer value cannot be one.
const MAX_PARAMETER_NAME_CHARS: usize = 2048;

/// Names longer than this are cut: a label sits in subjects and one-line fields.
const MAX_NAME_CHARS: usize = 64;

/// Account id → display name. Cheap to clone: every notification of a warm instance shares
/// one map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountNames(Arc<BTreeMap<String, String>>);

impl AccountNames {
    /// Parses `{"<12-digit id>": "<name>", ...}`. Errors name the offending key.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let value: Value =
            serde_json::from_str(text).map_err(|error| format!("not valid JSON: {error}"))?;
        let Value::Object(entries) = value else {
            return Err(r#"expected a JSON object like {"111122223333": "Acme EU"}"#.to_owned());
        };
        let mut names = BTreeMap::new();
        for (account, name) in entries {
            if !is_account_id(&account) {
                return Err(format!("key {account:?} is not a 12-digit AWS account id"));
            }
            let Value::String(name) = name else {
                return Err(format!("the name for {account} is not a string"));
            };
            let name: String = single_line(&name).chars().take(MAX_NAME_CHARS).collect();
            let name = name.trim();
            if name.is_empty() {
                return Err(format!("the name for {account} is empty"));
            }
            names.insert(account, name.to_owned());
        }
        Ok(Self(Arc::new(names)))
    }

    pub fn name(&self, account: &str) -> Option<&str> {
        self.0.get(account).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// "Acme EU (111122223333)" for a named account, the bare id otherwise.
    pub fn label(&self, account: &str) -> String {
        let account = single_line(account);
        match self.name(&account) {
            Some(name) => format!("{name} ({account})"),
            None => account,
        }
    }
}

/// Where the names come from, as configured; an SSM parameter is read by the caller, which
/// owns the AWS client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountNamesSource {
    Inline(AccountNames),
    Parameter(String),
}

impl AccountNamesSource {
    /// A value starting with `{` is JSON; anything else must look like an SSM parameter
    /// name or ARN, so a typo fails at cold start with a reason.
    pub fn parse(value: &str) -> Result<Self, String> {
        let value = value.trim();
        if value.starts_with('{') {
            return AccountNames::from_json(value).map(Self::Inline);
        }
        if is_parameter_reference(value) {
            Ok(Self::Parameter(value.to_owned()))
        } else {
            Err("expected a JSON object of account id to name, or an SSM parameter name (letters, digits, _ . - /) or ARN".to_owned())
        }
    }
}

/// Whether `value` looks like an SSM parameter name or ARN (what a setting that may hold its
/// value in SSM accepts besides inline JSON).
pub fn is_parameter_reference(value: &str) -> bool {
    value.chars().count() <= MAX_PARAMETER_NAME_CHARS
        && (value.starts_with("arn:") && value.contains(":parameter/")
            || value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'/')))
}

pub fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_named_accounts_and_leaves_others_as_ids() {
        let names =
            AccountNames::from_json(r#"{"111122223333": "Acme EU", "444455556666": " Acme\nUS "}"#)
                .unwrap();
        assert_eq!(names.label("111122223333"), "Acme EU (111122223333)");
        assert_eq!(names.label("444455556666"), "Acme US (444455556666)");
        assert_eq!(names.label("999999999999"), "999999999999");
    }

    #[test]
    fn bad_json_names_the_problem() {
        for (text, expected) in [
            ("{", "not valid JSON"),
            ("[]", "expected a JSON object"),
            (r#"{"1234": "Short"}"#, "\"1234\" is not a 12-digit"),
            (
                r#"{"111122223333": 7}"#,
                "name for 111122223333 is not a string",
            ),
            (
                r#"{"111122223333": "  "}"#,
                "name for 111122223333 is empty",
            ),
        ] {
            let error = AccountNames::from_json(text).unwrap_err();
            assert!(error.contains(expected), "{text}: {error}");
        }
    }

    #[test]
    fn a_value_is_json_or_a_parameter_name() {
        assert!(matches!(
            AccountNamesSource::parse(r#" {"111122223333": "Acme EU"} "#),
            Ok(AccountNamesSource::Inline(names)) if names.len() == 1
        ));
        assert_eq!(
            AccountNamesSource::parse("/marketplace/account-names"),
            Ok(AccountNamesSource::Parameter(
                "/marketplace/account-names".into()
            ))
        );
        assert_eq!(
            AccountNamesSource::parse("arn:aws:ssm:us-east-1:111122223333:parameter/names"),
            Ok(AccountNamesSource::Parameter(
                "arn:aws:ssm:us-east-1:111122223333:parameter/names".into()
            ))
        );
        assert!(AccountNamesSource::parse("Acme EU=111122223333").is_err());
    }
}
