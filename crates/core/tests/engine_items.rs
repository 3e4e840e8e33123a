//! Items fail alone: a Graph item Entra Sync cannot read (no id, a property of the wrong type) is
//! skipped and listed with where it was, the run goes on, and nothing is retired because of it; too
//! many of them fail the data set. The simulator writes such items on request, as Graph does
//! (Microsoft's own `/groups/delta` sample has an item without `id`).

mod support;

use entra_sync_core::sync::datasets::Dataset;
use entra_sync_core::sync::{Checkpoint, Outcome, RunReport, Selection, StepStatus};
use entra_sync_sim::Preset;
use serde_json::{Map, Value, json};
use support::World;
use support::expect::{actual_assignments, actual_groups, actual_users};

fn finished(world: &World, checkpoint: Checkpoint) -> RunReport {
    let (result, _) = world.run(checkpoint, World::big_budget);
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

fn only(datasets: &[Dataset]) -> Vec<Selection> {
    datasets
        .iter()
        .map(|dataset| Selection {
            dataset: *dataset,
            filter: None,
        })
        .collect()
}

fn patch(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("not a patch: {other}"),
    }
}

/// Users whose items the simulator will write with `accountEnabled` as a string.
fn spoil_users(world: &World, ids: &[String]) {
    for id in ids {
        world.server.state().delta().doctor_item(
            "/v1.0/users/delta",
            id,
            patch(json!({"accountEnabled": "maybe"})),
        );
    }
}

#[test]
fn a_group_item_without_id_is_skipped_and_every_other_group_is_written() {
    let world = World::new(Preset::Demo, 42);
    let tenant = world.server.state().tenant();
    // A group on one item (at most 20 members), like the documented "All Company".
    let group = tenant
        .groups
        .iter()
        .find(|g| !g.members.is_empty() && g.members.len() <= 20)
        .expect("a small group");
    let nameless = group.id.to_string();
    world.server.state().delta().doctor_item(
        "/v1.0/groups/delta",
        &nameless,
        patch(json!({"id": null})),
    );
    let report = finished(
        &world,
        world.begin_with(false, false, &only(&[Dataset::Users, Dataset::Groups])),
    );
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.errors);
    let (written, _) = actual_groups(&world);
    let others: Vec<String> = tenant
        .groups
        .iter()
        .map(|g| g.id.to_string())
        .filter(|id| *id != nameless)
        .collect();
    assert_eq!(
        written.keys().cloned().collect::<Vec<_>>(),
        {
            let mut others = others.clone();
            others.sort();
            others
        },
        "every other group is written"
    );
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    let skipped = &report.skipped[0];
    assert_eq!(skipped.dataset, Dataset::Groups);
    assert!(skipped.reason.contains("no id"), "{}", skipped.reason);
    assert_eq!(skipped.id, None);
    assert!(skipped.page >= 1);
    assert!(
        skipped
            .request_id
            .as_deref()
            .is_some_and(|id| !id.is_empty()),
        "the page's Graph request-id is kept"
    );
    let groups = report
        .datasets
        .iter()
        .find(|d| d.dataset == Dataset::Groups)
        .expect("groups");
    assert_eq!(groups.skipped_items, 1);
    assert_eq!(
        groups.objects["group"].created as usize,
        others.len(),
        "created as Assets counted it"
    );
}

#[test]
fn an_item_with_a_known_id_but_a_bad_value_is_not_retired_in_a_full_round() {
    let world = World::new(Preset::Demo, 42);
    let selection = only(&[Dataset::Users]);
    let report = finished(&world, world.begin_with(false, false, &selection));
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.errors);
    let tenant = world.server.state().tenant();
    let user = tenant
        .users
        .iter()
        .find(|u| !u.assigned_licenses.is_empty())
        .expect("a licensed user");
    let id = user.id.to_ascii_lowercase();
    spoil_users(&world, std::slice::from_ref(&id));

    // A full round: what it does not see is retired, unless an unreadable item names it.
    let report = finished(&world, world.begin_with(false, true, &selection));
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.errors);
    assert!(report.datasets[0].full_round);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].id.as_deref(), Some(id.as_str()));
    assert!(
        report.skipped[0].reason.contains("invalid type"),
        "{}",
        report.skipped[0].reason
    );
    let counts = &report.datasets[0].objects;
    assert_eq!(
        (counts["user"].to_retire, counts["user"].retired),
        (0, 0),
        "{counts:?}"
    );
    assert_eq!(counts["licenceAssignment"].to_retire, 0, "{counts:?}");
    let (live, deleted) = actual_users(&world);
    assert!(live.contains_key(&id) && !deleted.contains(&id));
    let (assignments, deleted) = actual_assignments(&world);
    assert!(
        assignments
            .keys()
            .any(|key| key.starts_with(&format!("{id}:"))),
        "the user's licence assignments stay"
    );
    assert!(!deleted.iter().any(|key| key.starts_with(&format!("{id}:"))));
}

#[test]
fn too_many_unreadable_items_fail_the_data_set_with_the_threshold_named() {
    let world = World::new(Preset::Demo, 42);
    let selection = only(&[Dataset::Users]);
    let ids: Vec<String> = world
        .server
        .state()
        .tenant()
        .users
        .iter()
        .take(11)
        .map(|u| u.id.to_ascii_lowercase())
        .collect();
    // Ten are skipped: the data set may skip that many whatever its size.
    spoil_users(&world, &ids[..10]);
    let report = finished(&world, world.begin_with(false, false, &selection));
    assert_eq!(report.outcome, Outcome::Succeeded, "{:?}", report.errors);
    assert_eq!(report.datasets[0].skipped_items, 10);
    assert_eq!(report.skipped.len(), 10);

    // Eleven of 300 is more than 10 and more than 1 %: the data set fails.
    spoil_users(&world, &ids);
    let report = finished(&world, world.begin_with(false, true, &selection));
    assert_eq!(report.outcome, Outcome::Failed);
    let message = &report.errors[0].message;
    assert!(
        message.contains("11 users items out of 300")
            && message.contains("10 items, or 1% of those read"),
        "{message}"
    );
    assert_eq!(report.datasets[0].skipped_items, 11);
}
