//! Confirming an e-mail subscription from its confirmation link with
//! `AuthenticateOnUnsubscribe=true`, so that only the topic's owner, not anyone holding a
//! forwarded notification, can unsubscribe the address. Clicking the link instead confirms
//! the subscription without that protection.

use aws_config::{Region, SdkConfig};

use crate::aws::error::describe;

/// What the command needs out of SNS's confirmation link
/// (`https://sns.<region>.amazonaws.com/confirmation.html?TopicArn=…&Token=…&Endpoint=…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmationLink {
    pub topic_arn: String,
    pub token: String,
    /// The topic's Region (the fourth field of its ARN): the call must go there.
    pub region: String,
}

impl ConfirmationLink {
    pub fn parse(link: &str) -> Result<Self, String> {
        let link = link.trim();
        let query = link
            .split_once('?')
            .map(|(_, query)| query)
            .ok_or_else(|| {
                format!("{link:?} has no query string: paste the whole confirmation link")
            })?;
        let query = query.split('#').next().unwrap_or_default();
        let parameter = |name: &str| -> Result<String, String> {
            query
                .split('&')
                .filter_map(|pair| pair.split_once('='))
                .find(|(key, _)| *key == name)
                .map(|(_, value)| percent_decode(value))
                .transpose()?
                .filter(|value| !value.is_empty())
                .ok_or_else(|| format!("the confirmation link has no {name} parameter"))
        };
        let topic_arn = parameter("TopicArn")?;
        let token = parameter("Token")?;
        let region = match topic_arn.split(':').collect::<Vec<_>>().as_slice() {
            ["arn", _, "sns", region, _, _] if !region.is_empty() => (*region).to_owned(),
            _ => return Err(format!("TopicArn {topic_arn:?} is not an SNS topic ARN")),
        };
        Ok(Self {
            topic_arn,
            token,
            region,
        })
    }
}

/// Confirms the subscription; returns its ARN.
pub async fn confirm(sdk_config: &SdkConfig, link: &ConfirmationLink) -> Result<String, String> {
    let config = aws_sdk_sns::config::Builder::from(sdk_config)
        .region(Region::new(link.region.clone()))
        .build();
    let output = aws_sdk_sns::Client::from_conf(config)
        .confirm_subscription()
        .topic_arn(&link.topic_arn)
        .token(&link.token)
        .authenticate_on_unsubscribe("true")
        .send()
        .await
        .map_err(|error| {
            format!(
                "ConfirmSubscription on {}: {}",
                link.topic_arn,
                describe(&error)
            )
        })?;
    output
        .subscription_arn
        .ok_or_else(|| "SNS confirmed but returned no SubscriptionArn".to_owned())
}

/// Decodes `%XX` escapes and `+` (a space in a query string).
fn percent_decode(value: &str) -> Result<String, String> {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'%' => {
                let hex = bytes
                    .get(index + 1..index + 3)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                    .ok_or_else(|| format!("bad %-escape in {value:?}"))?;
                decoded.push(hex);
                index += 3;
            }
            b'+' => {
                decoded.push(b' ');
                index += 1;
            }
            byte => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8(decoded).map_err(|_| format!("{value:?} does not decode to UTF-8"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "https://sns.us-east-1.amazonaws.com/confirmation.html?\
        TopicArn=arn:aws:sns:us-east-1:123456789012:stack-SecurityTopic-AbC&\
        Token=2336412f37fb687f5d51e6e2425a8a58&Endpoint=security%40example.com";

    #[test]
    fn reads_topic_token_and_region() {
        assert_eq!(
            ConfirmationLink::parse(LINK),
            Ok(ConfirmationLink {
                topic_arn: "arn:aws:sns:us-east-1:123456789012:stack-SecurityTopic-AbC".to_owned(),
                token: "2336412f37fb687f5d51e6e2425a8a58".to_owned(),
                region: "us-east-1".to_owned(),
            })
        );
    }

    #[test]
    fn decodes_an_escaped_topic_arn() {
        let link = "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&\
                    TopicArn=arn%3Aaws%3Asns%3Aeu-west-1%3A123456789012%3Aalarms&Token=t";
        let parsed = ConfirmationLink::parse(link).expect("a valid link");
        assert_eq!(
            parsed.topic_arn,
            "arn:aws:sns:eu-west-1:123456789012:alarms"
        );
        assert_eq!(parsed.region, "eu-west-1");
    }

    #[test]
    fn says_what_is_missing() {
        for (link, expected) in [
            ("https://sns.us-east-1.amazonaws.com/", "no query string"),
            ("https://x/?Token=t", "no TopicArn parameter"),
            (
                "https://x/?TopicArn=arn:aws:sns:us-east-1:1:t",
                "no Token parameter",
            ),
            (
                "https://x/?TopicArn=arn:aws:sqs:us-east-1:1:q&Token=t",
                "not an SNS topic ARN",
            ),
            ("https://x/?TopicArn=%zz&Token=t", "bad %-escape"),
        ] {
            let error = ConfirmationLink::parse(link).expect_err(link);
            assert!(error.contains(expected), "{link}: {error}");
        }
    }
}
