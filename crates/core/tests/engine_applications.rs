//! Applications, their credentials and enterprise applications, natively against the in-process
//! simulator: Assets equals the tenant (every attribute, reference and credential) after a full
//! run and after churn; a rotated secret retires the old App Credential; the expiry warning lists
//! exactly the credentials inside the window; a new day rewrites exactly what time changed.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use entra_sync_core::model::{CredentialState, ExpiryClock};
use entra_sync_core::sync::datasets::Dataset;
use entra_sync_core::sync::{Checkpoint, Outcome, RunReport, Selection, StepStatus};
use entra_sync_core::time::iso_utc;
use entra_sync_sim::Preset;
use entra_sync_sim::tenant::{AppCertificate, MICROSOFT_TENANT, Tenant};
use support::World;
use support::rows::{Rows, actual, assert_rows_equal, some};

const APPLICATION: &[&str] = &[
    "Name",
    "Application (client) ID",
    "Sign-in Audience",
    "Publisher Domain",
    "Credentials",
    "Next Credential Expiry",
    "Credential Status",
    "Status",
];

const CREDENTIAL: &[&str] = &[
    "Name",
    "Application",
    "Kind",
    "Description",
    "Hint or Thumbprint",
    "Key ID",
    "Expires",
    "Days Left",
    "State",
    "Status",
];

const ENTERPRISE: &[&str] = &[
    "Name",
    "Application (client) ID",
    "Type",
    "Enabled",
    "Publisher",
    "App Registration",
    "SAML Signing Certificates",
    "SAML Certificate Expiry",
    "Status",
];

fn selection() -> Vec<Selection> {
    [Dataset::Applications, Dataset::ServicePrincipals]
        .into_iter()
        .map(|dataset| Selection {
            dataset,
            filter: None,
        })
        .collect()
}

fn finished(world: &World, checkpoint: Checkpoint) -> RunReport {
    let (result, _) = world.run(checkpoint, World::big_budget);
    match result.status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

fn run(world: &World, warn_days: u32) -> RunReport {
    let mut checkpoint = world.begin_with(false, false, &selection());
    checkpoint.warn_days = warn_days;
    let report = finished(world, checkpoint);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    report
}

/// A served date in milliseconds: generated seconds moved onto the sim's clock.
fn served_ms(tenant: &Tenant, secs: u64) -> i64 {
    (secs as i64 + tenant.app_dates_shift) * 1000
}

/// Seconds are what Assets keeps of a date; compare those.
fn date(ms: i64) -> Option<String> {
    Some(iso_utc(ms as u64)[..19].to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

/// `(key id, kind, description, hint or thumbprint, end ms)` of an application's credentials.
fn credentials_of(
    tenant: &Tenant,
    app: &entra_sync_sim::tenant::Application,
) -> Vec<(String, &'static str, String, String, i64)> {
    let mut all: Vec<_> = app
        .secrets
        .iter()
        .map(|s| {
            (
                s.key_id.to_string(),
                "Client secret",
                s.display_name.clone(),
                s.hint.clone(),
                served_ms(tenant, s.end),
            )
        })
        .collect();
    all.extend(app.certificates.iter().map(|c: &AppCertificate| {
        (
            c.key_id.to_string(),
            "Certificate",
            c.display_name.clone(),
            hex(&c.thumbprint),
            served_ms(tenant, c.end),
        )
    }));
    all
}

fn expected(tenant: &Tenant, clock: ExpiryClock) -> (Rows, Rows, Rows) {
    let mut applications = BTreeMap::new();
    let mut credentials = BTreeMap::new();
    for app in &tenant.applications {
        let creds = credentials_of(tenant, app);
        let now = clock.now_ms as i64;
        let next = creds.iter().map(|c| c.4).filter(|end| *end > now).min();
        let status = match next {
            None if creds.is_empty() => "None",
            None => "Expired",
            Some(end) => clock.state(end).label(),
        };
        let id = app.id.to_string();
        applications.insert(
            id.clone(),
            BTreeMap::from([
                ("Name", some(&app.display_name)),
                ("Application (client) ID", some(&app.app_id.to_string())),
                ("Sign-in Audience", some(app.sign_in_audience)),
                ("Publisher Domain", some(&app.publisher_domain)),
                ("Credentials", Some(creds.len().to_string())),
                ("Next Credential Expiry", next.and_then(date)),
                ("Credential Status", some(status)),
                ("Status", some("Active")),
            ]),
        );
        for (key, kind, description, hint, end) in creds {
            let shown = if description.is_empty() {
                kind
            } else {
                &description
            };
            credentials.insert(
                format!("{id}:{key}"),
                BTreeMap::from([
                    ("Name", Some(format!("{}: {shown}", app.display_name))),
                    ("Application", Some(id.clone())),
                    ("Kind", some(kind)),
                    ("Description", some(&description)),
                    ("Hint or Thumbprint", some(&hint)),
                    ("Key ID", Some(key.clone())),
                    ("Expires", date(end)),
                    ("Days Left", Some(clock.days_left(end).to_string())),
                    ("State", some(clock.state(end).label())),
                    ("Status", some("Active")),
                ]),
            );
        }
    }
    let own_apps: BTreeMap<String, String> = tenant
        .applications
        .iter()
        .map(|a| (a.app_id.to_string(), a.id.to_string()))
        .collect();
    let enterprise = tenant
        .service_principals
        .iter()
        .map(|sp| {
            let own = sp.owner_tenant == tenant.id;
            let publisher = if own {
                "this tenant".to_string()
            } else if sp.owner_tenant == MICROSOFT_TENANT {
                "Microsoft".to_string()
            } else {
                sp.owner_tenant.to_string()
            };
            let mut signing: Vec<&AppCertificate> = sp
                .certificates
                .iter()
                .filter(|c| c.usage == "Sign")
                .collect();
            signing.sort_by_key(|c| (c.end, c.key_id.to_string()));
            let listed: Vec<String> = signing
                .iter()
                .map(|c| {
                    let end = iso_utc(served_ms(tenant, c.end) as u64);
                    format!("{} until {}", hex(&c.thumbprint), &end[..10])
                })
                .collect();
            let newest = signing.iter().map(|c| served_ms(tenant, c.end)).max();
            let row = BTreeMap::from([
                ("Name", some(&sp.display_name)),
                ("Application (client) ID", some(&sp.app_id.to_string())),
                ("Type", some(sp.kind)),
                ("Enabled", Some(sp.account_enabled.to_string())),
                ("Publisher", Some(publisher)),
                (
                    "App Registration",
                    own.then(|| own_apps.get(&sp.app_id.to_string()).cloned())
                        .flatten(),
                ),
                ("SAML Signing Certificates", some(&listed.join(", "))),
                ("SAML Certificate Expiry", newest.and_then(date)),
                (
                    "Status",
                    some(if sp.account_enabled {
                        "Active"
                    } else {
                        "Disabled"
                    }),
                ),
            ]);
            (sp.id.to_string(), row)
        })
        .collect();
    (applications, credentials, enterprise)
}

/// Dates read back as Assets keeps them, cut to seconds like the expectations.
fn seconds(mut rows: Rows, names: &[&'static str]) -> Rows {
    for row in rows.values_mut() {
        for name in names {
            if let Some(Some(value)) = row.get_mut(name) {
                value.truncate(19);
            }
        }
    }
    rows
}

/// Asserts Assets equals the tenant as of `clock`; returns the retired credential ids.
fn assert_equal_tenant(world: &World, clock: ExpiryClock) -> Vec<String> {
    let (applications, credentials, enterprise) = expected(&world.server.state().tenant(), clock);
    let (live, _) = actual(world, "Entra Application", "Entra Object ID", APPLICATION);
    assert_rows_equal(
        "application",
        &seconds(live, &["Next Credential Expiry"]),
        &applications,
    );
    let (live, retired) = actual(world, "App Credential", "Credential ID", CREDENTIAL);
    assert_rows_equal("credential", &seconds(live, &["Expires"]), &credentials);
    let (live, _) = actual(
        world,
        "Entra Enterprise Application",
        "Entra Object ID",
        ENTERPRISE,
    );
    assert_rows_equal(
        "enterprise application",
        &seconds(live, &["SAML Certificate Expiry"]),
        &enterprise,
    );
    retired
}

fn clock_of(report: &RunReport, warn_days: u32) -> ExpiryClock {
    ExpiryClock {
        now_ms: report.started_ms,
        warn_days,
    }
}

#[test]
fn applications_and_enterprise_applications_follow_the_tenant_through_churn() {
    let world = World::new(Preset::Demo, 7);
    let report = run(&world, 30);
    let tenant = world.server.state().tenant();
    assert!(tenant.applications.len() > 5 && tenant.service_principals.len() > 20);
    drop(tenant);
    assert!(assert_equal_tenant(&world, clock_of(&report, 30)).is_empty());

    // Churn until a secret was rotated; remember the credentials Assets had.
    let (before, _) = actual(&world, "App Credential", "Credential ID", CREDENTIAL);
    let mut rotations = 0;
    for seed in 1..=40 {
        let churn = world.server.state().churn(5.0, seed);
        rotations += churn
            .operations
            .get("secret rotations")
            .copied()
            .unwrap_or(0);
        if rotations > 0 && !churn.applications.changed().is_empty() {
            break;
        }
    }
    assert!(rotations > 0, "churn rotated a secret");
    let report = run(&world, 30);
    assert!(
        report.datasets.iter().all(|d| !d.full_round),
        "both read incrementally on the same day"
    );
    let retired = assert_equal_tenant(&world, clock_of(&report, 30));
    let (_, expected_now, _) = expected(&world.server.state().tenant(), clock_of(&report, 30));
    let gone: Vec<&String> = before
        .keys()
        .filter(|id| !expected_now.contains_key(*id))
        .collect();
    assert!(!gone.is_empty(), "a rotation took a secret away");
    for id in &gone {
        assert!(retired.contains(id), "the old credential {id} is retired");
    }
}

#[test]
fn the_expiry_warning_lists_exactly_the_credentials_inside_the_window() {
    // Small: enough applications that more than ten credentials are in the window.
    let world = World::new(Preset::Small, 11);
    for warn_days in [30, 90] {
        let report = run(&world, warn_days);
        let clock = clock_of(&report, warn_days);
        let tenant = world.server.state().tenant();
        let mut inside: Vec<(String, i64)> = Vec::new();
        for app in &tenant.applications {
            for (_, kind, description, _, end) in credentials_of(&tenant, app) {
                if clock.state(end) != CredentialState::Valid {
                    let shown = if description.is_empty() {
                        kind.to_string()
                    } else {
                        description
                    };
                    inside.push((format!("{} – {shown}", app.display_name), end));
                }
            }
        }
        let summary = report
            .expiry
            .clone()
            .expect("the report carries the summary");
        assert_eq!(
            summary.count,
            Some(inside.len() as u64),
            "window {warn_days}"
        );
        assert!(
            inside.len() > summary.soonest.len(),
            "more than ten to choose from"
        );
        // The ten named: upcoming soonest first, then the most recently expired.
        let now = clock.now_ms as i64;
        inside.sort_by_key(|(name, end)| {
            (
                *end <= now,
                if *end > now { *end } else { -*end },
                name.clone(),
            )
        });
        let named: Vec<String> = summary
            .soonest
            .iter()
            .map(|c| format!("{} – {}", c.application, c.credential))
            .collect();
        let want: Vec<String> = inside.iter().take(10).map(|(n, _)| n.clone()).collect();
        assert_eq!(named, want);
        let line = report
            .warnings
            .iter()
            .find(|w| w.contains("app registration credential"))
            .expect("the log lists them");
        assert!(
            line.starts_with(&format!("{} app registration", inside.len())),
            "{line}"
        );
        assert!(line.contains(&format!("within {warn_days} days")), "{line}");
        // Entra Sync's own secret (the first registration's, matched by hint) is read every run.
        let own_app = &tenant.applications[0];
        let entra_sync_core::auth::Credential::Secret(secret) = &world.settings.credential else {
            panic!("the test world signs in with a secret");
        };
        let hint: String = secret.expose().chars().take(3).collect();
        let end = own_app
            .secrets
            .iter()
            .filter(|s| s.hint == hint)
            .map(|s| served_ms(&tenant, s.end))
            .max()
            .expect("the secret in use is listed");
        let own = summary.own.expect("own secret read");
        assert_eq!(own.days_left, clock.days_left(end));
        assert_eq!(&own.end_date_time[..19], &iso_utc(end as u64)[..19]);
    }
}

#[test]
fn a_new_day_rewrites_exactly_what_time_changed() {
    let world = World::new(Preset::Demo, 5);
    run(&world, 30);
    let report = run(&world, 30);
    let credentials = |r: &RunReport| {
        r.datasets
            .iter()
            .find_map(|d| d.objects.get("appCredential").cloned())
            .expect("credential counts")
    };
    assert_eq!(
        credentials(&report).updated,
        0,
        "same day: nothing to rewrite"
    );
    assert!(!report.datasets[0].full_round);
    world.clock.advance(Duration::from_secs(86_400));
    let report = run(&world, 30);
    assert!(
        report.datasets[0].full_round,
        "the day's first run reads all applications"
    );
    let tenant = world.server.state().tenant();
    let with_end: usize = tenant
        .applications
        .iter()
        .map(|a| a.secrets.len() + a.certificates.len())
        .sum();
    drop(tenant);
    assert_eq!(
        credentials(&report).updated as usize,
        with_end,
        "every credential's days left moved by one"
    );
    assert_equal_tenant(&world, clock_of(&report, 30));
    let again = run(&world, 30);
    assert!(!again.datasets[0].full_round);
    assert_eq!(credentials(&again).updated, 0);
}
