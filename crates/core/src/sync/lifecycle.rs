//! The run's lifecycle as one state machine: the handlers load `run:active` and `run:cancel`, hand
//! over what happened, store what comes back and push the event it names. Sync now, Cancel, the
//! page's status and the queue consumer all ask [`handle`], so they always agree on whether a run is
//! active. The sequence number advances only once a push is confirmed (or its event arrives), so a
//! retried or redelivered event is honoured exactly once.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::assets::Destination;
use super::budget::Budget;
use super::checkpoint::Checkpoint;
use super::control::Command;
use super::guard::GuardQuestion;
use super::report::{Outcome, RunError, RunReport};
use super::run_state::{
    DELIVERY_MS, RUN_STATE_VERSION, RunState, STARTING_MS, Stage, budget, step_ms,
};

pub const ACTIVE_KEY: &str = "run:active";

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
    /// While waiting for confirmation: what would be removed, per type, with names.
    pub guard: Option<GuardQuestion>,
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
    fn answer(answer: Answer) -> Self {
        Effects {
            write: Write::Keep,
            mark_cancel: None,
            push: None,
            report: None,
            warnings: Vec::new(),
            answer,
        }
    }

    fn ignored(why: impl Into<String>) -> Self {
        Self::answer(Answer::Ignored { why: why.into() })
    }

    fn set(mut self, state: RunState) -> Self {
        self.write = Write::Set {
            state: Box::new(state),
        };
        self
    }

    fn push(mut self, run_id: &str, seq: u64) -> Self {
        self.push = Some(Ticket {
            run_id: run_id.to_string(),
            seq,
        });
        self
    }
}

/// The stored run, or why it was dropped (a damaged value ends its run as failed).
enum Loaded {
    None,
    Run(Box<RunState>),
    Damaged { warning: String, report: Value },
}

fn load(stored: Option<Value>, now_ms: u64) -> Loaded {
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
        skipped: Vec::new(),
        errors: vec![RunError::run(message.clone(), None)],
        samples: Default::default(),
        expiry: None,
    };
    Loaded::Damaged {
        warning: format!("{ACTIVE_KEY}: {message}"),
        report: serde_json::to_value(&report).unwrap_or(Value::Null),
    }
}

/// Answers one call. Pure: the same stored values, time and event give the same effects.
pub fn handle(call: Call) -> Effects {
    let Call {
        stored,
        cancel,
        now_ms,
        event,
    } = call;
    let (state, healed) = match load(stored, now_ms) {
        Loaded::None => (None, None),
        Loaded::Run(state) => (Some(*state), None),
        Loaded::Damaged { warning, report } => (None, Some((warning, report))),
    };
    let cancelling = |run_id: &str| cancel.as_ref().and_then(Value::as_str) == Some(run_id);
    let mut effects = transition(state, &cancelling, now_ms, event);
    if let Some((warning, report)) = healed {
        effects.warnings.insert(0, warning);
        effects.report = Some(report);
        if effects.write == Write::Keep {
            effects.write = Write::Delete;
        }
    }
    effects
}

fn transition(
    state: Option<RunState>,
    cancelling: &dyn Fn(&str) -> bool,
    now: u64,
    event: Event,
) -> Effects {
    if event == Event::Status {
        return status(state_view(state, cancelling, now));
    }
    match (state, event) {
        (
            None,
            Event::Start {
                run_id,
                trigger,
                dry_run,
            },
        ) => {
            let mut state = RunState {
                version: RUN_STATE_VERSION,
                run_id: run_id.clone(),
                trigger,
                dry_run,
                started_ms: now,
                destination: None,
                seq: 0,
                stage: Stage::Starting,
                heartbeat: Default::default(),
                checkpoint: None,
                progress: Value::Null,
            };
            state.beat(now, STARTING_MS);
            Effects::answer(Answer::Begin { run_id }).set(state)
        }
        (
            Some(state),
            Event::Start {
                run_id,
                trigger,
                dry_run,
            },
        ) if state.stalled(now) => {
            if state.checkpoint.is_none() {
                // Its Sync now died before the first checkpoint: nothing to resume, start afresh.
                let mut effects = transition(
                    None,
                    cancelling,
                    now,
                    Event::Start {
                        run_id,
                        trigger,
                        dry_run,
                    },
                );
                effects.warnings.push(format!(
                    "run {} never got past its start; a new run replaces it",
                    state.run_id
                ));
                return effects;
            }
            take_over(
                state,
                now,
                Answer::Started {
                    run_id: String::new(),
                    resumed: true,
                },
            )
        }
        (Some(state), Event::Start { .. }) => Effects::answer(Answer::Refused {
            reason: format!(
                "A sync is already running (started by {}). Wait for it to finish or cancel it.",
                state.trigger
            ),
            code: "running",
        }),
        (
            Some(mut state),
            Event::Begun {
                run_id,
                checkpoint,
                destination,
            },
        ) if state.run_id == run_id && state.stage == Stage::Starting => {
            state.checkpoint = Some(checkpoint);
            state.destination = Some(destination);
            state.seq = 0;
            state.stage = Stage::Pushing {
                next: 0,
                failed: false,
            };
            state.beat(now, 0);
            Effects::answer(Answer::Started {
                run_id: run_id.clone(),
                resumed: false,
            })
            .set(state)
            .push(&run_id, 0)
        }
        (Some(state), Event::BeginFailed { run_id, reason })
            if state.run_id == run_id && state.stage == Stage::Starting =>
        {
            let mut effects = Effects::answer(Answer::Refused {
                reason,
                code: "notStarted",
            });
            effects.write = Write::Delete;
            effects
        }
        (state, Event::Deliver { body, remaining_ms }) => {
            deliver(state, cancelling, now, &body, remaining_ms)
        }
        (
            Some(state),
            Event::StepDone {
                run_id,
                seq,
                since_ms,
                result,
            },
        ) if owns_step(&state, &run_id, seq, since_ms) => step_done(state, now, result),
        (
            Some(mut state),
            Event::StepThrew {
                run_id,
                seq,
                since_ms,
            },
        ) if owns_step(&state, &run_id, seq, since_ms) => {
            // The platform retries the event: let that retry run the step again at once.
            state.stage = Stage::Queued;
            state.beat(now, 0);
            Effects::ignored("the step failed; the retried event redoes it").set(state)
        }
        (Some(mut state), Event::Pushed { run_id, seq }) if state.run_id == run_id => {
            match state.stage {
                Stage::Pushing { next, .. } if next == seq => {
                    state.seq = seq;
                    state.stage = Stage::Queued;
                    state.beat(now, DELIVERY_MS);
                    Effects::ignored("pushed").set(state)
                }
                _ => Effects::ignored("the pushed event has already arrived"),
            }
        }
        (Some(mut state), Event::PushFailed { run_id, seq }) if state.run_id == run_id => {
            match state.stage {
                Stage::Pushing { next, .. } if next == seq => {
                    state.stage = Stage::Pushing { next, failed: true };
                    Effects::ignored("the push failed; the next trigger or retry pushes again")
                        .set(state)
                }
                _ => Effects::ignored("the event has arrived after all"),
            }
        }
        (None, Event::Cancel) => Effects::answer(Answer::Refused {
            reason: "No sync is running.".into(),
            code: "noRun",
        }),
        (Some(state), Event::Cancel) => cancel_run(state, now),
        (Some(mut state), Event::Confirm { run_id })
            if state.run_id == run_id
                && matches!(state.stage, Stage::AwaitingConfirmation { .. }) =>
        {
            if let Some(checkpoint) = state.checkpoint.as_mut() {
                // The stage says the checkpoint is waiting for exactly this.
                let _ = checkpoint.apply(Command::Confirm);
            }
            let next = state.push_next(now);
            Effects::answer(Answer::Done {
                run_id: run_id.clone(),
            })
            .set(state)
            .push(&run_id, next)
        }
        (_, Event::Confirm { .. }) => Effects::answer(Answer::Refused {
            reason: "That run is not waiting for a confirmation.".into(),
            code: "notAwaitingConfirmation",
        }),
        // Another trigger claimed the run in between (two Sync now at the same moment).
        (_, Event::Begun { .. }) => Effects::answer(Answer::Refused {
            reason: "Another sync started at the same moment; it is running now.".into(),
            code: "running",
        }),
        (_, event) => Effects::ignored(format!("{} does not concern the active run", kind(&event))),
    }
}

fn kind(event: &Event) -> &'static str {
    match event {
        Event::Start { .. } => "a start",
        Event::Begun { .. } => "a first checkpoint",
        Event::BeginFailed { .. } => "a failed start",
        Event::Deliver { .. } => "a queue event",
        Event::StepDone { .. } => "a step's result",
        Event::StepThrew { .. } => "a step's failure",
        Event::Pushed { .. } => "a confirmed push",
        Event::PushFailed { .. } => "a failed push",
        Event::Cancel => "a cancel",
        Event::Confirm { .. } => "a confirmation",
        Event::Status => "a status request",
    }
}

fn status(active: Option<ActiveView>) -> Effects {
    Effects::answer(Answer::Status {
        active: active.map(Box::new),
    })
}

fn state_view(
    state: Option<RunState>,
    cancelling: &dyn Fn(&str) -> bool,
    now: u64,
) -> Option<ActiveView> {
    let state = state?;
    let guard = match state.stage {
        Stage::AwaitingConfirmation { .. } => state
            .checkpoint
            .as_ref()
            .and_then(|checkpoint| checkpoint.question.clone()),
        _ => None,
    };
    let (status, retire, threshold) = match state.stage {
        Stage::AwaitingConfirmation { retire, threshold } => {
            ("awaitingConfirmation", Some(retire), Some(threshold))
        }
        _ if state.stalled(now) => ("stalled", None, None),
        _ => ("running", None, None),
    };
    Some(ActiveView {
        cancelling: cancelling(&state.run_id),
        run_id: state.run_id,
        trigger: state.trigger,
        status,
        progress: state.progress,
        retire,
        threshold,
        guard,
        dry_run: state.dry_run,
        started_ms: state.started_ms,
    })
}

/// A stalled run is resumed: a new event redoes its step from the stored checkpoint.
fn take_over(mut state: RunState, now: u64, answer: Answer) -> Effects {
    let warning = format!(
        "run {}: {} did not report by its deadline; taken over, its step is redone from the stored checkpoint",
        state.run_id,
        describe(&state.stage, state.seq)
    );
    let run_id = state.run_id.clone();
    let next = state.push_next(now);
    let answer = match answer {
        Answer::Started { resumed, .. } => Answer::Started {
            run_id: run_id.clone(),
            resumed,
        },
        other => other,
    };
    let mut effects = Effects::answer(answer).set(state).push(&run_id, next);
    effects.warnings.push(warning);
    effects
}

fn describe(stage: &Stage, seq: u64) -> String {
    match stage {
        Stage::Stepping => format!("step {seq}"),
        Stage::Queued => format!("event {seq}"),
        Stage::Pushing { next, .. } => format!("the push of event {next}"),
        Stage::Starting => "its start".into(),
        Stage::AwaitingConfirmation { .. } => "its confirmation".into(),
    }
}

fn owns_step(state: &RunState, run_id: &str, seq: u64, since_ms: u64) -> bool {
    state.run_id == run_id
        && state.seq == seq
        && state.stage == Stage::Stepping
        && state.heartbeat.since_ms == since_ms
}

fn deliver(
    state: Option<RunState>,
    cancelling: &dyn Fn(&str) -> bool,
    now: u64,
    body: &Value,
    remaining_ms: u64,
) -> Effects {
    let run_id = body.get("runId").and_then(Value::as_str);
    let seq = body.get("seq").and_then(Value::as_u64);
    let (Some(run_id), Some(seq)) = (run_id, seq) else {
        let text: String = body.to_string().chars().take(200).collect();
        let mut effects = Effects::ignored("an event without runId/seq");
        effects.warnings.push(format!(
            "sync-queue: ignoring an event without runId/seq: {text}"
        ));
        return effects;
    };
    let Some(mut state) = state.filter(|s| s.run_id == run_id) else {
        return Effects::ignored(format!("run {run_id} is not the active run"));
    };
    let run_step = match state.stage {
        Stage::Queued => seq == state.seq,
        // The event arrived before its push was confirmed: the push evidently succeeded.
        Stage::Pushing { next, .. } if seq == next => true,
        // The event whose step is saved came again (its push failed or the process died after
        // saving): push its successor again, do not redo the step.
        Stage::Pushing { next, .. } if seq == state.seq && next == seq + 1 => {
            return Effects::ignored("the step is saved; pushing its next event again")
                .push(run_id, next);
        }
        // Redelivered while a step for it is in flight: the step may still be alive, unless silent
        // past its deadline.
        Stage::Stepping if seq == state.seq => {
            if !state.stalled(now) {
                return Effects::ignored(format!("step {seq} of run {run_id} is in flight"));
            }
            true
        }
        _ => false,
    };
    if !run_step {
        return Effects::ignored(format!("event {seq} of run {run_id} is stale"));
    }
    let Some(mut checkpoint) = state.checkpoint.clone() else {
        return Effects::ignored(format!("run {run_id} has no checkpoint yet"));
    };
    let mut warnings = Vec::new();
    if state.stage == Stage::Stepping {
        warnings.push(format!(
            "run {run_id}: step {seq} did not report by its deadline; taken over by its redelivered event, redone from the stored checkpoint"
        ));
    }
    if cancelling(run_id) {
        // Cancel never fails.
        let _ = checkpoint.apply(Command::Cancel);
    }
    let length = step_ms(remaining_ms);
    state.seq = seq;
    state.stage = Stage::Stepping;
    state.beat(now, length);
    let answer = Answer::Step {
        run_id: run_id.to_string(),
        seq,
        since_ms: now,
        checkpoint: Box::new(checkpoint),
        destination: state.destination.clone(),
        budget: budget(now, length),
    };
    let mut effects = Effects::answer(answer).set(state);
    effects.warnings = warnings;
    effects
}

fn step_done(mut state: RunState, now: u64, result: StepResultIn) -> Effects {
    let run_id = state.run_id.clone();
    state.checkpoint = Some(result.checkpoint);
    state.progress = result.progress;
    match result.status {
        StepStatusIn::Finished { report } => {
            let mut effects = Effects::answer(Answer::Done { run_id });
            effects.write = Write::Delete;
            effects.report = Some(report);
            effects
        }
        StepStatusIn::AwaitingConfirmation { retire, threshold } => {
            state.stage = Stage::AwaitingConfirmation { retire, threshold };
            state.beat(now, 0);
            Effects::answer(Answer::Done { run_id }).set(state)
        }
        StepStatusIn::Continue => {
            let next = state.push_next(now);
            Effects::answer(Answer::Done {
                run_id: run_id.clone(),
            })
            .set(state)
            .push(&run_id, next)
        }
    }
}

fn cancel_run(state: RunState, now: u64) -> Effects {
    let run_id = state.run_id.clone();
    let mut effects = match state.stage {
        // Nothing is queued while the run waits: queue the step that ends it.
        Stage::AwaitingConfirmation { .. } => {
            let mut state = state;
            let next = state.push_next(now);
            Effects::answer(Answer::Done {
                run_id: run_id.clone(),
            })
            .set(state)
            .push(&run_id, next)
        }
        // Its Sync now died before the first checkpoint: there is nothing to end but the claim.
        Stage::Starting if state.stalled(now) => {
            let mut effects = Effects::answer(Answer::Done {
                run_id: run_id.clone(),
            });
            effects.write = Write::Delete;
            return effects;
        }
        _ if state.stalled(now) && state.checkpoint.is_some() => take_over(
            state,
            now,
            Answer::Done {
                run_id: run_id.clone(),
            },
        ),
        _ => Effects::answer(Answer::Done {
            run_id: run_id.clone(),
        }),
    };
    effects.mark_cancel = Some(run_id);
    effects
}

#[cfg(test)]
#[path = "lifecycle_tests.rs"]
mod tests;
