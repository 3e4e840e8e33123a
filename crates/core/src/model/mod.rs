//! What Entra Sync reads (Graph records, `$select`ed to what is mapped) and what it writes (Assets
//! objects keyed by their Entra/Intune id), and the pure mapping between them.

mod applications;
mod assets;
mod carry;
mod credentials;
mod devices;
mod fingerprint;
mod groups;
mod licences;
mod machine;
mod map;
mod records;
mod service_principals;

pub use applications::{APP_ID_NAME, AppCarry, Application, CredentialBrief, application_object};
pub use assets::{
    AssetsObject, AttrKind, AttributeSpec, IDENTITY_NAME, LAST_SYNCED, ObjectType, Status,
};
pub use carry::{Carry, LegacyCarryError, Rank, UserCarry};
pub use credentials::{
    Credential, CredentialKind, CredentialState, DEFAULT_WARN_DAYS, ExpiryClock, KeyCredential,
    PasswordCredential, credential_id, credential_object,
};
pub use devices::{Device, ManagedDevice, device_object, managed_device_object};
pub use fingerprint::Fingerprint;
pub use groups::{
    Group, MEMBERSHIP_ID_NAME, group_object, member_type, membership_id, membership_object,
};
pub use licences::{
    AssignedLicense, PrepaidUnits, SubscribedSku, assignment_id, licence_assignment_object,
    licence_name, licence_object,
};
pub use machine::{machine_key, managed_device_rank, usable_serial};
pub use map::user_object;
pub use records::{DirectoryRef, User};
pub use service_principals::{ServicePrincipal, service_principal_object};

/// A Graph text property as an attribute value: trimmed, and null when absent or blank.
fn text(value: Option<&str>) -> serde_json::Value {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map_or(serde_json::Value::Null, |v| {
            serde_json::Value::String(v.to_string())
        })
}
