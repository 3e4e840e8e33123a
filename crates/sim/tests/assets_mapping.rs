//! `importsource/{id}/mapping` and friends: JSON Schema validation, the types it creates, configstatus.

mod assets_support;

use assets_support::{IBU_MAPPING, entra_mapping, fixture, start};
use serde_json::json;

#[test]
fn the_ibu_mapping_is_accepted_and_creates_its_types() {
    let assets = start();
    let status = assets.send("GET", &assets.source("/configstatus"), None);
    assert_eq!(status.body, json!({"status": "MISSING_MAPPING"}));

    let reply = assets.put_mapping(&fixture(IBU_MAPPING));
    assert_eq!(reply.status, 204, "{}", reply.body);
    let status = assets.send("GET", &assets.source("/configstatus"), None);
    assert_eq!(status.body, json!({"status": "IDLE"}));

    let types = assets.send("GET", &assets.v1("/objectschema/1/objecttypes/flat"), None);
    assert_eq!(types.status, 200);
    assert_eq!(types.body[0]["name"], "Product");
    let type_id = types.body[0]["id"].as_str().expect("string id").to_string();
    let attrs = assets.send(
        "GET",
        &assets.v1(&format!("/objecttype/{type_id}/attributes")),
        None,
    );
    let names: Vec<&str> = attrs
        .body
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Key",
            "Name",
            "Description",
            "Price",
            "Category",
            "Brand",
            "Rating",
            "Stock"
        ]
    );
    assert_eq!(attrs.body[1]["label"], true);
    assert_eq!(
        attrs.body[3]["defaultType"],
        json!({"id": 3, "name": "Double"})
    );

    // GET returns the document with the fixture's external ids, every field spelled out.
    let read = assets.send("GET", &assets.source("/schema-and-mapping"), None);
    assert_eq!(read.status, 200);
    let product = &read.body["schema"]["objectSchema"]["objectTypes"][0];
    assert_eq!(
        product["externalId"],
        "cmdb::externalId/6731111f-bffd-48ee-b266-ce3d1b2e2132"
    );
    assert_eq!(
        read.body["mapping"]["objectTypeMappings"][0]["selector"],
        "products"
    );
    assert_eq!(
        read.body["mapping"]["objectTypeMappings"][0]["attributesMapping"][1]["externalIdPart"],
        false
    );

    // Putting it again changes nothing: same types, no duplicates.
    assert_eq!(assets.put_mapping(&fixture(IBU_MAPPING)).status, 204);
    let again = assets.send("GET", &assets.v1("/objectschema/1/objecttypes"), None);
    assert_eq!(again.body.as_array().map(Vec::len), Some(1));
}

#[test]
fn a_document_breaking_the_json_schema_is_rejected_with_its_violations() {
    let assets = start();
    let mut broken = fixture(IBU_MAPPING);
    broken["mapping"]["objectTypeMappings"][0]
        .as_object_mut()
        .expect("mapping object")
        .remove("selector");
    broken["schema"]["objectSchema"]["objectTypes"][0]["attributes"][3]["type"] = json!("money");
    broken["mapping"]["objectTypeMappings"][0]["attributesMapping"][0]["attributeLocators"] =
        json!([]);

    let reply = assets.put_mapping(&broken);
    assert_eq!(reply.status, 400, "{}", reply.body);
    let messages = reply.body["errorMessages"]
        .as_array()
        .expect("errorMessages");
    let text = reply.body["errorMessages"].to_string();
    assert_eq!(messages.len(), 3, "{text}");
    assert!(
        text.contains("/mapping/objectTypeMappings/0: missing required property \\\"selector\\\""),
        "{text}"
    );
    assert!(
        text.contains("/schema/objectSchema/objectTypes/0/attributes/3/type"),
        "{text}"
    );
    assert!(
        text.contains("attributeLocators: needs at least 1"),
        "{text}"
    );
    assert_eq!(reply.body["errors"], json!({}));
    let status = assets.send("GET", &assets.source("/configstatus"), None);
    assert_eq!(status.body["status"], "MISSING_MAPPING");
    assert_eq!(
        assets
            .send("GET", &assets.v1("/objectschema/1/objecttypes"), None)
            .body,
        json!([])
    );
}

#[test]
fn rules_beyond_the_json_schema_are_checked() {
    let assets = start();
    // A reference to a type the document does not define.
    let mut dangling = entra_mapping();
    dangling["schema"]["objectSchema"]["objectTypes"][1]["attributes"][2]["referenceObjectTypeExternalId"] =
        json!("nope");
    let reply = assets.put_mapping(&dangling);
    assert_eq!(reply.status, 400);
    assert!(
        reply.body.to_string().contains("referenced_object"),
        "{}",
        reply.body
    );

    // External ids are all-or-none.
    let mut partial = entra_mapping();
    partial["schema"]["objectSchema"]["objectTypes"][0]["attributes"][1]
        .as_object_mut()
        .expect("attribute")
        .remove("externalId");
    assert_eq!(assets.put_mapping(&partial).status, 400);

    // A mapping naming an attribute the type does not have.
    let mut unknown = entra_mapping();
    unknown["mapping"]["objectTypeMappings"][0]["attributesMapping"][1]["attributeExternalId"] =
        json!("entra-sync/nope");
    assert_eq!(assets.put_mapping(&unknown).status, 400);
    assert_eq!(
        assets
            .send("GET", &assets.v1("/objectschema/1/objecttypes"), None)
            .body,
        json!([])
    );

    // Once stored, an attribute's type cannot change and a type cannot be renamed.
    assert_eq!(assets.put_mapping(&entra_mapping()).status, 204);
    let mut retyped = entra_mapping();
    retyped["schema"]["objectSchema"]["objectTypes"][0]["attributes"][2]["type"] = json!("text");
    assert_eq!(
        assets
            .send("PATCH", &assets.source("/mapping"), Some(&retyped))
            .status,
        400
    );
    let mut renamed = entra_mapping();
    renamed["schema"]["objectSchema"]["objectTypes"][0]["name"] = json!("Person");
    renamed["mapping"]["objectTypeMappings"][0]["objectTypeName"] = json!("Person");
    assert_eq!(
        assets
            .send("PATCH", &assets.source("/mapping"), Some(&renamed))
            .status,
        400
    );
}

#[test]
fn async_patch_redirects_to_a_finished_progress_resource() {
    let assets = start();
    assert_eq!(assets.put_mapping(&entra_mapping()).status, 204);
    let mut patched = entra_mapping();
    patched["schema"]["objectSchema"]["objectTypes"][0]["attributes"]
        .as_array_mut()
        .expect("attributes")
        .push(json!({"externalId": "entra-sync/user/mail", "name": "Mail", "description": "mail", "type": "email"}));
    let reply = assets.send(
        "PATCH",
        &format!("{}?async=true", assets.source("/mapping")),
        Some(&patched),
    );
    assert_eq!(reply.status, 303, "{}", reply.body);
    let location = reply.header("location").expect("Location").to_string();
    assert!(location.contains("/mapping/progress/"), "{location}");
    let progress = assets.send("GET", &location, None);
    assert_eq!(progress.body["progressStatus"], "FINISHED");
    assert_eq!(progress.body["result"], "OK");
    let read = assets.send("GET", &assets.source("/schema-and-mapping"), None);
    let user_attrs = &read.body["schema"]["objectSchema"]["objectTypes"][0]["attributes"];
    assert_eq!(user_attrs.as_array().map(Vec::len), Some(5));
}

#[test]
fn documents_without_external_ids_follow_2021_and_get_generated_ids() {
    let assets = start();
    let doc = json!({"schema": {"objectSchema": {"name": "Legacy", "description": "", "objectTypes": [
        {"name": "Group", "description": "", "attributes": [{"name": "Name", "description": "", "type": "text", "label": true}]}]}},
        "mapping": {"objectTypeMappings": [{"objectTypeName": "Group", "selector": "groups", "description": "",
            "attributesMapping": [{"attributeName": "Name", "attributeLocators": ["displayName"], "externalIdPart": true}]}]}});
    let reply = assets.put_mapping(&doc);
    assert_eq!(reply.status, 204, "{}", reply.body);
    let read = assets.send("GET", &assets.source("/schema-and-mapping"), None);
    let ext = read.body["schema"]["objectSchema"]["objectTypes"][0]["externalId"]
        .as_str()
        .expect("generated");
    assert!(ext.starts_with("cmdb::externalId/"), "{ext}");
}

#[test]
fn the_insight_prefix_serves_the_same_api() {
    let assets = start();
    let url = assets.url(&format!(
        "/jsm/insight/workspace/{}/v1/importsource/{}/configstatus",
        entra_sync_sim::assets::DEMO_WORKSPACE_ID,
        entra_sync_sim::assets::DEMO_IMPORT_SOURCE_ID
    ));
    assert_eq!(
        assets.send("GET", &url, None).body,
        json!({"status": "MISSING_MAPPING"})
    );
    let unauthenticated = assets.send_with("GET", &url, None, &[]);
    assert_eq!(unauthenticated.status, 401);
    let wrong_ws = assets.send(
        "GET",
        &assets.url("/jsm/assets/workspace/nope/v1/objectschema/list"),
        None,
    );
    assert_eq!(wrong_ws.status, 404);
}
