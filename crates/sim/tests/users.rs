//! `GET /v1.0/users`: authentication, authorization, query options and paging over real HTTP.

mod common;

use std::collections::HashSet;

use common::{Reply, fixture, is_guid, start};
use entra_sync_sim::{Preset, SimState, Tenant};
use serde_json::Value;

fn assert_graph_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    let error = &reply.body["error"];
    assert_eq!(error["code"], code, "{}", reply.body);
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    let inner = &error["innerError"];
    let date = inner["date"].as_str().unwrap();
    assert_eq!(date.len(), "2021-05-18T19:12:36".len(), "{date}");
    assert_eq!(&date[10..11], "T");
    assert_eq!(inner["request-id"].as_str(), reply.header("request-id"));
    assert_eq!(
        inner["client-request-id"].as_str(),
        reply.header("client-request-id")
    );
    assert!(is_guid(reply.header("request-id").unwrap()));
    assert_eq!(
        reply.header("content-type"),
        Some("application/json;odata.metadata=minimal")
    );
}

fn keys(value: &Value) -> Vec<String> {
    value.as_object().expect("object").keys().cloned().collect()
}

#[test]
fn paging_with_top_100_returns_every_user_exactly_once() {
    let sim = start();
    let token = sim.fetch_token();
    let mut url = sim.users_url("?$top=100");
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let reply = sim.get(&url, Some(&token), &[]);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(
            reply.header("content-type"),
            Some("application/json;odata.metadata=minimal")
        );
        let value = reply.body["value"].as_array().unwrap();
        assert!(value.len() <= 100);
        seen.extend(
            value
                .iter()
                .map(|user| user["id"].as_str().unwrap().to_string()),
        );
        pages += 1;
        assert!(pages <= 10, "paging does not end");
        match reply.body.get("@odata.nextLink").and_then(Value::as_str) {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    let expected: Vec<String> = sim.tenant().users.iter().map(|u| u.id.clone()).collect();
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), expected.len());
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        seen.len(),
        "no duplicates"
    );
    assert_eq!(seen, expected);
}

#[test]
fn default_page_is_100_with_documented_properties() {
    let sim = start();
    let reply = sim.get(&sim.users_url(""), Some(&sim.fetch_token()), &[]);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.body["@odata.context"],
        format!("{}/v1.0/$metadata#users", sim.server.url())
    );
    let value = reply.body["value"].as_array().unwrap();
    assert_eq!(value.len(), 100);
    assert!(
        reply.body["@odata.nextLink"]
            .as_str()
            .unwrap()
            .contains("$skiptoken=")
    );

    let documented = fixture("users_list_default_properties.json");
    let mut documented_keys = keys(&documented["value"][0]);
    documented_keys.sort();
    for user in value {
        let mut actual = keys(user);
        actual.sort();
        assert_eq!(actual, documented_keys);
        assert!(user["businessPhones"].is_array());
    }
    assert!(
        value
            .iter()
            .all(|user| user.get("accountEnabled").is_none())
    );
}

#[test]
fn select_returns_only_the_named_properties() {
    let sim = start();
    let token = sim.fetch_token();
    let reply = sim.get(
        &sim.users_url("?$select=id,accountEnabled,userType,displayName&$top=999"),
        Some(&token),
        &[],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply.body.get("@odata.nextLink").is_none(),
        "999 covers the demo tenant"
    );
    assert!(
        reply.body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("/v1.0/$metadata#users(id,accountEnabled,userType,displayName)")
    );
    let value = reply.body["value"].as_array().unwrap();
    assert_eq!(value.len(), 300);
    for (user, generated) in value.iter().zip(&sim.tenant().users) {
        assert_eq!(
            keys(user),
            ["accountEnabled", "displayName", "id", "userType"]
        );
        assert_eq!(user["id"], generated.id);
        assert_eq!(user["accountEnabled"], generated.account_enabled);
        assert_eq!(user["displayName"], generated.display_name);
    }
    assert!(value.iter().any(|u| u["userType"] == "Guest"));
    assert!(value.iter().any(|u| u["accountEnabled"] == false));
}

#[test]
fn select_survives_paging() {
    let sim = start();
    let token = sim.fetch_token();
    let first = sim.get(
        &sim.users_url("?$select=userPrincipalName&$top=250"),
        Some(&token),
        &[],
    );
    let next = first.body["@odata.nextLink"].as_str().unwrap();
    let second = sim.get(next, Some(&token), &[]);
    assert_eq!(second.status, 200, "{}", second.body);
    let value = second.body["value"].as_array().unwrap();
    assert_eq!(value.len(), 50);
    assert!(value.iter().all(|u| keys(u) == ["userPrincipalName"]));
}

#[test]
fn unknown_select_property_is_named_in_a_400() {
    let sim = start();
    let reply = sim.get(
        &sim.users_url("?$select=id,favouriteColour"),
        Some(&sim.fetch_token()),
        &[],
    );
    assert_graph_error(&reply, 400, "Request_BadRequest");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'favouriteColour'")
    );
}

#[test]
fn top_out_of_range_is_a_400() {
    let sim = start();
    let token = sim.fetch_token();
    for query in ["?$top=0", "?$top=1000", "?$top=abc", "?$top=-5"] {
        let reply = sim.get(&sim.users_url(query), Some(&token), &[]);
        assert_graph_error(&reply, 400, "Request_BadRequest");
    }
    let reply = sim.get(&sim.users_url("?$top=1"), Some(&token), &[]);
    assert_eq!(reply.body["value"].as_array().unwrap().len(), 1);
}

#[test]
fn skip_and_bad_skiptokens_are_400s() {
    let sim = start();
    let token = sim.fetch_token();
    assert_graph_error(
        &sim.get(&sim.users_url("?$skip=100"), Some(&token), &[]),
        400,
        "Request_BadRequest",
    );
    assert_graph_error(
        &sim.get(&sim.users_url("?$skiptoken=garbage"), Some(&token), &[]),
        400,
        "Request_BadRequest",
    );
}

#[test]
fn missing_or_bad_tokens_are_401() {
    let sim = start();
    assert_graph_error(
        &sim.get(&sim.users_url(""), None, &[]),
        401,
        "InvalidAuthenticationToken",
    );
    let reply = sim.get(&sim.users_url(""), Some("not-a-jwt"), &[]);
    assert_graph_error(&reply, 401, "InvalidAuthenticationToken");
    assert!(
        reply
            .header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );

    // Signed by another sim process: a restarted sim must not accept old tokens.
    let other = SimState::new(Tenant::generate(Preset::Demo, 42));
    let foreign = other.issue_access_token().access_token;
    assert_graph_error(
        &sim.get(&sim.users_url(""), Some(&foreign), &[]),
        401,
        "InvalidAuthenticationToken",
    );

    // Two hours old, long past its 3599 s and the clock-skew allowance.
    let issued_at = entra_sync_sim::time::now_unix() - 7200;
    let expired = sim
        .server
        .state()
        .issue_access_token_at(issued_at)
        .access_token;
    let reply = sim.get(&sim.users_url(""), Some(&expired), &[]);
    assert_graph_error(&reply, 401, "InvalidAuthenticationToken");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expired")
    );

    // Tampered claims fail the signature.
    let good = sim.fetch_token();
    let mut parts: Vec<&str> = good.split('.').collect();
    let mut claims = common::claims_of(&good);
    claims["roles"] = serde_json::json!(["Directory.ReadWrite.All"]);
    use base64::Engine;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims.to_string());
    parts[1] = &forged;
    let reply = sim.get(&sim.users_url(""), Some(&parts.join(".")), &[]);
    assert_graph_error(&reply, 401, "InvalidAuthenticationToken");
}

#[test]
fn token_without_user_read_role_is_403() {
    let sim = start();
    sim.server.state().revoke_all();
    let reply = sim.get(&sim.users_url(""), Some(&sim.fetch_token()), &[]);
    assert_graph_error(&reply, 403, "Authorization_RequestDenied");
    assert_eq!(
        reply.body["error"]["message"],
        fixture("graph_403_authorization_requestdenied_docs.json")["error"]["message"]
    );

    // Other permissions do not help...
    sim.server.state().grant("Device.Read.All");
    let reply = sim.get(&sim.users_url(""), Some(&sim.fetch_token()), &[]);
    assert_graph_error(&reply, 403, "Authorization_RequestDenied");

    // ...but Directory.Read.All covers users, in tokens issued after the grant.
    let before_grant = sim.fetch_token();
    sim.server.state().grant("Directory.Read.All");
    assert_eq!(
        sim.get(&sim.users_url(""), Some(&before_grant), &[]).status,
        403
    );
    assert_eq!(
        sim.get(&sim.users_url(""), Some(&sim.fetch_token()), &[])
            .status,
        200
    );
}

#[test]
fn echoes_client_request_id_on_success_and_failure() {
    let sim = start();
    let sent = [("client-request-id", "6c0c6a97-e897-8bd5-f487-156ed214aa0a")];
    let ok = sim.get(&sim.users_url("?$top=1"), Some(&sim.fetch_token()), &sent);
    assert_eq!(ok.header("client-request-id"), Some(sent[0].1));
    assert!(is_guid(ok.header("request-id").unwrap()));
    let failed = sim.get(&sim.users_url(""), None, &sent);
    assert_graph_error(&failed, 401, "InvalidAuthenticationToken");
    assert_eq!(
        failed.body["error"]["innerError"]["client-request-id"],
        sent[0].1
    );
    assert_ne!(ok.header("request-id"), failed.header("request-id"));
}

#[test]
fn links_follow_the_forwarded_origin() {
    let sim = start();
    let token = sim.fetch_token();
    let forwarded = [
        ("X-Forwarded-Proto", "https"),
        ("X-Forwarded-Host", "graph.microsoft.com"),
    ];
    let reply = sim.get(&sim.users_url("?$top=100"), Some(&token), &forwarded);
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.body["@odata.context"],
        "https://graph.microsoft.com/v1.0/$metadata#users"
    );
    let next = reply.body["@odata.nextLink"].as_str().unwrap();
    let path = next
        .strip_prefix("https://graph.microsoft.com")
        .unwrap_or_else(|| panic!("{next}"));
    assert!(path.starts_with("/v1.0/users?$skiptoken="), "{next}");

    // What the Forge runtime does with that link: same path, sent to the sim.
    let second = sim.get(
        &format!("{}{path}", sim.server.url()),
        Some(&token),
        &forwarded,
    );
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(second.body["value"][0]["id"], sim.tenant().users[100].id);
}

#[test]
fn unknown_graph_paths_answer_in_graphs_shape() {
    let sim = start();
    let reply = sim.get(
        &format!("{}/v1.0/nonsense", sim.server.url()),
        Some(&sim.fetch_token()),
        &[],
    );
    assert_graph_error(&reply, 400, "BadRequest");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'nonsense'")
    );
}
