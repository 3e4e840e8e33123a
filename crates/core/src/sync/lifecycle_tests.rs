use serde_json::{Value, json};

use super::*;
use crate::sync::datasets::Dataset;
use crate::sync::run_state::{GRACE_MS, STEP_MAX_MS};

const RUN: &str = "run-1";

/// Holds `run:active` and `run:cancel` between calls, as KVS does for the handlers.
#[derive(Default)]
struct Kvs {
    active: Option<Value>,
    cancel: Option<Value>,
    history: Vec<Value>,
    pushed: Vec<Ticket>,
}

impl Kvs {
    fn call(&mut self, now_ms: u64, event: Value) -> Effects {
        let event: Event = serde_json::from_value(event).expect("test event");
        let effects = handle(Call {
            stored: self.active.clone(),
            cancel: self.cancel.clone(),
            now_ms,
            event,
        });
        match &effects.write {
            Write::Keep => {}
            Write::Set { state } => self.active = Some(serde_json::to_value(state).expect("state")),
            Write::Delete => {
                self.active = None;
                self.cancel = None;
            }
        }
        if let Some(id) = &effects.mark_cancel {
            self.cancel = Some(json!(id));
        }
        if let Some(report) = &effects.report {
            self.history.push(report.clone());
        }
        if let Some(ticket) = &effects.push {
            self.pushed.push(ticket.clone());
        }
        effects
    }

    /// Starts a run and confirms its first push.
    fn started(now: u64) -> Self {
        let mut kvs = Kvs::default();
        kvs.call(
            now,
            json!({"kind": "start", "runId": RUN, "trigger": "manual"}),
        );
        let begun = kvs.call(now, json!({"kind": "begun", "runId": RUN, "checkpoint": checkpoint(), "destination": {"workspaceId": "w", "importSourceId": "i"}}));
        assert_eq!(
            begun.answer,
            Answer::Started {
                run_id: RUN.into(),
                resumed: false
            }
        );
        kvs.call(now, json!({"kind": "pushed", "runId": RUN, "seq": 0}));
        kvs
    }

    fn state(&self) -> RunState {
        serde_json::from_value(self.active.clone().expect("an active run")).expect("a run state")
    }

    fn deliver(&mut self, now: u64, seq: u64) -> Effects {
        self.call(
            now,
            json!({"kind": "deliver", "body": {"runId": RUN, "seq": seq}, "remainingMs": 900_000}),
        )
    }

    fn step_done(&mut self, now: u64, step: &Effects, status: Value) -> Effects {
        let Answer::Step { seq, since_ms, .. } = step.answer else {
            panic!("not a step: {:?}", step.answer)
        };
        self.call(
            now,
            json!({"kind": "stepDone", "runId": RUN, "seq": seq, "sinceMs": since_ms,
            "result": {"checkpoint": checkpoint_for(&status), "progress": {"percent": 50}, "status": status}}),
        )
    }

    fn active(&mut self, now: u64) -> bool {
        let Answer::Status { active } = self.call(now, json!({"kind": "status"})).answer else {
            panic!("no status")
        };
        active.is_some()
    }
}

fn checkpoint() -> Value {
    serde_json::to_value(Checkpoint::new(
        RUN.into(),
        "manual".into(),
        false,
        0,
        &[(Dataset::Users, None, None)],
    ))
    .expect("checkpoint")
}

/// The checkpoint a step hands back with `status`: one stopped by the guard is in that phase.
fn checkpoint_for(status: &Value) -> Value {
    let mut checkpoint = checkpoint();
    if status["kind"] == "awaitingConfirmation" {
        checkpoint["phase"] = json!({"name": "awaitingConfirmation", "retire": status["retire"], "threshold": status["threshold"]});
        checkpoint["question"] = json!({"verb": "Retire", "total": status["retire"], "types": [
            {"type": "user", "label": "Entra User", "count": status["retire"], "samples": ["Adele Vance"]}]});
    }
    checkpoint
}

fn is_step(effects: &Effects) -> bool {
    matches!(effects.answer, Answer::Step { .. })
}

#[test]
fn a_step_advances_the_sequence_only_once_its_push_is_confirmed() {
    let mut kvs = Kvs::started(0);
    let step = kvs.deliver(1_000, 0);
    assert!(is_step(&step));
    kvs.step_done(2_000, &step, json!({"kind": "continue"}));
    assert_eq!(kvs.state().seq, 0, "not before the push");
    assert_eq!(
        kvs.pushed.last(),
        Some(&Ticket {
            run_id: RUN.into(),
            seq: 1
        })
    );
    kvs.call(2_000, json!({"kind": "pushed", "runId": RUN, "seq": 1}));
    assert_eq!(kvs.state().seq, 1);
    assert_eq!(kvs.state().stage, Stage::Queued);
}

#[test]
fn a_failed_push_is_pushed_again_by_the_retried_event_and_honoured_once() {
    let mut kvs = Kvs::started(0);
    let step = kvs.deliver(1_000, 0);
    kvs.step_done(2_000, &step, json!({"kind": "continue"}));
    kvs.call(2_000, json!({"kind": "pushFailed", "runId": RUN, "seq": 1}));
    // The platform retries event 0: its step is saved, so only the push is repeated.
    let retry = kvs.deliver(4_000, 0);
    assert!(!is_step(&retry), "{:?}", retry.answer);
    assert_eq!(
        retry.push,
        Some(Ticket {
            run_id: RUN.into(),
            seq: 1
        })
    );
    kvs.call(4_000, json!({"kind": "pushed", "runId": RUN, "seq": 1}));
    assert!(is_step(&kvs.deliver(5_000, 1)));
    assert!(
        !is_step(&kvs.deliver(5_001, 1)),
        "a duplicate of event 1 while its step works"
    );
    assert!(!is_step(&kvs.deliver(5_002, 0)), "event 0 again is stale");
}

#[test]
fn an_event_arriving_before_its_push_is_confirmed_runs_once() {
    let mut kvs = Kvs::started(0);
    let step = kvs.deliver(1_000, 0);
    kvs.step_done(2_000, &step, json!({"kind": "continue"}));
    assert!(is_step(&kvs.deliver(2_001, 1)));
    kvs.call(2_002, json!({"kind": "pushed", "runId": RUN, "seq": 1}));
    assert_eq!(
        kvs.state().stage,
        Stage::Stepping,
        "a late confirmation changes nothing"
    );
    assert!(!is_step(&kvs.deliver(2_003, 1)));
}

#[test]
fn duplicate_delivery_runs_the_step_once() {
    let mut kvs = Kvs::started(0);
    let first = kvs.deliver(1_000, 0);
    assert!(is_step(&first));
    assert!(!is_step(&kvs.deliver(1_001, 0)));
    kvs.step_done(2_000, &first, json!({"kind": "continue"}));
    kvs.call(2_000, json!({"kind": "pushed", "runId": RUN, "seq": 1}));
    assert!(!is_step(&kvs.deliver(2_001, 0)));
    assert_eq!(kvs.pushed.len(), 2, "events 0 and 1, nothing more");
}

#[test]
fn a_lost_step_is_taken_over_by_sync_now_after_its_deadline_and_the_grace() {
    let mut kvs = Kvs::started(0);
    assert!(is_step(&kvs.deliver(1_000, 0)));
    // The step dies without reporting. Within its deadline the run is live.
    let early = kvs.call(
        1_000 + STEP_MAX_MS,
        json!({"kind": "start", "runId": "run-2", "trigger": "manual"}),
    );
    assert!(matches!(
        early.answer,
        Answer::Refused {
            code: "running",
            ..
        }
    ));
    let late = 1_001 + STEP_MAX_MS + GRACE_MS;
    let resumed = kvs.call(
        late,
        json!({"kind": "start", "runId": "run-2", "trigger": "manual"}),
    );
    assert_eq!(
        resumed.answer,
        Answer::Started {
            run_id: RUN.into(),
            resumed: true
        }
    );
    assert_eq!(
        resumed.push,
        Some(Ticket {
            run_id: RUN.into(),
            seq: 1
        })
    );
    assert!(
        resumed.warnings[0].contains("step 0 did not report"),
        "{:?}",
        resumed.warnings
    );
    kvs.call(late, json!({"kind": "pushed", "runId": RUN, "seq": 1}));
    assert!(
        is_step(&kvs.deliver(late + 1, 1)),
        "the step is redone from the stored checkpoint"
    );
}

#[test]
fn a_late_result_of_a_taken_over_step_is_dropped() {
    let mut kvs = Kvs::started(0);
    let lost = kvs.deliver(1_000, 0);
    let late = 2_000 + STEP_MAX_MS + GRACE_MS;
    let again = kvs.deliver(late, 0);
    assert!(
        is_step(&again),
        "the redelivered event takes the silent step over"
    );
    let stale = kvs.step_done(late + 1, &lost, json!({"kind": "continue"}));
    assert!(matches!(stale.answer, Answer::Ignored { .. }));
    assert_eq!(stale.push, None);
    assert!(
        kvs.step_done(late + 2, &again, json!({"kind": "continue"}))
            .push
            .is_some()
    );
}

#[test]
fn sync_now_and_cancel_agree_on_a_lost_step() {
    for now in [5_000, 10_000 + STEP_MAX_MS + GRACE_MS] {
        let mut kvs = Kvs::started(0);
        kvs.deliver(1_000, 0);
        let start = kvs.call(
            now,
            json!({"kind": "start", "runId": "run-2", "trigger": "manual"}),
        );
        let mut other = Kvs::started(0);
        other.deliver(1_000, 0);
        let cancel = other.call(now, json!({"kind": "cancel"}));
        let sync_sees_run = !matches!(start.answer, Answer::Begin { .. });
        let cancel_sees_run = matches!(cancel.answer, Answer::Done { .. });
        assert!(
            sync_sees_run && cancel_sees_run,
            "at {now}: {:?} vs {:?}",
            start.answer,
            cancel.answer
        );
        assert_eq!(other.cancel, Some(json!(RUN)));
        // Both see an active run; once past the grace, both resume it.
        assert_eq!(start.push.is_some(), cancel.push.is_some());
    }
}

#[test]
fn a_damaged_active_run_is_dropped_and_reported_failed() {
    for damaged in [
        json!({"runId": RUN}),
        json!("garbage"),
        json!({"runId": RUN, "checkpoint": "garbage", "version": 1}),
    ] {
        let mut kvs = Kvs {
            active: Some(damaged.clone()),
            ..Kvs::default()
        };
        let effects = kvs.call(1_000, json!({"kind": "status"}));
        assert_eq!(effects.answer, Answer::Status { active: None });
        assert_eq!(kvs.active, None, "{damaged}");
        assert!(
            effects.warnings[0].starts_with("run:active:"),
            "{:?}",
            effects.warnings
        );
        let report = &kvs.history[0];
        assert_eq!(report["outcome"], "failed");
        assert!(
            report["errors"][0]["message"]
                .as_str()
                .unwrap_or_default()
                .contains("damaged")
        );
    }
    let mut kvs = Kvs {
        active: Some(json!(42)),
        ..Kvs::default()
    };
    let start = kvs.call(
        1_000,
        json!({"kind": "start", "runId": "run-2", "trigger": "manual"}),
    );
    assert_eq!(
        start.answer,
        Answer::Begin {
            run_id: "run-2".into()
        },
        "a new run starts at once"
    );
    assert_eq!(kvs.state().run_id, "run-2");
}

#[test]
fn a_cancel_reaches_the_next_step_and_a_waiting_run_is_woken() {
    let mut kvs = Kvs::started(0);
    let step = kvs.deliver(1_000, 0);
    kvs.step_done(
        2_000,
        &step,
        json!({"kind": "awaitingConfirmation", "retire": 900, "threshold": 500}),
    );
    assert!(
        !kvs.active(2_000 + 3_600_000) || kvs.state().stage != Stage::Queued,
        "waiting never stalls"
    );
    let cancel = kvs.call(3_000, json!({"kind": "cancel"}));
    assert_eq!(cancel.answer, Answer::Done { run_id: RUN.into() });
    assert_eq!(
        cancel.push,
        Some(Ticket {
            run_id: RUN.into(),
            seq: 1
        })
    );
    kvs.call(3_000, json!({"kind": "pushed", "runId": RUN, "seq": 1}));
    let Answer::Step { checkpoint, .. } = kvs.deliver(4_000, 1).answer else {
        panic!("no step")
    };
    assert!(checkpoint.cancel_requested);
}

#[test]
fn the_page_sees_the_guard_question_of_a_waiting_run_only() {
    let mut kvs = Kvs::started(0);
    let step = kvs.deliver(1_000, 0);
    let guard = |kvs: &mut Kvs| {
        let Answer::Status { active } = kvs.call(2_500, json!({"kind": "status"})).answer else {
            panic!("no status")
        };
        active.expect("active").guard
    };
    assert_eq!(guard(&mut kvs), None, "a running run asks nothing");
    kvs.step_done(
        2_000,
        &step,
        json!({"kind": "awaitingConfirmation", "retire": 900, "threshold": 500}),
    );
    let question = guard(&mut kvs).expect("the question");
    assert_eq!(question.total, 900);
    assert_eq!(question.verb, "Retire");
    assert_eq!(question.types[0].samples, vec!["Adele Vance".to_string()]);
}

#[test]
fn only_a_waiting_run_can_be_confirmed() {
    let mut kvs = Kvs::started(0);
    let refused = kvs.call(1_000, json!({"kind": "confirm", "runId": RUN}));
    assert!(matches!(
        refused.answer,
        Answer::Refused {
            code: "notAwaitingConfirmation",
            ..
        }
    ));
    let step = kvs.deliver(1_000, 0);
    kvs.step_done(
        2_000,
        &step,
        json!({"kind": "awaitingConfirmation", "retire": 900, "threshold": 500}),
    );
    let confirmed = kvs.call(3_000, json!({"kind": "confirm", "runId": RUN}));
    assert_eq!(
        confirmed.push,
        Some(Ticket {
            run_id: RUN.into(),
            seq: 1
        })
    );
    assert!(kvs.state().checkpoint.is_some_and(|c| c.confirmed));
}

#[test]
fn a_finished_step_ends_the_run_and_files_its_report() {
    let mut kvs = Kvs::started(0);
    let step = kvs.deliver(1_000, 0);
    kvs.step_done(
        2_000,
        &step,
        json!({"kind": "finished", "report": {"runId": RUN, "outcome": "succeeded"}}),
    );
    assert_eq!(kvs.active, None);
    assert_eq!(
        kvs.history,
        vec![json!({"runId": RUN, "outcome": "succeeded"})]
    );
    assert!(!kvs.active(3_000));
}

#[test]
fn a_start_that_died_before_its_checkpoint_is_replaced() {
    let mut kvs = Kvs::default();
    kvs.call(
        0,
        json!({"kind": "start", "runId": RUN, "trigger": "manual"}),
    );
    let soon = kvs.call(
        1_000,
        json!({"kind": "start", "runId": "run-2", "trigger": "manual"}),
    );
    assert!(matches!(soon.answer, Answer::Refused { .. }));
    let later = kvs.call(
        1_000_000,
        json!({"kind": "start", "runId": "run-2", "trigger": "manual"}),
    );
    assert_eq!(
        later.answer,
        Answer::Begin {
            run_id: "run-2".into()
        }
    );
}

#[test]
fn a_step_that_threw_is_redone_by_the_retried_event() {
    let mut kvs = Kvs::started(0);
    let Answer::Step { since_ms, .. } = kvs.deliver(1_000, 0).answer else {
        panic!("no step")
    };
    kvs.call(
        2_000,
        json!({"kind": "stepThrew", "runId": RUN, "seq": 0, "sinceMs": since_ms}),
    );
    assert!(is_step(&kvs.deliver(3_000, 0)));
}

#[test]
fn of_two_starts_at_the_same_moment_only_the_last_claim_begins() {
    let mut kvs = Kvs::default();
    let begun = |id: &str| json!({"kind": "begun", "runId": id, "checkpoint": checkpoint(), "destination": {"workspaceId": "w", "importSourceId": "i"}});
    // Both read an empty run:active before either stored its claim.
    let first = handle(Call {
        stored: None,
        cancel: None,
        now_ms: 0,
        event: serde_json::from_value(
            json!({"kind": "start", "runId": "run-a", "trigger": "manual"}),
        )
        .expect("event"),
    });
    assert_eq!(
        first.answer,
        Answer::Begin {
            run_id: "run-a".into()
        }
    );
    kvs.call(
        0,
        json!({"kind": "start", "runId": "run-b", "trigger": "manual"}),
    );
    let lost = kvs.call(1, begun("run-a"));
    assert!(
        matches!(
            lost.answer,
            Answer::Refused {
                code: "running",
                ..
            }
        ),
        "{:?}",
        lost.answer
    );
    assert_eq!(lost.push, None);
    assert!(kvs.call(1, begun("run-b")).push.is_some());
}
