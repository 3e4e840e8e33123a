//! What a handler hands the lifecycle: the stored values, the time, and what happened.

use serde::Deserialize;
use serde_json::Value;

use crate::sync::assets::Destination;
use crate::sync::checkpoint::Checkpoint;

/// What happened, as the handler saw it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum Event {
    /// Sync now, the schedule or Assets' "Import data".
    Start {
        run_id: String,
        trigger: String,
        #[serde(default)]
        dry_run: bool,
    },
    /// The first checkpoint of a started run is built.
    Begun {
        run_id: String,
        checkpoint: Checkpoint,
        destination: Destination,
    },
    /// Building the first checkpoint failed; `reason` is its error.
    BeginFailed {
        run_id: String,
        reason: String,
    },
    /// A queue event arrived (its body as sent, whatever it holds).
    Deliver {
        #[serde(default)]
        body: Value,
        remaining_ms: u64,
    },
    /// A step ended; `result` is `syncStep`'s answer.
    StepDone {
        run_id: String,
        seq: u64,
        since_ms: u64,
        result: StepResultIn,
    },
    /// A step threw before it could hand back a checkpoint.
    StepThrew {
        run_id: String,
        seq: u64,
        since_ms: u64,
    },
    Pushed {
        run_id: String,
        seq: u64,
    },
    PushFailed {
        run_id: String,
        seq: u64,
    },
    Cancel,
    Confirm {
        run_id: String,
    },
    Status,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StepResultIn {
    pub checkpoint: Checkpoint,
    #[serde(default)]
    pub progress: Value,
    pub status: StepStatusIn,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum StepStatusIn {
    Continue,
    AwaitingConfirmation { retire: u64, threshold: u64 },
    Finished { report: Value },
}

/// One call: the stored values, the time, and what happened.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    #[serde(default)]
    pub stored: Option<Value>,
    #[serde(default)]
    pub cancel: Option<Value>,
    pub now_ms: u64,
    pub event: Event,
}
