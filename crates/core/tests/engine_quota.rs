//! The engine under Forge's KVS quota, enforced at a tenth of Forge's rates (and less) so the pacing path
//! runs on a small tenant: a full and an incremental sync each end with Assets exactly equal to
//! the tenant, whether the waits fit in a step or end it early for the next step to resume.

mod support;

use entra_sync_core::sync::{Budget, Checkpoint, Outcome, RunReport, StepStatus};
use entra_sync_sim::Preset;
use support::expect::assert_all_types_equal_tenant;
use support::{NowValue, World};

fn finished(world: &World, checkpoint: Checkpoint, budget: impl Fn(&World) -> Budget) -> RunReport {
    let (result, _) = world.run(checkpoint, budget);
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

/// Steps of 40 s: a run of waits that together outlast a minute does not fit in one, so the step
/// ends at its last safe point and the next one resumes.
fn short(world: &World) -> Budget {
    Budget {
        deadline_ms: world.clock.now_ms_value() + 40_000,
        max_requests: 100_000,
    }
}

fn full_then_incremental(budget: fn(&World) -> Budget, factor: f64) -> (RunReport, RunReport) {
    let world = World::new(Preset::Demo, 42);
    world.store.enforce(factor);
    let full = finished(&world, world.begin(false, false), budget);
    assert_eq!(full.outcome, Outcome::Succeeded, "{full:?}");
    assert_all_types_equal_tenant(&world);
    assert!(
        world.store.usage().refused > 0,
        "the quota must bite for this test to mean anything: {:?}",
        world.store.usage()
    );

    world.server.state().churn(5.0, 7);
    world.store.reset_usage();
    // The next run starts a minute later, as a scheduled one would: Sync now pressed while the
    // quota is still used up waits at most 20 s and is refused with "try again in a minute".
    world.clock.advance(std::time::Duration::from_secs(60));
    let incremental = finished(&world, world.begin(false, false), budget);
    assert_eq!(incremental.outcome, Outcome::Succeeded, "{incremental:?}");
    assert_all_types_equal_tenant(&world);
    (full, incremental)
}

#[test]
fn under_a_tenth_of_the_quota_runs_wait_and_leave_assets_equal_to_the_tenant() {
    let (full, _) = full_then_incremental(World::big_budget, 0.1);
    assert!(full.tally.kvs_waits > 0, "{:?}", full.tally);
    assert!(full.tally.kvs_waited_ms > 0, "{:?}", full.tally);
}

/// Steps of 40 s under a fiftieth of the quota: some waits do not fit in a step, so steps end at
/// their last safe point (inside the read, and between the object types of plan and commit) and
/// the next resumes; the run still ends, equal to the tenant. Before plan and commit could stop
/// between types, this run never ended: each step redid the whole plan and ran out of quota again.
#[test]
fn short_steps_under_a_fiftieth_of_the_quota_end_equal() {
    let (full, _) = full_then_incremental(short, 0.02);
    assert!(
        full.tally.kvs_paused_steps > 0,
        "steps must end at a safe point for this test to mean anything: {:?}",
        full.tally
    );
}

/// A run that finds nothing changed: a guard on what it costs in KVS units, with where they go when
/// it fails. The target is at most 100 units; today a small tenant's run uses 332 (280 read,
/// 52 written: every index meta read four or five times, the full reads of licences and Intune
/// loading their whole index, the run's staging): this bound only stops it from growing.
#[test]
fn a_run_with_nothing_changed_stays_within_its_kvs_units() {
    let world = World::new(Preset::Small, 42);
    let first = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(first.outcome, Outcome::Succeeded, "{first:?}");
    world.store.reset_usage();
    let again = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(again.outcome, Outcome::Succeeded, "{again:?}");
    let usage = world.store.usage();
    assert!(
        usage.read_units <= 300 && usage.write_units <= 60,
        "{usage:?}, by kind of key (read, write): {:?}",
        world.store.usage_by_kind()
    );
}
