//! What the lifecycle answers: what to store, push, file and log, and what to tell the caller.

use serde::Serialize;
use serde_json::Value;

use crate::sync::assets::Destination;
use crate::sync::budget::Budget;
use crate::sync::checkpoint::Checkpoint;
use crate::sync::run_state::RunState;

/// What to do with `run:active`: keep it, store a new value, or delete it (with `run:cancel`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum Write {
    Keep,
    Set { state: Box<RunState> },
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    pub run_id: String,
    pub seq: u64,
}

/// What the page sees of the active run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActiveView {
    pub run_id: String,
    pub trigger: String,
    /// `running`, `awaitingConfirmation` or `stalled` (the next trigger takes it over).
    pub status: &'static str,
    pub progress: Value,
    pub retire: Option<u64>,
    pub threshold: Option<u64>,
    pub dry_run: bool,
    pub cancelling: bool,
    pub started_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum Answer {
    /// Build the first checkpoint, then report [`Event::Begun`].
    Begin {
        run_id: String,
    },
    Started {
        run_id: String,
        resumed: bool,
    },
    Refused {
        reason: String,
        code: &'static str,
    },
    /// Run this step, then report [`Event::StepDone`] or [`Event::StepThrew`].
    Step {
        run_id: String,
        seq: u64,
        since_ms: u64,
        checkpoint: Box<Checkpoint>,
        destination: Option<Destination>,
        budget: Budget,
    },
    Ignored {
        why: String,
    },
    Done {
        run_id: String,
    },
    Status {
        active: Option<Box<ActiveView>>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Effects {
    pub write: Write,
    /// Mark this run as cancelled in `run:cancel` (kept apart: a step in flight rewrites `run:active`).
    pub mark_cancel: Option<String>,
    /// Push this event, then report [`Event::Pushed`] or [`Event::PushFailed`].
    pub push: Option<Ticket>,
    /// Append this report to the history.
    pub report: Option<Value>,
    /// To log; they name the key or run they are about.
    pub warnings: Vec<String>,
    pub answer: Answer,
}

impl Effects {
    pub(super) fn answer(answer: Answer) -> Self {
        Effects {
            write: Write::Keep,
            mark_cancel: None,
            push: None,
            report: None,
            warnings: Vec::new(),
            answer,
        }
    }

    pub(super) fn ignored(why: impl Into<String>) -> Self {
        Self::answer(Answer::Ignored { why: why.into() })
    }

    pub(super) fn set(mut self, state: RunState) -> Self {
        self.write = Write::Set {
            state: Box::new(state),
        };
        self
    }

    pub(super) fn push(mut self, run_id: &str, seq: u64) -> Self {
        self.push = Some(Ticket {
            run_id: run_id.to_string(),
            seq,
        });
        self
    }
}
