//! The simulated Entra tenant: identity, one app registration and its directory, all derived from a seed.

mod ids;
mod names;
mod preset;
mod user;
mod users;

pub use preset::{Preset, PresetSpec, UnknownPreset};
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
        let users = users::generate(preset.spec(), seed, TENANT_DOMAIN);
        Self {
            preset,
            seed,
            id,
            domain: TENANT_DOMAIN.to_string(),
            display_name: "Contoso (simulated)".to_string(),
            app,
            users,
        }
    }

    /// Whether `{tenant}` in a login URL names this tenant: its GUID (any case) or one of its domains.
    pub fn answers_to(&self, tenant: &str) -> bool {
        Uuid::parse_str(tenant).is_ok_and(|id| id == self.id)
            || tenant.eq_ignore_ascii_case(&self.domain)
    }
}
