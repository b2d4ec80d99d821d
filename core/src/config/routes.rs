//! `ROUTES` as configuration reads it: a routes document, checked against the rest of the
//! configuration at once, or the SSM parameter that holds one (read by the bootstrap).

use super::{ROUTES_VARIABLE, RoutesSource};
use crate::accounts::is_parameter_reference;
use crate::error::ConfigError;
use crate::routing::{RouteContext, parse_routes};

/// `ROUTES`: a document (starting with `{`), checked now, or an SSM parameter's name or ARN.
pub(super) fn routes_source(
    value: String,
    context: RouteContext<'_>,
) -> Result<RoutesSource, ConfigError> {
    let trimmed = value.trim();
    if trimmed.starts_with('{') {
        return match parse_routes(trimmed, context) {
            Ok(_) => Ok(RoutesSource::Inline(trimmed.to_owned())),
            Err(reason) => Err(ConfigError::Invalid {
                variable: ROUTES_VARIABLE,
                value: shortened(trimmed),
                reason,
            }),
        };
    }
    if is_parameter_reference(trimmed) {
        Ok(RoutesSource::Parameter(trimmed.to_owned()))
    } else {
        Err(ConfigError::Invalid {
            variable: ROUTES_VARIABLE,
            value: shortened(trimmed),
            reason: "expected a routes document ({\"routes\": [...]}) or an SSM parameter name (letters, digits, _ . - /) or ARN".to_owned(),
        })
    }
}

/// A long setting as an error message shows it: the reason already names the part at fault.
fn shortened(value: &str) -> String {
    const SHOWN_CHARS: usize = 120;
    if value.chars().count() <= SHOWN_CHARS {
        value.to_owned()
    } else {
        let head: String = value.chars().take(SHOWN_CHARS).collect();
        format!("{head}...")
    }
}
