//! `TopicArn`: a validated ARN of a standard SNS topic, its parsing and display.

use std::fmt;

/// A validated ARN of a standard SNS topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicArn(pub(crate) String);

impl TopicArn {
    /// Checks the shape `arn:<partition>:sns:<region>:<12-digit account>:<topic name>`,
    /// so a typo fails at cold start rather than on the first publish.
    pub fn parse(value: &str) -> Result<Self, String> {
        let parts: Vec<&str> = value.split(':').collect();
        let [arn, partition, service, region, account, name] = parts.as_slice() else {
            return Err(
                "expected arn:<partition>:sns:<region>:<account>:<topic name> (6 parts separated by ':')"
                    .to_owned(),
            );
        };
        if *arn != "arn" || !partition.starts_with("aws") {
            return Err("expected it to start with arn:aws".to_owned());
        }
        if *service != "sns" {
            return Err(format!(
                "expected an SNS topic ARN, found service {service:?}"
            ));
        }
        if region.is_empty() {
            return Err("the region part is empty".to_owned());
        }
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "the account part {account:?} is not a 12-digit AWS account id"
            ));
        }
        if name.ends_with(".fifo") {
            return Err(
                "FIFO topics deliver only to SQS and need a message group id; use a standard topic"
                    .to_owned(),
            );
        }
        let valid_name = !name.is_empty()
            && name.len() <= 256
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !valid_name {
            return Err(format!(
                "the topic name {name:?} is not 1-256 letters, digits, hyphens or underscores"
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TopicArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
