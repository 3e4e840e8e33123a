//! The sync engine natively against the in-process simulator: full and incremental runs, tiny
//! budgets, killed steps, throttling, expired delta tokens and the mass-deletion guard. Assets must
//! end up exactly equal to the tenant every time.

mod support;

use entra_sync_core::sync::datasets::Dataset;
use entra_sync_core::sync::{Budget, Outcome, Phase, StepStatus};
use entra_sync_sim::Preset;
use support::expect::{actual_users, assert_users_equal_tenant};
use support::{NowValue, World};

/// Only the users data set, for the Small-preset scenarios below: they are about users, and
/// Small's other data sets (12,000 group memberships, Intune, licences) would make each run minutes
/// long in a debug build. The other data sets have their own tests (engine_groups.rs, …).
fn users_only() -> Vec<entra_sync_core::sync::Selection> {
    vec![entra_sync_core::sync::Selection {
        dataset: Dataset::Users,
        filter: None,
    }]
}

fn finished(
    world: &World,
    checkpoint: entra_sync_core::sync::Checkpoint,
    budget: impl Fn(&World) -> Budget,
) -> (entra_sync_core::sync::RunReport, u32) {
    let (result, steps) = world.run(checkpoint, budget);
    match result.status {
        StepStatus::Finished(report) => (*report, steps),
        other => panic!("run did not finish: {other:?}"),
    }
}

#[test]
fn full_then_incremental_runs_keep_assets_equal_to_the_tenant() {
    let world = World::new(Preset::Demo, 42);
    let (report, _) = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_eq!(report.datasets[0].objects["user"].created, 300);
    assert_users_equal_tenant(&world);
    let full_requests = report.datasets[0].graph_requests;

    let churn = world.server.state().churn(2.0, 7);
    let (report, _) = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let users = &report.datasets[0];
    assert!(!users.full_round, "incremental runs read the delta link");
    assert!(
        users.graph_requests < full_requests,
        "{} delta pages vs {full_requests}",
        users.graph_requests
    );
    assert_eq!(
        users.objects["user"].retired as usize,
        churn.users.removed.len(),
        "every removed user is retired"
    );
    let deleted = assert_users_equal_tenant(&world);
    let removed: Vec<String> = churn
        .users
        .removed
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    for id in &removed {
        assert!(deleted.contains(id), "{id} is marked Deleted in Entra");
    }

    let sent_before = world.net.sent.borrow().len();
    let (report, _) = finished(&world, world.begin(false, false), World::big_budget);
    // A no-change run writes nothing: its only Assets requests are the destination check's reads.
    let assets: Vec<String> = world.net.sent.borrow()[sent_before..]
        .iter()
        .filter(|s| s.url.starts_with("/jsm/"))
        .map(|s| s.url.clone())
        .collect();
    assert_eq!(report.tally.assets_requests, assets.len() as u64);
    assert!(
        assets.len() == 3
            && assets[0].ends_with(&world.destination.import_source_id)
            && assets[1].ends_with("/objectschema/1/objecttypes")
            && assets[2].ends_with("/schema-and-mapping"),
        "a no-change run writes nothing: {assets:?}"
    );
}

#[test]
fn a_tiny_budget_ends_in_the_same_state_and_a_killed_step_is_redone_without_duplicates() {
    let world = World::new(Preset::Small, 42);
    world.net.tick_ms.set(3_000);
    // Room for exactly one unit of work per step: the first is always allowed, the next never fits.
    let tiny = |w: &World| Budget {
        deadline_ms: w.clock.now_ms_value() + 15_000,
        max_requests: 2,
    };
    let run = |checkpoint: entra_sync_core::sync::Checkpoint| {
        let mut checkpoint = checkpoint;
        let (mut steps, mut killed) = (0, 0);
        loop {
            steps += 1;
            assert!(steps < 10_000, "the run does not end");
            let result = world.step(checkpoint.clone(), tiny(&world));
            // Every fourth step "dies": its result is thrown away and the step is redone.
            if steps % 4 == 0 && !matches!(result.status, StepStatus::Finished(_)) {
                killed += 1;
                continue;
            }
            match result.status {
                StepStatus::Continue => checkpoint = result.checkpoint,
                StepStatus::Finished(report) => return (report, steps, killed),
                other => panic!("unexpected {other:?}"),
            }
        }
    };
    let (report, steps, killed) = run(world.begin_with(false, false, &users_only()));
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert_eq!(report.datasets[0].objects["user"].created, 2_000);
    // Records go to Assets as they are read, so the write phase no longer takes steps of its own.
    assert!(steps > 12 && killed >= 3, "{steps} steps, {killed} killed");
    assert_users_equal_tenant(&world);

    world.server.state().churn(10.0, 11);
    let (report, steps, _) = run(world.begin_with(false, false, &users_only()));
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert!(report.datasets[0].objects["user"].retired > 0);
    assert!(steps > 5, "{steps} steps");
    assert_users_equal_tenant(&world);
}

#[test]
fn an_expired_delta_token_resyncs_fully_without_duplicates_or_wrong_retirements() {
    let world = World::new(Preset::Demo, 42);
    finished(&world, world.begin(false, false), World::big_budget);
    world.server.state().churn(1.0, 3);
    world.server.state().expire_delta_tokens();
    let (report, _) = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert!(report.datasets[0].full_round, "fell back to a full round");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("no longer valid")),
        "{:?}",
        report.warnings
    );
    assert_users_equal_tenant(&world);
}

#[test]
fn a_damaged_stored_delta_link_is_dropped_and_the_data_set_read_in_full() {
    let world = World::new(Preset::Demo, 42);
    finished(&world, world.begin(false, false), World::big_budget);
    world.server.state().churn(1.0, 3);
    // Damage as found in storage: not a link, or a link to another host (fetched with the token).
    for damaged in [
        "not a link at all",
        "https://evil.example.com/v1.0/users/delta?$deltatoken=abc",
    ] {
        world.store.values.borrow_mut().insert(
            "delta:users".into(),
            serde_json::Value::String(damaged.into()),
        );
        let (report, _) = finished(&world, world.begin(false, false), World::big_budget);
        assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
        assert!(report.datasets[0].full_round, "{damaged}: read in full");
        assert!(
            report.warnings.iter().any(|w| w.contains("delta:users")),
            "{:?}",
            report.warnings
        );
        assert_users_equal_tenant(&world);
        let healed = world.store.values.borrow().get("delta:users").cloned();
        assert!(
            healed.and_then(|v| v.as_str().map(|s| s.contains("$deltatoken="))) == Some(true),
            "a new link was committed"
        );
    }
}

#[test]
fn the_mass_deletion_guard_holds_the_retirements_until_confirmed() {
    let world = World::new(Preset::Small, 42);
    finished(
        &world,
        world.begin_with(false, false, &users_only()),
        World::big_budget,
    );
    // Half the users disappear from the tenant's point of view: a fresh app sees a "new" tenant
    // when the index claims users that Graph no longer lists.
    let dropped_assignments = world.server.state().update_tenant(|tenant| {
        let keep = tenant.users.len() / 2;
        let dropped: usize = tenant.users[keep..]
            .iter()
            .map(|u| u.assigned_licenses.len())
            .sum();
        tenant.users.truncate(keep);
        for user in &mut tenant.users {
            user.manager = user.manager.filter(|m| (*m as usize) < keep);
        }
        dropped as u64
    });
    let (result, _) = world.run(
        world.begin_with(false, true, &users_only()),
        World::big_budget,
    );
    let StepStatus::AwaitingConfirmation { retire, threshold } = result.status else {
        panic!(
            "expected the guard to stop the run, got {:?}",
            result.status
        );
    };
    // The guard asks about everything it removes: the users' licence assignments go too.
    assert_eq!(retire, 1000 + dropped_assignments);
    assert_eq!(threshold, 500, "5% of 2,000 is less than the 500 floor");
    // Writes are not held (as Entra Connect's accidental-delete prevention holds only deletions):
    // the users still listed are written, none is retired yet.
    let (live, retired) = actual_users(&world);
    assert!(retired.is_empty(), "nothing retired before confirmation");
    assert_eq!(live.len(), 2_000, "every user still there");
    assert!(matches!(
        result.checkpoint.phase,
        Phase::AwaitingConfirmation { .. }
    ));

    let mut confirmed = result.checkpoint;
    confirmed.confirmed = true;
    let (report, _) = finished(&world, confirmed, World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded);
    assert_eq!(report.datasets[0].objects["user"].retired, 1000);
    assert_users_equal_tenant(&world);
}

#[test]
fn throttled_runs_wait_as_told_and_never_send_while_told_to_wait() {
    let world = World::new(Preset::Small, 42);
    world
        .server
        .state()
        .set_throttle(entra_sync_sim::throttle::ThrottleConfig::budgets(4, 2_000));
    let (report, _) = finished(
        &world,
        world.begin_with(false, false, &users_only()),
        World::big_budget,
    );
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert!(
        report.tally.throttled > 0,
        "the budget of 4 units per 10 s must bite"
    );
    assert!(report.tally.waited_ms > 0);
    assert_users_equal_tenant(&world);

    let graph: Vec<_> = world
        .net
        .sent
        .borrow()
        .iter()
        .filter(|s| s.url.starts_with("https://graph.microsoft.com"))
        .cloned()
        .collect();
    assert_waited_as_told(&graph);
}

#[test]
fn a_filter_keeps_only_matching_users_and_changing_it_rereads_everything() {
    use entra_sync_core::sync::Selection;
    use entra_sync_core::sync::datasets::Dataset;

    let world = World::new(Preset::Demo, 42);
    let enabled_only = [Selection {
        dataset: Dataset::Users,
        filter: Some("accountEnabled eq true".into()),
    }];
    let (report, _) = finished(
        &world,
        world.begin_with(false, false, &enabled_only),
        World::big_budget,
    );
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let tenant = world.server.state().tenant();
    let enabled = tenant.users.iter().filter(|u| u.account_enabled).count();
    assert!(
        enabled < tenant.users.len(),
        "the demo tenant has disabled users"
    );
    let (live, _) = actual_users(&world);
    assert_eq!(live.len(), enabled);
    assert!(
        live.values()
            .all(|u| u["Account Enabled"].as_deref() == Some("true"))
    );

    // Dropping the filter reads everything again and brings the disabled users in.
    let (report, _) = finished(&world, world.begin(false, false), World::big_budget);
    assert!(report.datasets[0].full_round);
    assert_users_equal_tenant(&world);

    let bad = [Selection {
        dataset: Dataset::Users,
        filter: Some("officeLocation eq 'x'".into()),
    }];
    let error = pollster::block_on(entra_sync_core::sync::begin_run(
        &world.store,
        "run-bad".into(),
        "test".into(),
        false,
        false,
        0,
        &bad,
    ))
    .expect_err("officeLocation is not read");
    assert!(error.to_string().contains("does not read"), "{error}");
}

#[test]
fn retirements_under_assets_throttling_complete_and_hold_while_told_to_wait() {
    use entra_sync_sim::assets::RateLimit;
    let world = World::new(Preset::Demo, 42);
    let (report, _) = finished(&world, world.begin(false, false), World::big_budget);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let churn = world.server.state().churn(20.0, 11);
    assert!(
        !churn.users.removed.is_empty(),
        "churn removes users to retire"
    );
    for send_retry_after in [true, false] {
        world
            .server
            .state()
            .assets()
            .set_rate_limit(Some(RateLimit {
                per_minute: 20,
                send_retry_after,
            }));
        let (report, _) = finished(&world, world.begin(false, false), World::big_budget);
        assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
        world.server.state().assets().set_rate_limit(None);
        assert_users_equal_tenant(&world);
        if send_retry_after {
            assert!(
                report.tally.throttled > 0,
                "20 Assets calls a minute must bite"
            );
            let (_, deleted) = actual_users(&world);
            for (id, _) in &churn.users.removed {
                assert!(deleted.contains(&id.to_string()), "{id} is retired");
            }
        }
        let assets: Vec<_> = world
            .net
            .sent
            .borrow()
            .iter()
            .filter(|s| !s.url.starts_with("https://graph.microsoft.com"))
            .filter(|s| !s.url.starts_with("https://login.microsoftonline.com"))
            .cloned()
            .collect();
        assert_waited_as_told(&assets);
        world.net.sent.borrow_mut().clear();
        world.server.state().churn(5.0, 13);
    }
}

/// After a 429 that named a wait, the next request to that service went out no sooner.
fn assert_waited_as_told(sent: &[support::Sent]) {
    for pair in sent.windows(2) {
        if let (429, Some(wait)) = (pair[0].status, pair[0].retry_after_ms) {
            assert!(
                pair[1].at_ms >= pair[0].at_ms + wait,
                "sent {} ms after a 429 ({}) that asked for {wait} ms",
                pair[1].at_ms - pair[0].at_ms,
                pair[0].url
            );
        }
    }
}
