//! Objects changed by a person in the Assets UI, and AQL on `Created`/`Updated` finding them:
//! timestamps on the sim clock, `<`, `>`, `<=`, `>=` with dates and `now()`-style functions,
//! `object/aql/totalcount`, and the control calls that delete or edit objects by type or key.

mod assets_support;

use assets_support::{Assets, entra_mapping, start, user};
use serde_json::{Value, json};

fn with_users(count: usize) -> Assets {
    let assets = start();
    assert_eq!(assets.put_mapping(&entra_mapping()).status, 204);
    let users: Vec<Value> = (1..=count).map(|i| user(&format!("u{i}"), None)).collect();
    assets.run(&[json!({"users": users})]);
    assets
}

fn keys(assets: &Assets, query: &str) -> Vec<String> {
    let url = format!("{}?maxResults=100", assets.v1("/object/aql"));
    let reply = assets.send("POST", &url, Some(&json!({"qlQuery": query})));
    assert_eq!(reply.status, 200, "{query}: {}", reply.body);
    let mut keys: Vec<String> = reply.body["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["objectKey"].as_str().unwrap().to_string())
        .collect();
    keys.sort();
    keys
}

fn count(assets: &Assets, query: &str) -> u64 {
    let reply = assets.send(
        "POST",
        &assets.v1("/object/aql/totalcount"),
        Some(&json!({"qlQuery": query})),
    );
    assert_eq!(reply.status, 200, "{query}: {}", reply.body);
    reply.body["totalCount"].as_u64().unwrap()
}

fn control(assets: &Assets, path: &str, body: Value) -> (u16, Value) {
    let reply = assets.send("POST", &assets.url(path), Some(&body));
    (reply.status, reply.body)
}

const USERS: &str = "objectType = \"Entra User\"";

#[test]
fn an_edit_by_hand_shows_in_aql_on_updated_and_not_on_created() {
    let assets = with_users(5);
    assert_eq!(
        count(&assets, &format!("{USERS} AND Created > \"2000-01-01\"")),
        5
    );
    assert_eq!(
        count(&assets, &format!("{USERS} AND Created < now(-1h)")),
        0
    );
    assets.server.state().advance_clock(2 * 3600);

    let (status, edited) = control(
        &assets,
        "/_sim/assets/objects/edit",
        json!({"objectType": "Entra User", "count": 2}),
    );
    assert_eq!(status, 200, "{edited}");
    let mut edited: Vec<String> = serde_json::from_value(edited["keys"].clone()).unwrap();
    edited.sort();
    assert_eq!(edited.len(), 2);

    assert_eq!(
        keys(&assets, &format!("{USERS} AND Updated > now(-1h)")),
        edited
    );
    assert_eq!(
        keys(&assets, &format!("{USERS} AND Updated >= now(-30m)")),
        edited
    );
    assert_eq!(
        count(&assets, &format!("{USERS} AND Updated <= now(-1h)")),
        3
    );
    assert_eq!(
        count(&assets, &format!("{USERS} AND Created > now(-1h)")),
        0
    );
    assert_eq!(
        count(&assets, &format!("{USERS} AND Created < now(-1h)")),
        5
    );
    // The label changed as a person would change it.
    let url = format!("{}?maxResults=100", assets.v1("/object/aql"));
    let reply = assets.send(
        "POST",
        &url,
        Some(&json!({"qlQuery": format!("Key = {}", edited[0])})),
    );
    assert!(
        reply.body["values"][0]["label"]
            .as_str()
            .unwrap()
            .ends_with(" (edited)")
    );
}

#[test]
fn a_delete_by_hand_lowers_the_total_count() {
    let assets = with_users(4);
    let all = keys(&assets, USERS);
    let (status, deleted) = control(
        &assets,
        "/_sim/assets/objects/delete",
        json!({"keys": [all[0], all[3]]}),
    );
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted["keys"], json!([all[0], all[3]]));
    assert_eq!(count(&assets, USERS), 2);
    assert_eq!(keys(&assets, USERS), vec![all[1].clone(), all[2].clone()]);
}

#[test]
fn bad_date_queries_and_picks_name_the_problem() {
    let assets = with_users(1);
    for (query, says) in [
        (format!("{USERS} AND Updated > soon"), "is not a date"),
        (
            format!("{USERS} AND Updated > yesterday()"),
            "is not a date",
        ),
        (
            format!("{USERS} AND \"Object ID\" > \"x\""),
            "only Created and Updated",
        ),
    ] {
        let reply = assets.send(
            "POST",
            &assets.v1("/object/aql"),
            Some(&json!({"qlQuery": query})),
        );
        assert_eq!(reply.status, 400, "{query}");
        assert!(
            reply.body.to_string().contains(says),
            "{query}: {}",
            reply.body
        );
    }
    let (status, body) = control(
        &assets,
        "/_sim/assets/objects/delete",
        json!({"objectType": "No Such Type", "count": 1}),
    );
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("No Such Type"));
    let (status, _) = control(&assets, "/_sim/assets/objects/edit", json!({"count": 1}));
    assert_eq!(status, 400);
}
