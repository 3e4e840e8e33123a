//! The app's credentials at run time: secret expiry (AADSTS7000222), rotation with coexisting
//! secrets, certificate client assertions and each documented way they fail, and the
//! `/applications` view of them.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{Sim, assert_graph_error, claims_of, fixture, kind, start};
use entra_sync_sim::identity::{CERTIFICATE_PRIVATE_KEY_PEM, JWT_BEARER};
use rsa::RsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding, Signer};
use serde_json::{Value, json};
use sha2::Sha256;

fn secret_form(sim: &Sim, secret: &str) -> Vec<(&'static str, String)> {
    let mut form: Vec<_> = sim
        .good_form()
        .into_iter()
        .filter(|(k, _)| *k != "client_secret")
        .collect();
    form.push(("client_secret", secret.to_string()));
    form
}

fn token_with_secret(sim: &Sim, secret: &str) -> common::Reply {
    sim.post_token(&sim.tenant().id.to_string(), &secret_form(sim, secret), &[])
}

#[test]
fn expired_secret_answers_7000222_in_the_documented_shape() {
    let sim = start();
    let secret = sim.tenant().app.secret.value.clone();
    assert_eq!(token_with_secret(&sim, &secret).status, 200);
    sim.server.state().expire_secret();
    let reply = token_with_secret(&sim, &secret);
    assert_eq!(reply.status, 401, "{}", reply.body);
    let documented = fixture("token_error_AADSTS7000222_expired_secret_401.json");
    let documented = documented.as_object().unwrap();
    let actual = reply.body.as_object().unwrap();
    // The fixture predates `error_uri`, which current responses (and the sim) add.
    let mut extra: Vec<_> = actual
        .keys()
        .filter(|k| !documented.contains_key(*k))
        .collect();
    extra.sort();
    assert_eq!(extra, vec!["error_uri"]);
    for (key, value) in documented {
        assert_eq!(kind(&actual[key]), kind(value), "type of {key}");
    }
    assert_eq!(reply.body["error"], "invalid_client");
    assert_eq!(reply.body["error_codes"], json!([7000222]));
    assert!(
        reply.body["error_description"]
            .as_str()
            .unwrap()
            .starts_with("AADSTS7000222: ")
    );
    // A wrong value is still the other error.
    assert_eq!(
        token_with_secret(&sim, "nope").body["error_codes"],
        json!([7000215])
    );
}

#[test]
fn rotation_keeps_both_secrets_valid_until_the_old_one_is_removed() {
    let sim = start();
    let state = sim.server.state();
    let old = sim.tenant().app.secret.clone();
    let new = state.rotate_secret();
    assert_ne!(new.value, old.value);
    assert_eq!(token_with_secret(&sim, &old.value).status, 200);
    assert_eq!(token_with_secret(&sim, &new.value).status, 200);
    assert!(state.remove_secret(old.key_id));
    assert!(!state.remove_secret(old.key_id));
    assert_eq!(
        token_with_secret(&sim, &old.value).body["error_codes"],
        json!([7000215])
    );
    assert_eq!(token_with_secret(&sim, &new.value).status, 200);
}

#[test]
fn secrets_expire_with_the_sim_clock() {
    let sim = start();
    let state = sim.server.state();
    let secret = sim.tenant().app.secret.value.clone();
    state.advance_clock(731 * 86_400);
    assert_eq!(
        token_with_secret(&sim, &secret).body["error_codes"],
        json!([7000222])
    );
    let fresh = state.rotate_secret();
    assert_eq!(token_with_secret(&sim, &fresh.value).status, 200);
}

// --- Certificate credentials ---

/// A deterministic rng for PSS salts (rsa uses rand_core 0.6 traits).
struct TestRng(u64);

impl rsa::rand_core::RngCore for TestRng {
    fn next_u32(&mut self) -> u32 {
        self.next_u64() as u32
    }
    fn next_u64(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        for byte in dest {
            *byte = (self.next_u64() >> 33) as u8;
        }
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl rsa::rand_core::CryptoRng for TestRng {}

struct Assertion {
    alg: &'static str,
    header: Value,
    claims: Value,
    key: RsaPrivateKey,
}

fn private_key() -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_pem(CERTIFICATE_PRIVATE_KEY_PEM).expect("test key")
}

impl Assertion {
    /// What MSAL sends: PS256, `x5t#S256`, aud = token URL, iss = sub = client id, 10 minutes.
    fn good(sim: &Sim) -> Self {
        let state = sim.server.state();
        let s256 = state.credentials().read().certificates[0].sha256_thumbprint();
        let now = state.clock().now_unix();
        let client_id = sim.tenant().app.client_id.to_string();
        Self {
            alg: "PS256",
            header: json!({"alg": "PS256", "typ": "JWT", "x5t#S256": URL_SAFE_NO_PAD.encode(s256)}),
            claims: json!({
                "aud": format!("https://login.microsoftonline.com/{}/oauth2/v2.0/token", sim.tenant().id),
                "iss": client_id,
                "sub": client_id,
                "jti": uuid::Uuid::new_v4().to_string(),
                "nbf": now,
                "iat": now,
                "exp": now + 600,
            }),
            key: private_key(),
        }
    }

    fn sign(&self) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(self.header.to_string()),
            URL_SAFE_NO_PAD.encode(self.claims.to_string())
        );
        let signature = match self.alg {
            "RS256" => rsa::pkcs1v15::SigningKey::<Sha256>::new(self.key.clone())
                .sign(input.as_bytes())
                .to_vec(),
            _ => rsa::pss::BlindedSigningKey::<Sha256>::new(self.key.clone())
                .sign_with_rng(&mut TestRng(7), input.as_bytes())
                .to_vec(),
        };
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }
}

fn post_assertion(sim: &Sim, assertion: &str) -> common::Reply {
    let app = &sim.tenant().app;
    let form = vec![
        ("grant_type", "client_credentials".to_string()),
        ("client_id", app.client_id.to_string()),
        ("scope", common::GRAPH_SCOPE.to_string()),
        ("client_assertion_type", JWT_BEARER.to_string()),
        ("client_assertion", assertion.to_string()),
    ];
    sim.post_token(&sim.tenant().id.to_string(), &form, &[])
}

fn assert_code(reply: &common::Reply, code: u64) {
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert_eq!(reply.body["error"], "invalid_client");
    assert_eq!(reply.body["error_codes"], json!([code]), "{}", reply.body);
}

#[test]
fn certificate_assertions_are_accepted_with_ps256_or_rs256_and_either_thumbprint() {
    let sim = start();
    let good = Assertion::good(&sim);
    let reply = post_assertion(&sim, &good.sign());
    assert_eq!(reply.status, 200, "{}", reply.body);
    let token = reply.body["access_token"].as_str().unwrap();
    assert_eq!(claims_of(token)["appidacr"], "2");

    let sha1 = sim.server.state().credentials().read().certificates[0].sha1_thumbprint();
    let mut rs256 = Assertion::good(&sim);
    rs256.alg = "RS256";
    rs256.header = json!({"alg": "RS256", "typ": "JWT", "x5t": URL_SAFE_NO_PAD.encode(sha1)});
    let reply = post_assertion(&sim, &rs256.sign());
    assert_eq!(reply.status, 200, "{}", reply.body);
    // The token works on Graph.
    let users = sim.get(
        &sim.graph_url("/users?$top=1"),
        reply.body["access_token"].as_str(),
        &[],
    );
    assert_eq!(users.status, 200);
}

#[test]
fn certificate_assertion_failures_carry_the_documented_codes() {
    let sim = start();
    let now = sim.server.state().clock().now_unix();

    let mut unknown_key = Assertion::good(&sim);
    unknown_key.header["x5t#S256"] = json!(URL_SAFE_NO_PAD.encode([7u8; 32]));
    assert_code(&post_assertion(&sim, &unknown_key.sign()), 700027);

    let mut bad_signature = Assertion::good(&sim).sign();
    bad_signature.truncate(bad_signature.len() - 8);
    bad_signature.push_str("AAAAAAAA");
    assert_code(&post_assertion(&sim, &bad_signature), 700027);

    let mut other_key = Assertion::good(&sim);
    // Small so that debug builds generate it quickly; PKCS#1 v1.5 fits in 512 bits.
    other_key.key = RsaPrivateKey::new(&mut TestRng(3), 512).expect("key");
    other_key.alg = "RS256";
    other_key.header["alg"] = json!("RS256");
    assert_code(&post_assertion(&sim, &other_key.sign()), 700027);

    let mut wrong_issuer = Assertion::good(&sim);
    wrong_issuer.claims["iss"] = json!(uuid::Uuid::new_v4().to_string());
    assert_code(&post_assertion(&sim, &wrong_issuer.sign()), 700021);

    let mut wrong_audience = Assertion::good(&sim);
    wrong_audience.claims["aud"] = json!("https://graph.microsoft.com");
    assert_code(&post_assertion(&sim, &wrong_audience.sign()), 700023);

    let mut expired = Assertion::good(&sim);
    expired.claims["nbf"] = json!(now - 3600);
    expired.claims["exp"] = json!(now - 3000);
    assert_code(&post_assertion(&sim, &expired.sign()), 700024);

    let mut too_long = Assertion::good(&sim);
    too_long.claims["exp"] = json!(now + 3600);
    assert_code(&post_assertion(&sim, &too_long.sign()), 700024);

    let mut not_yet = Assertion::good(&sim);
    not_yet.claims["nbf"] = json!(now + 3600);
    not_yet.claims["exp"] = json!(now + 3900);
    assert_code(&post_assertion(&sim, &not_yet.sign()), 700024);

    let mut no_jti = Assertion::good(&sim);
    no_jti.claims.as_object_mut().unwrap().remove("jti");
    assert_code(&post_assertion(&sim, &no_jti.sign()), 50027);

    let mut hs256 = Assertion::good(&sim);
    hs256.header["alg"] = json!("HS256");
    assert_code(&post_assertion(&sim, &hs256.sign()), 50027);

    assert_code(&post_assertion(&sim, "not-a-jwt"), 50027);

    // The type parameter must accompany the assertion.
    let app = &sim.tenant().app;
    let form = vec![
        ("grant_type", "client_credentials".to_string()),
        ("client_id", app.client_id.to_string()),
        ("scope", common::GRAPH_SCOPE.to_string()),
        ("client_assertion", Assertion::good(&sim).sign()),
    ];
    let reply = sim.post_token(&sim.tenant().id.to_string(), &form, &[]);
    assert_eq!(reply.body["error_codes"], json!([900144]), "{}", reply.body);

    // A year on, the registered certificate has expired.
    sim.server.state().advance_clock(366 * 86_400);
    assert_code(&post_assertion(&sim, &Assertion::good(&sim).sign()), 700027);
}

// --- /applications ---

#[test]
fn applications_show_credential_dates_but_never_secret_values() {
    let sim = start();
    let state = sim.server.state();
    let rotated = state.rotate_secret();
    let token = sim.fetch_token();
    let app_id = sim.tenant().app.client_id.to_string();
    let secret = sim.tenant().app.secret.value.clone();

    let url = sim.graph_url(&format!("/applications?$filter=appId%20eq%20'{app_id}'"));
    let reply = sim.get(&url, Some(&token), &[]);
    assert_eq!(reply.status, 200, "{}", reply.body);
    let text = reply.body.to_string();
    assert!(!text.contains(&secret) && !text.contains(&rotated.value));
    let app = &reply.body["value"][0];
    assert_eq!(app["appId"], app_id.as_str());
    let passwords = app["passwordCredentials"].as_array().unwrap();
    assert_eq!(passwords.len(), 2);
    let original = passwords
        .iter()
        .find(|p| p["keyId"] == sim.tenant().app.secret.key_id.to_string())
        .unwrap();
    assert_eq!(original["hint"], &secret[..3]);
    assert!(original["secretText"].is_null());
    let end = original["endDateTime"].as_str().unwrap();
    assert!(end.ends_with('Z') && end.len() == 20, "{end}");
    assert_eq!(app["keyCredentials"][0]["type"], "AsymmetricX509Cert");

    // Expiry shows.
    state.expire_secret();
    let after = sim.get(&url, Some(&token), &[]);
    assert_ne!(
        after.body["value"][0]["passwordCredentials"][0]["endDateTime"],
        passwords[0]["endDateTime"]
    );

    // Alternate key, $select, unknown app.
    let by_key = sim.get(
        &sim.graph_url(&format!(
            "/applications(appId='{app_id}')?$select=passwordCredentials"
        )),
        Some(&token),
        &[],
    );
    assert_eq!(by_key.status, 200, "{}", by_key.body);
    assert!(by_key.body["passwordCredentials"].is_array());
    assert!(by_key.body.get("displayName").is_none());
    let other = uuid::Uuid::new_v4();
    let none = sim.get(
        &sim.graph_url(&format!("/applications?$filter=appId%20eq%20'{other}'")),
        Some(&token),
        &[],
    );
    assert_eq!(none.body["value"], json!([]));
    let missing = sim.get(
        &sim.graph_url(&format!("/applications(appId='{other}')")),
        Some(&token),
        &[],
    );
    assert_graph_error(&missing, 404, "Request_ResourceNotFound");
}

#[test]
fn applications_need_application_read_all_or_directory_read_all() {
    let sim = start();
    let state = sim.server.state();
    let url = sim.graph_url("/applications");
    assert!(state.revoke("Application.Read.All"));
    let reply = sim.get(&url, Some(&sim.fetch_token()), &[]);
    assert_graph_error(&reply, 403, "Authorization_RequestDenied");
    state.grant("Directory.Read.All");
    assert_eq!(sim.get(&url, Some(&sim.fetch_token()), &[]).status, 200);
}
