//! The connection's credential: a client secret, or a certificate Entra Sync created. A new
//! certificate replaces the one in use only once Check connection passed with it for the same
//! tenant and client, so a save can never switch to a certificate Entra does not know yet.

use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::{SettingsError, Tenant, parse_tenant};
use crate::auth::{CertificateCredential, CertificateError, Credential, PrivateKeyText};

/// The ids a passing Check connection used with a new certificate, as the page sent them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckedFor {
    pub tenant_id: String,
    pub client_id: String,
}

impl CheckedFor {
    /// Read from storage: anything but the expected shape counts as "not checked".
    pub fn from_json(value: Option<&Value>) -> Option<CheckedFor> {
        value.and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    fn matches(&self, tenant: &Tenant, client_id: Uuid) -> bool {
        parse_tenant(Some(&self.tenant_id)).is_ok_and(|t| &t == tenant)
            && Uuid::parse_str(self.client_id.trim()).is_ok_and(|c| c == client_id)
    }
}

/// Which credential the admin chose, before it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Secret,
    Certificate,
}

/// `"secret"` (also when absent: settings saved before certificates existed) or `"certificate"`.
pub fn parse_kind(raw: Option<&str>) -> Result<Kind, SettingsError> {
    match raw.map(str::trim) {
        None | Some("" | "secret") => Ok(Kind::Secret),
        Some("certificate") => Ok(Kind::Certificate),
        Some(other) => Err(SettingsError::CredentialUnknown(super::shown(other))),
    }
}

/// What a certificate credential arrives with.
pub struct CertificateInput<'a> {
    pub private_key: Option<&'a PrivateKeyText>,
    pub certificate: Option<&'a str>,
    /// Whether this certificate would replace the one in use (it was created since the last save).
    pub is_new: bool,
    pub checked: Option<&'a CheckedFor>,
}

/// The certificate credential, or why it cannot be used. `ids` are the tenant and client when they
/// are valid; a new certificate must have passed Check connection with exactly those.
pub fn parse_certificate(
    input: &CertificateInput<'_>,
    ids: Option<(&Tenant, Uuid)>,
) -> Result<Credential, SettingsError> {
    let certificate = input.certificate.map(str::trim).unwrap_or_default();
    if certificate.is_empty() {
        return Err(SettingsError::Certificate(CertificateError::Missing));
    }
    let key = input
        .private_key
        .map(PrivateKeyText::expose)
        .unwrap_or_default();
    let credential =
        CertificateCredential::from_stored(key, certificate).map_err(SettingsError::Certificate)?;
    if input.is_new
        && let Some((tenant, client_id)) = ids
        && !input.checked.is_some_and(|c| c.matches(tenant, client_id))
    {
        return Err(SettingsError::Certificate(CertificateError::NotChecked));
    }
    Ok(Credential::Certificate(Box::new(credential)))
}
