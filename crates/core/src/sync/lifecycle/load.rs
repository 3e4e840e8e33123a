//! Reading `run:active`: a damaged value ends its run as failed instead of blocking every later run.

use serde_json::Value;

use super::ACTIVE_KEY;
use crate::sync::report::{Outcome, RunError, RunReport};
use crate::sync::run_state::{RUN_STATE_VERSION, RunState};

/// The stored run, or why it was dropped (a damaged value ends its run as failed).
pub(super) enum Loaded {
    None,
    Run(Box<RunState>),
    Damaged { warning: String, report: Value },
}

pub(super) fn load(stored: Option<Value>, now_ms: u64) -> Loaded {
    let Some(value) = stored.filter(|v| !v.is_null()) else {
        return Loaded::None;
    };
    match serde_json::from_value::<RunState>(value.clone()) {
        Ok(state) if state.version == RUN_STATE_VERSION => Loaded::Run(Box::new(state)),
        Ok(state) => damaged(
            &value,
            format!("version {} is not {RUN_STATE_VERSION}", state.version),
            now_ms,
        ),
        Err(error) => damaged(&value, error.to_string(), now_ms),
    }
}

fn damaged(value: &Value, problem: String, now_ms: u64) -> Loaded {
    let run_id = value
        .get("runId")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    let message = format!(
        "The stored state of run {run_id} ({ACTIVE_KEY}) was damaged ({problem}); it was dropped and the run ended. Nothing of it was committed: the next run reads what it missed."
    );
    let report = RunReport {
        run_id: run_id.clone(),
        trigger: value
            .get("trigger")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string(),
        outcome: Outcome::Failed,
        started_ms: value
            .get("startedMs")
            .and_then(Value::as_u64)
            .unwrap_or(now_ms),
        ended_ms: now_ms,
        datasets: Vec::new(),
        tally: Default::default(),
        assets_counters: Vec::new(),
        warnings: Vec::new(),
        errors: vec![RunError {
            message: message.clone(),
            request_id: None,
        }],
        samples: Default::default(),
    };
    Loaded::Damaged {
        warning: format!("{ACTIVE_KEY}: {message}"),
        report: serde_json::to_value(&report).unwrap_or(Value::Null),
    }
}
