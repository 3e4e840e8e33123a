//! The rest of the settings an admin owns, beside the connection: where in Assets to write, which
//! data sets to sync, the schedule and the deletion policy. Like [`crate::settings`], every problem
//! names its field and how to fix it, because the admin page shows the messages as they are.
//!
//! Also whether a scheduled trigger is due, and (`start.rs`) a run's start under the settings. The
//! deletion policy and guard themselves live with the engine, in `sync/guard.rs`.

use std::collections::BTreeMap;

mod field;
mod start;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::sync::Destination;
pub use crate::sync::guard::{DeletionPolicy, Guard};
pub use field::ConfigField;
pub use start::{RunStart, RunStartError, begin_configured_run};

/// Settings as they arrive from the page or storage: every part optional and untrusted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigInput {
    #[serde(default)]
    pub destination: Option<DestinationInput>,
    #[serde(default)]
    pub datasets: Option<BTreeMap<String, Value>>,
    /// Per data set, a Graph `$filter` expression; empty or absent means everything.
    #[serde(default)]
    pub filters: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    pub schedule: Option<ScheduleInput>,
    #[serde(default)]
    pub deletion: Option<DeletionInput>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationInput {
    #[serde(default)]
    pub workspace_id: Option<Value>,
    #[serde(default)]
    pub schema_id: Option<Value>,
    #[serde(default)]
    pub import_source_id: Option<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleInput {
    #[serde(default)]
    pub interval: Option<Value>,
    #[serde(default)]
    pub enabled: Option<Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeletionInput {
    #[serde(default)]
    pub policy: Option<Value>,
    #[serde(default)]
    pub percent: Option<Value>,
    #[serde(default)]
    pub minimum: Option<Value>,
}

/// Settings that passed validation; what is stored and what runs read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConfig {
    pub destination: DestinationConfig,
    pub datasets: BTreeMap<String, bool>,
    /// Data set key → `$filter`; only non-empty, valid filters are kept.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filters: BTreeMap<String, String>,
    pub schedule: Schedule,
    pub deletion: Guard,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationConfig {
    pub workspace_id: String,
    pub schema_id: String,
    pub import_source_id: String,
}

impl DestinationConfig {
    pub fn destination(&self) -> Destination {
        Destination {
            workspace_id: self.workspace_id.clone(),
            import_source_id: self.import_source_id.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Interval {
    Hour,
    SixHours,
    Day,
}

impl Interval {
    pub fn millis(self) -> u64 {
        match self {
            Interval::Hour => 3_600_000,
            Interval::SixHours => 6 * 3_600_000,
            Interval::Day => 24 * 3_600_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    pub interval: Interval,
    pub enabled: bool,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule {
            interval: Interval::Day,
            enabled: true,
        }
    }
}

/// Scheduled triggers fire hourly and drift a little; a run that comes this much early is on time.
const SCHEDULE_SLACK_MS: u64 = 5 * 60_000;

impl Schedule {
    /// Whether an hourly trigger firing at `now_ms` should start a run, given when the last
    /// scheduled run started. Missed runs never pile up: however long ago the last one was, one
    /// trigger starts one run.
    pub fn due(&self, last_started_ms: Option<u64>, now_ms: u64) -> bool {
        self.enabled
            && last_started_ms.is_none_or(|last| {
                now_ms.saturating_add(SCHEDULE_SLACK_MS)
                    >= last.saturating_add(self.interval.millis())
            })
    }
}

/// One problem, with the field as the admin page names it (`destination.workspaceId`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigProblem {
    pub field: ConfigField,
    pub message: String,
}

fn problem(field: ConfigField, message: impl Into<String>) -> ConfigProblem {
    ConfigProblem {
        field,
        message: message.into(),
    }
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.trim().to_string(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn flag(value: Option<&Value>) -> Option<bool> {
    match value {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s == "true" => Some(true),
        Some(Value::String(s)) if s == "false" => Some(false),
        _ => None,
    }
}

/// A whole number from a JSON number or the text of a form field.
fn whole(value: Option<&Value>) -> Result<u64, String> {
    match value {
        None | Some(Value::Null) => Err(String::new()),
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| n.to_string()),
        Some(Value::String(s)) if s.trim().is_empty() => Err(String::new()),
        Some(Value::String(s)) => s.trim().parse().map_err(|_| s.trim().to_string()),
        Some(other) => Err(other.to_string()),
    }
}

/// What the page starts from before anything is saved. The only place these defaults live: a new
/// installation syncs users, daily, with the schedule on, retiring (not deleting) what leaves Entra
/// behind the default mass-deletion guard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigDefaults {
    pub datasets: BTreeMap<String, bool>,
    pub schedule: Schedule,
    pub deletion: Guard,
}

pub fn defaults() -> ConfigDefaults {
    ConfigDefaults {
        datasets: dataset_keys()
            .map(|key| (key.to_string(), key == "users"))
            .collect(),
        schedule: Schedule::default(),
        deletion: Guard::default(),
    }
}

/// The data sets the settings may name, as Check connection and the page name them.
pub fn dataset_keys() -> impl Iterator<Item = &'static str> {
    crate::sync::datasets::SPECS.iter().map(|s| s.key)
}

impl ConfigInput {
    /// Validates every part and returns all problems at once, so the page can mark each field.
    pub fn validate(&self) -> Result<AppConfig, Vec<ConfigProblem>> {
        let mut problems = Vec::new();
        let destination = self.destination.clone().unwrap_or_default();
        let destination = DestinationConfig {
            workspace_id: text(destination.workspace_id.as_ref()),
            schema_id: text(destination.schema_id.as_ref()),
            import_source_id: text(destination.import_source_id.as_ref()),
        };
        if destination.workspace_id.is_empty() {
            problems.push(problem(
                ConfigField::WorkspaceId,
                "Choose the Assets workspace. If the list is empty, open Assets once in this site so that its workspace exists.",
            ));
        }
        if destination.schema_id.is_empty() {
            problems.push(problem(
                ConfigField::SchemaId,
                "Choose the object schema to fill. Create one in Assets (Assets → Object schemas → Create) if there is none.",
            ));
        } else if !destination.schema_id.chars().all(|c| c.is_ascii_digit()) {
            problems.push(problem(
                ConfigField::SchemaId,
                format!(
                    "Object schema ID \"{}\" is not a number. Pick the schema from the list.",
                    destination.schema_id
                ),
            ));
        }
        if destination.import_source_id.is_empty() {
            problems.push(problem(
                ConfigField::ImportSourceId,
                "Enter the import source ID: in the object schema, Import → Create import → Microsoft Entra ID & Intune; Assets then starts Entra Sync and fills this in.",
            ));
        }
        let filled =
            |field: ConfigField| !problems.iter().any(|p: &ConfigProblem| p.field == field);
        let (workspace_ok, source_ok) = (
            filled(ConfigField::WorkspaceId),
            filled(ConfigField::ImportSourceId),
        );
        for (field, message) in destination.destination().problems() {
            let (field, ok) = if field == "workspaceId" {
                (ConfigField::WorkspaceId, workspace_ok)
            } else {
                (ConfigField::ImportSourceId, source_ok)
            };
            if ok {
                problems.push(problem(field, message));
            }
        }

        let mut datasets = BTreeMap::new();
        for key in dataset_keys() {
            datasets.insert(key.to_string(), false);
        }
        match &self.datasets {
            None => problems.push(problem(
                ConfigField::Datasets,
                "Turn on at least one data set (Users is the usual start).",
            )),
            Some(given) => {
                for (key, value) in given {
                    if !datasets.contains_key(key) {
                        problems.push(problem(
                            ConfigField::Datasets,
                            format!(
                                "Unknown data set \"{key}\". Known: {}.",
                                dataset_keys().collect::<Vec<_>>().join(", ")
                            ),
                        ));
                        continue;
                    }
                    match flag(Some(value)) {
                        Some(on) => {
                            datasets.insert(key.clone(), on);
                        }
                        None => problems.push(problem(
                            ConfigField::Datasets,
                            format!(
                                "Data set \"{key}\" must be switched on or off (true or false)."
                            ),
                        )),
                    }
                }
                if !datasets.values().any(|on| *on) {
                    problems.push(problem(
                        ConfigField::Datasets,
                        "Turn on at least one data set (Users is the usual start).",
                    ));
                }
            }
        }

        let filters = filters_of(self.filters.as_ref(), &mut problems);

        let schedule_in = self.schedule.clone().unwrap_or_default();
        let interval = match text(schedule_in.interval.as_ref()).as_str() {
            "hour" => Some(Interval::Hour),
            "sixHours" => Some(Interval::SixHours),
            "day" => Some(Interval::Day),
            other => {
                problems.push(problem(
                    ConfigField::ScheduleInterval,
                    if other.is_empty() {
                        "Choose how often to sync: every hour, every 6 hours or daily.".to_string()
                    } else {
                        format!("\"{other}\" is not an interval Entra Sync offers. Choose every hour, every 6 hours or daily.")
                    },
                ));
                None
            }
        };
        let enabled = match flag(schedule_in.enabled.as_ref()) {
            Some(on) => on,
            None if schedule_in.enabled.is_none() => true,
            None => {
                problems.push(problem(
                    ConfigField::ScheduleEnabled,
                    "Scheduled sync must be switched on or off.",
                ));
                true
            }
        };

        let deletion_in = self.deletion.clone().unwrap_or_default();
        let policy = match text(deletion_in.policy.as_ref()).as_str() {
            "" | "retire" => Some(DeletionPolicy::Retire),
            "delete" => Some(DeletionPolicy::Delete),
            other => {
                problems.push(problem(
                    ConfigField::DeletionPolicy,
                    format!("\"{other}\" is not a deletion policy. Choose retire (keep the object, status Deleted in Entra) or delete."),
                ));
                None
            }
        };
        let percent = match whole(deletion_in.percent.as_ref()) {
            Ok(n) if (1..=100).contains(&n) => Some(n as u8),
            Ok(n) => {
                problems.push(problem(
                    ConfigField::DeletionPercent,
                    format!("{n} % is out of range. Enter a whole percentage from 1 to 100 (5 is a sensible default)."),
                ));
                None
            }
            Err(raw) => {
                problems.push(problem(
                    ConfigField::DeletionPercent,
                    if raw.is_empty() {
                        "Enter the share of objects that may go in one run without asking, a whole percentage from 1 to 100 (5 is a sensible default).".to_string()
                    } else {
                        format!("\"{raw}\" is not a whole number. Enter a percentage from 1 to 100, without the % sign.")
                    },
                ));
                None
            }
        };
        let minimum = match whole(deletion_in.minimum.as_ref()) {
            Ok(n) if n >= 1 => Some(n),
            Ok(_) => {
                problems.push(problem(
                    ConfigField::DeletionMinimum,
                    "The minimum must be at least 1. Enter how many objects may always go without asking (for example 500).",
                ));
                None
            }
            Err(raw) => {
                problems.push(problem(
                    ConfigField::DeletionMinimum,
                    if raw.is_empty() {
                        "Enter how many objects may always go without asking, a whole number of at least 1 (for example 500).".to_string()
                    } else {
                        format!("\"{raw}\" is not a whole number. Enter a count of at least 1 (for example 500).")
                    },
                ));
                None
            }
        };

        match (interval, policy, percent, minimum) {
            (Some(interval), Some(policy), Some(percent), Some(minimum)) if problems.is_empty() => {
                Ok(AppConfig {
                    destination,
                    datasets,
                    filters,
                    schedule: Schedule { interval, enabled },
                    deletion: Guard {
                        policy,
                        percent,
                        minimum,
                    },
                })
            }
            _ => Err(problems),
        }
    }
}

/// The admin's filters, each checked the way a run will use it: it must parse as Graph `$filter`
/// and may only name properties the data set reads (Graph returns nothing else to compare).
fn filters_of(
    given: Option<&BTreeMap<String, Value>>,
    problems: &mut Vec<ConfigProblem>,
) -> BTreeMap<String, String> {
    let mut filters = BTreeMap::new();
    for (key, value) in given.into_iter().flatten() {
        let field = ConfigField::Filter(key.clone());
        let Some(dataset) = crate::sync::datasets::Dataset::ALL
            .into_iter()
            .find(|d| d.key() == key)
        else {
            problems.push(problem(
                field,
                format!(
                    "Unknown data set \"{key}\". Known: {}.",
                    dataset_keys().collect::<Vec<_>>().join(", ")
                ),
            ));
            continue;
        };
        let text = match value {
            Value::Null => continue,
            Value::String(text) => text.trim(),
            _ => {
                problems.push(problem(
                    field,
                    "A filter is text in Microsoft Graph $filter syntax, for example: department eq 'Sales'.",
                ));
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        match crate::sync::check_filter(dataset, text) {
            Ok(_) => {
                filters.insert(key.clone(), text.to_string());
            }
            Err(error) => problems.push(problem(field, error.to_string())),
        }
    }
    filters
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const WS: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    const SRC: &str = "11111111-2222-3333-4444-555555555555";

    fn input(value: Value) -> ConfigInput {
        serde_json::from_value(value).expect("input")
    }

    #[test]
    fn filters_are_kept_trimmed_checked_like_a_run_and_empty_ones_dropped() {
        let mut value = good();
        value["filters"] = json!({
            "users": "  accountEnabled eq true ",
            "groups": "",
            "devices": null,
        });
        let config = input(value.clone()).validate().expect("valid");
        assert_eq!(
            config.filters,
            BTreeMap::from([("users".to_string(), "accountEnabled eq true".to_string())])
        );

        value["filters"] = json!({
            "users": "officeLocation eq 'x'",
            "groups": "displayName eq",
            "printers": "x eq 1",
            "devices": 5,
        });
        let problems = input(value).validate().expect_err("invalid filters");
        let on = |field: &str| {
            problems
                .iter()
                .find(|p| p.field == *field)
                .map(|p| p.message.clone())
                .unwrap_or_else(|| panic!("no problem on {field}: {problems:?}"))
        };
        assert!(on("filters.users").contains("does not read"));
        assert!(
            on("filters.users").contains("accountEnabled"),
            "names what can be filtered"
        );
        assert!(!on("filters.groups").is_empty());
        assert!(on("filters.printers").contains("Unknown data set"));
        assert!(on("filters.devices").contains("$filter syntax"));
    }

    fn good() -> Value {
        json!({
            "destination": {"workspaceId": WS, "schemaId": "3", "importSourceId": SRC},
            "datasets": {"users": true, "groups": false},
            "schedule": {"interval": "sixHours", "enabled": true},
            "deletion": {"policy": "retire", "percent": "10", "minimum": 25}
        })
    }

    #[test]
    fn accepts_complete_settings() {
        let config = input(good()).validate().expect("valid");
        assert_eq!(config.schedule.interval, Interval::SixHours);
        assert_eq!(config.deletion.percent, 10);
        assert_eq!(config.deletion.minimum, 25);
        assert!(config.datasets["users"]);
        assert!(!config.datasets["devices"]);
        assert_eq!(config.destination.destination().import_source_id, SRC);
    }

    #[test]
    fn reports_every_problem_with_its_field() {
        let errors = input(json!({
            "destination": {"workspaceId": "nope", "schemaId": "abc"},
            "datasets": {"users": false, "printers": true},
            "schedule": {"interval": "weekly"},
            "deletion": {"policy": "shred", "percent": 0, "minimum": "x"}
        }))
        .validate()
        .unwrap_err();
        let fields: Vec<String> = errors.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(
            fields,
            vec![
                "destination.schemaId",
                "destination.importSourceId",
                "destination.workspaceId",
                "datasets",
                "datasets",
                "schedule.interval",
                "deletion.policy",
                "deletion.percent",
                "deletion.minimum"
            ]
        );
        assert!(errors[3].message.contains("printers"));
        assert!(errors[5].message.contains("every 6 hours"));
        let empty = ConfigInput::default().validate().unwrap_err();
        assert!(empty.iter().any(|e| e.field == "deletion.percent"));
        assert!(empty.iter().any(|e| e.field == "datasets"));
    }

    #[test]
    fn percent_bounds() {
        for (percent, ok) in [
            (json!(1), true),
            (json!(100), true),
            (json!(101), false),
            (json!(-1), false),
            (json!("5 %"), false),
        ] {
            let mut value = good();
            value["deletion"]["percent"] = percent.clone();
            assert_eq!(input(value).validate().is_ok(), ok, "{percent}");
        }
    }

    #[test]
    fn schedule_due_only_when_enabled_and_the_interval_passed() {
        let hour = 3_600_000;
        let daily = Schedule {
            interval: Interval::Day,
            enabled: true,
        };
        assert!(daily.due(None, 0));
        assert!(!daily.due(Some(0), hour));
        assert!(!daily.due(Some(0), 23 * hour - 6 * 60_000));
        assert!(
            daily.due(Some(0), 24 * hour - 60_000),
            "a trigger a minute early is on time"
        );
        assert!(
            daily.due(Some(0), 100 * 24 * hour),
            "a long gap gives one run, not many"
        );
        let off = Schedule {
            enabled: false,
            ..daily
        };
        assert!(!off.due(None, 0));
    }

    #[test]
    fn guard_threshold() {
        let guard = Guard {
            policy: DeletionPolicy::Retire,
            percent: 5,
            minimum: 500,
        };
        assert_eq!(guard.threshold(1_000), 500);
        assert_eq!(guard.threshold(100_000), 5_000);
        assert_eq!(
            Guard {
                percent: 1,
                minimum: 1,
                ..guard
            }
            .threshold(300),
            3
        );
    }

    #[test]
    fn the_defaults_are_valid_settings() {
        let defaults = serde_json::to_value(defaults()).expect("serialisable");
        let mut value = good();
        value["datasets"] = defaults["datasets"].clone();
        value["schedule"] = defaults["schedule"].clone();
        value["deletion"] = defaults["deletion"].clone();
        let config = input(value).validate().expect("valid");
        assert_eq!(config.schedule, Schedule::default());
        assert!(
            config.schedule.enabled,
            "a new installation syncs on its own"
        );
        assert_eq!(config.deletion, Guard::default());
        assert!(config.datasets["users"]);
    }
}
