//! Entra devices and Intune managed devices through the engine against the in-process simulator:
//! Assets must equal the tenant, with one "Intune Managed Device" per machine (a re-enrolled
//! machine's records share its serial; the latest check-in wins), linked to its primary user and
//! its Entra device, after a full run, after churn (re-enrolments included) and with no change.

mod support;

use std::collections::{BTreeMap, BTreeSet};

use entra_sync_core::model::usable_serial;
use entra_sync_core::sync::{Budget, Outcome, RunReport, StepStatus};
use entra_sync_sim::Preset;
use entra_sync_sim::tenant::{ManagedDevice, Tenant};
use support::World;
use support::rows::{Rows, actual, assert_rows_equal};

const DEVICE_ATTRIBUTES: &[&str] = &[
    "Name",
    "Device ID",
    "Operating System",
    "OS Version",
    "Trust Type",
    "Account Enabled",
    "Compliant",
    "Managed",
    "Manufacturer",
    "Model",
    "Status",
];

const MANAGED_ATTRIBUTES: &[&str] = &[
    "Device Name",
    "Intune Device ID",
    "Serial Number",
    "Primary User",
    "Entra Device",
    "Operating System",
    "OS Version",
    "Compliance State",
    "Ownership",
    "Encrypted",
    "Manufacturer",
    "Model",
    "Status",
];

fn some(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

fn expected_devices(tenant: &Tenant) -> Rows {
    tenant
        .devices
        .iter()
        .map(|d| {
            let row = BTreeMap::from([
                ("Name", some(&d.display_name)),
                ("Device ID", Some(d.device_id.to_string())),
                ("Operating System", some(d.os.directory_name())),
                ("OS Version", some(&d.os_version)),
                ("Trust Type", some(d.trust_type)),
                ("Account Enabled", Some(d.account_enabled.to_string())),
                ("Compliant", d.is_compliant.map(|b| b.to_string())),
                ("Managed", d.is_managed.map(|b| b.to_string())),
                ("Manufacturer", some(d.manufacturer)),
                ("Model", some(d.model)),
                (
                    "Status",
                    Some(
                        if d.account_enabled {
                            "Active"
                        } else {
                            "Disabled"
                        }
                        .to_string(),
                    ),
                ),
            ]);
            (d.id.to_string(), row)
        })
        .collect()
}

/// The machine a record describes, as Entra Sync identifies it.
fn machine_key(record: &ManagedDevice) -> String {
    match usable_serial(&record.serial_number) {
        Some(serial) => format!("serial:{serial}"),
        None => format!("intune:{}", record.id),
    }
}

/// One row per machine: of the records sharing a serial, the latest check-in (then the higher
/// Intune id) is the one Assets shows. Also returns how many records lost.
fn expected_managed(tenant: &Tenant) -> (Rows, usize) {
    let mut winners: BTreeMap<String, &ManagedDevice> = BTreeMap::new();
    for record in &tenant.managed_devices {
        let key = machine_key(record);
        let rank = |r: &ManagedDevice| (r.last_sync, r.id.to_string());
        match winners.get(&key) {
            Some(held) if rank(held) >= rank(record) => {}
            _ => {
                winners.insert(key, record);
            }
        }
    }
    let skipped = tenant.managed_devices.len() - winners.len();
    let rows = winners
        .into_iter()
        .map(|(key, d)| {
            let user = d
                .user
                .and_then(|u| tenant.users.get(u as usize))
                .map(|u| u.id.to_ascii_lowercase());
            let device = d
                .directory_device
                .and_then(|i| tenant.devices.get(i as usize))
                .map(|dev| dev.id.to_string());
            let row = BTreeMap::from([
                ("Device Name", some(&d.device_name)),
                ("Intune Device ID", Some(d.id.to_string())),
                ("Serial Number", some(&d.serial_number)),
                ("Primary User", user),
                ("Entra Device", device),
                ("Operating System", some(d.os.intune_name())),
                ("OS Version", some(&d.os_version)),
                ("Compliance State", some(d.compliance_state)),
                ("Ownership", some(d.owner_type)),
                ("Encrypted", Some(d.is_encrypted.to_string())),
                ("Manufacturer", some(d.manufacturer)),
                ("Model", some(d.model)),
                ("Status", Some("Active".to_string())),
            ]);
            (key, row)
        })
        .collect();
    (rows, skipped)
}

/// Assets equals the tenant for both device types; returns the expected skip count.
fn assert_devices_equal_tenant(world: &World) -> usize {
    let tenant = world.server.state().tenant();
    let (devices, _) = actual(world, "Entra Device", "Entra Object ID", DEVICE_ATTRIBUTES);
    assert_rows_equal("Entra Device", &devices, &expected_devices(&tenant));
    let (managed, _) = actual(
        world,
        "Intune Managed Device",
        "Machine Key",
        MANAGED_ATTRIBUTES,
    );
    let (expected, skipped) = expected_managed(&tenant);
    assert_rows_equal("Intune Managed Device", &managed, &expected);
    // No machine twice, whatever its identity: live serials are unique.
    let serials: Vec<&String> = managed
        .values()
        .filter_map(|row| row["Serial Number"].as_ref())
        .filter(|s| usable_serial(s).is_some())
        .collect();
    let unique: BTreeSet<String> = serials.iter().filter_map(|s| usable_serial(s)).collect();
    assert_eq!(serials.len(), unique.len(), "a machine appears twice");
    skipped
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
    let duplicates = tenant.managed_devices.len() - expected_managed(&tenant).0.len();
    assert!(duplicates > 0, "the demo tenant has re-enrolled machines");
    drop(tenant);

    let report = finished(&world, World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let skipped = assert_devices_equal_tenant(&world);
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
    assert_devices_equal_tenant(&world);
    // A re-enrolled machine now shows its new record, on the same object.
    let (managed, _) = actual(
        &world,
        "Intune Managed Device",
        "Machine Key",
        MANAGED_ATTRIBUTES,
    );
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
    let (_, deleted) = actual(&world, "Entra Device", "Entra Object ID", DEVICE_ATTRIBUTES);
    for id in &removed_devices {
        assert!(deleted.contains(&id.to_string()), "{id} marked deleted");
    }

    let report = finished(&world, World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_eq!(
        report.tally.assets_requests, 0,
        "a no-change run writes nothing: {report:?}"
    );
    assert_eq!(
        counts(&report, "managedDevice").skipped as usize,
        skipped_now(&world)
    );
}

fn skipped_now(world: &World) -> usize {
    expected_managed(&world.server.state().tenant()).1
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
    assert_devices_equal_tenant(&world);
    world.server.state().churn(3.0, 4);
    let report = finished(&world, tiny);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_devices_equal_tenant(&world);
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
    let skipped = assert_devices_equal_tenant(&world);
    assert_eq!(counts(&report, "managedDevice").skipped as usize, skipped);

    let report = finished(&world, tiny);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_eq!(report.tally.assets_requests, 0, "{report:?}");
    assert_devices_equal_tenant(&world);
}
