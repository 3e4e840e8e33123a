//! Self-healing of the committed index: a damaged shard or meta, a missing shard, a meta lost with
//! its shards left. The run that meets the damage succeeds, names the key in a warning, reads the
//! data set in full and leaves Assets equal to the tenant, retiring also the objects the damaged
//! value held that Entra no longer has (taken back from Assets); the run after it is incremental.

mod support;

use entra_sync_core::sync::datasets::Dataset;
use entra_sync_core::sync::index::shard_of;
use entra_sync_core::sync::{Outcome, RunReport, Selection, StepStatus};
use entra_sync_sim::Preset;
use serde_json::{Value, json};
use support::World;
use support::expect::assert_users_equal_tenant;

fn users_only() -> Vec<Selection> {
    vec![Selection {
        dataset: Dataset::Users,
        filter: None,
    }]
}

fn sync(world: &World) -> RunReport {
    let (result, _) = world.run(
        world.begin_with(false, false, &users_only()),
        World::big_budget,
    );
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

/// A committed users index, then churn; answers the ids of the users churn removed.
fn synced_then_churned(world: &World) -> Vec<String> {
    assert_eq!(sync(world).outcome, Outcome::Succeeded);
    let churn = world.server.state().churn(10.0, 11);
    let removed: Vec<String> = churn
        .users
        .removed
        .iter()
        .map(|(id, _)| id.to_string().to_ascii_lowercase())
        .collect();
    assert!(!removed.is_empty(), "churn removed users");
    removed
}

/// The shard key of the users index that holds `id`.
fn shard_holding(world: &World, id: &str) -> String {
    let meta = world.store.values.borrow()["index:user:meta"].clone();
    let shards = meta["shards"].as_u64().expect("shard count") as u32;
    format!("index:user:{}", shard_of(id, shards))
}

fn put(world: &World, key: &str, value: Value) {
    world.store.values.borrow_mut().insert(key.into(), value);
}

/// The damaged run heals: succeeded, full, the key named, Assets equal to the tenant with every
/// removed user retired; the next run reads the delta link again and warns of nothing.
fn assert_healed(world: &World, key: &str, removed: &[String]) {
    let report = sync(world);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert!(report.datasets[0].full_round, "read in full");
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains(key) && w.contains("read in full")),
        "{:?}",
        report.warnings
    );
    let retired = assert_users_equal_tenant(world);
    for id in removed {
        assert!(retired.contains(id), "{id} is marked Deleted in Entra");
    }
    world.server.state().churn(1.0, 9);
    let next = sync(world);
    assert_eq!(next.outcome, Outcome::Succeeded, "{next:?}");
    assert!(!next.datasets[0].full_round, "incremental again");
    assert!(next.warnings.is_empty(), "{:?}", next.warnings);
    assert_users_equal_tenant(world);
}

#[test]
fn a_damaged_shard_met_by_a_delta_round_is_rebuilt_and_its_gone_users_retired() {
    let world = World::new(Preset::Demo, 42);
    let removed = synced_then_churned(&world);
    let key = shard_holding(&world, &removed[0]);
    put(&world, &key, json!("garbage"));
    assert_healed(&world, &key, &removed);
}

#[test]
fn a_missing_shard_is_rebuilt() {
    let world = World::new(Preset::Demo, 42);
    let removed = synced_then_churned(&world);
    let key = shard_holding(&world, &removed[0]);
    world.store.values.borrow_mut().remove(&key);
    assert_healed(&world, &key, &removed);
}

#[test]
fn a_meta_of_an_unknown_format_drops_the_index_and_assets_tells_what_it_held() {
    let world = World::new(Preset::Demo, 42);
    let removed = synced_then_churned(&world);
    put(
        &world,
        "index:user:meta",
        json!({"version": 7, "shards": 16}),
    );
    assert_healed(&world, "index:user:meta", &removed);
}

#[test]
fn a_meta_with_an_inconsistent_shard_count_is_damage() {
    let world = World::new(Preset::Demo, 42);
    let removed = synced_then_churned(&world);
    put(
        &world,
        "index:user:meta",
        json!({"version": 3, "shards": 24, "entries": 5}),
    );
    assert_healed(&world, "index:user:meta", &removed);
}

#[test]
fn a_meta_lost_with_its_shards_left_is_rebuilt() {
    let world = World::new(Preset::Demo, 42);
    let removed = synced_then_churned(&world);
    world.store.values.borrow_mut().remove("index:user:meta");
    assert_healed(&world, "index:user:meta", &removed);
}
