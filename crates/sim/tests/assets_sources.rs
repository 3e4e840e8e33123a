//! Import sources as REST describes them (`GET importsource/{id}`: name and object schema) and
//! object types made by hand (`POST objecttype/create`), which an import may then clash with.

mod assets_support;

use assets_support::{assert_shape, spec_example, start};
use entra_sync_sim::assets::{DEMO_IMPORT_NAME, DEMO_SCHEMA_ID};
use serde_json::json;

#[test]
fn an_import_source_names_itself_and_its_object_schema_as_documented() {
    let assets = start();
    let reply = assets.send("GET", &assets.source(""), None);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["name"], DEMO_IMPORT_NAME);
    assert_eq!(reply.body["objectSchemaId"], DEMO_SCHEMA_ID.to_string());
    let documented = spec_example("/importsource/{id}", "get", "200");
    // Left out: fields of CSV/JSON imports and schedules, which an external import does not have.
    assert_shape(
        &reply.body,
        &documented,
        "importsource",
        &[
            "collectionId",
            "importSourceModuleKey",
            "dateFormat",
            "dateTimeFormat",
            "scheduledImportDetails",
        ],
    );

    let (other_schema, _) = assets.state().add_schema("Other", "OTH");
    let second = assets
        .state()
        .add_import_source(other_schema, "Second Entra import")
        .expect("the schema exists");
    let reply = assets.send("GET", &assets.v1(&format!("/importsource/{second}")), None);
    assert_eq!(reply.body["name"], "Second Entra import");
    assert_eq!(reply.body["objectSchemaId"], other_schema.to_string());

    let unknown = "00000000-0000-4000-8000-000000000000";
    let reply = assets.send("GET", &assets.v1(&format!("/importsource/{unknown}")), None);
    assert_eq!(reply.status, 404);
    assert!(assets.state().add_import_source(999, "x").is_none());
}

#[test]
fn an_object_type_made_by_hand_appears_in_its_schema_and_names_are_unique() {
    let assets = start();
    let create = |body: serde_json::Value| {
        assets.send("POST", &assets.v1("/objecttype/create"), Some(&body))
    };
    let reply = create(
        json!({"name": "Entra User", "iconId": "13", "objectSchemaId": DEMO_SCHEMA_ID.to_string()}),
    );
    assert_eq!(reply.status, 201, "{}", reply.body);
    assert_eq!(reply.body["name"], "Entra User");
    assert_eq!(reply.body["objectSchemaId"], DEMO_SCHEMA_ID.to_string());
    let types = assets.send(
        "GET",
        &assets.v1(&format!("/objectschema/{DEMO_SCHEMA_ID}/objecttypes")),
        None,
    );
    assert_eq!(types.body[0]["name"], "Entra User");

    let again =
        create(json!({"name": "entra user", "iconId": "13", "objectSchemaId": DEMO_SCHEMA_ID}));
    assert_eq!(again.status, 400, "a name taken in the schema");
    let nameless = create(json!({"iconId": "13", "objectSchemaId": DEMO_SCHEMA_ID}));
    assert_eq!(nameless.status, 400);
    let nowhere = create(json!({"name": "Laptop", "iconId": "13", "objectSchemaId": "999"}));
    assert_eq!(nowhere.status, 400);
}
