//! The run's lifecycle as one state machine: the handlers load `run:active` and `run:cancel`, hand
//! over what happened, store what comes back and push the event it names. Sync now, Cancel, the
//! page's status and the queue consumer all ask [`handle`], so they always agree on whether a run is
//! active. The sequence number advances only once a push is confirmed (or its event arrives), so a
//! retried or redelivered event is honoured exactly once.

mod call;
mod effects;
mod load;
mod steps;

use serde_json::Value;

pub use call::{Call, Event, StepResultIn, StepStatusIn};
pub use effects::{ActiveView, Answer, Effects, Ticket, Write};
use load::{Loaded, load};
use steps::{cancel_run, deliver, owns_step, state_view, status, step_done, take_over};

use crate::sync::control::Command;
use crate::sync::run_state::{DELIVERY_MS, RUN_STATE_VERSION, RunState, STARTING_MS, Stage};

pub const ACTIVE_KEY: &str = "run:active";

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

#[cfg(test)]
mod tests;
