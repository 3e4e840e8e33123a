//! Exports for the settings beside the connection: validation, the data sets the page offers,
//! whether a scheduled trigger is due, and a run's first checkpoint under the saved settings.

use entra_sync_core::clock::Clock;
use entra_sync_core::config::{
    AppConfig, ConfigInput, RunStart, RunStartError, Schedule, begin_configured_run, read_stored,
};
use entra_sync_core::sync::datasets::SPECS;
use entra_sync_core::sync::pacing::{BEGIN_WAITS_MS, PacedStore, Pacing};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::bridge::{self, BridgeError};
use crate::clock::JsClock;
use crate::host::JsStore;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfigValidation {
    ok: bool,
    errors: Vec<entra_sync_core::config::ConfigProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    config: Option<AppConfig>,
}

/// Checks `{destination, datasets, schedule, deletion}`: `{ok, errors: [{field, message}], config}`;
/// `config` is the normalised form to store.
#[wasm_bindgen(js_name = validateConfig)]
pub fn validate_config(input: JsValue) -> Result<JsValue, BridgeError> {
    let input: ConfigInput = bridge::from_js(input, "settings")?;
    let answer = match input.validate() {
        Ok(config) => ConfigValidation {
            ok: true,
            errors: Vec::new(),
            config: Some(config),
        },
        Err(errors) => ConfigValidation {
            ok: false,
            errors,
            config: None,
        },
    };
    bridge::to_js(&answer)
}

#[derive(Serialize)]
struct DatasetOption {
    key: &'static str,
    label: &'static str,
    permission: &'static str,
    /// Properties a filter on this data set may name.
    filterable: &'static [&'static str],
}

/// The data sets the settings may switch, with their labels and least-privileged permission.
#[wasm_bindgen(js_name = datasetOptions)]
pub fn dataset_options() -> Result<JsValue, BridgeError> {
    let options: Vec<DatasetOption> = SPECS
        .iter()
        .map(|s| DatasetOption {
            key: s.key,
            label: s.label,
            permission: s.least_privileged(),
            filterable: s.select,
        })
        .collect();
    bridge::to_js(&options)
}

/// What the page starts from before settings are saved (the core holds every default).
#[wasm_bindgen(js_name = configDefaults)]
pub fn config_defaults() -> Result<JsValue, BridgeError> {
    bridge::to_js(&entra_sync_core::config::defaults())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DueInput {
    schedule: Schedule,
    #[serde(default)]
    last_started_ms: Option<f64>,
    now_ms: f64,
}

/// Whether an hourly trigger should start a run: `{schedule, lastStartedMs, nowMs}` → boolean.
#[wasm_bindgen(js_name = scheduleDue)]
pub fn schedule_due(input: JsValue) -> Result<bool, BridgeError> {
    let input: DueInput = bridge::from_js(input, "schedule check")?;
    Ok(input.schedule.due(
        input.last_started_ms.map(|ms| ms as u64),
        input.now_ms as u64,
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ConfiguredStart {
    run_id: String,
    trigger: String,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    full_resync: bool,
    /// The stored `settings:config` as loaded, read by the core (it may be damaged).
    #[serde(default)]
    config: Option<serde_json::Value>,
}

/// The first checkpoint of a run under the saved settings: `{runId, trigger, dryRun, fullResync,
/// config}`; `store` is `{get, set, delete}`. Rejects with the reason when no run can start.
#[wasm_bindgen(js_name = beginConfiguredRun)]
pub async fn begin_configured_run_js(
    input: JsValue,
    store: JsValue,
) -> Result<JsValue, BridgeError> {
    let input: ConfiguredStart = bridge::from_js(input, "run start")?;
    let run = RunStart {
        run_id: input.run_id,
        trigger: input.trigger,
        dry_run: input.dry_run,
        full_resync: input.full_resync,
    };
    let failed = |e: RunStartError| BridgeError::failed(e.code(), e);
    let config = read_stored(input.config)
        .map_err(|e| failed(e.into()))?
        .ok_or_else(|| failed(RunStartError::NotConfigured))?;
    let store = JsStore(store);
    let now = JsClock.now_ms();
    // Sync now has 30 s to build the first checkpoint: KVS quota waits end well before.
    let paced = PacedStore::new(&store, &JsClock, Pacing::default(), now + BEGIN_WAITS_MS);
    let checkpoint = begin_configured_run(&paced, run, now, &config)
        .await
        .map_err(failed)?;
    bridge::to_js(&checkpoint)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StoredConfig {
    config: Option<AppConfig>,
    problem: Option<String>,
}

/// The stored `settings:config` as the page may show it: `{config, problem}`; a damaged value
/// gives no config and a problem that names the fix.
#[wasm_bindgen(js_name = storedConfig)]
pub fn stored_config(value: JsValue) -> Result<JsValue, BridgeError> {
    let value: Option<serde_json::Value> = bridge::from_js(value, "stored settings")?;
    let answer = match read_stored(value) {
        Ok(config) => StoredConfig {
            config,
            problem: None,
        },
        Err(damaged) => StoredConfig {
            config: None,
            problem: Some(damaged.to_string()),
        },
    };
    bridge::to_js(&answer)
}
