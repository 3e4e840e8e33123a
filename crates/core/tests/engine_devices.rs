//! Entra devices and Intune managed devices through the engine against the in-process simulator:
//! Assets must equal the tenant, with one "Intune Managed Device" per machine (a re-enrolled
//! machine's records share its serial; the latest check-in wins), linked to its primary user and
//! its Entra device, after a full run, after churn (re-enrolments included) and with no change.

mod support;

use std::collections::BTreeSet;

use entra_sync_core::sync::{Budget, Outcome, RunReport, StepStatus};
use entra_sync_sim::Preset;
use support::World;
use support::expect::{
    actual_devices, actual_managed, assert_devices_equal_tenant, assert_managed_equal_tenant,
    superseded_records,
};

/// Both device types equal the tenant; returns how many Intune records the run must skip.
fn assert_device_types_equal_tenant(world: &World) -> usize {
    assert_devices_equal_tenant(world);
    assert_managed_equal_tenant(world);
    skipped_now(world)
}

fn finished(world: &World, budget: impl Fn(&World) -> Budget) -> RunReport {
    let (result, _) = world.run(world.begin(false, false), budget);
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

fn counts<'a>(report: &'a RunReport, key: &str) -> &'a entra_sync_core::sync::checkpoint::Counts {
    report
        .datasets
        .iter()
        .find_map(|d| d.objects.get(key))
        .unwrap_or_else(|| panic!("no {key} counts"))
}

#[test]
fn devices_and_managed_devices_equal_the_tenant_one_object_per_machine() {
    let world = World::new(Preset::Demo, 42);
    let tenant = world.server.state().tenant();
    assert!(
        superseded_records(&tenant) > 0,
        "the demo tenant has re-enrolled machines"
    );
    drop(tenant);

    let report = finished(&world, World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let skipped = assert_device_types_equal_tenant(&world);
    let managed = counts(&report, "managedDevice");
    assert_eq!(managed.skipped as usize, skipped, "{managed:?}");
    assert_eq!(
        managed.created as usize + skipped,
        managed.read as usize,
        "{managed:?}"
    );
    assert_eq!(
        counts(&report, "device").created as usize,
        world.server.state().tenant().devices.len()
    );

    // 2 % of the demo tenant is a handful of operations: churn until machines were re-enrolled.
    let (mut re_enrolled, mut removed_devices) = (Vec::new(), Vec::new());
    for seed in 0..50 {
        let churn = world.server.state().churn(2.0, seed);
        re_enrolled.extend(churn.managed_devices.re_enrolled);
        removed_devices.extend(churn.devices.removed.into_iter().map(|(id, _)| id));
        if re_enrolled.len() >= 2 {
            break;
        }
    }
    assert!(!re_enrolled.is_empty(), "churn re-enrols machines");
    let report = finished(&world, World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_device_types_equal_tenant(&world);
    // A re-enrolled machine now shows its new record, on the same object.
    let (managed, _) = actual_managed(&world);
    let shown: BTreeSet<String> = managed
        .values()
        .filter_map(|row| row["Intune Device ID"].clone())
        .collect();
    for (old, new) in &re_enrolled {
        let superseded = re_enrolled.iter().any(|(again, _)| again == new);
        assert!(
            superseded || shown.contains(&new.to_string()),
            "new record {new} shown"
        );
        assert!(
            !shown.contains(&old.to_string()),
            "old record {old} not shown"
        );
    }
    let (_, deleted) = actual_devices(&world);
    for id in &removed_devices {
        assert!(deleted.contains(&id.to_string()), "{id} marked deleted");
    }

    let report = finished(&world, World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_eq!(
        report.tally.assets_requests,
        support::CHECK_READS,
        "a no-change run writes nothing: {report:?}"
    );
    assert_eq!(
        counts(&report, "managedDevice").skipped as usize,
        skipped_now(&world)
    );
}

fn skipped_now(world: &World) -> usize {
    superseded_records(&world.server.state().tenant())
}

#[test]
fn a_tiny_budget_picks_the_same_winners_across_pages_and_steps() {
    let world = World::new(Preset::Demo, 7);
    world.net.tick_ms.set(3_000);
    let tiny = |w: &World| Budget {
        deadline_ms: support::NowValue::now_ms_value(&*w.clock) + 15_000,
        max_requests: 2,
    };
    let report = finished(&world, tiny);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert!(report.tally.steps > 10, "{} steps", report.tally.steps);
    assert_device_types_equal_tenant(&world);
    world.server.state().churn(3.0, 4);
    let report = finished(&world, tiny);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_device_types_equal_tenant(&world);
}

/// Over two Intune pages read in different steps: a page-2 record outranks a page-1 record of the
/// same machine (it must win although page 1 was staged first), and a page-2 record is outranked
/// by one on page 1 (it must not overwrite it). A second run with no change writes nothing.
#[test]
fn winners_are_the_same_when_a_machine_s_records_are_on_different_pages_and_steps() {
    let world = World::new(Preset::Demo, 11);
    world.server.state().update_tenant(|tenant| {
        let with_serial: Vec<usize> = (0..tenant.managed_devices.len())
            .filter(|&i| !tenant.managed_devices[i].serial_number.is_empty())
            .take(10)
            .collect();
        // Serial-less fillers push the duplicates onto page 2 (pages of 1,000).
        let template = tenant.managed_devices[0].clone();
        for n in 0..800u128 {
            let mut filler = template.clone();
            filler.id = uuid::Uuid::from_u128(0xF111_0000 + n);
            filler.serial_number = String::new();
            filler.directory_device = None;
            filler.user = None;
            tenant.managed_devices.push(filler);
        }
        for (n, &i) in with_serial.iter().enumerate() {
            let mut twin = tenant.managed_devices[i].clone();
            twin.id = uuid::Uuid::from_u128(0xD0B1_0000 + n as u128);
            twin.last_sync = if n < 5 {
                (twin.last_sync.0 + 3_600, 0) // newer: the page-2 record wins
            } else {
                (twin.last_sync.0 - 3_600, 0) // older: the page-1 record stays
            };
            twin.compliance_state = "noncompliant";
            tenant.managed_devices.push(twin);
        }
    });
    assert!(world.server.state().tenant().managed_devices.len() > 1_000);
    world.net.tick_ms.set(3_000);
    let tiny = |w: &World| Budget {
        deadline_ms: support::NowValue::now_ms_value(&*w.clock) + 15_000,
        max_requests: 2,
    };
    let report = finished(&world, tiny);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let managed = report
        .datasets
        .iter()
        .find(|d| d.objects.contains_key("managedDevice"))
        .expect("managed devices");
    assert!(managed.graph_requests >= 2, "two pages");
    let skipped = assert_device_types_equal_tenant(&world);
    assert_eq!(counts(&report, "managedDevice").skipped as usize, skipped);

    let report = finished(&world, tiny);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_eq!(
        report.tally.assets_requests,
        support::CHECK_READS,
        "{report:?}"
    );
    assert_device_types_equal_tenant(&world);
}
