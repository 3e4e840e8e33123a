//! REST v1 and Jira REST: discovery, schemas, AQL search and paging, objects, permissions, 429s.

mod assets_support;

use assets_support::{AS_APP, Assets, assert_shape, entra_mapping, spec_example, start, user};
use entra_sync_sim::assets::{DEMO_WORKSPACE_ID, RateLimit};
use serde_json::{Value, json};

fn with_users(count: usize) -> Assets {
    let assets = start();
    assert_eq!(assets.put_mapping(&entra_mapping()).status, 204);
    let users: Vec<Value> = (1..=count)
        .map(|i| user(&format!("u{i}"), (i > 1).then_some("u1")))
        .collect();
    assets.run(&[json!({"users": users})]);
    assets
}

fn aql(assets: &Assets, query: &str, start_at: usize, max: usize) -> Value {
    let url = format!(
        "{}?startAt={start_at}&maxResults={max}",
        assets.v1("/object/aql")
    );
    let reply = assets.send("POST", &url, Some(&json!({"qlQuery": query})));
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.body
}

#[test]
fn aql_pages_until_is_last() {
    let assets = with_users(7);
    let mut seen = Vec::new();
    let mut start_at = 0;
    let mut pages = 0;
    loop {
        let page = aql(&assets, "objectType = \"Entra User\"", start_at, 3);
        pages += 1;
        assert_eq!(page["startAt"], start_at);
        assert_eq!(page["maxResults"], 3);
        assert_eq!(page["total"], 7);
        for value in page["values"].as_array().expect("values") {
            seen.push(value["id"].as_str().expect("id").to_string());
        }
        if page["isLast"] == true {
            assert_eq!(page["last"], true);
            break;
        }
        assert_eq!(page["isLast"], false);
        start_at += 3;
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), 7);
    let beyond = aql(&assets, "objectType = \"Entra User\"", 50, 3);
    assert_eq!(beyond["values"], json!([]));
    assert_eq!(beyond["isLast"], true);
}

#[test]
fn aql_filters_by_type_schema_attribute_and_external_id() {
    let assets = with_users(3);
    let by_attr = aql(
        &assets,
        "objectType = \"Entra User\" AND \"User Principal Name\" = \"U2@contoso.com\"",
        0,
        25,
    );
    assert_eq!(by_attr["total"], 1);
    let object = &by_attr["values"][0];
    assert_eq!(object["label"], "u2@contoso.com");
    let manager = object["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .flat_map(|a| {
            a["objectAttributeValues"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .find(|v| v["referencedType"] == true)
        .expect("manager reference");
    assert_eq!(manager["referencedObject"]["label"], "u1@contoso.com");
    assert!(
        by_attr["objectTypeAttributes"]
            .as_array()
            .is_some_and(|a| a.len() == 4)
    );

    assert_eq!(aql(&assets, "objectSchemaId = 1", 0, 25)["total"], 3);
    assert_eq!(aql(&assets, "externalId = u3", 0, 25)["total"], 1);
    assert_eq!(
        aql(&assets, "Manager = \"u1@contoso.com\"", 0, 25)["total"],
        2
    );
    assert_eq!(
        aql(
            &assets,
            "objectType = \"Entra User\" AND externalId IN (u1, u3)",
            0,
            25
        )["total"],
        2
    );
    assert_eq!(
        aql(&assets, "objectType = \"Managed Device\"", 0, 25)["total"],
        0
    );

    let count = assets.send(
        "POST",
        &assets.v1("/object/aql/totalcount"),
        Some(&json!({"qlQuery": "objectSchemaId = 1"})),
    );
    assert_eq!(count.body, json!({"totalCount": 3}));
    let bad = assets.send(
        "POST",
        &assets.v1("/object/aql"),
        Some(&json!({"qlQuery": "objectType = "})),
    );
    assert_eq!(bad.status, 400);
    assert!(
        bad.body["errorMessages"][0]
            .as_str()
            .is_some_and(|m| m.contains("AQL"))
    );
}

#[test]
fn aql_and_object_bodies_have_the_documented_shape() {
    let assets = with_users(2);
    let page = aql(&assets, "objectSchemaId = 1", 0, 25);
    let documented = spec_example("/object/aql", "post", "200");
    // SPEC's isLast is the string "false"; the sim sends a boolean (clients must accept both).
    assert_shape(
        &page,
        &documented,
        "",
        &["isLast", "avatar", "objectTypeAttributes", "attributes"],
    );
    let id = page["values"][0]["id"].as_str().expect("id").to_string();
    let object = assets.send("GET", &assets.v1(&format!("/object/{id}")), None);
    assert_eq!(object.status, 200);
    assert!(object.body["attributes"].is_array());
    assert_eq!(object.body["objectKey"], format!("ENTRA-{id}"));

    let list = assets.send("GET", &assets.v1("/objectschema/list"), None);
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["values"][0]["objectSchemaKey"], "ENTRA");
    assert_eq!(list.body["values"][0]["objectCount"], 2);
    let workspaces = assets.send(
        "GET",
        &assets.url("/rest/servicedeskapi/assets/workspace"),
        None,
    );
    assert_eq!(
        workspaces.body,
        json!({"size": 1, "start": 0, "limit": 50, "isLastPage": true, "_links": {},
                                       "values": [{"workspaceId": DEMO_WORKSPACE_ID}]})
    );
}

#[test]
fn objects_can_be_read_updated_and_deleted() {
    let assets = with_users(2);
    let page = aql(&assets, "externalId = u2", 0, 25);
    let object = &page["values"][0];
    let id = object["id"].as_str().expect("id").to_string();
    let type_id = object["objectType"]["id"]
        .as_str()
        .expect("type id")
        .to_string();
    let attrs = assets.send(
        "GET",
        &assets.v1(&format!("/objecttype/{type_id}/attributes")),
        None,
    );
    let upn = attrs
        .body
        .as_array()
        .expect("attrs")
        .iter()
        .find(|a| a["name"] == "User Principal Name")
        .expect("upn");
    let manager = attrs
        .body
        .as_array()
        .expect("attrs")
        .iter()
        .find(|a| a["name"] == "Manager")
        .expect("manager");
    assert_eq!(manager["type"], 1);

    let u2_key = format!("ENTRA-{id}");
    let update = json!({"objectTypeId": type_id, "attributes": [
        {"objectTypeAttributeId": upn["id"], "objectAttributeValues": [{"value": "renamed@contoso.com"}]},
        {"objectTypeAttributeId": manager["id"], "objectAttributeValues": [{"value": u2_key}]}]});
    let put = assets.send("PUT", &assets.v1(&format!("/object/{id}")), Some(&update));
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(put.body["label"], "renamed@contoso.com");
    let u2 = assets
        .state()
        .objects_of_type("Entra User")
        .into_iter()
        .find(|o| o["externalId"] == "u2")
        .expect("u2");
    assert_eq!(u2["attributes"]["Manager"]["key"], u2_key);
    assert_eq!(u2["attributes"]["Object ID"], "u2");

    let bad = json!({"attributes": [{"objectTypeAttributeId": "999999", "objectAttributeValues": [{"value": "x"}]}]});
    assert_eq!(
        assets
            .send("PUT", &assets.v1(&format!("/object/{id}")), Some(&bad))
            .status,
        400
    );

    assert_eq!(
        assets
            .send("DELETE", &assets.v1(&format!("/object/{id}")), None)
            .status,
        204
    );
    assert_eq!(
        assets
            .send("GET", &assets.v1(&format!("/object/{id}")), None)
            .status,
        404
    );
    assert_eq!(assets.state().objects_of_type("Entra User").len(), 1);
}

#[test]
fn mypermissions_answers_from_the_admin_set() {
    let assets = start();
    let url = assets.url("/rest/api/3/mypermissions?permissions=ADMINISTER");
    let as_user = |account: &str| {
        assets.send_with(
            "GET",
            &url,
            None,
            &[
                ("x-forge-provider", "user"),
                ("x-forge-account-id", account),
            ],
        )
    };
    let admin = as_user("local-admin");
    assert_eq!(admin.status, 200);
    assert_eq!(
        admin.body["permissions"]["ADMINISTER"]["havePermission"],
        true
    );
    assert_eq!(admin.body["permissions"]["ADMINISTER"]["type"], "GLOBAL");
    assert_eq!(
        as_user("someone-else").body["permissions"]["ADMINISTER"]["havePermission"],
        false
    );
    assert_eq!(
        assets.send("GET", &url, None).body["permissions"]["ADMINISTER"]["havePermission"],
        false
    );

    assets.state().set_admins(["someone-else"]);
    assert_eq!(
        as_user("someone-else").body["permissions"]["ADMINISTER"]["havePermission"],
        true
    );
    assert_eq!(
        as_user("local-admin").body["permissions"]["ADMINISTER"]["havePermission"],
        false
    );
    assert_eq!(
        assets
            .send("GET", &assets.url("/rest/api/3/mypermissions"), None)
            .status,
        400
    );
}

#[test]
fn over_budget_calls_get_429_with_or_without_retry_after() {
    let assets = start();
    let url = assets.v1("/objectschema/list");
    assets.state().set_rate_limit(Some(RateLimit {
        per_minute: 2,
        send_retry_after: true,
    }));
    assert_eq!(assets.send("GET", &url, None).status, 200);
    assert_eq!(assets.send("GET", &url, None).status, 200);
    let limited = assets.send("GET", &url, None);
    assert_eq!(limited.status, 429);
    let retry: u64 = limited
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    assert!(limited.body["errorMessages"].is_array());

    assets.state().set_rate_limit(Some(RateLimit {
        per_minute: 0,
        send_retry_after: false,
    }));
    let bare = assets.send_with(
        "GET",
        &assets.url("/rest/servicedeskapi/assets/workspace"),
        None,
        &AS_APP,
    );
    assert_eq!(bare.status, 429);
    assert_eq!(bare.header("retry-after"), None);

    assets.state().set_rate_limit(None);
    assert_eq!(assets.send("GET", &url, None).status, 200);
}

#[test]
fn snapshot_lists_schemas_types_and_objects() {
    let assets = with_users(2);
    let snapshot = assets.state().snapshot();
    assert_eq!(snapshot["workspaceId"], DEMO_WORKSPACE_ID);
    let types = &snapshot["schemas"][0]["objectTypes"];
    assert_eq!(types[0]["name"], "Entra User");
    assert_eq!(
        types[0]["attributes"],
        json!([
            "Object ID",
            "User Principal Name",
            "Account Enabled",
            "Manager"
        ])
    );
    assert_eq!(types[0]["objects"].as_array().map(Vec::len), Some(2));
    assert_eq!(types[1]["objects"], json!([]));
}
