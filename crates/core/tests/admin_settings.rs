//! The admin's settings as the engine applies them: the data sets switched on, the deletion policy
//! and the mass-deletion guard's share and minimum, and a cancel asked for mid-run.

mod support;

use std::collections::BTreeMap;

use entra_sync_core::config::{
    AppConfig, DeletionPolicy, DestinationConfig, ExpiryConfig, Guard, Interval, RunStart,
    RunStartError, Schedule, begin_configured_run,
};
use entra_sync_core::sync::{Checkpoint, KvStore, Outcome, Phase, StepStatus};
use entra_sync_sim::Preset;
use support::{NowValue, World};

fn config(world: &World, deletion: Guard, datasets: &[(&str, bool)]) -> AppConfig {
    AppConfig {
        destination: DestinationConfig {
            workspace_id: world.destination.workspace_id.clone(),
            schema_id: "1".into(),
            import_source_id: world.destination.import_source_id.clone(),
        },
        datasets: datasets
            .iter()
            .map(|(k, on)| (k.to_string(), *on))
            .collect::<BTreeMap<_, _>>(),
        filters: BTreeMap::new(),
        schedule: Schedule {
            interval: Interval::Day,
            enabled: true,
        },
        deletion,
        expiry: Default::default(),
    }
}

fn begin(world: &World, config: &AppConfig) -> Result<Checkpoint, RunStartError> {
    let run = RunStart {
        run_id: format!("run-{}", world.clock.now_ms_value()),
        trigger: "test".into(),
        dry_run: false,
        full_resync: false,
    };
    pollster::block_on(begin_configured_run(
        &world.store,
        run,
        world.clock.now_ms_value(),
        config,
    ))
}

fn finish(world: &World, checkpoint: Checkpoint) -> entra_sync_core::sync::RunReport {
    let (result, _) = world.run(checkpoint, World::big_budget);
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

const STRICT_DELETE: Guard = Guard {
    policy: DeletionPolicy::Delete,
    percent: 1,
    minimum: 2,
};

#[test]
fn the_guard_uses_the_saved_share_and_minimum_and_delete_removes_objects() {
    let world = World::new(Preset::Demo, 42);
    let settings = config(&world, STRICT_DELETE, &[("users", true), ("groups", false)]);
    let report = finish(&world, begin(&world, &settings).expect("begin"));
    assert_eq!(report.outcome, Outcome::Succeeded);
    assert_eq!(report.datasets.len(), 1, "only the data sets switched on");
    let before = world
        .server
        .state()
        .assets()
        .objects_of_type("Entra User")
        .len();

    let mut removed = 0;
    let mut seed = 7;
    while removed < 8 {
        removed += world.server.state().churn(60.0, seed).users.removed.len();
        seed += 1;
    }
    let (result, _) = world.run(begin(&world, &settings).expect("begin"), World::big_budget);
    let StepStatus::AwaitingConfirmation { retire, threshold } = result.status else {
        panic!("the strict guard must stop the run: {:?}", result.status);
    };
    assert_eq!(threshold, 3, "max(1 % of 300, 2)");
    assert!(retire > threshold);

    let mut confirmed = result.checkpoint;
    confirmed.confirmed = true;
    let report = finish(&world, confirmed);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    // The guard asks about everything it removes (users' licence assignments go with them).
    let total: u64 = report.datasets[0].objects.values().map(|c| c.retired).sum();
    assert_eq!(total, retire);
    let retire = report.datasets[0].objects["user"].retired;
    let users = world.server.state().assets().objects_of_type("Entra User");
    let created = report.datasets[0].objects["user"].created as usize;
    assert_eq!(
        users.len(),
        before + created - retire as usize,
        "gone users are deleted"
    );
    assert!(
        users
            .iter()
            .all(|u| u["attributes"]["Status"] != "Deleted in Entra"),
        "nothing is merely retired under the delete policy"
    );
}

#[test]
fn a_cancel_ends_the_run_cancels_the_execution_in_flight_and_commits_nothing() {
    let world = World::new(Preset::Demo, 42);
    let settings = config(&world, Guard::default(), &[("users", true)]);
    let mut checkpoint = begin(&world, &settings).expect("begin");
    // Step with a tiny budget until an Assets execution is in flight.
    let tiny = |w: &World| entra_sync_core::sync::Budget {
        deadline_ms: w.clock.now_ms_value(),
        max_requests: 1,
    };
    for _ in 0..10_000 {
        if checkpoint.execution.is_some() {
            break;
        }
        let result = world.step(checkpoint, tiny(&world));
        assert!(
            matches!(result.status, StepStatus::Continue),
            "{:?}",
            result.status
        );
        checkpoint = result.checkpoint;
    }
    // Records go to the execution as they are read: it is open from the first changed page on.
    assert!(matches!(
        checkpoint.phase,
        Phase::Read { .. } | Phase::Submit { .. } | Phase::Poll
    ));
    checkpoint.cancel_requested = true;
    let result = world.step(checkpoint, world.big_budget());
    let StepStatus::Finished(report) = result.status else {
        panic!("a cancelled run finishes: {:?}", result.status);
    };
    assert_eq!(report.outcome, Outcome::Cancelled);
    assert_eq!(
        report.errors[0].message,
        "cancelled by an admin; nothing was committed"
    );
    assert!(result.checkpoint.execution.is_none());
    let delta = pollster::block_on(world.store.get("delta:users")).expect("store");
    assert_eq!(delta, None, "no delta link committed");
    assert!(
        world
            .server
            .state()
            .assets()
            .objects_of_type("Entra User")
            .is_empty(),
        "the cancelled execution wrote nothing"
    );
}

#[test]
fn a_run_needs_a_data_set_switched_on() {
    let world = World::new(Preset::Demo, 42);
    let settings = config(&world, Guard::default(), &[("users", false)]);
    let error = begin(&world, &settings).unwrap_err();
    assert!(matches!(error, RunStartError::NoDataset), "{error}");
    assert_eq!(error.code(), "noDataset");
    assert!(error.to_string().contains("Turn on Users"), "{error}");
}

#[test]
fn a_saved_filter_limits_what_the_run_syncs() {
    let world = World::new(Preset::Demo, 42);
    let mut config = config(&world, Guard::default(), &[("users", true)]);
    config
        .filters
        .insert("users".into(), "accountEnabled eq false".into());
    let report = finish(&world, begin(&world, &config).expect("begins"));
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let tenant = world.server.state().tenant();
    let disabled = tenant.users.iter().filter(|u| !u.account_enabled).count();
    assert!(disabled > 0, "the demo tenant has disabled users");
    assert_eq!(
        report.datasets[0].objects["user"].created as usize, disabled,
        "only the users the filter keeps are written"
    );
}

#[test]
fn the_saved_warning_window_reaches_the_run_and_its_report() {
    let world = World::new(Preset::Demo, 42);
    let mut saved = config(&world, Guard::default(), &[("applications", true)]);
    saved.expiry = ExpiryConfig { warn_days: 90 };
    let checkpoint = begin(&world, &saved).expect("begins");
    assert_eq!(checkpoint.warn_days, 90);
    let report = finish(&world, checkpoint);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let expiry = report.expiry.expect("summary");
    assert_eq!(expiry.warn_days, 90);
    assert!(expiry.count.is_some_and(|n| n > 0));
}
