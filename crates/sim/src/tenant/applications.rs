//! The app inventory generator: app registrations with secrets and certificates in every state an
//! admin meets (expired, expiring within 30 days, several at once, none), and the tenant's service
//! principals: its own apps', Microsoft's first-party ones and gallery apps with SAML signing keys.

use rand::Rng;
use uuid::Uuid;

use super::AppRegistration;
use super::application::{
    AppCertificate, AppSecret, Application, MICROSOFT_TENANT, ServicePrincipal,
};
use super::devices::EPOCH_NOW;
use super::first_party::{GALLERY, SERVICES, WELL_KNOWN};
use super::ids;
use super::preset::PresetSpec;

const DAY: u64 = 86_400;
/// 2018-01-01 .. the generator's "now".
const CREATED_RANGE: std::ops::Range<u64> = 1_514_764_800..EPOCH_NOW;

const TEAMS: &[&str] = &[
    "HR",
    "Payroll",
    "Finance",
    "Sales",
    "Marketing",
    "IT",
    "Security",
    "Legal",
    "Support",
    "Data",
];
const PURPOSES: &[&str] = &[
    "Portal",
    "Reporting",
    "Sync",
    "Automation",
    "API",
    "Dashboard",
    "Connector",
    "Backup",
    "Provisioning",
    "Webhook",
];
const ENVIRONMENTS: &[&str] = &["", " (dev)", " (test)", " (prod)"];
const SECRET_NAMES: &[&str] = &["prod", "CI pipeline", "rotation", "default", "backend", ""];

/// Splits the preset's service principals into the tenant's own, Microsoft's and gallery apps.
pub struct Inventory {
    pub applications: Vec<Application>,
    pub service_principals: Vec<ServicePrincipal>,
}

pub fn generate(
    spec: PresetSpec,
    seed: u64,
    tenant_id: Uuid,
    domain: &str,
    own: &AppRegistration,
) -> Inventory {
    let mut rng = ids::rng(seed, ids::Stream::Applications);
    let mut applications = vec![Application {
        id: own_object_id(own.client_id),
        app_id: own.client_id,
        display_name: own.display_name.clone(),
        sign_in_audience: "AzureADMyOrg",
        created: EPOCH_NOW,
        publisher_domain: domain.to_string(),
        // Mirrored from the credential store by the sim state.
        secrets: Vec::new(),
        certificates: Vec::new(),
    }];
    for _ in 1..spec.applications.max(1) {
        applications.push(application(&mut rng, domain));
    }
    let mut service_principals = vec![ServicePrincipal {
        id: own.service_principal_id,
        app_id: own.client_id,
        display_name: own.display_name.clone(),
        kind: "Application",
        account_enabled: true,
        owner_tenant: tenant_id,
        certificates: Vec::new(),
        tags: vec!["WindowsAzureActiveDirectoryIntegratedApp"],
    }];
    for app in &applications[1..] {
        // Some registrations never got an enterprise application (single-tenant apps nobody signed in to).
        if rng.random_ratio(9, 10) {
            service_principals.push(ServicePrincipal {
                id: ids::guid(&mut rng),
                app_id: app.app_id,
                display_name: app.display_name.clone(),
                kind: "Application",
                account_enabled: !rng.random_ratio(1, 25),
                owner_tenant: tenant_id,
                certificates: Vec::new(),
                tags: vec!["WindowsAzureActiveDirectoryIntegratedApp"],
            });
        }
    }
    let room = spec
        .service_principals
        .saturating_sub(service_principals.len());
    let gallery = room / 12;
    for n in 0..gallery {
        service_principals.push(gallery_app(&mut rng, n));
    }
    for n in 0..room - gallery {
        service_principals.push(first_party(&mut rng, n));
    }
    Inventory {
        applications,
        service_principals,
    }
}

/// The application object's own id (≠ appId), stable per app, as `/applications` has always served it.
pub fn own_object_id(app_id: Uuid) -> Uuid {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("application:{app_id}"));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

fn pick<'a>(rng: &mut impl Rng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

pub fn application(rng: &mut impl Rng, domain: &str) -> Application {
    let name = format!(
        "{} {}{}",
        pick(rng, TEAMS),
        pick(rng, PURPOSES),
        pick(rng, ENVIRONMENTS)
    );
    let (secrets, certificates) = match rng.random_range(0..100) {
        0..15 => (0, 0),
        15..60 => (1, 0),
        60..75 => (2, 0),
        75..88 => (0, 1),
        _ => (1, 1),
    };
    Application {
        id: ids::guid(rng),
        app_id: ids::guid(rng),
        sign_in_audience: if rng.random_ratio(1, 6) {
            "AzureADMultipleOrgs"
        } else {
            "AzureADMyOrg"
        },
        created: rng.random_range(CREATED_RANGE),
        publisher_domain: domain.to_string(),
        secrets: (0..secrets).map(|_| secret(rng, EPOCH_NOW)).collect(),
        certificates: (0..certificates)
            .map(|_| certificate(rng, &format!("CN={name}"), "Verify", 365))
            .collect(),
        display_name: name,
    }
}

/// An end date as admins leave them: 15 % expired, 12 % within 30 days, the rest later.
pub fn end_date(rng: &mut impl Rng, now: u64) -> u64 {
    match rng.random_range(0..100) {
        0..15 => now - rng.random_range(1..400) * DAY,
        15..27 => now + rng.random_range(1..30) * DAY,
        _ => now + rng.random_range(31..730) * DAY,
    }
}

/// A client secret ending per [`end_date`], created 6, 12 or 24 months before its end (portal choices).
pub fn secret(rng: &mut impl Rng, now: u64) -> AppSecret {
    let end = end_date(rng, now);
    let lifetime = [180, 365, 730][rng.random_range(0..3)] * DAY;
    const HINT: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let hint = (0..3)
        .map(|_| char::from(HINT[rng.random_range(0..HINT.len())]))
        .collect();
    AppSecret {
        key_id: ids::guid(rng),
        display_name: pick(rng, SECRET_NAMES).to_string(),
        hint,
        start: end.saturating_sub(lifetime).min(now),
        end,
    }
}

/// A certificate of `years_days` validity ending per [`end_date`].
pub fn certificate(
    rng: &mut impl Rng,
    subject: &str,
    usage: &'static str,
    validity_days: u64,
) -> AppCertificate {
    let end = end_date(rng, EPOCH_NOW);
    let mut thumbprint = [0u8; 20];
    rng.fill(&mut thumbprint);
    AppCertificate {
        key_id: ids::guid(rng),
        display_name: subject.to_string(),
        thumbprint,
        start: end.saturating_sub(validity_days * DAY),
        end,
        usage,
    }
}

/// A gallery app from another publisher; two in three use SAML SSO and hold a signing certificate
/// (Graph lists it twice: the `Sign` key and its `Verify` twin, same thumbprint).
fn gallery_app(rng: &mut impl Rng, n: usize) -> ServicePrincipal {
    let name = GALLERY[n % GALLERY.len()];
    let display_name = match n / GALLERY.len() {
        0 => name.to_string(),
        k => format!("{name} {}", k + 1),
    };
    let mut certificates = Vec::new();
    if rng.random_ratio(2, 3) {
        let sign = certificate(
            rng,
            "CN=Microsoft Azure Federated SSO Certificate",
            "Sign",
            3 * 365,
        );
        let verify = AppCertificate {
            key_id: ids::guid(rng),
            usage: "Verify",
            ..sign.clone()
        };
        certificates = vec![sign, verify];
    }
    ServicePrincipal {
        id: ids::guid(rng),
        app_id: ids::guid(rng),
        display_name,
        kind: "Application",
        account_enabled: true,
        owner_tenant: ids::guid(rng),
        tags: if certificates.is_empty() {
            vec!["WindowsAzureActiveDirectoryIntegratedApp"]
        } else {
            vec![
                "WindowsAzureActiveDirectoryIntegratedApp",
                "WindowsAzureActiveDirectoryCustomSingleSignOnApplication",
            ]
        },
        certificates,
    }
}

fn first_party(rng: &mut impl Rng, n: usize) -> ServicePrincipal {
    let (app_id, display_name) = match WELL_KNOWN.get(n) {
        Some((id, name)) => (Uuid::parse_str(id).unwrap_or_default(), name.to_string()),
        None => {
            let k = n - WELL_KNOWN.len();
            let service = SERVICES[k % SERVICES.len()];
            let name = match k / SERVICES.len() {
                0 => service.to_string(),
                v => format!("{service} {v}"),
            };
            (ids::guid(rng), name)
        }
    };
    ServicePrincipal {
        id: ids::guid(rng),
        app_id,
        display_name,
        kind: "Application",
        account_enabled: true,
        owner_tenant: MICROSOFT_TENANT,
        certificates: Vec::new(),
        tags: Vec::new(),
    }
}
