//! The settings as read back from KVS. A stored value can be damaged (edited by hand, cut short by a
//! failed write, left by a newer version): that must stop runs with a message naming the fix, and
//! the page must offer the admin a way to save them again, never a deserialisation error.

use serde_json::Value;

use super::AppConfig;

pub const CONFIG_KEY: &str = "settings:config";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "The saved settings ({CONFIG_KEY}) cannot be read: {detail}. Open Entra Sync's settings page, check every section and press Save; no sync runs until then."
)]
pub struct DamagedSettings {
    pub detail: String,
}

/// The saved settings, `Ok(None)` when none were saved yet.
pub fn read_stored(value: Option<Value>) -> Result<Option<AppConfig>, DamagedSettings> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value)
            .map(Some)
            .map_err(|error| DamagedSettings {
                detail: error.to_string(),
            }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::config::{DestinationConfig, defaults};

    fn saved() -> Value {
        let d = defaults();
        serde_json::to_value(AppConfig {
            destination: DestinationConfig {
                workspace_id: "ws-1".into(),
                schema_id: "7".into(),
                import_source_id: "imp-1".into(),
            },
            datasets: d.datasets,
            filters: Default::default(),
            schedule: d.schedule,
            deletion: d.deletion,
            expiry: Default::default(),
        })
        .unwrap_or_default()
    }

    #[test]
    fn nothing_saved_is_not_damage() {
        assert_eq!(read_stored(None), Ok(None));
        assert_eq!(read_stored(Some(Value::Null)), Ok(None));
    }

    #[test]
    fn valid_settings_read_back() {
        let config = read_stored(Some(saved())).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            config.map(|c| c.destination.workspace_id),
            Some("ws-1".into())
        );
    }

    #[test]
    fn damaged_settings_name_the_key_and_the_fix() {
        for damaged in [json!("garbage"), json!([1, 2]), json!({"destination": 5})] {
            let Err(error) = read_stored(Some(damaged.clone())) else {
                panic!("{damaged} was read as settings");
            };
            let text = error.to_string();
            assert!(text.contains(CONFIG_KEY), "{text}");
            assert!(text.contains("press Save"), "{text}");
        }
    }
}
