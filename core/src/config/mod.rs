//! Configuration read once at cold start from the environment: which SNS topic receives
//! which family of events, whether to publish at all (dry run), and whether to look change
//! sets up. Every decision is made here, once; errors name the variable.

use std::time::Duration;

use crate::accounts::{ACCOUNT_NAMES_VARIABLE, AccountNames, AccountNamesSource, is_account_id};
use crate::error::ConfigError;
use crate::message::Severity;

/// Environment variable that switches publishing off: notifications are printed instead.
/// Meant for local runs; the deployed template never sets it.
pub const DRY_RUN_VARIABLE: &str = "NOTIFIER_DRY_RUN";

/// Environment variable: how long (seconds) a warm instance remembers published event ids
/// to drop duplicate deliveries; 0 turns it off.
pub const DUPLICATE_WINDOW_VARIABLE: &str = "DUPLICATE_WINDOW_SECONDS";

/// EventBridge redelivers within minutes; an hour covers that with room to spare.
pub const DEFAULT_DUPLICATE_WINDOW: Duration = Duration::from_secs(3_600);

// ---- durable duplicate check (src/dedupe/) ----
/// Environment variable: the DynamoDB table (name or ARN) that records every delivery, so
/// no instance publishes an event another already published. Unset turns the check off.
pub const DEDUPE_TABLE_VARIABLE: &str = "DEDUPE_TABLE_NAME";

/// Set by Lambda; qualifies delivery records so stacks can share one table.
pub const FUNCTION_NAME_VARIABLE: &str = "AWS_LAMBDA_FUNCTION_NAME";

/// The function name outside Lambda (local runs).
pub const DEFAULT_FUNCTION_NAME: &str = "marketplace-catalog-notifier";
// ---- end of durable duplicate check ----

/// Environment variable: look up failed (and other) change sets with `DescribeChangeSet`
/// to say which change failed and why.
pub const ENRICH_VARIABLE: &str = "ENRICH_CHANGE_SETS";

/// Environment variable: look agreements up with `DescribeAgreement` (value, term, status,
/// buyer) and the product title with `DescribeEntity`.
pub const ENRICH_AGREEMENTS_VARIABLE: &str = "ENRICH_AGREEMENTS";

/// Environment variable: look co-sell invitations (`GetEngagementInvitation`: customer,
/// project, expiry) and opportunities (`GetOpportunity`: stage) up in Partner Central.
pub const ENRICH_COSELL_VARIABLE: &str = "ENRICH_COSELL";

/// Environment variable: the bound, in milliseconds, on that lookup.
pub const ENRICH_TIMEOUT_VARIABLE: &str = "ENRICH_TIMEOUT_MS";

/// Environment variable: the SNS topic that receives every notification as an Amazon Q
/// Developer custom notification (chat JSON) besides its family topic; unset, text only.
pub const CHAT_TOPIC_VARIABLE: &str = "CHAT_TOPIC_ARN";

/// Environment variable: the IAM role name enrichment assumes in a seller account other than
/// the function's own (deployed there by templates/forwarder.yaml). Unset: no role is
/// assumed and every lookup uses the function's own credentials.
pub const ENRICH_ROLE_VARIABLE: &str = "ENRICH_ROLE_NAME";

/// Environment variable: the function's own account id, whose events need no role.
/// Lambda does not expose it to the runtime; the template passes `AWS::AccountId`.
pub const HOME_ACCOUNT_VARIABLE: &str = "HOME_ACCOUNT_ID";

/// Environment variable: the severities whose chat rendering is published, comma-separated
/// (e.g. "warning,error,critical"); unset or empty publishes every severity to chat. The
/// family topics always get every notification.
pub const CHAT_SEVERITIES_VARIABLE: &str = "CHAT_SEVERITIES";

/// Environment variable: the routing rules (which destinations get which events, at which
/// cadence), as inline JSON or the name/ARN of the SSM parameter holding it; unset, every
/// event goes to its family topic at once (and to chat per [`CHAT_SEVERITIES_VARIABLE`]).
pub const ROUTES_VARIABLE: &str = "ROUTES";

/// Environment variable: the DynamoDB table (name or ARN) that holds the events queued for
/// daily and weekly digests. Required when a route has a digest cadence.
pub const DIGEST_TABLE_VARIABLE: &str = "DIGEST_TABLE_NAME";

pub use crate::topic::{REQUIRED_TOPIC_VARIABLES, TOPIC_VARIABLES, TopicKind};

use crate::routing::RouteContext;

mod routes;

use routes::routes_source;

pub use crate::topic_arn::TopicArn;

/// Where each family of notifications goes: a topic ARN per configured row of the topic
/// table; a topic left unset has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Topics(Vec<(TopicKind, TopicArn)>);

impl Topics {
    pub fn new() -> Self {
        Self::default()
    }

    /// These topics with `kind` going to `arn` (in place of any earlier ARN for it).
    pub fn with(mut self, kind: TopicKind, arn: TopicArn) -> Self {
        self.0.retain(|(known, _)| *known != kind);
        self.0.push((kind, arn));
        self
    }

    /// These topics without `kind`'s.
    pub fn without(mut self, kind: TopicKind) -> Self {
        self.0.retain(|(known, _)| *known != kind);
        self
    }

    /// Every configured topic ARN, each once (families may share a topic).
    pub fn arns(&self) -> impl Iterator<Item = &TopicArn> {
        self.0
            .iter()
            .enumerate()
            .filter(|(index, (_, arn))| !self.0[..*index].iter().any(|(_, seen)| seen == arn))
            .map(|(_, (_, arn))| arn)
    }

    /// The topic for a family, or `None` when that family's topic is not configured.
    pub fn arn_for(&self, kind: TopicKind) -> Option<&TopicArn> {
        self.0
            .iter()
            .find(|(known, _)| *known == kind)
            .map(|(_, arn)| arn)
    }
}

/// Where notifications go: decided once at cold start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publishing {
    /// Published to the configured SNS topics.
    Sns,
    /// Printed instead of published ([`DRY_RUN_VARIABLE`]); needs no AWS account.
    DryRun,
}

/// Whether one kind of lookup (change sets, agreements, co-sell) runs, and how long one lookup may
/// take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupSetting {
    On { deadline: Duration },
    Off,
}

impl LookupSetting {
    fn from_switch(on: bool, deadline: Duration) -> Self {
        if on { Self::On { deadline } } else { Self::Off }
    }
}

/// Everything the function reads from its environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub topics: Topics,
    pub publishing: Publishing,
    /// How long published event ids are remembered; zero disables duplicate detection.
    pub duplicate_window: Duration,
    pub change_set_lookup: LookupSetting,
    /// Whether agreement notifications are enriched through the Agreement API (and the
    /// Catalog API for the product title), within the same deadline as change sets.
    pub agreement_lookup: LookupSetting,
    /// Whether co-sell notifications are enriched through the Partner Central Selling API,
    /// within the same deadline.
    pub cosell_lookup: LookupSetting,
    /// Where the chat rendering of every notification goes, when set.
    pub chat_topic: Option<TopicArn>,
    /// The severities sent to chat; empty means all.
    pub chat_severities: Vec<Severity>,
    /// The durable duplicate check's table; `None` leaves the check off.
    pub dedupe_table: Option<String>,
    /// This function's name, qualifying the durable check's records.
    pub function_name: String,
    /// Names shown next to account ids, or the SSM parameter that holds them.
    pub account_names: AccountNamesSource,
    /// Lookups for other accounts' events assume this role there; see [`CrossAccount`].
    pub cross_account: Option<CrossAccount>,
    /// Which events go where and when ([`ROUTES_VARIABLE`]).
    pub routes: RoutesSource,
    /// The table digests queue in ([`DIGEST_TABLE_VARIABLE`]); `None` when no route needs it.
    pub digest_table: Option<String>,
}

/// Where the routes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutesSource {
    /// `ROUTES` unset: the family topic, and chat per `CHAT_SEVERITIES`.
    Standard,
    /// The routes document itself, already checked against the rest of the configuration.
    Inline(String),
    /// The SSM parameter holding the document, read (and checked) at cold start.
    Parameter(String),
}

/// How enrichment reaches a seller account other than the function's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrossAccount {
    pub home_account: String,
    pub role_name: String,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests need not touch the process environment.
    /// An empty value counts as unset: templates often pass "" for an omitted parameter.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let read = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        let dry_run = match read(DRY_RUN_VARIABLE) {
            None => false,
            Some(value) => parse_bool(&value).ok_or_else(|| ConfigError::Invalid {
                variable: DRY_RUN_VARIABLE,
                value,
                reason: "expected true or false".to_owned(),
            })?,
        };
        let enrich_change_sets = match read(ENRICH_VARIABLE) {
            // A dry run has no AWS account behind it; asking would only wait for a timeout.
            None => !dry_run,
            Some(value) => parse_bool(&value).ok_or_else(|| ConfigError::Invalid {
                variable: ENRICH_VARIABLE,
                value,
                reason: "expected true or false".to_owned(),
            })?,
        };
        let enrich_agreements = match read(ENRICH_AGREEMENTS_VARIABLE) {
            None => !dry_run,
            Some(value) => parse_bool(&value).ok_or_else(|| ConfigError::Invalid {
                variable: ENRICH_AGREEMENTS_VARIABLE,
                value,
                reason: "expected true or false".to_owned(),
            })?,
        };
        let enrich_cosell = match read(ENRICH_COSELL_VARIABLE) {
            None => !dry_run,
            Some(value) => parse_bool(&value).ok_or_else(|| ConfigError::Invalid {
                variable: ENRICH_COSELL_VARIABLE,
                value,
                reason: "expected true or false".to_owned(),
            })?,
        };
        let enrich_timeout = match read(ENRICH_TIMEOUT_VARIABLE) {
            None => crate::lookup::DEFAULT_TIMEOUT,
            Some(value) => value
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|millis| (1..=10_000).contains(millis))
                .map(Duration::from_millis)
                .ok_or_else(|| ConfigError::Invalid {
                    variable: ENRICH_TIMEOUT_VARIABLE,
                    value,
                    reason: "expected milliseconds between 1 and 10000".to_owned(),
                })?,
        };
        let duplicate_window = match read(DUPLICATE_WINDOW_VARIABLE) {
            None => DEFAULT_DUPLICATE_WINDOW,
            Some(value) => value
                .trim()
                .parse::<u64>()
                .map(Duration::from_secs)
                .map_err(|_| ConfigError::Invalid {
                    variable: DUPLICATE_WINDOW_VARIABLE,
                    value,
                    reason: "expected a whole number of seconds (0 turns duplicate detection off)"
                        .to_owned(),
                })?,
        };
        let chat_topic = read(CHAT_TOPIC_VARIABLE)
            .map(|value| {
                TopicArn::parse(value.trim()).map_err(|reason| ConfigError::Invalid {
                    variable: CHAT_TOPIC_VARIABLE,
                    value,
                    reason,
                })
            })
            .transpose()?;
        let chat_severities = match read(CHAT_SEVERITIES_VARIABLE) {
            None => Vec::new(),
            Some(value) => parse_severities(&value).map_err(|reason| ConfigError::Invalid {
                variable: CHAT_SEVERITIES_VARIABLE,
                value: value.clone(),
                reason,
            })?,
        };
        let dedupe_table = match read(DEDUPE_TABLE_VARIABLE) {
            None => None,
            Some(value) => Some(
                parse_table(value.trim()).ok_or_else(|| ConfigError::Invalid {
                    variable: DEDUPE_TABLE_VARIABLE,
                    value: value.clone(),
                    reason: TABLE_EXPECTED.to_owned(),
                })?,
            ),
        };
        let function_name =
            read(FUNCTION_NAME_VARIABLE).unwrap_or_else(|| DEFAULT_FUNCTION_NAME.to_owned());
        let account_names = match read(ACCOUNT_NAMES_VARIABLE) {
            None => AccountNamesSource::Inline(AccountNames::default()),
            Some(value) => {
                AccountNamesSource::parse(&value).map_err(|reason| ConfigError::Invalid {
                    variable: ACCOUNT_NAMES_VARIABLE,
                    value,
                    reason,
                })?
            }
        };
        let cross_account = match read(ENRICH_ROLE_VARIABLE) {
            None => None,
            Some(role_name) => Some(cross_account(role_name, read(HOME_ACCOUNT_VARIABLE))?),
        };
        let digest_table = match read(DIGEST_TABLE_VARIABLE) {
            None => None,
            Some(value) => Some(
                parse_table(value.trim()).ok_or_else(|| ConfigError::Invalid {
                    variable: DIGEST_TABLE_VARIABLE,
                    value: value.clone(),
                    reason: TABLE_EXPECTED.to_owned(),
                })?,
            ),
        };
        let routes = match read(ROUTES_VARIABLE) {
            None => RoutesSource::Standard,
            Some(value) => routes_source(
                value,
                RouteContext {
                    chat_topic: chat_topic.as_ref(),
                    has_digest_table: digest_table.is_some(),
                },
            )?,
        };
        let topic =
            |kind: TopicKind| -> Result<Option<TopicArn>, ConfigError> {
                let variable = kind.variable();
                match read(variable) {
                    Some(value) => TopicArn::parse(value.trim()).map(Some).map_err(|reason| {
                        ConfigError::Invalid {
                            variable,
                            value,
                            reason,
                        }
                    }),
                    // A dry run publishes nothing, so a placeholder lets it run with no setup.
                    None if dry_run => Ok(Some(dry_run_placeholder(kind))),
                    None if kind.is_required() => Err(ConfigError::Missing { variable }),
                    None => Ok(None),
                }
            };
        let mut topics = Topics::new();
        for kind in TopicKind::ALL {
            if let Some(arn) = topic(kind)? {
                topics = topics.with(kind, arn);
            }
        }
        Ok(Self {
            topics,
            publishing: if dry_run {
                Publishing::DryRun
            } else {
                Publishing::Sns
            },
            duplicate_window,
            change_set_lookup: LookupSetting::from_switch(enrich_change_sets, enrich_timeout),
            agreement_lookup: LookupSetting::from_switch(enrich_agreements, enrich_timeout),
            cosell_lookup: LookupSetting::from_switch(enrich_cosell, enrich_timeout),
            chat_topic,
            chat_severities,
            dedupe_table,
            function_name,
            account_names,
            cross_account,
            routes,
            digest_table,
        })
    }

    /// What the routes may refer to: the chat topic and whether digests have a table.
    pub fn route_context(&self) -> RouteContext<'_> {
        RouteContext {
            chat_topic: self.chat_topic.as_ref(),
            has_digest_table: self.digest_table.is_some(),
        }
    }
}

/// "warning, error,critical" → the severities, or which item is not one.
fn parse_severities(value: &str) -> Result<Vec<Severity>, String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            Severity::ALL
                .into_iter()
                .find(|severity| severity.as_str().eq_ignore_ascii_case(item))
                .ok_or_else(|| {
                    format!("{item:?} is not a severity (info, warning, error, critical)")
                })
        })
        .collect()
}

/// Checks the role name (IAM: 1-64 of letters, digits and `+=,.@_-`) and that the home
/// account is known, without which every lookup would try to assume a role.
fn cross_account(
    role_name: String,
    home_account: Option<String>,
) -> Result<CrossAccount, ConfigError> {
    let role_name = role_name.trim().to_owned();
    let valid_role = role_name.len() <= 64
        && role_name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b));
    if !valid_role {
        return Err(ConfigError::Invalid {
            variable: ENRICH_ROLE_VARIABLE,
            value: role_name,
            reason: "expected an IAM role name: 1-64 letters, digits or +=,.@_-".to_owned(),
        });
    }
    let home_account = home_account.ok_or(ConfigError::Missing {
        variable: HOME_ACCOUNT_VARIABLE,
    })?;
    let home_account = home_account.trim().to_owned();
    if !is_account_id(&home_account) {
        return Err(ConfigError::Invalid {
            variable: HOME_ACCOUNT_VARIABLE,
            value: home_account,
            reason: "expected a 12-digit AWS account id".to_owned(),
        });
    }
    Ok(CrossAccount {
        home_account,
        role_name,
    })
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" => Some(false),
        _ => None,
    }
}

const TABLE_EXPECTED: &str =
    "expected a DynamoDB table name (3-255 letters, digits, '_', '-', '.') or a table ARN";

/// A table name as DynamoDB accepts it, or a table ARN (checked by DynamoDB itself).
fn parse_table(value: &str) -> Option<String> {
    let is_arn = value.starts_with("arn:aws") && value.contains(":dynamodb:");
    let is_name = (3..=255).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
    (is_arn || is_name).then(|| value.to_owned())
}

fn dry_run_placeholder(kind: TopicKind) -> TopicArn {
    TopicArn(format!(
        "arn:aws:sns:us-east-1:000000000000:dry-run-{}",
        kind.name()
    ))
}

#[cfg(test)]
mod tests;
