//! Data sets fail alone: a data set Graph will not serve (Intune in an unlicensed tenant, a
//! permission revoked in the middle of a run) is reported with Check connection's diagnosis and
//! fix, keeps its committed index and deltaLink and retires nothing, while the other data sets are
//! written and committed and the run ends "completed with problems". References to a failed data
//! set's objects resolve against what Assets already holds.

mod support;

use std::collections::BTreeMap;

use entra_sync_core::sync::datasets::Dataset;
use entra_sync_core::sync::report::DatasetReport;
use entra_sync_core::sync::{Budget, Checkpoint, Outcome, Phase, RunReport, Selection, StepStatus};
use entra_sync_sim::Preset;
use serde_json::Value;
use support::expect::{
    actual_devices, actual_managed, assert_all_types_equal_tenant, assert_devices_equal_tenant,
    assert_groups_equal_tenant, assert_managed_equal_tenant, assert_memberships_equal_tenant,
    assert_users_equal_tenant,
};
use support::{NowValue, World};

fn finished(world: &World, checkpoint: Checkpoint) -> RunReport {
    let (result, _) = world.run(checkpoint, World::big_budget);
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

/// Every stored value under `prefix` (a type's index shards, a data set's deltaLink).
fn stored(world: &World, prefix: &str) -> BTreeMap<String, Value> {
    world
        .store
        .values
        .borrow()
        .iter()
        .filter(|(key, _)| key.starts_with(prefix))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

fn dataset(report: &RunReport, dataset: Dataset) -> &DatasetReport {
    report
        .datasets
        .iter()
        .find(|d| d.dataset == dataset)
        .unwrap_or_else(|| panic!("no {dataset:?} in the report"))
}

/// The run's one problem: `dataset` failed alone with a fix containing `fix`.
fn assert_failed_alone(report: &RunReport, failed: Dataset, fix: &str) {
    assert_eq!(
        report.outcome,
        Outcome::CompletedWithProblems,
        "{:?}",
        report.errors
    );
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    let error = &report.errors[0];
    assert_eq!(error.dataset, Some(failed));
    assert!(
        error.fix.as_deref().is_some_and(|f| f.contains(fix)),
        "{error:?}"
    );
    let problem = dataset(report, failed).problem.as_ref().expect("problem");
    assert_eq!(problem.message, error.message);
    for other in report.datasets.iter().filter(|d| d.dataset != failed) {
        assert!(other.problem.is_none(), "{other:?}");
    }
}

#[test]
fn an_unlicensed_intune_tenant_syncs_the_other_data_sets_and_reports_intune_with_its_fix() {
    let world = World::new(Preset::Demo, 42);
    let report = finished(&world, world.begin(false, false));
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let intune_index = stored(&world, "index:managedDevice:");
    let users_link = stored(&world, "delta:users");
    assert!(!intune_index.is_empty() && !users_link.is_empty());
    let intune_objects = actual_managed(&world).0.len();

    // Intune records go away too: a data set that retired what it did not read would retire them all.
    let mut churn = world.server.state().churn(2.0, 5);
    for seed in 6..40 {
        if !churn.managed_devices.removed.is_empty() {
            break;
        }
        churn = world.server.state().churn(2.0, seed);
    }
    assert!(
        !churn.managed_devices.removed.is_empty(),
        "churn removes Intune records"
    );
    world.server.state().set_intune_licensed(false);

    let report = finished(&world, world.begin(false, false));
    assert_failed_alone(&report, Dataset::ManagedDevices, "License Microsoft Intune");
    assert!(report.errors[0].request_id.is_some(), "Graph's request id");
    assert!(
        report.errors[0]
            .message
            .starts_with("Intune is not available in this tenant"),
        "Check connection's words: {:?}",
        report.errors[0]
    );
    // The others are written and committed.
    assert_users_equal_tenant(&world);
    assert_groups_equal_tenant(&world);
    assert_memberships_equal_tenant(&world);
    assert_ne!(
        stored(&world, "delta:users"),
        users_link,
        "the users' new deltaLink is committed"
    );
    // Intune keeps its committed index and retires nothing.
    assert_eq!(stored(&world, "index:managedDevice:"), intune_index);
    let intune = &dataset(&report, Dataset::ManagedDevices).objects["managedDevice"];
    assert_eq!((intune.retired, intune.created, intune.updated), (0, 0, 0));
    let (live, retired) = actual_managed(&world);
    assert!(retired.is_empty(), "retired: {retired:?}");
    assert_eq!(live.len(), intune_objects);

    // Licensed again, the next run picks Intune up from its committed state; nothing refers to
    // Intune's objects, so the others stay incremental.
    world.server.state().set_intune_licensed(true);
    let report = finished(&world, world.begin(false, false));
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.errors);
    assert!(!dataset(&report, Dataset::Users).full_round);
    assert_all_types_equal_tenant(&world);
}

/// Room for one unit of work per step, so the run takes a step per page.
fn tiny(world: &World) -> Budget {
    Budget {
        deadline_ms: world.clock.now_ms_value() + 15_000,
        max_requests: 2,
    }
}

#[test]
fn a_permission_revoked_mid_run_fails_its_data_set_alone() {
    let world = World::new(Preset::Demo, 42);
    let report = finished(&world, world.begin(false, false));
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let devices_index = stored(&world, "index:device:");
    let devices_link = stored(&world, "delta:devices");
    let groups_link = stored(&world, "delta:groups");
    assert!(!devices_index.is_empty() && !devices_link.is_empty());
    let devices_before = actual_devices(&world).0.len();
    let mut churn = world.server.state().churn(3.0, 5);
    for seed in 6..40 {
        if !churn.devices.removed.is_empty() {
            break;
        }
        churn = world.server.state().churn(3.0, seed);
    }
    assert!(!churn.devices.removed.is_empty(), "churn removes devices");

    world.net.tick_ms.set(3_000);
    let mut checkpoint = world.begin(false, false);
    let devices_at = checkpoint
        .datasets
        .iter()
        .position(|d| d.dataset == Dataset::Devices)
        .expect("devices are synced");
    let mut revoked_after = None;
    let mut steps = 0;
    let report = loop {
        steps += 1;
        assert!(steps < 10_000, "the run does not end");
        // Consent withdrawn once the run reached devices: the next step's token lacks it.
        if revoked_after.is_none()
            && checkpoint.phase
                == (Phase::Read {
                    dataset: devices_at,
                })
        {
            assert!(world.server.state().revoke("Device.Read.All"));
            revoked_after = Some(steps);
        }
        let result = world.step(checkpoint, tiny(&world));
        match result.status {
            StepStatus::Continue => checkpoint = result.checkpoint,
            StepStatus::Finished(report) => break *report,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert!(revoked_after.is_some_and(|n| n > 1), "revoked mid-run");
    assert_failed_alone(&report, Dataset::Devices, "Device.Read.All");
    assert!(report.errors[0].request_id.is_some(), "Graph's request id");
    assert_users_equal_tenant(&world);
    assert_groups_equal_tenant(&world);
    assert_memberships_equal_tenant(&world);
    assert_ne!(stored(&world, "delta:groups"), groups_link);
    assert_eq!(stored(&world, "index:device:"), devices_index);
    assert_eq!(stored(&world, "delta:devices"), devices_link);
    let (live, retired) = actual_devices(&world);
    assert!(retired.is_empty(), "retired: {retired:?}");
    assert_eq!(live.len(), devices_before);

    // Consent given again. Intune's records refer to devices, some of them new and unread in the
    // failed run: the next run writes everything again, so every reference resolves.
    world.server.state().grant("Device.Read.All");
    world.net.tick_ms.set(0);
    let report = finished(&world, world.begin(false, false));
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.errors);
    assert!(dataset(&report, Dataset::Devices).full_round);
    let retired = assert_devices_equal_tenant(&world);
    assert_eq!(retired.len(), churn.devices.removed.len());
    assert_all_types_equal_tenant(&world);
}

fn selection(datasets: &[Dataset]) -> Vec<Selection> {
    datasets
        .iter()
        .map(|dataset| Selection {
            dataset: *dataset,
            filter: None,
        })
        .collect()
}

#[test]
fn references_to_a_failed_data_set_resolve_against_what_assets_holds() {
    let world = World::new(Preset::Demo, 42);
    let report = finished(
        &world,
        world.begin_with(
            false,
            false,
            &selection(&[Dataset::Users, Dataset::Devices]),
        ),
    );
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    // Users cannot be read in the run that first writes Intune's managed devices, which refer to
    // users (Primary User) and devices (Entra Device) by identity through the import mapping.
    world.server.state().revoke("User.Read.All");
    let report = finished(
        &world,
        world.begin_with(
            false,
            false,
            &selection(&[Dataset::Users, Dataset::Devices, Dataset::ManagedDevices]),
        ),
    );
    assert_failed_alone(&report, Dataset::Users, "User.Read.All");
    assert!(dataset(&report, Dataset::ManagedDevices).objects["managedDevice"].created > 0);
    // Every Primary User resolves to a user the first run wrote.
    assert_managed_equal_tenant(&world);
    assert_users_equal_tenant(&world);
}

#[test]
fn graph_giving_up_part_way_through_a_data_set_fails_it_alone_and_the_next_run_heals_references() {
    let world = World::new(Preset::Demo, 42);
    let chosen = selection(&[Dataset::Users, Dataset::Groups]);
    let report = finished(&world, world.begin_with(false, false, &chosen));
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let users_index = stored(&world, "index:user:");
    let users_link = stored(&world, "delta:users");
    let churn = world.server.state().churn(3.0, 5);
    assert!(!churn.users.created.is_empty() && !churn.users.removed.is_empty());

    // A full round, so users take several pages; the connection drops on every request for users
    // once the first page is in: each step ends early and the next goes on, until the run has made
    // no progress for as long as a run may stall. Then users fail alone.
    world.net.tick_ms.set(3_000);
    let mut checkpoint = world.begin_with(false, true, &chosen);
    let mut fault = None;
    let mut steps = 0;
    let report = loop {
        let users = &checkpoint.datasets[0];
        if fault.is_none() && users.next_url.is_some() && users.counts["user"].read > 0 {
            let spec = entra_sync_sim::faults::FaultSpec::reset("/v1.0/users");
            fault = Some(world.server.state().faults().add(spec).expect("fault"));
        }
        // The queue hands the next step over a minute later.
        world.clock.advance(std::time::Duration::from_secs(60));
        let result = world.step(checkpoint, tiny(&world));
        steps += 1;
        assert!(steps < 200, "the run does not end");
        match result.status {
            StepStatus::Continue => checkpoint = result.checkpoint,
            StepStatus::Finished(report) => break *report,
            other => panic!("unexpected {other:?}"),
        }
    };
    assert!(fault.is_some(), "users took more than one page");
    assert!(
        report.tally.transient_paused_steps > 10,
        "{:?}",
        report.tally
    );
    let problem = &report.errors[0].message;
    assert!(problem.contains("made no progress for 30"), "{problem}");
    assert_failed_alone(&report, Dataset::Users, "usually temporary");
    assert!(dataset(&report, Dataset::Users).objects["user"].read > 0);
    // What users staged before the failure is not committed, and no user is retired.
    assert_eq!(stored(&world, "index:user:"), users_index);
    assert_eq!(stored(&world, "delta:users"), users_link);
    assert!(support::expect::actual_users(&world).1.is_empty());
    assert_groups_equal_tenant(&world);

    // Memberships refer to users, and users created since the last run are not in Assets: the
    // next run writes everything again, so any reference left empty resolves.
    world.server.state().faults().clear();
    world.net.tick_ms.set(0);
    let report = finished(&world, world.begin_with(false, false, &chosen));
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.errors);
    assert!(dataset(&report, Dataset::Groups).full_round, "a rewrite");
    let retired = assert_users_equal_tenant(&world);
    assert_eq!(retired.len(), churn.users.removed.len());
    assert_memberships_equal_tenant(&world);
}

#[test]
fn a_run_whose_every_data_set_failed_is_failed_not_completed() {
    let world = World::new(Preset::Demo, 42);
    world.server.state().set_intune_licensed(false);
    let report = finished(
        &world,
        world.begin_with(false, false, &selection(&[Dataset::ManagedDevices])),
    );
    assert_eq!(report.outcome, Outcome::Failed, "{report:?}");
    assert_eq!(report.errors[0].dataset, Some(Dataset::ManagedDevices));
    assert!(stored(&world, "index:managedDevice:").is_empty());
}

#[test]
fn a_page_that_cannot_be_read_fails_its_data_set_alone() {
    let world = World::new(Preset::Demo, 42);
    let mut spec = entra_sync_sim::faults::FaultSpec::status("/v1.0/groups/delta", 200).count(1);
    spec.body = Some(serde_json::json!({ "value": "not a list" }));
    world.server.state().faults().add(spec).expect("fault");
    let report = finished(
        &world,
        world.begin_with(false, false, &selection(&[Dataset::Users, Dataset::Groups])),
    );
    assert_failed_alone(&report, Dataset::Groups, "The next run reads groups again");
    assert!(
        report.errors[0]
            .message
            .starts_with("Could not read groups: Microsoft Graph answered HTTP 200 with a body"),
        "{:?}",
        report.errors[0]
    );
    assert_users_equal_tenant(&world);
    assert!(stored(&world, "delta:groups").is_empty());
    assert!(stored(&world, "index:group:").is_empty());
}
