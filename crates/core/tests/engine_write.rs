//! Records go to the Assets import execution as they are read, not through KVS: a dry run opens no
//! execution, a run cancelled while its execution is open commits nothing and the next run writes
//! everything again, so Assets ends equal to the tenant with nothing lost or doubled.

mod support;

use entra_sync_core::sync::datasets::Dataset;
use entra_sync_core::sync::{Budget, Checkpoint, Outcome, Phase, RunReport, Selection, StepStatus};
use entra_sync_sim::Preset;
use support::expect::assert_all_types_equal_tenant;
use support::{NowValue, World};

fn finished(world: &World, checkpoint: Checkpoint) -> RunReport {
    let (result, _) = world.run(checkpoint, World::big_budget);
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

#[test]
fn a_dry_run_reads_and_counts_but_opens_no_execution() {
    let world = World::new(Preset::Demo, 42);
    let before = world.server.state().assets().snapshot();
    let report = finished(&world, world.begin(true, false));
    assert_eq!(report.outcome, Outcome::DryRun, "{report:?}");
    let users = &report.datasets[0];
    assert_eq!(
        users.objects["user"].to_create, 300,
        "counted as to be created"
    );
    assert_eq!(users.objects["user"].created, 0, "and nothing written");
    assert_eq!(
        report.tally.assets_requests,
        support::CHECK_READS,
        "no Assets request beyond the destination check's reads"
    );
    assert_eq!(world.server.state().assets().snapshot(), before);
    // Nothing committed: the next (real) run still creates every user.
    let report = finished(&world, world.begin(false, false));
    assert_eq!(report.datasets[0].objects["user"].created, 300);
    assert_all_types_equal_tenant(&world);
}

#[test]
fn a_run_cancelled_while_sending_commits_nothing_and_the_next_one_writes_all_again() {
    let world = World::new(Preset::Small, 42);
    let selection = [Selection {
        dataset: Dataset::Users,
        filter: None,
    }];
    let mut checkpoint = world.begin_with(false, false, &selection);
    // One unit of work a step: stop once records have been sent and more pages are to come.
    let tiny = |w: &World| Budget {
        deadline_ms: w.clock.now_ms_value(),
        max_requests: 1,
    };
    while checkpoint.sent_chunks < 2 {
        let result = world.step(checkpoint, tiny(&world));
        assert!(
            matches!(result.status, StepStatus::Continue),
            "{:?}",
            result.status
        );
        checkpoint = result.checkpoint;
    }
    assert!(matches!(checkpoint.phase, Phase::Read { .. }));
    assert!(
        checkpoint.execution.is_some(),
        "the execution stays open across steps"
    );
    checkpoint.cancel_requested = true;
    let report = finished(&world, checkpoint);
    assert_eq!(report.outcome, Outcome::Cancelled);
    assert!(
        world
            .server
            .state()
            .assets()
            .objects_of_type("Entra User")
            .is_empty(),
        "the cancelled execution imported nothing"
    );

    let report = finished(&world, world.begin_with(false, false, &selection));
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_eq!(
        report.datasets[0].objects["user"].created, 2_000,
        "all again"
    );
    support::expect::assert_users_equal_tenant(&world);
}
