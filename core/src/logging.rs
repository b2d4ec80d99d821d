//! Structured logging set-up. Follows Lambda's advanced logging controls: level from
//! `AWS_LAMBDA_LOG_LEVEL`, else `RUST_LOG`, else info; one flat JSON object per line when
//! `AWS_LAMBDA_LOG_FORMAT=JSON`, so `event_id`, `detail_type`, `topic` and `message_id` are
//! top-level keys CloudWatch Logs Insights can query.

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Reads the logging variables; kept apart from the set-up so it can be tested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    pub filter: String,
    pub json: bool,
}

impl LogSettings {
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let filter = lookup("AWS_LAMBDA_LOG_LEVEL")
            .or_else(|| lookup("RUST_LOG"))
            .filter(|value| !value.trim().is_empty())
            .unwrap_or_else(|| "info".to_owned());
        let json = lookup("AWS_LAMBDA_LOG_FORMAT")
            .is_some_and(|format| format.eq_ignore_ascii_case("json"));
        Self { filter, json }
    }
}

/// Installs the global subscriber. An unparsable level falls back to info rather than
/// stopping the function: logging must never be why an event is lost.
pub fn init() {
    let settings = LogSettings::from_lookup(|name| std::env::var(name).ok());
    let filter = settings.targets();
    let layer = tracing_subscriber::fmt::layer()
        .with_target(false)
        // Lambda stamps every line with its own time.
        .without_time();
    let installed = if settings.json {
        tracing_subscriber::registry()
            .with(
                layer
                    .json()
                    .flatten_event(true)
                    .with_current_span(false)
                    .with_span_list(false),
            )
            .with(filter)
            .try_init()
    } else {
        tracing_subscriber::registry()
            .with(layer)
            .with(filter)
            .try_init()
    };
    // Only fails when a subscriber is already set (e.g. by a test harness); keep that one.
    drop(installed);
}

impl LogSettings {
    /// The level, or `target=level` directives as in `RUST_LOG` (`info,aws_smithy=warn`).
    /// Lambda's level names (TRACE..FATAL) are not all tracing's: lower-case covers most,
    /// and FATAL maps to error. Anything unparsable means info.
    pub fn targets(&self) -> Targets {
        let level = self.filter.to_ascii_lowercase().replace("fatal", "error");
        level
            .parse::<Targets>()
            .unwrap_or_else(|_| Targets::new().with_default(LevelFilter::INFO))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(vars: &[(&str, &str)]) -> LogSettings {
        LogSettings::from_lookup(|name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn levels_and_directives_become_targets() {
        use tracing::Level;
        let targets = settings(&[("AWS_LAMBDA_LOG_LEVEL", "FATAL")]).targets();
        assert!(targets.would_enable("anything", &Level::ERROR));
        assert!(!targets.would_enable("anything", &Level::WARN));

        let targets =
            settings(&[("RUST_LOG", "warn,marketplace_catalog_notifier=debug")]).targets();
        assert!(targets.would_enable("marketplace_catalog_notifier::notifier", &Level::DEBUG));
        assert!(!targets.would_enable("aws_smithy_runtime", &Level::INFO));
        assert!(targets.would_enable("aws_smithy_runtime", &Level::WARN));

        let targets = settings(&[("RUST_LOG", "no such level=[{")]).targets();
        assert!(targets.would_enable("anything", &Level::INFO));
        assert!(!targets.would_enable("anything", &Level::DEBUG));
    }

    #[test]
    fn lambda_log_level_wins_over_rust_log() {
        let s = settings(&[("AWS_LAMBDA_LOG_LEVEL", "DEBUG"), ("RUST_LOG", "warn")]);
        assert_eq!(s.filter, "DEBUG");
        assert_eq!(settings(&[("RUST_LOG", "warn")]).filter, "warn");
        assert_eq!(settings(&[]).filter, "info");
    }

    #[test]
    fn json_only_when_lambda_asks_for_it() {
        assert!(settings(&[("AWS_LAMBDA_LOG_FORMAT", "JSON")]).json);
        assert!(!settings(&[("AWS_LAMBDA_LOG_FORMAT", "Text")]).json);
        assert!(!settings(&[]).json);
    }
}
