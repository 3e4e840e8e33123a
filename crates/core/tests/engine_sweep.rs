//! Run data left behind by runs that are no longer active (a crash, a failed cleanup) is swept by
//! the next run before it reads: every `run:<id>:chunk|retire:<n>` of another run id goes, a page
//! of keys at a time, over several steps when the budget is short; nothing else under `run:` and
//! nothing of the active run is touched.

mod support;

use entra_sync_core::sync::datasets::Dataset;
use entra_sync_core::sync::{Budget, Outcome, Selection, StepStatus};
use entra_sync_sim::Preset;
use serde_json::json;
use support::expect::assert_users_equal_tenant;
use support::{NowValue, World};

fn users_only() -> Vec<Selection> {
    vec![Selection {
        dataset: Dataset::Users,
        filter: None,
    }]
}

/// 45 chunks and 2 retire lists of a killed run, with a chunk-sized value each.
fn leave_orphans(world: &World) -> Vec<String> {
    let mut keys: Vec<String> = (0..45).map(|n| format!("run:run-1:chunk:{n}")).collect();
    keys.extend((0..2).map(|n| format!("run:run-1:retire:{n}")));
    let mut values = world.store.values.borrow_mut();
    for key in &keys {
        values.insert(key.clone(), json!({"packed": "x".repeat(50_000)}));
    }
    values.insert("run:cancel".into(), json!({"runId": "run-1"}));
    keys
}

fn run_to_the_end(world: &World) -> (Outcome, Vec<String>) {
    let checkpoint = world.begin_with(false, false, &users_only());
    let own = format!("run:{}:chunk:99", checkpoint.run_id);
    world
        .store
        .values
        .borrow_mut()
        .insert(own.clone(), json!("the active run's"));
    let (result, _) = world.run(checkpoint, World::big_budget);
    let StepStatus::Finished(report) = result.status else {
        panic!("run did not finish: {:?}", result.status);
    };
    assert!(
        world.store.values.borrow().contains_key(&own),
        "the active run's keys are never swept"
    );
    (report.outcome, report.warnings)
}

#[test]
fn orphaned_run_data_is_swept_by_the_next_run_and_nothing_else() {
    let world = World::new(Preset::Demo, 42);
    let orphans = leave_orphans(&world);
    let (outcome, warnings) = run_to_the_end(&world);
    assert_eq!(outcome, Outcome::Succeeded);
    let values = world.store.values.borrow();
    for key in &orphans {
        assert!(!values.contains_key(key), "{key} was swept");
    }
    assert!(values.contains_key("run:cancel"), "not staged data: kept");
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("Removed 47 stored values")),
        "{warnings:?}"
    );
    drop(values);
    assert_users_equal_tenant(&world);
}

#[test]
fn a_short_budget_spreads_the_sweep_over_steps() {
    let world = World::new(Preset::Demo, 42);
    let orphans = leave_orphans(&world);
    let left = || {
        let values = world.store.values.borrow();
        orphans.iter().filter(|k| values.contains_key(*k)).count()
    };
    // Room for one unit of work a step: one page of keys (20) is swept per step.
    let short = |w: &World| Budget {
        deadline_ms: w.clock.now_ms_value() + 5_000,
        max_requests: 100,
    };
    let mut checkpoint = world.begin_with(false, false, &users_only());
    let mut counts = Vec::new();
    loop {
        let result = world.step(checkpoint, short(&world));
        counts.push(left());
        match result.status {
            StepStatus::Continue => checkpoint = result.checkpoint,
            StepStatus::Finished(report) => {
                assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
                break;
            }
            other => panic!("{other:?}"),
        }
    }
    // Step 1 checks the destination; then a page a step, listed from the start (20 keys, one of
    // them run:cancel): 47 → 28 → 9 → 0.
    assert_eq!(&counts[..4], &[47, 28, 9, 0], "{counts:?}");
    assert_users_equal_tenant(&world);
}
