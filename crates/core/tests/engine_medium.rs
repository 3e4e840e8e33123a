//! Every data set at the Medium preset (20,000 users, 150,000 memberships, 25,000 devices, …):
//! a full run and, after 2 % churn, an incremental run each leave Assets exactly equal to the
//! tenant for every object type. The other engine tests use the Demo and Small presets; this one
//! runs at a scale where every data set spans many Graph pages and import chunks.

mod support;

use entra_sync_core::sync::datasets::Dataset;
use entra_sync_core::sync::{Checkpoint, Outcome, RunReport, StepStatus};
use entra_sync_sim::Preset;
use support::World;
use support::expect::assert_all_types_equal_tenant;

fn finished(world: &World, checkpoint: Checkpoint) -> RunReport {
    let (result, _) = world.run(checkpoint, World::big_budget);
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

#[test]
fn medium_tenant_full_then_incremental_runs_leave_every_type_equal_to_the_tenant() {
    let world = World::new(Preset::Medium, 42);
    let report = finished(&world, world.begin(false, false));
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_all_types_equal_tenant(&world);

    let churn = world.server.state().churn(2.0, 7);
    assert!(!churn.users.removed.is_empty() && !churn.memberships.is_empty());
    let report = finished(&world, world.begin(false, false));
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    for dataset in [Dataset::Users, Dataset::Groups, Dataset::Devices] {
        let read = report
            .datasets
            .iter()
            .find(|d| d.dataset == dataset)
            .unwrap_or_else(|| panic!("{dataset:?} is synced"));
        assert!(!read.full_round, "{dataset:?} read the delta link");
    }
    assert_all_types_equal_tenant(&world);
}
