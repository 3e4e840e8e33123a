//! The simulated Entra tenant: identity, one app registration and its directory, all derived from a seed.

mod account;
mod application;
mod applications;
mod changes;
mod churn;
mod device;
mod devices;
mod first_party;
mod group;
mod group_names;
mod groups;
mod ids;
mod index;
mod managed_devices;
mod managers;
mod names;
mod preset;
mod removals;
mod sku;
mod skus;
mod user;
mod users;

pub use application::{AppCertificate, AppSecret, Application, MICROSOFT_TENANT, ServicePrincipal};
pub use applications::own_object_id;
pub use changes::{Change, ChangeLog, NetChange, ObjectKind, ObjectRef, RemovalReason};
pub use churn::{ChurnReport, ManagedDeviceChanges, ObjectChanges};
/// The generator's "now" (2025-06-01), which generated dates are relative to.
pub fn devices_epoch() -> u64 {
    devices::EPOCH_NOW
}

pub use device::{Device, DeviceOs, ManagedDevice};
pub use group::{Group, GroupKind, MemberRef};
pub use index::TenantIndex;
pub use preset::{Preset, PresetSpec, UnknownPreset};
pub use removals::{Collection, Removals};
pub use sku::{AssignedLicense, PrepaidUnits, ServicePlan, Sku, SkuPlan};
pub use user::{User, UserType};
use uuid::Uuid;

/// The domain every generated tenant uses. Fixed rather than seeded so docs and screenshots stay stable.
pub const TENANT_DOMAIN: &str = "contoso-sim.onmicrosoft.com";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    pub preset: Preset,
    pub seed: u64,
    pub id: Uuid,
    /// The initial `*.onmicrosoft.com` domain, accepted in place of the tenant id at the token endpoint.
    pub domain: String,
    pub display_name: String,
    pub app: AppRegistration,
    pub users: Vec<User>,
    /// Nesting only points to later groups: the membership graph is acyclic.
    pub groups: Vec<Group>,
    /// Entra directory devices.
    pub devices: Vec<Device>,
    /// Intune records, re-enrolment duplicates last.
    pub managed_devices: Vec<ManagedDevice>,
    pub skus: Vec<Sku>,
    /// The service plans SKUs bundle, referred to by index.
    pub service_plans: Vec<ServicePlan>,
    /// App registrations; the first is Entra Sync's own, its credentials mirrored from the sim state.
    pub applications: Vec<Application>,
    pub service_principals: Vec<ServicePrincipal>,
    /// Seconds added to the generated applications' dates when served: the sim state sets it so that
    /// the generator's "now" is the sim's start, and credentials expire relative to the real date.
    pub app_dates_shift: i64,
    /// Id lookups, derived from the vectors above.
    pub index: TenantIndex,
    /// Every change since generation, for delta queries.
    pub changes: ChangeLog,
    /// Positions removed from the vectors above, for list skip tokens.
    pub removals: Removals,
}

/// The app registration an admin creates for Entra Sync, with the one client secret they copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRegistration {
    pub display_name: String,
    /// "Application (client) ID" on the portal; the JWT `appid` claim.
    pub client_id: Uuid,
    /// Object id of the app's service principal in this tenant; the JWT `oid`/`sub` claims.
    pub service_principal_id: Uuid,
    pub secret: ClientSecret,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientSecret {
    /// The secret's "Secret ID" (`passwordCredential.keyId`). Admins often paste it instead of the value,
    /// which Entra answers with AADSTS7000215.
    pub key_id: Uuid,
    /// The "Value" column, shown once on creation.
    pub value: String,
}

impl Tenant {
    pub fn generate(preset: Preset, seed: u64) -> Self {
        let mut rng = ids::rng(seed, ids::Stream::Identity);
        let id = ids::guid(&mut rng);
        let app = AppRegistration {
            display_name: "Entra Sync for Jira Service Management".to_string(),
            client_id: ids::guid(&mut rng),
            service_principal_id: ids::guid(&mut rng),
            secret: ClientSecret {
                key_id: ids::guid(&mut rng),
                value: ids::client_secret(&mut rng),
            },
        };
        let spec = preset.spec();
        // Each part reads its own stream; later parts may read earlier ones' output but never their
        // streams, so adding a part leaves the existing ones as they were.
        let mut users = users::generate(spec, seed, TENANT_DOMAIN);
        managers::assign(seed, &mut users);
        let licensing = skus::generate(spec, seed, &users);
        for (user, licenses) in users.iter_mut().zip(licensing.assignments) {
            user.assigned_licenses = licenses;
        }
        let mut devices = devices::generate(spec, seed);
        let managed_devices = managed_devices::generate(spec, seed, &users, &mut devices);
        let groups = groups::generate(spec, seed, &users, devices.len());
        let index = TenantIndex::build(&users, &groups, &devices);
        let inventory = applications::generate(spec, seed, id, TENANT_DOMAIN, &app);
        Self {
            preset,
            seed,
            id,
            domain: TENANT_DOMAIN.to_string(),
            display_name: "Contoso (simulated)".to_string(),
            app,
            users,
            groups,
            devices,
            managed_devices,
            skus: licensing.skus,
            service_plans: licensing.service_plans,
            applications: inventory.applications,
            service_principals: inventory.service_principals,
            app_dates_shift: 0,
            index,
            changes: ChangeLog::default(),
            removals: Removals::default(),
        }
    }

    /// Whether `{tenant}` in a login URL names this tenant: its GUID (any case) or one of its domains.
    pub fn answers_to(&self, tenant: &str) -> bool {
        Uuid::parse_str(tenant).is_ok_and(|id| id == self.id)
            || tenant.eq_ignore_ascii_case(&self.domain)
    }
}
