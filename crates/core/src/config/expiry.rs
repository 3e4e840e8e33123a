//! The Credential expiry section: how many days ahead a run warns about app registrations'
//! secrets and certificates (and Entra Sync's own secret). Absent in settings saved before the
//! section existed, which then read as the default.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::field::{ConfigField, ConfigProblem, problem};
use super::input::{section, whole};
use crate::model::DEFAULT_WARN_DAYS;

/// The longest window: a year ahead covers every renewal cycle Entra offers for secrets (up to
/// two years) with room to plan.
pub const MAX_WARN_DAYS: u32 = 365;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpiryConfig {
    pub warn_days: u32,
}

impl Default for ExpiryConfig {
    fn default() -> Self {
        ExpiryConfig {
            warn_days: DEFAULT_WARN_DAYS,
        }
    }
}

pub(super) fn expiry_of(
    value: Option<&Value>,
    problems: &mut Vec<ConfigProblem>,
) -> Option<ExpiryConfig> {
    let map = section(value, ConfigField::Expiry, problems)?;
    let Some(given) = map.get("warnDays").filter(|v| !v.is_null()) else {
        return Some(ExpiryConfig::default());
    };
    match whole(Some(given)) {
        Ok(n) if (1..=u64::from(MAX_WARN_DAYS)).contains(&n) => Some(ExpiryConfig {
            warn_days: n as u32,
        }),
        Ok(n) => {
            problems.push(problem(
                ConfigField::ExpiryWarnDays,
                format!("{n} days is out of range. Enter how many days ahead to warn, from 1 to {MAX_WARN_DAYS} (30 is the default)."),
            ));
            None
        }
        Err(raw) if raw.is_empty() => Some(ExpiryConfig::default()),
        Err(raw) => {
            problems.push(problem(
                ConfigField::ExpiryWarnDays,
                format!("\"{raw}\" is not a whole number of days. Enter a number from 1 to {MAX_WARN_DAYS} (30 is the default)."),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_the_window_with_its_default_and_bounds() {
        let mut problems = Vec::new();
        assert_eq!(
            expiry_of(None, &mut problems),
            Some(ExpiryConfig::default())
        );
        assert_eq!(ExpiryConfig::default().warn_days, 30);
        assert_eq!(
            expiry_of(Some(&json!({"warnDays": "60"})), &mut problems),
            Some(ExpiryConfig { warn_days: 60 })
        );
        assert_eq!(
            expiry_of(Some(&json!({"warnDays": ""})), &mut problems),
            Some(ExpiryConfig::default())
        );
        assert!(problems.is_empty());
        assert_eq!(
            expiry_of(Some(&json!({"warnDays": 0})), &mut problems),
            None
        );
        assert_eq!(
            expiry_of(Some(&json!({"warnDays": 366})), &mut problems),
            None
        );
        assert_eq!(
            expiry_of(Some(&json!({"warnDays": "soon"})), &mut problems),
            None
        );
        assert_eq!(problems.len(), 3);
        assert!(problems.iter().all(|p| p.field == "expiry.warnDays"));
        assert!(
            problems[2]
                .message
                .contains("\"soon\" is not a whole number")
        );
    }
}
