//! The wasm boundary. It converts JS values, carries HTTP through `fetch`, and exports one async
//! function per handler use. No sync logic lives here: that is `entra-sync-core`'s job.

mod audit;
mod bridge;
mod clock;
mod config;
mod credential;
mod destination;
mod host;
mod pacing;
mod panel;
mod sync;
mod transport;

use entra_sync_core::{ConnectionReport, SettingsInput, check_connection};
use serde::Serialize;
use wasm_bindgen::prelude::*;

pub use bridge::BridgeError;
pub use clock::JsClock;
pub use config::{
    begin_configured_run_js, config_defaults, dataset_options, schedule_due, validate_config,
};
pub use credential::create_certificate_js;
pub use panel::{panel_refresh_js, panel_search_js, panel_view_js, validate_panel_config};
pub use sync::{apply_command, run_event};
pub use transport::FetchTransport;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// The answer to `validateSettings`: either the settings are usable or every problem is listed.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Validation {
    ok: bool,
    errors: Vec<FieldProblem>,
    /// The tenant and client id in the form to store (trimmed, GUIDs hyphenated), when `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    connection: Option<StoredConnection>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StoredConnection {
    tenant_id: String,
    client_id: String,
    /// `secret` or `certificate`.
    credential: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FieldProblem {
    field: entra_sync_core::settings::Field,
    message: String,
}

fn problems(errors: &[entra_sync_core::SettingsError]) -> Vec<FieldProblem> {
    errors
        .iter()
        .map(|e| FieldProblem {
            field: e.field(),
            message: e.to_string(),
        })
        .collect()
}

/// Bytes of wasm linear memory. It only ever grows, so this is also the peak (benchmarks print it).
#[wasm_bindgen(js_name = wasmMemoryBytes)]
pub fn wasm_memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|memory| {
            memory
                .buffer()
                .dyn_into::<js_sys::ArrayBuffer>()
                .map_or(0.0, |b| f64::from(b.byte_length()))
        })
        .unwrap_or(0.0)
}

/// Checks settings without touching the network: `{tenantId, clientId, credential, clientSecret}`
/// or, for a certificate, `{…, privateKey, certificate, certificateNew, certificateChecked}`.
#[wasm_bindgen(js_name = validateSettings)]
pub fn validate_settings(input: JsValue) -> Result<JsValue, BridgeError> {
    // Read as any JSON, so that a field of the wrong type is a field error, not a rejection.
    let input: serde_json::Value = bridge::from_js(input, "settings")?;
    let answer = match SettingsInput::validate_json(&input) {
        Ok(settings) => Validation {
            ok: true,
            errors: Vec::new(),
            connection: Some(StoredConnection {
                tenant_id: settings.tenant.as_path_segment(),
                client_id: settings.client_id.hyphenated().to_string(),
                credential: match settings.credential {
                    entra_sync_core::auth::Credential::Secret(_) => "secret",
                    entra_sync_core::auth::Credential::Certificate(_) => "certificate",
                },
            }),
        },
        Err(errors) => Validation {
            ok: false,
            errors: problems(&errors),
            connection: None,
        },
    };
    bridge::to_js(&answer)
}

/// Which data sets to probe (`datasets: ["users", ...]`); all when absent.
#[derive(serde::Deserialize)]
struct CheckDatasets {
    #[serde(default)]
    datasets: Option<Vec<String>>,
}

/// Gets a token and probes each data set; resolves to a `ConnectionReport`. Invalid
/// settings resolve to a failed report that lists them; nothing is sent in that case.
#[wasm_bindgen(js_name = checkConnection)]
pub async fn check_connection_js(input: JsValue) -> Result<JsValue, BridgeError> {
    let datasets: CheckDatasets = bridge::from_js(input.clone(), "settings")?;
    let mut input: serde_json::Value = bridge::from_js(input, "settings")?;
    // A new certificate is what Check connection is for: the rule that a save needs a passing
    // check first does not apply to the check itself.
    if let Some(fields) = input.as_object_mut() {
        fields.remove("certificateNew");
    }
    let datasets = datasets.datasets.unwrap_or_else(|| {
        entra_sync_core::sync::datasets::SPECS
            .iter()
            .map(|s| s.key.to_string())
            .collect()
    });
    let report = match SettingsInput::validate_json(&input) {
        Ok(settings) => check_connection(&FetchTransport, &JsClock, &settings, &datasets).await,
        Err(errors) => ConnectionReport {
            ok: false,
            summary: errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            checks: Vec::new(),
            secret_expires_at: None,
        },
    };
    bridge::to_js(&report)
}
