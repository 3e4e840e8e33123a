//! The Groups data set natively against the in-process simulator: after a full run and after every
//! incremental run, Assets' "Entra Group" and "Entra Group Membership" objects equal the tenant's
//! groups and direct memberships exactly (retired ones, Status "Deleted in Entra", count as absent).

mod support;

use entra_sync_core::sync::{Budget, Checkpoint, Outcome, RunReport, StepStatus};
use entra_sync_sim::Preset;
use entra_sync_sim::tenant::MemberRef;
use support::World;
use support::expect::{assert_groups_equal_tenant, assert_memberships_equal_tenant};

/// Both types of the data set; returns the deleted group and membership identities.
fn assert_groups_and_memberships_equal_tenant(world: &World) -> (Vec<String>, Vec<String>) {
    (
        assert_groups_equal_tenant(world),
        assert_memberships_equal_tenant(world),
    )
}

fn finished(world: &World, checkpoint: Checkpoint, budget: impl Fn(&World) -> Budget) -> RunReport {
    let (result, _) = world.run(checkpoint, budget);
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

fn groups_report(report: &RunReport) -> &entra_sync_core::sync::report::DatasetReport {
    report
        .datasets
        .iter()
        .find(|d| d.dataset == entra_sync_core::sync::datasets::Dataset::Groups)
        .expect("groups are synced")
}

#[test]
fn groups_and_memberships_follow_the_tenant_through_full_incremental_and_idle_runs() {
    let world = World::new(Preset::Demo, 42);
    let report = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let tenant = world.server.state().tenant();
    let groups = groups_report(&report);
    assert!(groups.full_round);
    assert_eq!(
        groups.objects["group"].created as usize,
        tenant.groups.len()
    );
    let memberships: usize = tenant.groups.iter().map(|g| g.members.len()).sum();
    assert_eq!(
        groups.objects["groupMembership"].created as usize, memberships,
        "each direct membership once, however many items a large group took"
    );
    assert!(
        tenant.groups.iter().any(|g| g.members.len() > 20),
        "some group is spread over several items"
    );
    assert!(
        tenant
            .groups
            .iter()
            .flat_map(|g| &g.members)
            .any(|m| matches!(m, MemberRef::Device(_))),
        "device members are covered"
    );
    assert!(
        tenant
            .groups
            .iter()
            .flat_map(|g| &g.members)
            .any(|m| matches!(m, MemberRef::Group(_))),
        "nested groups are covered"
    );
    assert_groups_and_memberships_equal_tenant(&world);
    drop(tenant);

    // Churn until a group was deleted (its members are not listed by delta) and memberships left.
    let mut removed_groups = Vec::new();
    let mut left = 0;
    let mut seed = 0;
    while (removed_groups.is_empty() || left == 0) && seed < 40 {
        seed += 1;
        let churn = world.server.state().churn(2.0, seed);
        let sent_before = world.net.sent.borrow().len();
        let report = finished(&world, world.begin(false, false), World::big_budget);
        assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
        let groups = groups_report(&report);
        assert!(!groups.full_round, "incremental runs read the delta link");
        let reads: Vec<String> = world.net.sent.borrow()[sent_before..]
            .iter()
            .filter(|s| s.url.contains("/groups"))
            .map(|s| s.url.clone())
            .collect();
        assert!(
            reads
                .iter()
                .all(|url| url.contains("$deltatoken=") || url.contains("$skiptoken=")),
            "only delta pages: {reads:?}"
        );
        assert_eq!(
            groups.objects["group"].retired as usize,
            churn.groups.removed.len(),
            "every removed group is retired"
        );
        assert!(
            groups.objects["group"].updated as usize <= churn.groups.updated.len(),
            "membership changes alone do not rewrite a group"
        );
        assert_eq!(
            groups.objects["group"].created as usize,
            churn.groups.created.len(),
            "a group already in Assets is known as such (its index shard is loaded), not created again"
        );
        let (deleted_groups, _) = assert_groups_and_memberships_equal_tenant(&world);
        for (id, _) in &churn.groups.removed {
            assert!(deleted_groups.contains(&id.to_string()), "{id} is retired");
            removed_groups.push(id.to_string());
        }
        left += churn
            .memberships
            .values()
            .flatten()
            .filter(|(_, added)| !added)
            .count();
    }
    assert!(
        !removed_groups.is_empty() && left > 0,
        "the churn covered group deletes and membership removals"
    );
    let (_, deleted_memberships) = assert_groups_and_memberships_equal_tenant(&world);
    for group in &removed_groups {
        assert!(
            deleted_memberships
                .iter()
                .any(|id| id.starts_with(&format!("{group}:"))),
            "the edges of deleted group {group} are retired"
        );
    }

    let report = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_eq!(
        report.tally.assets_requests,
        support::CHECK_READS,
        "a no-change run writes nothing"
    );
    assert_groups_and_memberships_equal_tenant(&world);
}

#[test]
fn a_full_resync_of_an_unchanged_tenant_rewrites_no_group_or_membership() {
    let world = World::new(Preset::Demo, 7);
    finished(&world, world.begin(false, false), World::big_budget);
    let report = finished(&world, world.begin(false, true), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let groups = groups_report(&report);
    assert!(groups.full_round);
    for key in ["group", "groupMembership"] {
        let counts = &groups.objects[key];
        assert_eq!(
            (counts.created, counts.updated, counts.retired),
            (0, 0, 0),
            "{key}: {counts:?}"
        );
    }
    assert_eq!(report.tally.assets_requests, support::CHECK_READS);
    assert_groups_and_memberships_equal_tenant(&world);
}

#[test]
fn tiny_steps_end_with_the_same_groups_and_memberships() {
    let world = World::new(Preset::Demo, 5);
    world.net.tick_ms.set(3_000);
    // One unit of work per step, so large groups straddle steps. (Killed steps are not covered here:
    // a step killed after the completing submit is redone against an execution already PROCESSING,
    // which the engine does not handle yet.)
    let tiny = |w: &World| Budget {
        deadline_ms: support::NowValue::now_ms_value(&*w.clock) + 15_000,
        max_requests: 2,
    };
    for round in 0..2 {
        if round == 1 {
            world.server.state().churn(5.0, 9);
        }
        let mut checkpoint = world.begin(false, false);
        let mut steps = 0;
        let report = loop {
            steps += 1;
            assert!(steps < 10_000, "the run does not end");
            let result = world.step(checkpoint.clone(), tiny(&world));
            match result.status {
                StepStatus::Continue => checkpoint = result.checkpoint,
                StepStatus::Finished(report) => break *report,
                other => panic!("unexpected {other:?}"),
            }
        };
        assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
        assert_groups_and_memberships_equal_tenant(&world);
    }
}
