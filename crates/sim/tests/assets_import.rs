//! Import executions: lifecycle, 409s, cancel, idempotent upserts, references, missing objects.

mod assets_support;

use assets_support::{Assets, assert_shape, entra_mapping, fixture, spec_example, start, user};
use entra_sync_sim::assets::{DEMO_IMPORT_SOURCE_ID, DEMO_IMPORT_TOKEN, MissingPolicy};
use serde_json::json;

fn mapped() -> Assets {
    let assets = start();
    let reply = assets.put_mapping(&entra_mapping());
    assert_eq!(reply.status, 204, "{}", reply.body);
    assets
}

#[test]
fn two_chunks_with_a_reference_resolved_across_them() {
    let assets = mapped();
    let links = assets.start_execution();
    assert_eq!(assets.status(&links), json!({"status": "INGESTING"}));
    assert_eq!(
        assets
            .send("GET", &assets.source("/configstatus"), None)
            .body["status"],
        "RUNNING"
    );

    // The report's manager and the device's user arrive only in the second chunk.
    let first = assets.submit(
        &links,
        json!({"users": [user("u2", Some("u1"))]}),
        false,
        "run-1-chunk-0",
    );
    assert_eq!(first.status, 200, "{}", first.body);
    let second = assets.submit(
        &links,
        json!({"users": [user("u1", None)],
               "managedDevices": [{"id": "d1", "deviceName": "LAPTOP-1", "userId": "u2"}]}),
        true,
        "run-1-chunk-1",
    );
    assert_eq!(second.status, 200, "{}", second.body);

    assert_eq!(assets.status(&links), json!({"status": "PROCESSING"}));
    let done = assets.status(&links);
    assert_eq!(done["status"], "DONE", "{done}");
    let users = Assets::counters(&done, "Entra User");
    assert_eq!(users["objectsCreated"], 2);
    assert_eq!(users["entriesInSource"], 2);
    assert_eq!(users["objectsWithUpdatedReferences"], 1);
    assert_eq!(
        Assets::counters(&done, "Managed Device")["objectsCreated"],
        1
    );
    assert_eq!(done["progressResult"]["result"], "OK");
    assert_eq!(
        assets
            .send("GET", &assets.source("/configstatus"), None)
            .body["status"],
        "IDLE"
    );

    let users = assets.state().objects_of_type("Entra User");
    let u2 = users.iter().find(|u| u["externalId"] == "u2").expect("u2");
    assert_eq!(u2["attributes"]["Manager"]["externalId"], "u1");
    assert_eq!(u2["attributes"]["Account Enabled"], "true");
    assert_eq!(u2["label"], "u2@contoso.com");
    let device = &assets.state().objects_of_type("Managed Device")[0];
    assert_eq!(
        device["attributes"]["Primary User"]["label"],
        "u2@contoso.com"
    );

    let latest = assets.send("GET", &assets.source("/executions/status"), None);
    assert_eq!(latest.body["status"], "DONE");
}

#[test]
fn refused_starts_answer_409_with_the_documented_body() {
    let assets = start();
    let missing = assets.send("POST", &assets.source("/executions"), None);
    assert_eq!(missing.status, 409);
    assert_eq!(
        missing.body,
        json!({"result": "error", "errorCode": "MISSING_MAPPING"})
    );
    assert_eq!(
        assets
            .send("GET", &assets.source("/executions/status"), None)
            .status,
        404
    );

    assert_eq!(assets.put_mapping(&entra_mapping()).status, 204);
    assets.start_execution();
    let busy = assets.send("POST", &assets.source("/executions"), None);
    assert_eq!(busy.status, 409);
    assert_eq!(
        busy.body,
        json!({"result": "error", "errorCode": "IN_PROGRESS"})
    );

    assert!(assets.state().set_disabled(DEMO_IMPORT_SOURCE_ID, true));
    assert_eq!(
        assets
            .send("GET", &assets.source("/configstatus"), None)
            .body["status"],
        "DISABLED"
    );
    let disabled = assets.send("POST", &assets.source("/executions"), None);
    assert_eq!(disabled.status, 409);
    assert_eq!(
        disabled.body,
        json!({"result": "error", "errorCode": "DISABLED"})
    );
}

#[test]
fn cancel_drops_the_chunks_and_frees_the_source() {
    let assets = mapped();
    let links = assets.start_execution();
    assert_eq!(
        assets
            .submit(&links, json!({"users": [user("u1", None)]}), false, "c0")
            .status,
        200
    );
    let cancel = assets.send("DELETE", links["cancel"].as_str().expect("cancel"), None);
    assert_eq!(cancel.status, 200);
    assert_eq!(cancel.body, serde_json::Value::Null);
    assert_eq!(assets.status(&links)["status"], "CANCELLED");
    let late = assets.submit(&links, json!({"users": []}), true, "c1");
    assert_eq!(late.status, 400);
    assert!(assets.state().objects_of_type("Entra User").is_empty());
    assert_eq!(
        assets
            .send("GET", &assets.source("/configstatus"), None)
            .body["status"],
        "IDLE"
    );
    assets.start_execution();
}

#[test]
fn chunks_follow_the_patched_request_body() {
    let assets = mapped();
    let links = assets.start_execution();
    let url = links["submitResults"].as_str().expect("submitResults");
    let without_completed = assets.send("POST", url, Some(&json!({"data": {"users": []}})));
    assert_eq!(without_completed.status, 400);
    let extra = assets.send(
        "POST",
        url,
        Some(&json!({"data": {}, "completed": false, "x": 1})),
    );
    assert_eq!(extra.status, 400);
    let not_object = assets.send("POST", url, Some(&json!({"data": [], "completed": false})));
    assert_eq!(not_object.status, 400);
    // The IBU fixture chunk is accepted as is (its selector is simply unmapped here).
    let ibu =
        fixture("fixtures/ibuchanan-forge-assets-import/tests_data_payload_data-submission.json");
    assert_eq!(assets.send("POST", url, Some(&ibu)).status, 200);
    assert_eq!(assets.submit(&links, json!({}), true, "last").status, 200);
    assert_eq!(
        assets.submit(&links, json!({}), true, "after-last").status,
        400
    );
}

#[test]
fn the_same_data_twice_updates_nothing() {
    let assets = mapped();
    let data = json!({"users": [user("u1", None), user("u2", Some("u1"))]});
    let first = assets.run(std::slice::from_ref(&data));
    assert_eq!(Assets::counters(&first, "Entra User")["objectsCreated"], 2);

    let second = assets.run(&[data]);
    let users = Assets::counters(&second, "Entra User");
    assert_eq!(users["objectsCreated"], 0);
    assert_eq!(users["objectsUpdated"], 0);
    assert_eq!(users["objectsIdentical"], 2);
    assert_eq!(users["objectsWithUpdatedReferences"], 0);
    assert_eq!(assets.state().objects_of_type("Entra User").len(), 2);

    let mut changed = user("u2", Some("u1"));
    changed["accountEnabled"] = json!(false);
    let third = assets.run(&[json!({"users": [user("u1", None), changed, user("u1", None)]})]);
    let users = Assets::counters(&third, "Entra User");
    assert_eq!(users["objectsUpdated"], 1);
    assert_eq!(users["objectsIdentical"], 1);
    assert_eq!(users["duplicateEnries"], 1);
    assert_eq!(assets.state().objects_of_type("Entra User").len(), 2);
}

#[test]
fn missing_objects_are_ignored_by_default_and_removed_when_configured() {
    let assets = mapped();
    assets.run(&[json!({"users": [user("u1", None), user("u2", Some("u1")), user("u3", None)]})]);

    let ignored = assets.run(&[json!({"users": [user("u2", Some("u1"))]})]);
    let users = Assets::counters(&ignored, "Entra User");
    assert_eq!(users["objectsMissingDeleted"], 0);
    assert_eq!(assets.state().objects_of_type("Entra User").len(), 3);

    assets
        .state()
        .set_missing_policy(
            DEMO_IMPORT_SOURCE_ID,
            "Entra User",
            MissingPolicy::Update {
                attribute: "Account Enabled".into(),
                value: "false".into(),
            },
        )
        .expect("policy");
    let updated = assets.run(&[json!({"users": [user("u1", None), user("u2", Some("u1"))]})]);
    assert_eq!(
        Assets::counters(&updated, "Entra User")["objectsMissingUpdated"],
        1
    );

    assets
        .state()
        .set_missing_policy(DEMO_IMPORT_SOURCE_ID, "Entra User", MissingPolicy::Remove)
        .expect("policy");
    // u2 still names u1 as manager; u1 is removed afterwards, and the reference with it.
    let removed = assets.run(&[json!({"users": [user("u2", Some("u1"))]})]);
    let users = Assets::counters(&removed, "Entra User");
    assert_eq!(users["objectsMissingDeleted"], 2);
    let left = assets.state().objects_of_type("Entra User");
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["externalId"], "u2");
    assert!(
        left[0]["attributes"].get("Manager").is_none(),
        "{}",
        left[0]
    );
}

#[test]
fn token_mode_links_lead_to_the_bound_import_source() {
    let assets = mapped();
    let bearer = format!("Bearer {DEMO_IMPORT_TOKEN}");
    let info = assets.send_with(
        "GET",
        &assets.url("/jsm/assets/v1/imports/info"),
        None,
        &[("Authorization", &bearer)],
    );
    assert_eq!(info.status, 200, "{}", info.body);
    let documented =
        fixture("fixtures/ibuchanan-forge-assets-import/tests_data_rest-api_response_info.json");
    assert_shape(&info.body, &documented, "", &[]);
    for (name, link) in info.body["links"].as_object().expect("links") {
        let documented = documented["links"][name].as_str().expect("documented link");
        let tail = |url: &str| {
            url.split("/importsource/")
                .nth(1)
                .map(|t| t.split('/').skip(1).collect::<Vec<_>>().join("/"))
        };
        assert_eq!(
            tail(link.as_str().expect("link")),
            tail(documented),
            "{name}"
        );
    }
    let status = assets.send_with(
        "GET",
        info.body["links"]["getStatus"].as_str().expect("getStatus"),
        None,
        &[("Authorization", &bearer)],
    );
    assert_eq!(status.body, json!({"status": "IDLE"}));

    let bad = assets.send_with(
        "GET",
        &assets.url("/jsm/assets/v1/imports/info"),
        None,
        &[("Authorization", "Bearer ATCTT3xFfGN0-wrong")],
    );
    assert_eq!(bad.status, 401);
    let (_, other_source) = assets.state().add_schema("Other", "OTH");
    let foreign = assets.send_with(
        "GET",
        &assets.v1(&format!("/importsource/{other_source}/configstatus")),
        None,
        &[("Authorization", &bearer)],
    );
    assert_eq!(foreign.status, 401);
}

#[test]
fn start_and_status_bodies_have_the_documented_shape() {
    let assets = mapped();
    let start = assets.send("POST", &assets.source("/executions"), None);
    let documented = spec_example("/importsource/{importSourceId}/executions", "post", "200");
    assert_shape(&start.body, &documented, "", &[]);
    let links = start.body["links"].clone();
    assets.submit(
        &links,
        json!({"managedDevices": [{"id": "d1", "deviceName": "X", "userId": null}]}),
        true,
        "only",
    );
    assets.status(&links);
    let done = assets.status(&links);
    let documented = spec_example(
        "/importsource/{importSourceId}/executions/{importExecutionId}/status",
        "get",
        "200",
    );
    // SPEC's example keys its map by a type id; compare one entry with one entry.
    let mut expected = documented.clone();
    let example_entry = documented["progressResult"]["objectTypeResultMap"]
        .as_object()
        .and_then(|m| m.values().next().cloned())
        .expect("example entry");
    let ours = done["progressResult"]["objectTypeResultMap"]
        .as_object()
        .and_then(|m| m.values().next().cloned())
        .expect("our entry");
    expected["progressResult"]["objectTypeResultMap"] = json!({});
    assert_shape(&done, &expected, "", &["infoMessage", "errorMessages"]);
    assert_shape(&ours, &example_entry, "objectTypeResultMap/*", &[]);
}

#[test]
fn the_ibu_fixtures_import_end_to_end() {
    let assets = start();
    let mapping = fixture(assets_support::IBU_MAPPING);
    assert_eq!(assets.put_mapping(&mapping).status, 204);
    let chunk =
        fixture("fixtures/ibuchanan-forge-assets-import/tests_data_payload_data-submission.json");
    let products = chunk["data"]["products"]
        .as_array()
        .map(Vec::len)
        .expect("products");
    let done = assets.run(&[chunk["data"].clone()]);
    let counters = Assets::counters(&done, "Product");
    assert_eq!(counters["objectsCreated"], products as u64);
    let first = assets
        .state()
        .objects_of_type("Product")
        .into_iter()
        .find(|p| p["externalId"] == "1")
        .expect("product 1");
    assert_eq!(first["label"], "Essence Mascara Lash Princess");
    assert_eq!(first["attributes"]["Price"], "9.99");
    assert_eq!(first["attributes"]["Key"], "1");
}

#[test]
fn references_by_external_id_and_by_key_attribute() {
    let assets = start();
    let mut mapping = entra_mapping();
    mapping["mapping"]["objectTypeMappings"][0]["attributesMapping"][3]["objectMappingIQL"] =
        json!("externalId = ${managerId}");
    mapping["mapping"]["objectTypeMappings"][1]["attributesMapping"][2]["objectMappingIQL"] =
        json!("Key = ${userId}");
    assert_eq!(assets.put_mapping(&mapping).status, 204);
    let u1_key = |assets: &Assets| {
        assets
            .state()
            .objects_of_type("Entra User")
            .into_iter()
            .find(|u| u["externalId"] == "u1")
            .map(|u| u["key"].clone())
    };
    assets.run(&[json!({"users": [user("u1", None)]})]);
    let key = u1_key(&assets)
        .expect("u1")
        .as_str()
        .expect("key")
        .to_string();
    let done = assets.run(&[json!({"users": [user("u1", None), user("u2", Some("u1"))],
                                   "managedDevices": [{"id": "d1", "deviceName": "PC", "userId": key},
                                                      {"id": "d2", "deviceName": "PC2", "userId": "ENTRA-999999"}]})]);
    let u2 = assets
        .state()
        .objects_of_type("Entra User")
        .into_iter()
        .find(|u| u["externalId"] == "u2")
        .expect("u2");
    assert_eq!(u2["attributes"]["Manager"]["externalId"], "u1");
    let devices = assets.state().objects_of_type("Managed Device");
    let d1 = devices
        .iter()
        .find(|d| d["externalId"] == "d1")
        .expect("d1");
    assert_eq!(d1["attributes"]["Primary User"]["externalId"], "u1");
    // An unresolvable reference is left empty and reported, like Assets' per-type error messages.
    let d2 = devices
        .iter()
        .find(|d| d["externalId"] == "d2")
        .expect("d2");
    assert!(d2["attributes"].get("Primary User").is_none());
    let device_counters = Assets::counters(&done, "Managed Device");
    assert!(
        device_counters["errorMessages"]
            .as_str()
            .is_some_and(|m| m.contains("ENTRA-999999")),
        "{device_counters}"
    );
}
