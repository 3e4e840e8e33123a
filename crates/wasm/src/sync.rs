//! The sync engine's exports: `syncStep`, one step of a run (a run begins in `beginConfiguredRun`),
//! `runEvent`, the run's lifecycle (start, delivery, step results, pushes, cancel, confirm,
//! status), and `applyCommand`, an admin's confirm or cancel on a bare checkpoint.

use entra_sync_core::SettingsInput;
use entra_sync_core::sync::lifecycle;
use entra_sync_core::sync::{Budget, Checkpoint, Command, Destination, Host, StepStatus, step};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::bridge::{self, BridgeError};
use crate::clock::JsClock;
use crate::host::{JsSiteTransport, JsStore};
use crate::transport::FetchTransport;

/// The run's lifecycle: `{stored, cancel, nowMs, event}` (the stored `run:active` and `run:cancel`
/// values as loaded, the time, and what happened) → `{write, markCancel, push, report, warnings,
/// answer}`: what to store, push, file in the history and log, and what to answer.
#[wasm_bindgen(js_name = runEvent)]
pub fn run_event(input: JsValue) -> Result<JsValue, BridgeError> {
    let call: lifecycle::Call = bridge::from_js(input, "run event")?;
    bridge::to_js(&lifecycle::handle(call))
}

#[derive(Deserialize)]
struct CommandInput {
    checkpoint: Checkpoint,
    command: Command,
}

/// An admin's command on a run in flight: `{checkpoint, command: "confirm" | "cancel"}` → the
/// checkpoint to store. Rejects with code `notAwaitingConfirmation` when there is nothing to confirm.
#[wasm_bindgen(js_name = applyCommand)]
pub fn apply_command(input: JsValue) -> Result<JsValue, BridgeError> {
    let CommandInput {
        mut checkpoint,
        command,
    } = bridge::from_js(input, "run command")?;
    checkpoint
        .apply(command)
        .map_err(|e| BridgeError::failed(e.code(), e))?;
    bridge::to_js(&checkpoint)
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
        return Err(BridgeError::failed("destination", message));
    }
    let settings = input.settings.validate().map_err(|errors| {
        let message = errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        BridgeError::failed("settings", message)
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
