//! Reports count what happened: created, updated and retired are what Assets confirmed (the import
//! execution's counters, each retirement's answer), apart from what the run read and found to
//! change. So a cancelled or failed run shows both, and a step done twice counts nothing twice.

mod support;

use std::collections::BTreeMap;

use entra_sync_core::sync::datasets::Dataset;
use entra_sync_core::sync::{Budget, Checkpoint, Outcome, RunReport, Selection, StepStatus};
use entra_sync_sim::Preset;
use support::{NowValue, World};

fn finished(world: &World, checkpoint: Checkpoint) -> RunReport {
    let (result, _) = world.run(checkpoint, World::big_budget);
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

fn only(datasets: &[Dataset]) -> Vec<Selection> {
    datasets
        .iter()
        .map(|dataset| Selection {
            dataset: *dataset,
            filter: None,
        })
        .collect()
}

/// Objects per Assets type name, live and marked "Deleted in Entra".
fn in_assets(world: &World, type_name: &str) -> (usize, usize) {
    let objects = world.server.state().assets().objects_of_type(type_name);
    let deleted = objects
        .iter()
        .filter(|o| o["attributes"]["Status"] == "Deleted in Entra")
        .count();
    (objects.len() - deleted, deleted)
}

/// Runs with tiny steps, doing every second step twice from the same checkpoint, as when an
/// invocation is killed after its work and the platform redelivers its event.
fn finished_with_redone_steps(world: &World, mut checkpoint: Checkpoint) -> (RunReport, u32) {
    // One unit of work a step.
    let tiny = |w: &World| Budget {
        deadline_ms: w.clock.now_ms_value(),
        max_requests: 1,
    };
    let mut redone = 0;
    for n in 0.. {
        assert!(n < 10_000, "the run does not end");
        if n % 2 == 1 {
            // The first attempt works (sends, stages, retires) and is lost.
            let _ = world.step(checkpoint.clone(), tiny(world));
            redone += 1;
        }
        let result = world.step(checkpoint, tiny(world));
        match result.status {
            StepStatus::Continue => checkpoint = result.checkpoint,
            StepStatus::Finished(report) => return (*report, redone),
            other => panic!("unexpected {other:?}"),
        }
    }
    unreachable!()
}

#[test]
fn counts_equal_assets_when_steps_are_redone() {
    let world = World::new(Preset::Small, 5);
    let selection = only(&[Dataset::Users, Dataset::Groups]);
    let types = [
        ("user", "Entra User"),
        ("group", "Entra Group"),
        ("groupMembership", "Entra Group Membership"),
    ];
    let counts = |report: &RunReport| -> BTreeMap<&str, (u64, u64, u64)> {
        types
            .iter()
            .map(|(key, _)| {
                let c = report
                    .datasets
                    .iter()
                    .find_map(|d| d.objects.get(*key))
                    .expect("counted");
                (*key, (c.created, c.updated, c.retired))
            })
            .collect()
    };

    let (report, redone) =
        finished_with_redone_steps(&world, world.begin_with(false, false, &selection));
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.errors);
    assert!(redone >= 3, "{redone} steps redone");
    // Large groups straddle steps: their record is on items of two steps, Assets creates it once,
    // and the run reads it (and finds it new) once.
    for (key, name) in types {
        let (live, _) = in_assets(&world, name);
        assert_eq!(counts(&report)[key], (live as u64, 0, 0), "{key}");
        let found = report
            .datasets
            .iter()
            .find_map(|d| d.objects.get(key))
            .expect("counted");
        assert_eq!(
            (found.read, found.to_create),
            (live as u64, live as u64),
            "{key}: read and found new once each"
        );
    }

    world.server.state().churn(5.0, 9);
    let before: BTreeMap<&str, (usize, usize)> = types
        .iter()
        .map(|(key, name)| (*key, in_assets(&world, name)))
        .collect();
    let (report, _) =
        finished_with_redone_steps(&world, world.begin_with(false, false, &selection));
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.errors);
    for (key, name) in types {
        let (live, deleted) = in_assets(&world, name);
        let (created, _, retired) = counts(&report)[key];
        let (live_before, deleted_before) = before[key];
        assert_eq!(
            created as usize,
            live + deleted - live_before - deleted_before,
            "{key}: new objects in Assets"
        );
        assert_eq!(
            retired as usize,
            deleted - deleted_before,
            "{key}: newly marked deleted"
        );
    }
}

#[test]
fn a_cancelled_run_shows_what_it_read_apart_from_what_assets_wrote() {
    let world = World::new(Preset::Small, 42);
    let selection = only(&[Dataset::Users]);
    let mut checkpoint = world.begin_with(false, false, &selection);
    let tiny = |w: &World| Budget {
        deadline_ms: w.clock.now_ms_value(),
        max_requests: 1,
    };
    while checkpoint.sent_chunks < 2 {
        let result = world.step(checkpoint, tiny(&world));
        assert!(matches!(result.status, StepStatus::Continue));
        checkpoint = result.checkpoint;
    }
    checkpoint.cancel_requested = true;
    let report = finished(&world, checkpoint);
    assert_eq!(report.outcome, Outcome::Cancelled);
    let users = &report.datasets[0].objects["user"];
    assert!(users.read > 0 && users.to_create == users.read, "{users:?}");
    assert_eq!(
        (users.created, users.updated, users.retired),
        (0, 0, 0),
        "Assets imported nothing of the cancelled execution"
    );
    assert!(
        world
            .server
            .state()
            .assets()
            .objects_of_type("Entra User")
            .is_empty()
    );
}

#[test]
fn a_run_failing_while_retiring_shows_what_assets_wrote_and_what_it_did_not_retire() {
    let world = World::new(Preset::Demo, 42);
    let selection = only(&[Dataset::Users]);
    finished(&world, world.begin_with(false, false, &selection));
    // Churn until users were both created and removed.
    let (mut created, mut removed) = (0, 0);
    for seed in 1..40 {
        let churn = world.server.state().churn(5.0, seed);
        created += churn.users.created.len();
        removed += churn.users.removed.len();
        if created > 0 && removed > 0 {
            break;
        }
    }
    assert!(
        created > 0 && removed > 0,
        "the churn created and removed users"
    );
    let (live, deleted) = in_assets(&world, "Entra User");
    // Every retirement (a PUT of one object's Status) is refused.
    let path = format!(
        "/jsm/assets/workspace/{}/v1/object",
        world.destination.workspace_id
    );
    world
        .server
        .state()
        .faults()
        .add(entra_sync_sim::faults::FaultSpec::status(&path, 400).method("PUT"))
        .expect("fault");
    let report = finished(&world, world.begin_with(false, false, &selection));
    assert_eq!(report.outcome, Outcome::Failed);
    let users = &report.datasets[0].objects["user"];
    assert!(users.to_retire > 0, "{users:?}");
    assert_eq!(users.retired, 0, "Assets retired nothing");
    let (live_after, deleted_after) = in_assets(&world, "Entra User");
    assert_eq!(deleted_after, deleted);
    assert!(users.created > 0, "{users:?}");
    assert_eq!(
        users.created as usize,
        live_after - live,
        "the import Assets finished is reported: {users:?}"
    );
}
