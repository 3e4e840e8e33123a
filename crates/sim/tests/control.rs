//! The HTTP control API under `/_sim/`: each endpoint round-trips, faults, latency and the request
//! log behave as documented in `src/control/mod.rs`, and secrets never reach the log.

mod common;

use common::{Sim, assert_graph_error, start};
use serde_json::{Value, json};

struct Answer {
    status: u16,
    headers: ureq::http::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

fn call(
    sim: &Sim,
    method: &str,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Answer {
    let url = format!("{}{path}", sim.server.url());
    let mut request = ureq::http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let request = request
        .body(body.map(|b| b.to_string()).unwrap_or_default())
        .expect("request");
    let mut response = sim.agent.run(request).expect("HTTP call");
    Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        text: response.body_mut().read_to_string().expect("body"),
    }
}

/// A control call that must succeed; its JSON.
fn control(sim: &Sim, method: &str, path: &str, body: Option<Value>) -> Value {
    let answer = call(sim, method, path, body, &[]);
    assert_eq!(answer.status, 200, "{method} {path}: {}", answer.text);
    answer.json()
}

fn users(sim: &Sim, token: &str) -> common::Reply {
    sim.get(&sim.users_url("?$top=5"), Some(token), &[])
}

#[test]
fn info_and_permissions_round_trip() {
    let sim = start();
    let info = control(&sim, "GET", "/_sim/info", None);
    assert_eq!(info["preset"], "demo");
    assert_eq!(info["seed"], 42);
    assert_eq!(info["url"], sim.server.url());
    assert_eq!(info["clientId"], sim.tenant().app.client_id.to_string());
    assert_eq!(info["clientSecret"], sim.tenant().app.secret.value);

    let granted = control(&sim, "GET", "/_sim/permissions", None);
    assert!(
        granted["granted"]
            .as_array()
            .unwrap()
            .contains(&json!("User.Read.All"))
    );
    let after = control(
        &sim,
        "POST",
        "/_sim/permissions/grant",
        Some(json!({"permission": "Directory.Read.All"})),
    );
    assert!(
        after["granted"]
            .as_array()
            .unwrap()
            .contains(&json!("Directory.Read.All"))
    );
    let after = control(
        &sim,
        "POST",
        "/_sim/permissions/revoke",
        Some(json!({"permission": "User.Read.All"})),
    );
    assert_eq!(after["revoked"], true);
    assert!(
        !after["granted"]
            .as_array()
            .unwrap()
            .contains(&json!("User.Read.All"))
    );
    assert_eq!(
        sim.server.state().granted(),
        after["granted"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    );
    let none = control(&sim, "POST", "/_sim/permissions/revoke-all", None);
    assert_eq!(none["granted"], json!([]));
    let token = sim.fetch_token();
    assert!(common::claims_of(&token).get("roles").is_none());
    assert_graph_error(&users(&sim, &token), 403, "Authorization_RequestDenied");

    let bad = call(
        &sim,
        "POST",
        "/_sim/permissions/grant",
        Some(json!({"permission": "a b"})),
        &[],
    );
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert_eq!(call(&sim, "GET", "/_sim/nothing", None, &[]).status, 404);
}

#[test]
fn a_counted_fault_answers_in_graphs_shape_then_clears() {
    let sim = start();
    let token = sim.fetch_token();
    let id = control(
        &sim,
        "POST",
        "/_sim/faults",
        Some(json!({"path": "/v1.0/users", "status": 503, "count": 2, "retryAfter": "2.5"})),
    )["id"]
        .clone();
    let listed = control(&sim, "GET", "/_sim/faults", None);
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["remaining"], 2);
    for _ in 0..2 {
        let reply = sim.get(
            &sim.users_url("?$top=5"),
            Some(&token),
            &[("client-request-id", "trace-7")],
        );
        assert_graph_error(&reply, 503, "serviceNotAvailable");
        assert_eq!(reply.header("retry-after"), Some("2.5"));
        assert_eq!(reply.header("client-request-id"), Some("trace-7"));
        assert_eq!(
            reply.body["error"]["innerError"]["client-request-id"],
            "trace-7"
        );
    }
    assert_eq!(users(&sim, &token).status, 200);
    assert_eq!(control(&sim, "GET", "/_sim/faults", None), json!([]));
    // Other paths were never affected.
    let log = control(&sim, "GET", "/_sim/requests?path=/v1.0/users", None);
    let statuses: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["status"])
        .collect();
    assert_eq!(statuses, [&json!(503), &json!(503), &json!(200)]);
    assert_eq!(log[0]["faultId"], id);
}

#[test]
fn faults_take_the_shape_of_each_service_and_can_be_deleted() {
    let sim = start();
    let token = sim.fetch_token();
    let throttle = control(
        &sim,
        "POST",
        "/_sim/faults",
        Some(json!({"path": "/v1.0/groups", "status": 429, "retryAfter": 3})),
    )["id"]
        .as_u64()
        .unwrap();
    let reply = sim.get(&sim.graph_url("/groups"), Some(&token), &[]);
    assert_graph_error(&reply, 429, "TooManyRequests");
    assert_eq!(reply.header("retry-after"), Some("3"));
    assert_eq!(reply.body["error"]["innerError"]["status"], "429");
    assert_eq!(
        call(
            &sim,
            "DELETE",
            &format!("/_sim/faults/{throttle}"),
            None,
            &[]
        )
        .status,
        200
    );
    assert_eq!(
        call(
            &sim,
            "DELETE",
            &format!("/_sim/faults/{throttle}"),
            None,
            &[]
        )
        .status,
        404
    );
    assert_eq!(
        sim.get(&sim.graph_url("/groups"), Some(&token), &[]).status,
        200
    );

    control(
        &sim,
        "POST",
        "/_sim/faults",
        Some(json!({"path": "/jsm", "status": 500})),
    );
    control(
        &sim,
        "POST",
        "/_sim/faults",
        Some(json!({"path": "/", "method": "post", "status": 503, "count": 1})),
    );
    let assets = call(
        &sim,
        "GET",
        "/jsm/assets/workspace/x/v1/objectschema/list",
        None,
        &[],
    );
    assert_eq!(assets.status, 500);
    assert!(
        assets.json()["errorMessages"][0].is_string(),
        "{}",
        assets.text
    );
    let tenant = sim.tenant().id.to_string();
    let token_reply = sim.post_token(&tenant, &sim.good_form(), &[]);
    assert_eq!(token_reply.status, 503);
    assert_eq!(token_reply.body["error_codes"], json!([90033]));
    assert!(token_reply.header("x-ms-request-id").is_some());
    assert_eq!(control(&sim, "DELETE", "/_sim/faults", None), json!([]));
    let forge = [("x-forge-provider", "app")];
    let listed = call(
        &sim,
        "GET",
        "/jsm/assets/workspace/x/v1/objectschema/list",
        None,
        &forge,
    );
    assert_ne!(listed.status, 500, "{}", listed.text);

    let custom = control(
        &sim,
        "POST",
        "/_sim/faults",
        Some(json!({"path": "/v1.0/devices", "status": 502, "body": {"custom": true}})),
    );
    assert!(custom["id"].is_u64());
    let reply = sim.get(&sim.graph_url("/devices"), Some(&token), &[]);
    assert_eq!((reply.status, &reply.body), (502, &json!({"custom": true})));

    let invalid = call(
        &sim,
        "POST",
        "/_sim/faults",
        Some(json!({"path": "/v1.0/users"})),
        &[],
    );
    assert_eq!(invalid.status, 400, "{}", invalid.text);
    let unknown_field = call(
        &sim,
        "POST",
        "/_sim/faults",
        Some(json!({"path": "/v1.0", "status": 500, "sttaus": 1})),
        &[],
    );
    assert_eq!(unknown_field.status, 400, "{}", unknown_field.text);
}

#[test]
fn fault_latency_shows_in_the_logged_duration() {
    let sim = start();
    let token = sim.fetch_token();
    control(
        &sim,
        "POST",
        "/_sim/faults",
        Some(json!({"path": "/v1.0/users", "latencyMs": 200, "count": 1})),
    );
    assert_eq!(users(&sim, &token).status, 200);
    assert_eq!(users(&sim, &token).status, 200);
    let log = control(&sim, "GET", "/_sim/requests?path=/v1.0/users", None);
    let durations: Vec<f64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["durationMs"].as_f64().unwrap())
        .collect();
    assert_eq!(durations.len(), 2);
    assert!(durations[0] >= 200.0, "{durations:?}");
    assert!(durations[1] < 200.0, "{durations:?}");
}

#[test]
fn the_latency_model_applies_to_every_request_until_cleared() {
    let sim = start();
    let model = control(
        &sim,
        "POST",
        "/_sim/latency",
        Some(json!({"baseMs": 150, "jitterMs": 20, "perItemUs": 1000})),
    );
    assert_eq!(
        model,
        json!({"baseMs": 150, "jitterMs": 20, "perItemUs": 1000, "seed": 0})
    );
    assert_eq!(control(&sim, "GET", "/_sim/latency", None), model);
    let token = sim.fetch_token();
    assert_eq!(users(&sim, &token).status, 200);
    let log = control(&sim, "GET", "/_sim/requests", None);
    let durations: Vec<f64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["durationMs"].as_f64().unwrap())
        .collect();
    // Token, then 5 users at 1 ms each on top of the base.
    assert!(
        durations[0] >= 150.0 && durations[1] >= 155.0,
        "{durations:?}"
    );
    control(&sim, "DELETE", "/_sim/latency", None);
    assert_eq!(sim.server.state().latency().get(), Default::default());
}

#[test]
fn a_reset_fault_drops_the_connection_without_an_answer() {
    let sim = start();
    let token = sim.fetch_token();
    control(
        &sim,
        "POST",
        "/_sim/faults",
        Some(json!({"path": "/v1.0/users", "reset": true})),
    );
    let result = sim
        .agent
        .get(&sim.users_url(""))
        .header("Authorization", &format!("Bearer {token}"))
        .call();
    assert!(
        result.is_err(),
        "a dropped connection must be an error, got {:?}",
        result.map(|r| r.status())
    );
    let log = control(&sim, "GET", "/_sim/requests?path=/v1.0/users", None);
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .all(|e| e["status"].is_null()),
        "{log}"
    );
    let counters = control(&sim, "GET", "/_sim/counters", None);
    assert!(
        counters["GET /v1.0/users"]["byStatus"]["reset"].as_u64() >= Some(1),
        "{counters}"
    );
    control(&sim, "DELETE", "/_sim/faults", None);
    assert_eq!(users(&sim, &token).status, 200);
}

#[test]
fn the_log_never_holds_secrets_or_tokens() {
    let sim = start();
    let secret = sim.tenant().app.secret.value.clone();
    let tenant = sim.tenant().id.to_string();
    let token = sim.fetch_token();
    // Secrets in the query too, where a careless client might put them, and a wrong one in Basic auth.
    let url = format!(
        "{}?client_secret={}&code=abc",
        sim.token_url(&tenant),
        urlencode(&secret)
    );
    let reply = sim
        .agent
        .post(&url)
        .header("Authorization", &format!("Basic {}", "c2VjcmV0OnNlY3JldA"))
        .send_form(sim.good_form().iter().map(|(k, v)| (*k, v.as_str())))
        .expect("POST");
    assert!(reply.status().as_u16() < 500);
    assert_eq!(users(&sim, &token).status, 200);
    let log = call(&sim, "GET", "/_sim/requests", None, &[]).text;
    let counters = call(&sim, "GET", "/_sim/counters", None, &[]).text;
    for text in [&log, &counters] {
        assert!(!text.contains(&secret), "{text}");
        assert!(!text.contains(&urlencode(&secret)), "{text}");
        assert!(!text.contains(&token), "{text}");
        assert!(!text.contains("c2VjcmV0OnNlY3JldA"), "{text}");
        assert!(!text.contains(token.split('.').nth(2).unwrap()), "{text}");
    }
    assert!(
        log.contains("client_secret=[redacted]&code=[redacted]"),
        "{log}"
    );
    let in_process = format!("{:?}", sim.server.state().requests().all());
    assert!(!in_process.contains(&secret) && !in_process.contains(&token));
}

fn urlencode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[test]
fn counters_are_kept_per_route_template_and_control_is_not_counted() {
    let sim = start();
    let token = sim.fetch_token();
    let groups = &sim.tenant().groups;
    for group in groups.iter().take(2) {
        let reply = sim.get(
            &sim.graph_url(&format!("/groups/{}/members", group.id)),
            Some(&token),
            &[],
        );
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let missing = sim.get(
        &sim.graph_url("/groups/00000000-0000-0000-0000-000000000000/members"),
        Some(&token),
        &[],
    );
    assert_eq!(missing.status, 404);
    sim.get(&sim.graph_url("/nothing"), Some(&token), &[]);
    control(&sim, "GET", "/_sim/info", None);
    let counters = control(&sim, "GET", "/_sim/counters", None);
    let members = &counters["GET /v1.0/groups/{id}/members"];
    assert_eq!(members["total"], 3, "{counters}");
    assert_eq!(members["byStatus"], json!({"200": 2, "404": 1}));
    assert_eq!(
        counters["POST /{tenant}/oauth2/v2.0/token"]["byStatus"],
        json!({"200": 1})
    );
    // `/v1.0/{segment}` catches single segments (for `applications(appId='…')`), so an unknown one
    // is counted under that template.
    assert_eq!(
        counters["GET /v1.0/{segment}"]["byStatus"],
        json!({"400": 1}),
        "{counters}"
    );
    assert!(
        counters
            .as_object()
            .unwrap()
            .keys()
            .all(|k| !k.contains("_sim")),
        "{counters}"
    );
    assert_eq!(
        sim.server.state().counters().len(),
        counters.as_object().unwrap().len()
    );

    let log = control(&sim, "GET", "/_sim/requests?limit=2", None);
    assert_eq!(log.as_array().unwrap().len(), 2);
    assert_eq!(log[1]["path"], "/v1.0/nothing");
    assert!(common::is_guid(log[1]["requestId"].as_str().unwrap()));
    assert_eq!(control(&sim, "DELETE", "/_sim/requests", None), json!([]));
    assert_eq!(control(&sim, "GET", "/_sim/requests", None), json!([]));
    assert_eq!(control(&sim, "GET", "/_sim/counters", None), json!({}));
}

#[test]
fn proxied_control_requests_are_refused() {
    let sim = start();
    let refused = call(
        &sim,
        "GET",
        "/_sim/info",
        None,
        &[("x-forwarded-host", "graph.microsoft.com")],
    );
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert!(!refused.text.contains(&sim.tenant().app.secret.value));
}

#[test]
fn assets_controls_round_trip() {
    let sim = start();
    let snapshot = control(&sim, "GET", "/_sim/assets", None);
    assert_eq!(
        snapshot["workspaceId"],
        entra_sync_sim::assets::DEMO_WORKSPACE_ID
    );
    assert_eq!(snapshot, sim.server.state().assets().snapshot());

    let ws = entra_sync_sim::assets::DEMO_WORKSPACE_ID;
    let source = entra_sync_sim::assets::DEMO_IMPORT_SOURCE_ID;
    let status_path = format!("/jsm/assets/workspace/{ws}/v1/importsource/{source}/configstatus");
    let forge = [("x-forge-provider", "app")];
    control(
        &sim,
        "POST",
        "/_sim/assets/disabled",
        Some(json!({"disabled": true})),
    );
    assert_eq!(
        call(&sim, "GET", &status_path, None, &forge).json()["status"],
        "DISABLED"
    );
    control(
        &sim,
        "POST",
        "/_sim/assets/disabled",
        Some(json!({"sourceId": source, "disabled": false})),
    );
    assert_ne!(
        call(&sim, "GET", &status_path, None, &forge).json()["status"],
        "DISABLED"
    );
    assert_eq!(
        call(
            &sim,
            "POST",
            "/_sim/assets/disabled",
            Some(json!({"sourceId": "nope", "disabled": true})),
            &[]
        )
        .status,
        404
    );

    control(
        &sim,
        "POST",
        "/_sim/assets/admins",
        Some(json!({"accountIds": ["abc"]})),
    );
    assert!(sim.server.state().assets().is_admin("abc"));

    let missing = call(
        &sim,
        "POST",
        "/_sim/assets/missing-policy",
        Some(json!({"objectType": "Nope", "policy": "remove"})),
        &[],
    );
    assert_eq!(missing.status, 404, "{}", missing.text);
    let invalid = call(
        &sim,
        "POST",
        "/_sim/assets/missing-policy",
        Some(json!({"objectType": "Nope", "policy": "update"})),
        &[],
    );
    assert_eq!(invalid.status, 400, "{}", invalid.text);

    control(
        &sim,
        "POST",
        "/_sim/assets/processing-reads",
        Some(json!({"reads": 0})),
    );
    control(
        &sim,
        "POST",
        "/_sim/assets/rate-limit",
        Some(json!({"perMinute": 1, "sendRetryAfter": true})),
    );
    assert_eq!(call(&sim, "GET", &status_path, None, &forge).status, 200);
    let limited = call(&sim, "GET", &status_path, None, &forge);
    assert_eq!(limited.status, 429);
    assert!(limited.header("retry-after").is_some());
    control(
        &sim,
        "POST",
        "/_sim/assets/rate-limit",
        Some(json!({"perMinute": null})),
    );
    assert_eq!(call(&sim, "GET", &status_path, None, &forge).status, 200);
}

#[test]
fn reset_restores_a_fresh_sim() {
    let sim = start();
    let fresh = control(&sim, "GET", "/_sim/info", None);
    let token = sim.fetch_token();
    control(&sim, "POST", "/_sim/permissions/revoke-all", None);
    control(
        &sim,
        "POST",
        "/_sim/faults",
        Some(json!({"path": "/v1.0", "status": 500})),
    );
    control(&sim, "POST", "/_sim/latency", Some(json!({"baseMs": 1})));
    control(
        &sim,
        "POST",
        "/_sim/assets/admins",
        Some(json!({"accountIds": []})),
    );
    sim.server.state().assets().add_schema("Other", "OTH");
    assert_eq!(users(&sim, &token).status, 500);

    let after = control(&sim, "POST", "/_sim/reset", None);
    assert_eq!(after, fresh);
    let state = sim.server.state();
    assert_eq!(
        state.granted(),
        entra_sync_sim::DEFAULT_GRANTS
            .map(String::from)
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    assert!(state.faults().list().is_empty());
    assert_eq!(state.latency().get(), Default::default());
    assert!(state.requests().all().is_empty() && state.counters().is_empty());
    assert_eq!(
        state.assets().snapshot(),
        entra_sync_sim::assets::AssetsState::new(Default::default()).snapshot()
    );
    assert!(
        state
            .assets()
            .is_admin(entra_sync_sim::assets::LOCAL_ADMIN_ACCOUNT_ID)
    );
    assert_eq!(users(&sim, &sim.fetch_token()).status, 200);
}

#[test]
fn in_process_equivalents_drive_the_same_machinery() {
    use entra_sync_sim::faults::{FaultSpec, LatencyModel};
    let sim = start();
    let token = sim.fetch_token();
    let state = sim.server.state();
    let id = state
        .faults()
        .add(
            FaultSpec::status("/v1.0/users", 503)
                .count(1)
                .retry_after("1"),
        )
        .unwrap();
    assert_eq!(state.faults().list()[0].id, id);
    assert_eq!(users(&sim, &token).status, 503);
    assert_eq!(users(&sim, &token).status, 200);
    state.latency().set(LatencyModel {
        base_ms: 50,
        ..LatencyModel::default()
    });
    assert_eq!(users(&sim, &token).status, 200);
    let last = state
        .requests()
        .entries(Some("/v1.0/users"), 1)
        .pop()
        .unwrap();
    assert!(last.duration_ms >= 50.0, "{last:?}");
    assert_eq!(state.counters()["GET /v1.0/users"].by_status["503"], 1);
}

#[test]
fn churn_secrets_delta_throttling_and_reset_are_controllable_over_http() {
    let sim = start();
    let before = sim.server.state().tenant().users.len();
    let churn = control(
        &sim,
        "POST",
        "/_sim/churn",
        Some(json!({"percent": 5, "seed": 3})),
    );
    assert!(
        churn["toVersion"].as_u64() > churn["fromVersion"].as_u64(),
        "{churn}"
    );
    let created = churn["users"]["created"].as_array().map_or(0, Vec::len);
    let removed = churn["users"]["removed"].as_array().map_or(0, Vec::len);
    assert_eq!(
        sim.server.state().tenant().users.len(),
        before + created - removed
    );
    assert_eq!(
        call(
            &sim,
            "POST",
            "/_sim/churn",
            Some(json!({"percent": 300})),
            &[]
        )
        .status,
        400
    );

    let rotated = control(&sim, "POST", "/_sim/secrets/rotate", None);
    assert!(rotated["value"].as_str().is_some_and(|v| v.len() >= 30));
    assert_eq!(sim.server.state().credentials().read().passwords.len(), 2);
    control(&sim, "POST", "/_sim/secrets/expire", None);
    assert!(
        sim.server
            .state()
            .credentials()
            .read()
            .passwords
            .iter()
            .all(|p| p.end <= sim.server.state().clock().now_unix())
    );

    let generation = sim.server.state().delta().generation();
    control(&sim, "POST", "/_sim/delta/expire", None);
    assert!(sim.server.state().delta().generation() > generation);
    control(
        &sim,
        "POST",
        "/_sim/delta/reset-mode",
        Some(json!({"mode": "gone"})),
    );
    assert_eq!(
        call(
            &sim,
            "POST",
            "/_sim/delta/reset-mode",
            Some(json!({"mode": "x"})),
            &[]
        )
        .status,
        400
    );
    control(
        &sim,
        "POST",
        "/_sim/throttling",
        Some(json!({"directoryUnits": 3})),
    );
    assert_eq!(
        sim.server.state().throttle_config().directory_units,
        Some(3)
    );
    control(
        &sim,
        "POST",
        "/_sim/intune",
        Some(json!({"licensed": false})),
    );
    assert!(!sim.server.state().intune_licensed());
    let clock = sim.server.state().clock().now_unix();
    control(
        &sim,
        "POST",
        "/_sim/clock/advance",
        Some(json!({"seconds": 3600})),
    );
    assert!(sim.server.state().clock().now_unix() >= clock + 3600);

    control(&sim, "POST", "/_sim/reset", None);
    let state = sim.server.state();
    assert_eq!(
        state.tenant().users.len(),
        before,
        "the generated tenant is back"
    );
    assert_eq!(state.credentials().read().passwords.len(), 1);
    assert!(state.credentials().read().passwords[0].end > state.clock().now_unix());
    assert!(state.intune_licensed());
    assert_eq!(
        state.throttle_config(),
        entra_sync_sim::throttle::ThrottleConfig::default()
    );
}
