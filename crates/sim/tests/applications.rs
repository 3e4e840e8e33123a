//! The app inventory: `/applications` and `/servicePrincipals` with their delta rounds, credentials in
//! every state (expired, expiring, several, none), Microsoft's first-party principals, SAML signing
//! keys, churn, the app's own registration, the permissions Graph documents and the admin's
//! certificate upload.

mod common;

use std::collections::BTreeSet;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use common::{Sim, assert_graph_error, ids, start, start_with};
use entra_sync_sim::identity::JWT_BEARER;
use entra_sync_sim::{Preset, Tenant};
use rsa::RsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const MICROSOFT: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";
const DAY: i64 = 86_400;

fn post_control(sim: &Sim, path: &str, body: Value) -> (u16, Value) {
    let url = format!("{}{path}", sim.server.url());
    let request = ureq::http::Request::builder()
        .method("POST")
        .uri(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .expect("request");
    let mut response = sim.agent.run(request).expect("HTTP call");
    let text = response.body_mut().read_to_string().expect("body");
    (
        response.status().as_u16(),
        serde_json::from_str(&text).unwrap_or(Value::Null),
    )
}

/// Days from the sim's now to an ISO date (negative: past).
fn days_left(sim: &Sim, iso: &str) -> i64 {
    let now = sim.server.state().clock().now_unix() as i64;
    (unix(iso) - now).div_euclid(DAY)
}

/// `2026-01-31T10:00:00Z` to Unix seconds (days-from-civil, proleptic Gregorian).
fn unix(iso: &str) -> i64 {
    let n = |r: std::ops::Range<usize>| iso[r].parse::<i64>().unwrap();
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * DAY + n(11..13) * 3600 + n(14..16) * 60 + n(17..19)
}

#[test]
fn medium_holds_the_inventory_the_issue_asks_for() {
    let tenant = Tenant::generate(Preset::Medium, 1);
    assert_eq!(tenant.applications.len(), 600);
    assert_eq!(tenant.service_principals.len(), 1_500);
    let microsoft = tenant
        .service_principals
        .iter()
        .filter(|sp| sp.owner_tenant.to_string() == MICROSOFT)
        .count();
    assert!(microsoft > 500, "{microsoft} first-party principals");
    assert!(
        tenant
            .service_principals
            .iter()
            .any(|sp| sp.display_name == "Microsoft Graph"
                && sp.app_id.to_string() == "00000003-0000-0000-c000-000000000000")
    );
    let saml = tenant
        .service_principals
        .iter()
        .filter(|sp| sp.certificates.iter().any(|c| c.usage == "Sign"))
        .count();
    assert!(saml > 20, "{saml} SAML apps");
    let apps = &tenant.applications[1..];
    let none = apps
        .iter()
        .filter(|a| a.secrets.is_empty() && a.certificates.is_empty());
    let multi = apps
        .iter()
        .filter(|a| a.secrets.len() + a.certificates.len() > 1);
    assert!(none.count() > 30);
    assert!(multi.count() > 60);
    assert!(apps.iter().any(|a| !a.certificates.is_empty()));
}

#[test]
fn secrets_are_expired_expiring_and_valid_on_the_sim_clock() {
    let sim = start();
    let token = sim.fetch_token();
    let (apps, _) = sim.collect(
        &sim.graph_url("/applications?$select=displayName,passwordCredentials"),
        &token,
        &[],
    );
    assert_eq!(apps.len(), 20);
    let days: Vec<i64> = apps
        .iter()
        .flat_map(|a| a["passwordCredentials"].as_array().unwrap().clone())
        .map(|p| days_left(&sim, p["endDateTime"].as_str().unwrap()))
        .collect();
    assert!(days.iter().any(|d| *d < 0), "an expired secret: {days:?}");
    assert!(
        days.iter().any(|d| (0..30).contains(d)),
        "one expiring: {days:?}"
    );
    assert!(days.iter().any(|d| *d > 30), "a valid one: {days:?}");
    // $select keeps only what was asked for, plus nothing else.
    let keys: BTreeSet<&str> = apps[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["displayName", "passwordCredentials"]));
}

/// Follows a delta round from `url` to its deltaLink.
fn round(sim: &Sim, url: &str, token: &str) -> (Vec<Value>, String) {
    let (items, pages) = sim.collect(url, token, &[]);
    let last = pages.last().unwrap();
    let delta = last.body["@odata.deltaLink"].as_str().expect("deltaLink");
    (items, delta.to_string())
}

#[test]
fn delta_rounds_page_and_then_report_churn_with_removals() {
    let sim = start_with(Tenant::generate(Preset::Small, 3));
    let token = sim.fetch_token();
    let select = "$select=id,appId,displayName,passwordCredentials,keyCredentials";
    let (pages_apps, pages) = sim.collect(
        &sim.graph_url(&format!("/applications/delta?{select}")),
        &token,
        &[],
    );
    assert_eq!(pages_apps.len(), 120);
    assert_eq!(pages.len(), 2, "pages of 100");
    let (_, app_delta) = round(
        &sim,
        &sim.graph_url(&format!("/applications/delta?{select}")),
        &token,
    );
    let (sps, sp_delta) = round(&sim, &sim.graph_url("/servicePrincipals/delta"), &token);
    assert_eq!(sps.len(), 350);
    assert!(
        sps.iter()
            .any(|sp| sp["appOwnerOrganizationId"] == MICROSOFT)
    );

    let report = sim.server.state().churn(20.0, 9);
    assert!(!report.applications.changed().is_empty());
    let (changed, _) = round(&sim, &app_delta, &token);
    let live: BTreeSet<String> = changed
        .iter()
        .filter(|a| a.get("@removed").is_none())
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = report
        .applications
        .changed()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(live, expected);
    let removed: BTreeSet<String> = changed
        .iter()
        .filter(|a| a.get("@removed").is_some())
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect();
    let expected_removed: BTreeSet<String> = report
        .applications
        .removed
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    assert_eq!(removed, expected_removed);
    // The round keeps the first request's $select.
    let one = changed
        .iter()
        .find(|a| a.get("@removed").is_none())
        .unwrap();
    assert!(one.get("signInAudience").is_none() && one.get("passwordCredentials").is_some());
    // Each changed app is now as the list shows it.
    let tenant = sim.tenant();
    for item in changed.iter().filter(|a| a.get("@removed").is_none()) {
        let app = tenant
            .applications
            .iter()
            .find(|a| a.id.to_string() == item["id"])
            .unwrap();
        let keys: Vec<String> = item["passwordCredentials"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["keyId"].as_str().unwrap().to_string())
            .collect();
        let want: Vec<String> = app.secrets.iter().map(|s| s.key_id.to_string()).collect();
        assert_eq!(keys, want);
    }
    let (sp_changes, _) = round(&sim, &sp_delta, &token);
    let sp_ids: BTreeSet<String> = ids(&sp_changes).into_iter().collect();
    for (id, _) in &report.service_principals.removed {
        assert!(sp_ids.contains(&id.to_string()));
    }
}

#[test]
fn the_own_registration_shows_its_real_credentials_and_rotations_in_delta() {
    let sim = start();
    let token = sim.fetch_token();
    let app_id = sim.tenant().app.client_id.to_string();
    let url = sim.graph_url("/applications/delta?$select=appId,passwordCredentials");
    let (apps, delta) = round(&sim, &url, &token);
    let own = apps.iter().find(|a| a["appId"] == app_id.as_str()).unwrap();
    assert_eq!(
        own["passwordCredentials"][0]["keyId"],
        sim.tenant().app.secret.key_id.to_string()
    );
    // A fresh secret is valid for two years from now, whatever the machine's date.
    let end = own["passwordCredentials"][0]["endDateTime"]
        .as_str()
        .unwrap();
    assert!((729..=730).contains(&days_left(&sim, end)), "{end}");
    let rotated = sim.server.state().rotate_secret();
    let (changed, _) = round(&sim, &delta, &token);
    assert_eq!(changed.len(), 1);
    let passwords = changed[0]["passwordCredentials"].as_array().unwrap();
    assert_eq!(passwords.len(), 2);
    assert!(
        passwords
            .iter()
            .any(|p| p["keyId"] == rotated.key_id.to_string())
    );
    // Its enterprise application is the token's `oid`.
    let (sps, _) = round(&sim, &sim.graph_url("/servicePrincipals/delta"), &token);
    let sp = sps.iter().find(|s| s["appId"] == app_id.as_str()).unwrap();
    assert_eq!(sp["id"], sim.tenant().app.service_principal_id.to_string());
    assert_eq!(sp["appOwnerOrganizationId"], sim.tenant().id.to_string());
}

#[test]
fn each_documented_permission_opens_applications_and_service_principals() {
    for permission in [
        "Application.Read.All",
        "Application.ReadWrite.OwnedBy",
        "Application.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ] {
        let sim = start();
        let state = sim.server.state();
        state.revoke_all();
        state.grant(permission);
        let token = sim.fetch_token();
        for path in [
            "/applications",
            "/applications/delta",
            "/servicePrincipals",
            "/servicePrincipals/delta",
        ] {
            let reply = sim.get(&sim.graph_url(path), Some(&token), &[]);
            assert_eq!(reply.status, 200, "{permission} {path}: {}", reply.body);
        }
    }
    let sim = start();
    let state = sim.server.state();
    state.revoke_all();
    state.grant("User.Read.All");
    let token = sim.fetch_token();
    for path in ["/applications/delta", "/servicePrincipals/delta"] {
        let reply = sim.get(&sim.graph_url(path), Some(&token), &[]);
        assert_graph_error(&reply, 403, "Authorization_RequestDenied");
    }
}

const UPLOAD_CERT: &str = include_str!("fixtures/admin_upload_cert.pem");
const UPLOAD_KEY: &str = include_str!("fixtures/admin_upload_key.pem");

fn cert_der() -> Vec<u8> {
    let body: String = UPLOAD_CERT
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    STANDARD.decode(body).unwrap()
}

/// An RS256 assertion as the Microsoft identity platform documents it, signed by the uploaded key.
fn assertion(sim: &Sim) -> String {
    let client_id = sim.tenant().app.client_id.to_string();
    let now = sim.server.state().clock().now_unix();
    let header = json!({"alg": "RS256", "typ": "JWT",
        "x5t#S256": URL_SAFE_NO_PAD.encode(Sha256::digest(cert_der()))});
    let claims = json!({
        "aud": format!("https://login.microsoftonline.com/{}/oauth2/v2.0/token", sim.tenant().id),
        "iss": client_id, "sub": client_id, "jti": uuid::Uuid::new_v4().to_string(),
        "nbf": now, "iat": now, "exp": now + 300,
    });
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let key = RsaPrivateKey::from_pkcs8_pem(UPLOAD_KEY).unwrap();
    let signature = rsa::pkcs1v15::SigningKey::<Sha256>::new(key).sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_vec()))
}

fn token_by_assertion(sim: &Sim) -> common::Reply {
    let form = vec![
        ("grant_type", "client_credentials".to_string()),
        ("client_id", sim.tenant().app.client_id.to_string()),
        ("scope", common::GRAPH_SCOPE.to_string()),
        ("client_assertion_type", JWT_BEARER.to_string()),
        ("client_assertion", assertion(sim)),
    ];
    sim.post_token(&sim.tenant().id.to_string(), &form, &[])
}

#[test]
fn an_uploaded_certificate_signs_assertions_the_token_endpoint_accepts() {
    let sim = start();
    let before = token_by_assertion(&sim);
    assert_eq!(before.status, 401, "{}", before.body);
    assert_eq!(before.body["error_codes"], json!([700027]));

    let (status, uploaded) = post_control(
        &sim,
        "/_sim/applications/certificates",
        json!({"pem": UPLOAD_CERT}),
    );
    assert_eq!(status, 200, "{uploaded}");
    let sha1: String = sha1_hex(&cert_der());
    assert_eq!(uploaded["thumbprint"], sha1.as_str());
    let after = token_by_assertion(&sim);
    assert_eq!(after.status, 200, "{}", after.body);

    // The registration lists it beside the sim's test certificate.
    let app_id = sim.tenant().app.client_id;
    let url = sim.graph_url(&format!(
        "/applications(appId='{app_id}')?$select=keyCredentials"
    ));
    let app = sim.get(&url, Some(&sim.fetch_token()), &[]);
    let keys = app.body["keyCredentials"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert!(keys.iter().any(|k| k["keyId"] == uploaded["keyId"]));

    // The same certificate again, as DER; then something that is not a certificate.
    let (status, again) = post_control(
        &sim,
        "/_sim/applications/certificates",
        json!({"der": STANDARD.encode(cert_der())}),
    );
    assert_eq!(status, 400);
    assert!(
        again["error"]
            .as_str()
            .unwrap()
            .contains("already registered")
    );
    let (status, bad) = post_control(
        &sim,
        "/_sim/applications/certificates",
        json!({"pem": UPLOAD_KEY}),
    );
    assert_eq!(status, 400);
    assert!(
        bad["error"]
            .as_str()
            .unwrap()
            .contains("not an X.509 certificate"),
        "{bad}"
    );
}

fn sha1_hex(bytes: &[u8]) -> String {
    use sha1::Sha1;
    Sha1::digest(bytes)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}
