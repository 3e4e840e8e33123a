//! The lifecycle's answers about steps: delivering a queue event, a step's result, a cancel, a
//! takeover of a silent run, and the page's view of the active run.

use serde_json::Value;

use super::call::{StepResultIn, StepStatusIn};
use super::effects::{ActiveView, Answer, Effects, Write};
use crate::sync::control::Command;
use crate::sync::run_state::{RunState, Stage, budget, step_ms};

pub(super) fn status(active: Option<ActiveView>) -> Effects {
    Effects::answer(Answer::Status {
        active: active.map(Box::new),
    })
}

pub(super) fn state_view(
    state: Option<RunState>,
    cancelling: &dyn Fn(&str) -> bool,
    now: u64,
) -> Option<ActiveView> {
    let state = state?;
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
        dry_run: state.dry_run,
        started_ms: state.started_ms,
    })
}

/// A stalled run is resumed: a new event redoes its step from the stored checkpoint.
pub(super) fn take_over(mut state: RunState, now: u64, answer: Answer) -> Effects {
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

pub(super) fn owns_step(state: &RunState, run_id: &str, seq: u64, since_ms: u64) -> bool {
    state.run_id == run_id
        && state.seq == seq
        && state.stage == Stage::Stepping
        && state.heartbeat.since_ms == since_ms
}

pub(super) fn deliver(
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

pub(super) fn step_done(mut state: RunState, now: u64, result: StepResultIn) -> Effects {
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

pub(super) fn cancel_run(state: RunState, now: u64) -> Effects {
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
