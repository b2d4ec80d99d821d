//! Unit tests of configuration: reading the environment into a `Config`, and its errors.

use super::*;
use std::collections::HashMap;

const OFFERS: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-offers";
const CHANGE_SETS: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-change-sets";
const SECURITY: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-security";
const OTHER: &str = "arn:aws:sns:us-east-1:123456789012:marketplace-other";

fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(|name| vars.get(name).cloned())
}

fn required_vars() -> Vec<(&'static str, &'static str)> {
    vec![
        ("OFFERS_TOPIC_ARN", OFFERS),
        ("CHANGE_SETS_TOPIC_ARN", CHANGE_SETS),
        ("SECURITY_TOPIC_ARN", SECURITY),
    ]
}

#[test]
fn chat_topic_is_optional_and_validated() {
    assert_eq!(config(&required_vars()).unwrap().chat_topic, None);
    let mut vars = required_vars();
    vars.push(("CHAT_TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:chat"));
    assert_eq!(
        config(&vars).unwrap().chat_topic.unwrap().as_str(),
        "arn:aws:sns:us-east-1:123456789012:chat"
    );
    let mut vars = required_vars();
    vars.push(("CHAT_TOPIC_ARN", "not-an-arn"));
    let error = config(&vars).unwrap_err().to_string();
    assert!(error.contains("CHAT_TOPIC_ARN"), "{error}");
}

#[test]
fn chat_severities_are_a_validated_list() {
    assert!(config(&required_vars()).unwrap().chat_severities.is_empty());
    let mut vars = required_vars();
    vars.push(("CHAT_SEVERITIES", "warning, ERROR,critical"));
    assert_eq!(
        config(&vars).unwrap().chat_severities,
        vec![Severity::Warning, Severity::Error, Severity::Critical]
    );
    let mut vars = required_vars();
    vars.push(("CHAT_SEVERITIES", "warning,urgent"));
    let error = config(&vars).unwrap_err().to_string();
    assert!(
        error.contains("CHAT_SEVERITIES") && error.contains("urgent"),
        "{error}"
    );
}

#[test]
fn reads_all_topics() {
    let mut vars = required_vars();
    vars.push(("OTHER_EVENTS_TOPIC_ARN", OTHER));
    let config = config(&vars).unwrap();
    assert_eq!(config.publishing, Publishing::Sns);
    assert_eq!(
        config.topics.arn_for(TopicKind::OFFERS).unwrap().as_str(),
        OFFERS
    );
    assert_eq!(
        config
            .topics
            .arn_for(TopicKind::CHANGE_SETS)
            .unwrap()
            .as_str(),
        CHANGE_SETS
    );
    assert_eq!(
        config.topics.arn_for(TopicKind::SECURITY).unwrap().as_str(),
        SECURITY
    );
    assert_eq!(
        config.topics.arn_for(TopicKind::OTHER).unwrap().as_str(),
        OTHER
    );
}

#[test]
fn other_events_topic_is_optional_and_empty_means_unset() {
    let mut vars = required_vars();
    vars.push(("OTHER_EVENTS_TOPIC_ARN", ""));
    let config = config(&vars).unwrap();
    assert_eq!(config.topics.arn_for(TopicKind::OTHER), None);
}

#[test]
fn agreements_topic_is_optional_and_validated() {
    let config_without = config(&required_vars()).unwrap();
    assert_eq!(config_without.topics.arn_for(TopicKind::AGREEMENTS), None);

    let agreements = "arn:aws:sns:us-east-1:123456789012:marketplace-agreements";
    let mut vars = required_vars();
    vars.push(("AGREEMENTS_TOPIC_ARN", agreements));
    let with = config(&vars).unwrap();
    assert_eq!(
        with.topics.arn_for(TopicKind::AGREEMENTS).unwrap().as_str(),
        agreements
    );

    let mut vars = required_vars();
    vars.push(("AGREEMENTS_TOPIC_ARN", "marketplace-agreements"));
    let message = config(&vars).unwrap_err().to_string();
    assert!(message.contains("AGREEMENTS_TOPIC_ARN"), "{message}");
}

#[test]
fn agreement_enrichment_is_on_by_default_except_in_a_dry_run() {
    let on = LookupSetting::On {
        deadline: crate::lookup::DEFAULT_TIMEOUT,
    };
    assert_eq!(config(&required_vars()).unwrap().agreement_lookup, on);
    let dry = config(&[("NOTIFIER_DRY_RUN", "true")]).unwrap();
    assert_eq!(dry.agreement_lookup, LookupSetting::Off);

    let mut vars = required_vars();
    vars.push(("ENRICH_AGREEMENTS", "false"));
    assert_eq!(config(&vars).unwrap().agreement_lookup, LookupSetting::Off);

    let mut vars = required_vars();
    vars.push(("ENRICH_AGREEMENTS", "perhaps"));
    let message = config(&vars).unwrap_err().to_string();
    assert!(
        message.contains("ENRICH_AGREEMENTS") && message.contains("perhaps"),
        "{message}"
    );
}

#[test]
fn cosell_enrichment_is_on_by_default_except_in_a_dry_run_and_shares_the_deadline() {
    let mut vars = required_vars();
    vars.push(("ENRICH_TIMEOUT_MS", "750"));
    let on = LookupSetting::On {
        deadline: std::time::Duration::from_millis(750),
    };
    assert_eq!(config(&vars).unwrap().cosell_lookup, on);
    let dry = config(&[("NOTIFIER_DRY_RUN", "true")]).unwrap();
    assert_eq!(dry.cosell_lookup, LookupSetting::Off);
    let dry_on = config(&[("NOTIFIER_DRY_RUN", "true"), ("ENRICH_COSELL", "yes")]).unwrap();
    assert!(matches!(dry_on.cosell_lookup, LookupSetting::On { .. }));

    let mut vars = required_vars();
    vars.push(("ENRICH_COSELL", "false"));
    assert_eq!(config(&vars).unwrap().cosell_lookup, LookupSetting::Off);

    let mut vars = required_vars();
    vars.push(("ENRICH_COSELL", "sometimes"));
    let message = config(&vars).unwrap_err().to_string();
    assert!(
        message.contains("ENRICH_COSELL") && message.contains("sometimes"),
        "{message}"
    );
}

#[test]
fn each_missing_required_variable_is_named() {
    for missing in REQUIRED_TOPIC_VARIABLES {
        let vars: Vec<_> = required_vars()
            .into_iter()
            .filter(|(name, _)| name != missing)
            .collect();
        assert_eq!(
            config(&vars),
            Err(ConfigError::Missing { variable: missing }),
            "without {missing}"
        );
    }
}

#[test]
fn malformed_arn_is_rejected_with_variable_value_and_reason() {
    let mut vars = required_vars();
    vars[1] = (
        "CHANGE_SETS_TOPIC_ARN",
        "arn:aws:sqs:us-east-1:123456789012:queue",
    );
    let error = config(&vars).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("CHANGE_SETS_TOPIC_ARN"), "{message}");
    assert!(
        message.contains("arn:aws:sqs:us-east-1:123456789012:queue"),
        "{message}"
    );
    assert!(message.contains("\"sqs\""), "{message}");
}

#[test]
fn topic_arn_shapes() {
    assert!(TopicArn::parse(OFFERS).is_ok());
    assert!(TopicArn::parse("arn:aws-us-gov:sns:us-gov-west-1:123456789012:t_1-x").is_ok());
    for bad in [
        "",
        "marketplace-offers",
        "arn:aws:sns:us-east-1:123456789012",
        "arn:aws:sns:us-east-1:12345:topic",
        "arn:aws:sns::123456789012:topic",
        "arn:aws:sns:us-east-1:123456789012:",
        "arn:aws:sns:us-east-1:123456789012:has space",
        "arn:aws:sns:us-east-1:123456789012:orders.fifo",
        "urn:aws:sns:us-east-1:123456789012:topic",
    ] {
        assert!(TopicArn::parse(bad).is_err(), "{bad:?} should be rejected");
    }
}

#[test]
fn dry_run_needs_no_topics_and_fills_every_family() {
    let config = config(&[("NOTIFIER_DRY_RUN", "true")]).unwrap();
    assert_eq!(config.publishing, Publishing::DryRun);
    for kind in TopicKind::ALL {
        let arn = config.topics.arn_for(kind).unwrap();
        assert!(arn.as_str().ends_with(&format!("dry-run-{}", kind.name())));
    }
}

#[test]
fn dry_run_keeps_configured_topics() {
    let mut vars = required_vars();
    vars.push(("NOTIFIER_DRY_RUN", "1"));
    let config = config(&vars).unwrap();
    assert_eq!(
        config
            .topics
            .arn_for(TopicKind::OFFERS)
            .map(TopicArn::as_str),
        Some(OFFERS)
    );
}

#[test]
fn dry_run_value_must_be_a_boolean() {
    let error = config(&[("NOTIFIER_DRY_RUN", "maybe")]).unwrap_err();
    assert!(error.to_string().contains("NOTIFIER_DRY_RUN"));
    assert!(error.to_string().contains("maybe"));
}

#[test]
fn duplicate_window_defaults_and_parses() {
    let config_default = config(&required_vars()).unwrap();
    assert_eq!(config_default.duplicate_window, DEFAULT_DUPLICATE_WINDOW);

    let mut vars = required_vars();
    vars.push(("DUPLICATE_WINDOW_SECONDS", "0"));
    assert_eq!(config(&vars).unwrap().duplicate_window, Duration::ZERO);

    let mut vars = required_vars();
    vars.push(("DUPLICATE_WINDOW_SECONDS", "an hour"));
    let message = config(&vars).unwrap_err().to_string();
    assert!(
        message.contains("DUPLICATE_WINDOW_SECONDS") && message.contains("an hour"),
        "{message}"
    );
}

#[test]
fn enrichment_is_on_by_default_except_in_a_dry_run() {
    let on = config(&required_vars()).unwrap();
    assert_eq!(
        on.change_set_lookup,
        LookupSetting::On {
            deadline: crate::lookup::DEFAULT_TIMEOUT
        }
    );
    assert_eq!(
        config(&[("NOTIFIER_DRY_RUN", "true")])
            .unwrap()
            .change_set_lookup,
        LookupSetting::Off
    );

    let mut vars = required_vars();
    vars.extend([
        ("ENRICH_CHANGE_SETS", "false"),
        ("ENRICH_TIMEOUT_MS", "250"),
    ]);
    assert_eq!(config(&vars).unwrap().change_set_lookup, LookupSetting::Off);

    let mut vars = required_vars();
    vars.push(("ENRICH_TIMEOUT_MS", "250"));
    assert_eq!(
        config(&vars).unwrap().change_set_lookup,
        LookupSetting::On {
            deadline: Duration::from_millis(250)
        }
    );

    for (name, bad) in [
        ("ENRICH_CHANGE_SETS", "sometimes"),
        ("ENRICH_TIMEOUT_MS", "0"),
        ("ENRICH_TIMEOUT_MS", "60000"),
    ] {
        let mut vars = required_vars();
        vars.push((name, bad));
        let message = config(&vars).unwrap_err().to_string();
        assert!(message.contains(name) && message.contains(bad), "{message}");
    }
}

#[test]
fn durable_deduplication_is_off_unless_a_table_is_named() {
    let off = config(&required_vars()).unwrap();
    assert_eq!(off.dedupe_table, None);
    assert_eq!(off.function_name, DEFAULT_FUNCTION_NAME);

    let mut vars = required_vars();
    vars.extend([
        ("DEDUPE_TABLE_NAME", "notifier-deliveries"),
        ("AWS_LAMBDA_FUNCTION_NAME", "stack-a-notifier"),
    ]);
    let on = config(&vars).unwrap();
    assert_eq!(on.dedupe_table.as_deref(), Some("notifier-deliveries"));
    assert_eq!(on.function_name, "stack-a-notifier");

    let arn = "arn:aws:dynamodb:us-east-1:123456789012:table/notifier-deliveries";
    let mut vars = required_vars();
    vars.push(("DEDUPE_TABLE_NAME", arn));
    assert_eq!(config(&vars).unwrap().dedupe_table.as_deref(), Some(arn));

    for bad in ["ab", "has space", "table/name"] {
        let mut vars = required_vars();
        vars.push(("DEDUPE_TABLE_NAME", bad));
        let message = config(&vars).unwrap_err().to_string();
        assert!(
            message.contains("DEDUPE_TABLE_NAME") && message.contains(bad),
            "{message}"
        );
    }
}

#[test]
fn account_names_and_cross_account_settings_are_validated() {
    let mut vars = required_vars();
    vars.push(("ACCOUNT_NAMES", "{\"111122223333\": \"Acme EU\"}"));
    let parsed = config(&vars).unwrap();
    assert!(
        matches!(&parsed.account_names, AccountNamesSource::Inline(names) if names.label("111122223333") == "Acme EU (111122223333)")
    );
    assert_eq!(parsed.cross_account, None);

    let mut vars = required_vars();
    vars.push(("ACCOUNT_NAMES", "{\"acme\": \"Acme EU\"}"));
    let error = config(&vars).unwrap_err().to_string();
    assert!(
        error.contains("ACCOUNT_NAMES") && error.contains("12-digit"),
        "{error}"
    );

    let mut vars = required_vars();
    vars.push(("ENRICH_ROLE_NAME", "marketplace-notifier-enrich"));
    assert_eq!(
        config(&vars).unwrap_err(),
        ConfigError::Missing {
            variable: "HOME_ACCOUNT_ID"
        }
    );
    vars.push(("HOME_ACCOUNT_ID", "123456789012"));
    assert_eq!(
        config(&vars).unwrap().cross_account,
        Some(CrossAccount {
            home_account: "123456789012".into(),
            role_name: "marketplace-notifier-enrich".into()
        })
    );

    let mut vars = required_vars();
    vars.push(("ENRICH_ROLE_NAME", "role/with/path"));
    vars.push(("HOME_ACCOUNT_ID", "123456789012"));
    let error = config(&vars).unwrap_err().to_string();
    assert!(error.contains("ENRICH_ROLE_NAME"), "{error}");
}

#[test]
fn variable_lists_agree_with_topic_kinds() {
    let from_kinds: Vec<_> = TopicKind::ALL.iter().map(|k| k.variable()).collect();
    assert_eq!(TOPIC_VARIABLES, from_kinds.as_slice());
    let required: Vec<_> = TopicKind::ALL
        .iter()
        .filter(|k| k.is_required())
        .map(|k| k.variable())
        .collect();
    assert_eq!(REQUIRED_TOPIC_VARIABLES, required.as_slice());
}
