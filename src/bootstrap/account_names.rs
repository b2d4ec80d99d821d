//! Reads `ACCOUNT_NAMES` from an SSM parameter at cold start, bounded in time: a platform
//! team keeps one list of its accounts for every tool instead of one per stack.

use std::time::Duration;

use crate::accounts::AccountNames;
use crate::aws::ParameterStore;

/// Reads the parameter with `store` and parses its JSON. The error says which parameter and
/// why, for the init error Lambda records.
pub async fn load_from_parameter(
    store: &ParameterStore,
    name: &str,
    timeout: Duration,
) -> Result<AccountNames, String> {
    let value = store.read(name, timeout).await?;
    AccountNames::from_json(&value).map_err(|reason| format!("SSM parameter {name:?}: {reason}"))
}
