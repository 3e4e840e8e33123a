//! The destination is the one the admin chose (an import of another schema, a schema whose types
//! clash with ours), and the mass-deletion guard asks exactly what the run then removes.

mod support;

use entra_sync_core::sync::datasets::Dataset;
use entra_sync_core::sync::{
    Checkpoint, DeletionPolicy, Guard, Outcome, RunReport, Selection, StepStatus,
};
use entra_sync_core::{HttpRequest, HttpTransport, Method};
use entra_sync_sim::Preset;
use support::World;

fn selection(datasets: &[Dataset]) -> Vec<Selection> {
    datasets
        .iter()
        .map(|dataset| Selection {
            dataset: *dataset,
            filter: None,
        })
        .collect()
}

fn users() -> Vec<Selection> {
    selection(&[Dataset::Users])
}

fn finished(world: &World, checkpoint: Checkpoint) -> RunReport {
    let (result, _) = world.run(checkpoint, World::big_budget);
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

fn graph_requests(world: &World) -> usize {
    world
        .net
        .sent
        .borrow()
        .iter()
        .filter(|s| s.url.starts_with("https://graph.microsoft.com"))
        .count()
}

/// An object type made by hand in the Assets UI, through the documented REST call.
fn type_by_hand(world: &World, schema_id: &str, name: &str) {
    let body = serde_json::json!({"name": name, "iconId": "13", "objectSchemaId": schema_id});
    let response = pollster::block_on(world.net.send(HttpRequest {
        method: Method::Post,
        url: format!(
            "/jsm/assets/workspace/{}/v1/objecttype/create",
            world.destination.workspace_id
        ),
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: Some(body.to_string()),
    }))
    .expect("sent");
    assert_eq!(response.status, 201, "{}", response.body);
}

#[test]
fn an_import_of_another_schema_is_refused_before_anything_is_read_or_written() {
    let mut world = World::new(Preset::Demo, 42);
    let (other_schema, _) = world.server.state().assets().add_schema("Other", "OTH");
    // The page chose "Other", but the import is the one of the demo schema.
    world.destination.schema_id = other_schema.to_string();
    let before = world.server.state().assets().snapshot();
    let report = finished(&world, world.begin_with(false, false, &users()));
    assert_eq!(report.outcome, Outcome::Failed);
    let message = &report.errors[0].message;
    assert!(
        message.contains("belongs to object schema 1")
            && message.contains("Pick an import of the chosen schema"),
        "{message}"
    );
    assert_eq!(graph_requests(&world), 0, "nothing is read");
    assert_eq!(world.server.state().assets().snapshot(), before);

    // An import of the chosen schema is accepted.
    let source = world
        .server
        .state()
        .assets()
        .add_import_source(other_schema, "Entra into Other")
        .expect("source");
    world.destination.import_source_id = source;
    let report = finished(&world, world.begin_with(false, false, &users()));
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
}

#[test]
fn an_import_assets_does_not_know_is_refused_with_the_fix() {
    let mut world = World::new(Preset::Demo, 42);
    world.destination.import_source_id = "00000000-0000-4000-8000-000000000000".into();
    let report = finished(&world, world.begin_with(false, false, &users()));
    assert_eq!(report.outcome, Outcome::Failed);
    assert!(
        report.errors[0].message.contains("Create import"),
        "{:?}",
        report.errors
    );
    assert_eq!(graph_requests(&world), 0);
}

#[test]
fn a_schema_with_a_clashing_type_name_stops_the_run_before_it_writes() {
    let mut world = World::new(Preset::Demo, 42);
    type_by_hand(&world, "1", "Entra User");
    type_by_hand(&world, "1", "Laptop");
    let before = world.server.state().assets().snapshot();
    let report = finished(&world, world.begin_with(false, false, &users()));
    assert_eq!(report.outcome, Outcome::Failed);
    let message = &report.errors[0].message;
    assert!(
        message.contains("Schema error")
            && message.contains("Use a dedicated object schema")
            && message.contains("(Entra User)"),
        "only the clashing name is named: {message}"
    );
    assert_eq!(
        world.server.state().assets().snapshot(),
        before,
        "nothing written"
    );
    assert_eq!(graph_requests(&world), 0);

    // A dedicated schema works, and its own types never clash with the next run.
    let (dedicated, source) = world.server.state().assets().add_schema("Entra", "ENT");
    world.destination.schema_id = dedicated.to_string();
    world.destination.import_source_id = source;
    for _ in 0..2 {
        let report = finished(&world, world.begin_with(false, false, &users()));
        assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    }
}

/// Objects of every type the users and groups data sets write that Assets holds as retired.
fn retired_in_assets(world: &World) -> usize {
    [
        "Entra User",
        "Licence Assignment",
        "Entra Group",
        "Entra Group Membership",
        "Licence",
    ]
    .iter()
    .map(|name| {
        world
            .server
            .state()
            .assets()
            .objects_of_type(name)
            .iter()
            .filter(|o| o["attributes"]["Status"] == "Deleted in Entra")
            .count()
    })
    .sum()
}

#[test]
fn the_guard_asks_exactly_what_the_run_then_removes_per_type_with_names() {
    let world = World::new(Preset::Demo, 42);
    let datasets = selection(&[Dataset::Users, Dataset::Groups]);
    let strict = Guard {
        policy: DeletionPolicy::Retire,
        percent: 1,
        minimum: 2,
    };
    let begin = || {
        let mut checkpoint = world.begin_with(false, false, &datasets);
        checkpoint.guard = strict;
        checkpoint
    };
    assert_eq!(finished(&world, begin()).outcome, Outcome::Succeeded);

    // Users leave with their memberships and licence assignments.
    let mut removed = 0;
    let mut seed = 7;
    while removed < 8 {
        removed += world.server.state().churn(60.0, seed).users.removed.len();
        seed += 1;
    }
    let (result, _) = world.run(begin(), World::big_budget);
    let StepStatus::AwaitingConfirmation { retire, .. } = result.status else {
        panic!("the strict guard must stop the run: {:?}", result.status);
    };
    let question = result.checkpoint.question.clone().expect("the question");
    assert_eq!(question.verb, "Retire");
    assert_eq!(retire, question.total, "the count asked is the total");
    let per_type: u64 = question.types.iter().map(|t| t.count).sum();
    assert_eq!(per_type, question.total);
    assert!(
        question.types.iter().any(|t| t.object_type == "user") && question.types.len() > 1,
        "users and what goes with them: {question:?}"
    );
    for removal in &question.types {
        assert!(
            removal.samples.len() == (removal.count as usize).min(10),
            "{removal:?}"
        );
    }
    // Named as Assets labels them, not by id; a licence assignment or a membership (labelled by
    // its identity) by the objects it references that Assets holds.
    for removal in &question.types {
        for name in &removal.samples {
            assert!(
                !name
                    .split(':')
                    .any(|part| uuid::Uuid::parse_str(part).is_ok()),
                "{} named by id: {name}",
                removal.label
            );
        }
    }

    let before = retired_in_assets(&world);
    let mut confirmed = result.checkpoint;
    confirmed.confirmed = true;
    let report = finished(&world, confirmed);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let reported: u64 = report
        .datasets
        .iter()
        .flat_map(|d| d.objects.values())
        .map(|c| c.retired)
        .sum();
    assert_eq!(reported, question.total, "the report counts what was asked");
    assert_eq!(
        (retired_in_assets(&world) - before) as u64,
        question.total,
        "Assets retired exactly the number confirmed"
    );
}
