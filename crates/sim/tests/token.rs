//! `POST /{tenant}/oauth2/v2.0/token`: success and each documented failure, compared with captured bodies.

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{Reply, Sim, claims_of, fixture, is_guid, kind, start};
use entra_sync_sim::DEFAULT_GRANTS;
use serde_json::Value;

/// Same field names, and each field of the same JSON type, as a documented body.
fn assert_same_shape(actual: &Value, documented: &Value) {
    let actual = actual.as_object().expect("object");
    let documented = documented.as_object().expect("object");
    let mut actual_keys: Vec<_> = actual.keys().collect();
    let mut documented_keys: Vec<_> = documented.keys().collect();
    actual_keys.sort();
    documented_keys.sort();
    assert_eq!(actual_keys, documented_keys);
    for (key, value) in documented {
        assert_eq!(kind(&actual[key]), kind(value), "type of {key}");
    }
}

/// `2024-01-31 10:00:00Z`.
fn is_entra_timestamp(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b' '
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
        && [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
            .iter()
            .all(|&i| b[i].is_ascii_digit())
}

fn assert_token_error(reply: &Reply, status: u16, error: &str, code: u64) {
    assert_eq!(reply.status, status, "{}", reply.body);
    let body = &reply.body;
    assert_same_shape(
        body,
        &fixture("token_error_AADSTS7000215_invalid_secret_401.json"),
    );
    assert_eq!(body["error"], error);
    assert_eq!(body["error_codes"], serde_json::json!([code]));
    assert_eq!(
        body["error_uri"],
        format!("https://login.microsoftonline.com/error?code={code}")
    );
    let timestamp = body["timestamp"].as_str().unwrap();
    assert!(is_entra_timestamp(timestamp), "{timestamp}");
    let trace_id = body["trace_id"].as_str().unwrap();
    let correlation_id = body["correlation_id"].as_str().unwrap();
    assert!(is_guid(trace_id) && is_guid(correlation_id));
    let description = body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!("AADSTS{code}: ")),
        "{description}"
    );
    assert!(
        description.ends_with(&format!(
            "\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}"
        )),
        "{description:?}"
    );
    assert_eq!(reply.header("x-ms-request-id"), Some(trace_id));
    assert_eq!(reply.header("cache-control"), Some("no-store, no-cache"));
}

fn with(sim: &Sim, name: &'static str, value: &str) -> Vec<(&'static str, String)> {
    let mut form: Vec<_> = sim
        .good_form()
        .into_iter()
        .filter(|(k, _)| *k != name)
        .collect();
    form.push((name, value.to_string()));
    form
}

fn without(sim: &Sim, name: &str) -> Vec<(&'static str, String)> {
    sim.good_form()
        .into_iter()
        .filter(|(k, _)| *k != name)
        .collect()
}

#[test]
fn issues_a_graph_token_for_the_right_secret() {
    let sim = start();
    let tenant = sim.tenant().clone();
    let reply = sim.post_token(&tenant.id.to_string(), &sim.good_form(), &[]);
    assert_eq!(reply.status, 200, "{}", reply.body);

    // Every documented field with its documented type; `ext_expires_in` is the one extra real tenants send.
    let mut documented = fixture("token_success_docs.json");
    documented["ext_expires_in"] = Value::from(3599);
    assert_same_shape(&reply.body, &documented);
    assert_eq!(reply.body["token_type"], "Bearer");
    assert_eq!(reply.body["expires_in"], 3599);
    assert_eq!(reply.header("cache-control"), Some("no-store, no-cache"));
    assert!(is_guid(reply.header("x-ms-request-id").unwrap()));

    let token = reply.body["access_token"].as_str().unwrap();
    assert_eq!(token.split('.').count(), 3);
    assert!(!token.contains('='), "base64url without padding");
    let claims = claims_of(token);
    assert_eq!(claims["aud"], "https://graph.microsoft.com");
    assert_eq!(claims["tid"], tenant.id.to_string());
    assert_eq!(claims["appid"], tenant.app.client_id.to_string());
    assert_eq!(
        claims["iss"],
        format!("https://sts.windows.net/{}/", tenant.id)
    );
    assert_eq!(
        claims["exp"].as_u64().unwrap() - claims["iat"].as_u64().unwrap(),
        3599
    );
    assert!(claims["nbf"].as_u64().unwrap() <= claims["iat"].as_u64().unwrap());
    let mut roles: Vec<_> = claims["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    roles.sort();
    let mut expected = DEFAULT_GRANTS.to_vec();
    expected.sort();
    assert_eq!(roles, expected);
}

#[test]
fn accepts_the_tenant_domain_and_basic_client_auth() {
    let sim = start();
    let app = sim.tenant().app.clone();
    let reply = sim.post_token("contoso-sim.onmicrosoft.com", &sim.good_form(), &[]);
    assert_eq!(reply.status, 200, "{}", reply.body);

    let basic = STANDARD.encode(format!(
        "{}:{}",
        app.client_id,
        app.secret.value.replace('~', "%7E")
    ));
    let form = vec![
        ("grant_type", "client_credentials".to_string()),
        ("scope", common::GRAPH_SCOPE.to_string()),
    ];
    let reply = sim.post_token(
        &sim.tenant().id.to_string().to_uppercase(),
        &form,
        &[("Authorization", &format!("Basic {basic}"))],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[test]
fn revoked_consent_gives_a_token_without_roles() {
    let sim = start();
    sim.server.state().revoke_all();
    let claims = claims_of(&sim.fetch_token());
    assert!(claims.get("roles").is_none(), "{claims}");

    sim.server.state().grant("Directory.Read.All");
    assert_eq!(
        claims_of(&sim.fetch_token())["roles"],
        serde_json::json!(["Directory.Read.All"])
    );
}

#[test]
fn wrong_secret_is_7000215() {
    let sim = start();
    let tenant = sim.tenant().id.to_string();
    let reply = sim.post_token(&tenant, &with(&sim, "client_secret", "not-the-secret"), &[]);
    assert_token_error(&reply, 401, "invalid_client", 7000215);
    // The secret's id instead of its value: the mistake the message is written for.
    let key_id = sim.tenant().app.secret.key_id.to_string();
    let reply = sim.post_token(&tenant, &with(&sim, "client_secret", &key_id), &[]);
    assert_token_error(&reply, 401, "invalid_client", 7000215);
    assert!(
        reply.body["error_description"]
            .as_str()
            .unwrap()
            .contains("client secret ID")
    );
}

#[test]
fn missing_secret_is_7000216() {
    let sim = start();
    let reply = sim.post_token(
        &sim.tenant().id.to_string(),
        &without(&sim, "client_secret"),
        &[],
    );
    assert_token_error(&reply, 401, "invalid_client", 7000216);
}

#[test]
fn unknown_client_is_700016() {
    let sim = start();
    let reply = sim.post_token(
        &sim.tenant().id.to_string(),
        &with(&sim, "client_id", "11111111-2222-3333-4444-555555555555"),
        &[],
    );
    assert_token_error(&reply, 400, "unauthorized_client", 700016);
    assert_same_shape(
        &reply.body,
        &fixture("token_error_AADSTS700016_unknown_client_400.json"),
    );
}

#[test]
fn unknown_tenant_is_90002() {
    let sim = start();
    for tenant in [
        "12345678-1234-1234-1234-123456789012",
        "fabrikam.onmicrosoft.com",
    ] {
        let reply = sim.post_token(tenant, &sim.good_form(), &[]);
        assert_token_error(&reply, 400, "invalid_request", 90002);
        assert_same_shape(
            &reply.body,
            &fixture("token_error_AADSTS90002_unknown_tenant_token_endpoint_400.json"),
        );
        assert!(
            reply.body["error_description"]
                .as_str()
                .unwrap()
                .contains(tenant)
        );
    }
}

#[test]
fn scope_other_than_graph_default_is_70011() {
    let sim = start();
    let tenant = sim.tenant().id.to_string();
    for scope in [
        "https://graph.microsoft.com/User.Read.All",
        "User.Read",
        "https://graph.microsoft.com/.default offline_access",
    ] {
        let reply = sim.post_token(&tenant, &with(&sim, "scope", scope), &[]);
        assert_token_error(&reply, 400, "invalid_scope", 70011);
    }
}

#[test]
fn other_grant_types_are_70003() {
    let sim = start();
    let reply = sim.post_token(
        &sim.tenant().id.to_string(),
        &with(&sim, "grant_type", "password"),
        &[],
    );
    assert_token_error(&reply, 400, "unsupported_grant_type", 70003);
}

#[test]
fn missing_grant_type_is_900144() {
    let sim = start();
    let reply = sim.post_token(
        &sim.tenant().id.to_string(),
        &without(&sim, "grant_type"),
        &[],
    );
    assert_token_error(&reply, 400, "invalid_request", 900144);
}

#[test]
fn adopts_a_guid_client_request_id_as_correlation_id() {
    let sim = start();
    let correlation = "0b2d8766-f13f-4524-83a6-c78d691c9cf6";
    let reply = sim.post_token(
        &sim.tenant().id.to_string(),
        &with(&sim, "client_secret", "wrong"),
        &[("client-request-id", correlation)],
    );
    assert_eq!(reply.body["correlation_id"], correlation);
    assert_eq!(reply.header("client-request-id"), Some(correlation));
    assert_ne!(reply.body["trace_id"], correlation);
}
