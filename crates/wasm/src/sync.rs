//! The sync engine's exports: `beginRun` and `syncStep`.

use entra_sync_core::SettingsInput;
use entra_sync_core::sync::{
    Budget, Checkpoint, Destination, Host, Selection, StepStatus, begin_run, step,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::bridge::{self, BridgeError};
use crate::clock::JsClock;
use crate::host::{JsSiteTransport, JsStore};
use crate::transport::FetchTransport;
use entra_sync_core::clock::Clock;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BeginInput {
    run_id: String,
    trigger: String,
    #[serde(default)]
    dry_run: bool,
    #[serde(default)]
    full_resync: bool,
    /// Data sets to sync with their filters; all, unfiltered, when absent.
    #[serde(default)]
    datasets: Option<Vec<Selection>>,
}

/// The first checkpoint of a new run. `store` is `{get, set, delete}` over KVS.
#[wasm_bindgen(js_name = beginRun)]
pub async fn begin_run_js(input: JsValue, store: JsValue) -> Result<JsValue, BridgeError> {
    let input: BeginInput = bridge::from_js(input, "run start")?;
    let checkpoint = begin_run(
        &JsStore(store),
        input.run_id,
        input.trigger,
        input.dry_run,
        input.full_resync,
        JsClock.now_ms(),
        &input.datasets.unwrap_or_else(Selection::all),
    )
    .await
    .map_err(|e| BridgeError::Failed(e.to_string()))?;
    bridge::to_js(&checkpoint)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DestinationProblem {
    field: &'static str,
    message: String,
}

/// Checks an Assets destination (`{workspaceId, importSourceId}`): `{ok, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = validateDestination)]
pub fn validate_destination(input: JsValue) -> Result<JsValue, BridgeError> {
    let destination: Destination = bridge::from_js(input, "destination")?;
    let errors: Vec<DestinationProblem> = destination
        .problems()
        .into_iter()
        .map(|(field, message)| DestinationProblem { field, message })
        .collect();
    bridge::to_js(&serde_json::json!({ "ok": errors.is_empty(), "errors": errors }))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StepInput {
    settings: SettingsInput,
    destination: Destination,
    budget: Budget,
    checkpoint: Checkpoint,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
enum StatusOut {
    Continue,
    AwaitingConfirmation {
        retire: u64,
        threshold: u64,
    },
    Finished {
        report: Box<entra_sync_core::sync::RunReport>,
    },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StepOutput {
    checkpoint: Checkpoint,
    progress: entra_sync_core::sync::Progress,
    status: StatusOut,
}

/// Runs one step: `input` = `{settings, destination, budget, checkpoint}`; `store` =
/// `{get, set, delete}` over KVS; `site` = `{request(init)}` over `requestJira`.
#[wasm_bindgen(js_name = syncStep)]
pub async fn sync_step_js(
    input: JsValue,
    store: JsValue,
    site: JsValue,
) -> Result<JsValue, BridgeError> {
    let input: StepInput = bridge::from_js(input, "step input")?;
    if let Some((_, message)) = input.destination.problems().into_iter().next() {
        return Err(BridgeError::Failed(message));
    }
    let settings = input.settings.validate().map_err(|errors| {
        BridgeError::Failed(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        )
    })?;
    let store = JsStore(store);
    let site = JsSiteTransport(site);
    let host = Host {
        graph: &FetchTransport,
        assets: &site,
        store: &store,
        clock: &JsClock,
    };
    let result = step(
        &host,
        &settings,
        &input.destination,
        input.budget,
        input.checkpoint,
    )
    .await;
    let status = match result.status {
        StepStatus::Continue => StatusOut::Continue,
        StepStatus::AwaitingConfirmation { retire, threshold } => {
            StatusOut::AwaitingConfirmation { retire, threshold }
        }
        StepStatus::Finished(report) => StatusOut::Finished { report },
    };
    bridge::to_js(&StepOutput {
        checkpoint: result.checkpoint,
        progress: result.progress,
        status,
    })
}
