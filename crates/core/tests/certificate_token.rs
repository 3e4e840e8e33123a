//! Certificate credentials against the simulator's token endpoint: a certificate Entra Sync creates
//! is refused until the admin uploads it, then accepted; each assertion error Microsoft documents
//! comes back named, with its fix.

mod support;

use entra_sync_core::auth::{
    AssertionClaims, CertificateCredential, Lifetime, NewCertificate, TokenError,
    assertion_request, create_certificate, request_token, send_token_request, sign_assertion,
    token_url,
};
use entra_sync_core::clock::ManualClock;
use entra_sync_core::retry::{Meter, RetryPolicy};
use entra_sync_core::{ConnectionSettings, SettingsInput, check_connection};
use entra_sync_sim::Preset;
use rand_core::OsRng;
use support::World;

/// A world, a certificate made at the simulator's "now", and settings that sign in with it.
struct Setup {
    world: World,
    created: NewCertificate,
    settings: ConnectionSettings,
}

fn setup() -> Setup {
    let world = World::new(Preset::Demo, 42);
    let now = world.server.state().clock().now_unix();
    let created = create_certificate(Lifetime::OneYear, now, &mut OsRng).expect("certificate");
    let info = world.server.info();
    let settings = SettingsInput {
        tenant_id: Some(info.tenant_id.clone()),
        client_id: Some(info.client_id.clone()),
        credential: Some("certificate".into()),
        private_key: Some(entra_sync_core::auth::PrivateKeyText::new(
            created.private_key.expose_pem(),
        )),
        certificate: Some(created.certificate.pem()),
        ..SettingsInput::default()
    }
    .validate()
    .expect("certificate settings are valid");
    Setup {
        world,
        created,
        settings,
    }
}

impl Setup {
    /// The client's clock: the simulator's, as on a host whose clock is right.
    fn clock(&self) -> ManualClock {
        ManualClock::at(self.world.server.state().clock().now_millis())
    }

    fn token(&self) -> Result<entra_sync_core::auth::AccessToken, TokenError> {
        pollster::block_on(request_token(
            &self.world.net,
            &self.clock(),
            &self.settings,
            &RetryPolicy::default(),
            &Meter::default(),
        ))
    }

    /// The admin's "Upload certificate" (the control call `POST /_sim/applications/certificates`).
    fn upload(&self) {
        self.world
            .server
            .state()
            .upload_certificate(self.created.certificate.der(), None)
            .expect("upload");
    }

    fn credential(&self) -> CertificateCredential {
        CertificateCredential::new(
            self.created.private_key.clone(),
            self.created.certificate.clone(),
        )
        .expect("pair")
    }

    /// Sends an assertion with these claims, signed by the uploaded certificate.
    fn send(&self, claims: &AssertionClaims) -> TokenError {
        let jwt = sign_assertion(claims, &self.credential(), &mut OsRng).expect("signed");
        pollster::block_on(send_token_request(
            &self.world.net,
            assertion_request(&self.settings, &jwt),
        ))
        .expect_err("refused")
    }

    fn claims(&self) -> AssertionClaims {
        AssertionClaims::new(
            &token_url(&self.settings),
            &self.settings.client_id.to_string(),
            self.world.server.state().clock().now_unix(),
            &mut OsRng,
        )
    }
}

fn says(error: &TokenError, words: &[&str]) {
    let message = error.to_string();
    for word in words {
        assert!(message.contains(word), "{word:?} missing from: {message}");
    }
    assert!(
        error.trace_id().is_some(),
        "{error:?} carries Microsoft's trace id"
    );
}

#[test]
fn a_certificate_is_refused_until_uploaded_then_accepted() {
    let setup = setup();
    let refused = setup.token().expect_err("not uploaded yet");
    assert!(
        matches!(refused, TokenError::CertificateNotAccepted { .. }),
        "{refused:?}"
    );
    says(
        &refused,
        &["AADSTS700027", "Certificates & secrets", "upload"],
    );

    setup.upload();
    let token = setup.token().expect("a token for the uploaded certificate");
    assert!(
        token.roles().is_some_and(|roles| !roles.is_empty()),
        "the token carries the consented permissions"
    );
    // Two requests, two assertions: each has its own jti (the sim would accept a replay, Entra
    // may not).
    setup.token().expect("again");
}

#[test]
fn check_connection_passes_with_the_certificate_and_shows_its_expiry() {
    let setup = setup();
    setup.upload();
    let report = pollster::block_on(check_connection(
        &setup.world.net,
        &setup.clock(),
        &setup.settings,
        &["users".to_string()],
    ));
    assert!(report.ok, "{report:?}");
    let certificate = report
        .checks
        .iter()
        .find(|c| c.name == "certificate")
        .expect("a certificate line");
    assert!(
        certificate
            .detail
            .contains(&setup.created.certificate.sha1_hex()),
        "{}",
        certificate.detail
    );
    assert_eq!(
        report.secret_expires_at.as_deref().map(|d| &d[..10]),
        Some(&setup.created.certificate.info().not_after[..10])
    );
}

#[test]
fn a_certificate_expired_or_removed_in_entra_is_named_with_its_fix() {
    let setup = setup();
    setup.upload();
    // A year and a day later, by both clocks: the registered certificate has ended.
    setup.world.server.state().clock().advance(366 * 86_400);
    let expired = setup.token().expect_err("expired in Entra");
    assert!(matches!(expired, TokenError::CertificateNotAccepted { .. }));
    says(&expired, &["AADSTS700027", "expired"]);
}

#[test]
fn a_wrong_clock_is_700024_with_its_fix() {
    let setup = setup();
    setup.upload();
    // Microsoft's clock an hour ahead of ours: the assertion ended long ago in its eyes.
    setup.world.server.state().clock().advance(3_600);
    let stale = pollster::block_on(request_token(
        &setup.world.net,
        &ManualClock::at(setup.world.server.state().clock().now_millis() - 3_600_000),
        &setup.settings,
        &RetryPolicy::default(),
        &Meter::default(),
    ))
    .expect_err("outside its time range");
    assert!(
        matches!(stale, TokenError::AssertionTime { .. }),
        "{stale:?}"
    );
    says(&stale, &["AADSTS700024", "clock", "Try again"]);
}

#[test]
fn assertions_naming_another_app_or_audience_or_unreadable_are_named_with_their_fix() {
    let setup = setup();
    setup.upload();

    let mut other_app = setup.claims();
    other_app.iss = "11112222-bbbb-3333-cccc-4444dddd5555".into();
    other_app.sub = other_app.iss.clone();
    let mismatch = setup.send(&other_app);
    assert!(
        matches!(mismatch, TokenError::AssertionClientMismatch { .. }),
        "{mismatch:?}"
    );
    says(&mismatch, &["AADSTS700021", "Application (client) ID"]);

    let mut elsewhere = setup.claims();
    elsewhere.aud =
        "https://login.microsoftonline.com/another.onmicrosoft.com/oauth2/v2.0/token".into();
    let audience = setup.send(&elsewhere);
    assert!(
        matches!(audience, TokenError::AssertionAudience { .. }),
        "{audience:?}"
    );
    says(&audience, &["AADSTS700023", "Directory (tenant) ID"]);

    let unreadable = pollster::block_on(send_token_request(
        &setup.world.net,
        assertion_request(&setup.settings, "not.a-jwt"),
    ))
    .expect_err("refused");
    assert!(
        matches!(unreadable, TokenError::AssertionInvalid { .. }),
        "{unreadable:?}"
    );
    says(&unreadable, &["AADSTS50027", "Create a new certificate"]);
}

#[test]
fn a_check_with_an_unregistered_certificate_names_the_upload() {
    let setup = setup();
    let report = pollster::block_on(check_connection(
        &setup.world.net,
        &setup.clock(),
        &setup.settings,
        &["users".to_string()],
    ));
    assert!(!report.ok);
    assert!(
        report.summary.contains("AADSTS700027"),
        "{}",
        report.summary
    );
    assert!(
        report.checks[0].request_id.is_some(),
        "the trace id is shown"
    );
    // Nothing about the key reaches the report.
    let shown = format!("{report:?}");
    let key_line = setup
        .created
        .private_key
        .expose_pem()
        .lines()
        .nth(1)
        .expect("pem body");
    assert!(!shown.contains(key_line));
    assert!(!format!("{:?}", setup.settings).contains(key_line));
}
