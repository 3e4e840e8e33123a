//! Licences and licence assignments, natively against the in-process simulator: a full run writes
//! one "Licence" per subscribed SKU and one "Licence Assignment" per user × assigned SKU; after churn
//! an incremental run retires what went (removed licences, deleted users) and adds what came; a run
//! with nothing new writes nothing; a SKU the tenant drops is retired.

mod support;

use entra_sync_core::sync::{Budget, Checkpoint, Outcome, RunReport, StepStatus};
use entra_sync_sim::Preset;
use support::World;
use support::expect::{
    actual_assignments, actual_licences, assert_assignments_equal_tenant,
    assert_licences_equal_tenant, expected_assignments,
};
use support::rows::text;

fn assert_licences_and_assignments_equal_tenant(world: &World) {
    assert_licences_equal_tenant(world);
    assert_assignments_equal_tenant(world);
}

fn finished(world: &World, checkpoint: Checkpoint, budget: impl Fn(&World) -> Budget) -> RunReport {
    let (result, _) = world.run(checkpoint, budget);
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

/// One object type's counts in a report, whichever data set wrote it.
macro_rules! counts {
    ($report:expr, $key:expr) => {
        $report
            .datasets
            .iter()
            .find_map(|d| d.objects.get($key))
            .unwrap_or_else(|| panic!("no counts for {}", $key))
    };
}

#[test]
fn licences_and_assignments_follow_the_tenant_through_churn() {
    let world = World::new(Preset::Demo, 42);
    let report = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let tenant = world.server.state().tenant();
    assert!(!tenant.skus.is_empty());
    let assigned: usize = tenant.users.iter().map(|u| u.assigned_licenses.len()).sum();
    assert!(assigned > 0, "the demo tenant assigns licences");
    assert_eq!(
        counts!(report, "licence").created as usize,
        tenant.skus.len()
    );
    assert_eq!(
        counts!(report, "licenceAssignment").created as usize,
        assigned
    );
    drop(tenant);
    assert_licences_and_assignments_equal_tenant(&world);

    // Churn adds and removes licences and deletes users; the users' delta carries both. A 2% churn
    // of the demo tenant is a handful of operations: churn again until both kinds happened.
    let mut removed_users = Vec::new();
    let mut licence_changes = 0;
    for seed in 1..=40 {
        let churn = world.server.state().churn(2.0, seed);
        licence_changes += churn
            .operations
            .get("licence changes")
            .copied()
            .unwrap_or(0);
        removed_users.extend(churn.users.removed.iter().map(|(id, _)| id.to_string()));
        if licence_changes > 1 && !removed_users.is_empty() {
            break;
        }
    }
    assert!(licence_changes > 1 && !removed_users.is_empty());
    let before = actual_assignments(&world).0;
    let report = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert!(!report.datasets[0].full_round, "users read incrementally");
    assert_licences_and_assignments_equal_tenant(&world);
    let expected = expected_assignments(&world.server.state().tenant());
    let gone: Vec<&String> = before
        .keys()
        .filter(|id| !expected.contains_key(*id))
        .collect();
    assert!(!gone.is_empty(), "churn took some assignments away");
    assert_eq!(
        counts!(report, "licenceAssignment").retired as usize,
        gone.len()
    );
    let (_, deleted) = actual_assignments(&world);
    for id in gone {
        assert!(deleted.contains(id), "{id} is marked Deleted in Entra");
    }
    // Removed users' assignments go with them.
    for user in &removed_users {
        let prefix = format!("{}:", user.to_ascii_lowercase());
        assert!(
            !actual_assignments(&world)
                .0
                .keys()
                .any(|id| id.starts_with(&prefix)),
            "removed user {user} keeps no live assignment"
        );
    }

    let report = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_eq!(
        report.tally.assets_requests,
        support::CHECK_READS,
        "a no-change run writes nothing"
    );
    assert_eq!(
        counts!(report, "licence").unchanged as usize,
        world.server.state().tenant().skus.len()
    );
}

#[test]
fn a_dropped_sku_is_retired_with_its_assignments() {
    let world = World::new(Preset::Demo, 7);
    let report = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    // The tenant stops subscribing to its last SKU; users lose it. Graph's user delta would report
    // the users, but this edit bypasses the change log, so a full resync picks it up.
    let dropped = world.server.state().update_tenant(|tenant| {
        let last = tenant.skus.len() - 1;
        let sku = tenant.skus.pop().expect("a sku");
        for user in &mut tenant.users {
            user.assigned_licenses
                .retain(|l| usize::from(l.sku) != last);
        }
        sku.sku_id.to_string()
    });
    let report = finished(&world, world.begin(false, true), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_eq!(counts!(report, "licence").retired, 1);
    assert_licences_and_assignments_equal_tenant(&world);
    let (_, deleted) = actual_licences(&world);
    assert_eq!(deleted, std::slice::from_ref(&dropped));
    let (_, deleted) = actual_assignments(&world);
    assert_eq!(
        counts!(report, "licenceAssignment").retired as usize,
        deleted.len()
    );
    assert!(deleted.iter().all(|id| id.ends_with(&dropped)));
}

#[test]
fn an_install_from_before_licence_assignments_reads_users_in_full_once() {
    let world = World::new(Preset::Demo, 3);
    let report = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    // As committed by a version without assignments: a users delta link, no assignment index.
    world
        .store
        .values
        .borrow_mut()
        .retain(|key, _| !key.starts_with("index:licenceAssignment:"));
    let report = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert!(report.datasets[0].full_round, "users read in full once");
    assert_licences_and_assignments_equal_tenant(&world);
    let report = finished(&world, world.begin(false, false), World::big_budget);
    assert!(!report.datasets[0].full_round, "then incrementally again");
    assert_eq!(report.tally.assets_requests, support::CHECK_READS);
}

#[test]
fn a_licence_change_alone_rewrites_the_assignment_not_the_user() {
    use entra_sync_sim::tenant::{Change, ObjectKind, ObjectRef};

    let world = World::new(Preset::Demo, 11);
    let report = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let user_synced = |id: &str| {
        world
            .server
            .state()
            .assets()
            .objects_of_type("Entra User")
            .into_iter()
            .find(|o| text(o["attributes"].get("Entra Object ID")).as_deref() == Some(id))
            .and_then(|o| text(o["attributes"].get("Last Synced")))
    };
    // One licensed user loses one licence; Graph's delta reports the user as changed.
    let (user_id, sku_id) = world.server.state().update_tenant(|tenant| {
        let at = tenant
            .users
            .iter()
            .position(|u| u.assigned_licenses.len() >= 2)
            .expect("a user with two licences");
        let licence = tenant.users[at].assigned_licenses.pop().expect("a licence");
        let sku = &mut tenant.skus[usize::from(licence.sku)];
        sku.consumed_units -= 1;
        let sku_id = sku.sku_id.to_string();
        let id = tenant.users[at].id.to_ascii_lowercase();
        tenant.changes.begin();
        tenant.changes.record(Change::Upserted(ObjectRef {
            kind: ObjectKind::User,
            id: id.parse().expect("a guid"),
        }));
        (id, sku_id)
    });
    let synced_before = user_synced(&user_id);
    assert!(synced_before.is_some());
    world.clock.advance(std::time::Duration::from_secs(3_600));
    let report = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let users = counts!(report, "user");
    assert_eq!((users.read, users.updated, users.unchanged), (1, 0, 1));
    assert_eq!(counts!(report, "licenceAssignment").retired, 1);
    let kept = counts!(report, "licenceAssignment");
    assert_eq!(
        (kept.created, kept.updated),
        (0, 0),
        "the licences the user keeps are known (their index shard is loaded) and not written again"
    );
    assert_eq!(
        counts!(report, "licence").updated,
        1,
        "consumed units changed"
    );
    assert_eq!(
        user_synced(&user_id),
        synced_before,
        "the user was not rewritten"
    );
    assert_licences_and_assignments_equal_tenant(&world);
    let (_, deleted) = actual_assignments(&world);
    assert_eq!(deleted, [format!("{user_id}:{sku_id}")]);

    // The index learnt the user's new licence list: the next run has nothing to do.
    let report = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.tally.assets_requests, support::CHECK_READS);
}
