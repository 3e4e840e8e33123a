//! The Data sets section: which data sets a run reads, and the defaults a new installation starts
//! from (the only place they live).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::field::{ConfigField, ConfigProblem, problem};
use super::input::{flag, section};
use super::{ExpiryConfig, Guard, Schedule};
use crate::settings::shown;

/// The data sets the settings may name, as Check connection and the page name them.
pub fn dataset_keys() -> impl Iterator<Item = &'static str> {
    crate::sync::datasets::SPECS.iter().map(|s| s.key)
}

/// The message for a key that names no data set (shared with the Filters section).
pub(super) fn unknown_dataset(key: &str) -> String {
    format!(
        "Unknown data set \"{}\". Known: {}.",
        shown(key),
        dataset_keys().collect::<Vec<_>>().join(", ")
    )
}

const NONE_ON: &str = "Turn on at least one data set (Users is the usual start).";

pub(super) fn datasets_of(
    value: Option<&Value>,
    problems: &mut Vec<ConfigProblem>,
) -> Option<BTreeMap<String, bool>> {
    let mut datasets: BTreeMap<String, bool> =
        dataset_keys().map(|key| (key.to_string(), false)).collect();
    if value.is_none_or(Value::is_null) {
        problems.push(problem(ConfigField::Datasets, NONE_ON));
        return None;
    }
    let given = section(value, ConfigField::Datasets, problems)?;
    let before = problems.len();
    for (key, value) in given {
        if !datasets.contains_key(key) {
            problems.push(problem(ConfigField::Datasets, unknown_dataset(key)));
            continue;
        }
        match flag(Some(value)) {
            Some(on) => {
                datasets.insert(key.clone(), on);
            }
            None => problems.push(problem(
                ConfigField::Datasets,
                format!("Data set \"{key}\" must be switched on or off (true or false)."),
            )),
        }
    }
    if !datasets.values().any(|on| *on) {
        problems.push(problem(ConfigField::Datasets, NONE_ON));
    }
    (problems.len() == before).then_some(datasets)
}

/// What the page starts from before anything is saved. A new installation syncs users, daily, with
/// the schedule on, retiring (not deleting) what leaves Entra behind the default mass-deletion
/// guard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigDefaults {
    pub datasets: BTreeMap<String, bool>,
    pub schedule: Schedule,
    pub deletion: Guard,
    pub expiry: ExpiryConfig,
}

pub fn defaults() -> ConfigDefaults {
    ConfigDefaults {
        datasets: dataset_keys()
            .map(|key| (key.to_string(), key == "users"))
            .collect(),
        schedule: Schedule::default(),
        deletion: Guard::default(),
        expiry: ExpiryConfig::default(),
    }
}
