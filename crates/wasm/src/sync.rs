//! The sync engine's export: `syncStep`, one step of a run (a run begins in `beginConfiguredRun`).

use entra_sync_core::SettingsInput;
use entra_sync_core::sync::{Budget, Checkpoint, Destination, Host, StepStatus, step};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::bridge::{self, BridgeError};
use crate::clock::JsClock;
use crate::host::{JsSiteTransport, JsStore};
use crate::transport::FetchTransport;

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
