//! Graph's limits: throttling budgets (429 with Retry-After that, honoured, lets the next call
//! through), the per-request resource-unit costs, Intune's separate budget, `$batch`, and a tenant
//! without an Intune licence.

mod common;

use common::{Sim, assert_graph_error, fixture, start};
use entra_sync_sim::throttle::ThrottleConfig;
use serde_json::{Value, json};

fn units(reply: &common::Reply) -> u32 {
    reply
        .header("x-ms-resource-unit")
        .and_then(|v| v.parse().ok())
        .expect("x-ms-resource-unit")
}

#[test]
fn costs_follow_the_documented_table() {
    let sim = start();
    let token = sim.fetch_token();
    let group = sim.tenant().groups[0].id;
    for (path, cost) in [
        ("/users".to_string(), 2),
        ("/users?$select=id".to_string(), 1),
        ("/users?$expand=manager".to_string(), 3),
        ("/users?$top=5".to_string(), 1),
        ("/groups".to_string(), 1),
        (format!("/groups/{group}/members"), 3),
        (format!("/groups/{group}/transitiveMembers"), 5),
        ("/subscribedSkus".to_string(), 3),
        ("/devices".to_string(), 1),
    ] {
        let reply = sim.get(&sim.graph_url(&path), Some(&token), &[]);
        assert_eq!(reply.status, 200, "{path}: {}", reply.body);
        assert_eq!(units(&reply), cost, "{path}");
    }
}

#[test]
fn over_budget_requests_get_429_until_retry_after_has_passed() {
    let sim = start();
    let state = sim.server.state();
    state.set_throttle(ThrottleConfig::budgets(5, 1000));
    let token = sim.fetch_token();
    let url = sim.users_url("");
    // 2 + 2 = 4 of 5: the second answer is above 80 %.
    assert_eq!(sim.get(&url, Some(&token), &[]).status, 200);
    let second = sim.get(&url, Some(&token), &[]);
    assert_eq!(second.status, 200);
    assert_eq!(second.header("x-ms-throttle-limit-percentage"), Some("0.8"));
    let throttled = sim.get(&url, Some(&token), &[]);
    assert_eq!(throttled.status, 429, "{}", throttled.body);
    // The documented body: same fields, and innerError carries code/date/message/request-id/status.
    let documented = fixture("graph_429_throttled.json");
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&throttled.body["error"]), keys(&documented["error"]));
    assert_eq!(
        keys(&throttled.body["error"]["innerError"]),
        keys(&documented["error"]["innerError"])
    );
    assert_eq!(throttled.body["error"]["code"], "TooManyRequests");
    assert_eq!(
        throttled.body["error"]["innerError"]["request-id"].as_str(),
        throttled.header("request-id")
    );
    assert_eq!(
        throttled.header("x-ms-throttle-information"),
        Some("ResourceUnitLimitExceeded")
    );
    let scope = throttled.header("x-ms-throttle-scope").unwrap();
    assert!(scope.ends_with(&format!(
        "/{}/{}",
        sim.tenant().app.client_id,
        sim.tenant().id
    )));
    let retry_after: f64 = throttled.header("retry-after").unwrap().parse().unwrap();
    assert!(retry_after > 0.0 && retry_after <= 10.0, "{retry_after}");

    // Throttled calls count: still throttled right away.
    assert_eq!(sim.get(&url, Some(&token), &[]).status, 429);
    // Honour the latest Retry-After on the sim clock: the next request passes.
    let last = sim.get(&url, Some(&token), &[]);
    let wait: f64 = last.header("retry-after").unwrap().parse().unwrap();
    state.clock().advance_millis((wait * 1000.0).ceil() as i64);
    let reply = sim.get(&url, Some(&token), &[]);
    assert_eq!(reply.status, 200, "{}", reply.body);

    // Disabled: never throttled, costs still reported.
    state.set_throttle(ThrottleConfig::disabled());
    for _ in 0..5 {
        let reply = sim.get(&url, Some(&token), &[]);
        assert_eq!(reply.status, 200);
        assert_eq!(units(&reply), 2);
    }
}

#[test]
fn default_budget_follows_tenant_size() {
    let sim = start();
    assert_eq!(
        sim.server.state().throttle_config(),
        ThrottleConfig::default()
    );
    let users = sim.tenant().users.len();
    let expected = entra_sync_sim::throttle::directory_budget_for(users);
    assert!([3_500, 5_000, 8_000].contains(&expected));
}

#[test]
fn intune_has_its_own_budget() {
    let sim = start();
    let state = sim.server.state();
    state.set_throttle(ThrottleConfig::budgets(2, 2));
    let token = sim.fetch_token();
    let devices = sim.graph_url("/deviceManagement/managedDevices");
    let users = sim.users_url("");
    // Exhaust the directory budget; Intune still answers.
    assert_eq!(sim.get(&users, Some(&token), &[]).status, 200);
    assert_eq!(sim.get(&users, Some(&token), &[]).status, 429);
    assert_eq!(sim.get(&devices, Some(&token), &[]).status, 200);
    assert_eq!(sim.get(&devices, Some(&token), &[]).status, 200);
    let throttled = sim.get(&devices, Some(&token), &[]);
    assert_eq!(throttled.status, 429);
    let retry_after: f64 = throttled.header("retry-after").unwrap().parse().unwrap();
    assert!(retry_after > 10.0 && retry_after <= 20.0, "{retry_after}");
}

fn post_batch(sim: &Sim, token: &str, body: &Value) -> common::Reply {
    let mut response = sim
        .agent
        .post(&sim.graph_url("/$batch"))
        .header("Authorization", &format!("Bearer {token}"))
        .send_json(body)
        .expect("POST $batch");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.body_mut().read_to_string().expect("body");
    common::Reply {
        status,
        headers,
        body: serde_json::from_str(&text).expect("JSON"),
    }
}

fn item<'a>(reply: &'a common::Reply, id: &str) -> &'a Value {
    reply.body["responses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no response {id}: {}", reply.body))
}

#[test]
fn batch_limits_and_mixed_statuses_and_dependencies() {
    let sim = start();
    let token = sim.fetch_token();
    let many: Vec<Value> = (1..=21)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/groups"}))
        .collect();
    let reply = post_batch(&sim, &token, &json!({ "requests": many }));
    assert_graph_error(&reply, 400, "BadRequest");

    sim.server.state().revoke("Device.Read.All");
    let token = sim.fetch_token();
    let reply = post_batch(
        &sim,
        &token,
        &json!({"requests": [
            {"id": "1", "method": "GET", "url": "/users?$select=id&$top=2"},
            {"id": "2", "method": "GET", "url": "/devices"},
            {"id": "3", "method": "GET", "url": "/groups", "dependsOn": ["2"]},
            {"id": "4", "method": "GET", "url": "/subscribedSkus", "dependsOn": ["1"]},
            {"id": "5", "method": "GET", "url": "users/00000000-0000-0000-0000-000000000000"},
        ]}),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(item(&reply, "1")["status"], 200);
    assert_eq!(
        item(&reply, "1")["body"]["value"].as_array().unwrap().len(),
        2
    );
    assert_eq!(item(&reply, "1")["headers"]["x-ms-resource-unit"], "1");
    assert_eq!(item(&reply, "2")["status"], 403);
    assert_eq!(
        item(&reply, "2")["body"]["error"]["code"],
        "Authorization_RequestDenied"
    );
    assert_eq!(item(&reply, "3")["status"], 424);
    assert_eq!(item(&reply, "4")["status"], 200);
    assert_eq!(item(&reply, "5")["status"], 404);
    let order: Vec<&str> = reply.body["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_ne!(
        order,
        ["1", "2", "3", "4", "5"],
        "responses come in any order"
    );
}

#[test]
fn batch_items_are_throttled_one_by_one() {
    let sim = start();
    sim.server
        .state()
        .set_throttle(ThrottleConfig::budgets(4, 1000));
    let token = sim.fetch_token();
    let requests: Vec<Value> = (1..=3)
        .map(|i| json!({"id": i.to_string(), "method": "GET", "url": "/users"}))
        .collect();
    let reply = post_batch(&sim, &token, &json!({ "requests": requests }));
    assert_eq!(reply.status, 200);
    let mut statuses: Vec<u64> = (1..=3)
        .map(|i| item(&reply, &i.to_string())["status"].as_u64().unwrap())
        .collect();
    statuses.sort();
    assert_eq!(statuses, [200, 200, 429]);
    let throttled = (1..=3)
        .map(|i| item(&reply, &i.to_string()))
        .find(|r| r["status"] == 429)
        .unwrap();
    let retry_after: f64 = throttled["headers"]["Retry-After"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0.0);
    assert_eq!(throttled["body"]["error"]["code"], "TooManyRequests");
}

#[test]
fn unlicensed_tenant_answers_intune_with_400() {
    let sim = start();
    let state = sim.server.state();
    let url = sim.graph_url("/deviceManagement/managedDevices");
    let token = sim.fetch_token();
    assert_eq!(sim.get(&url, Some(&token), &[]).status, 200);
    state.set_intune_licensed(false);
    let reply = sim.get(&url, Some(&token), &[]);
    assert_graph_error(&reply, 400, "BadRequest");
    assert_eq!(
        reply.body["error"]["message"],
        "Request not applicable to target tenant."
    );
    // Without a token it is still the 401.
    assert_eq!(sim.get(&url, None, &[]).status, 401);
    // Directory endpoints are unaffected.
    assert_eq!(sim.get(&sim.users_url(""), Some(&token), &[]).status, 200);
    state.set_intune_licensed(true);
    assert_eq!(sim.get(&url, Some(&token), &[]).status, 200);
}
