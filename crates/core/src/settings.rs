//! The connection settings an admin types in, and their validation. Every rejection names the field,
//! what is wrong and how to fix it, because the admin page shows these messages as they are.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::auth::{CertificateError, Credential, PrivateKeyText};
use crate::secret::ClientSecret;

mod credential;

pub use credential::CheckedFor;

/// Settings as they arrive from the admin page or from storage: every field optional and untrusted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsInput {
    #[serde(default)]
    pub tenant_id: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub client_secret: Option<ClientSecret>,
    /// `"secret"` (or absent) or `"certificate"`.
    #[serde(default)]
    pub credential: Option<String>,
    /// The certificate's private key (PKCS#8 PEM) from secret storage.
    #[serde(default)]
    pub private_key: Option<PrivateKeyText>,
    /// The certificate (PEM) that goes with the key.
    #[serde(default)]
    pub certificate: Option<String>,
    /// Whether the certificate was created since the last save (it would replace the one in use).
    #[serde(default)]
    pub certificate_new: bool,
    /// The ids a passing Check connection used with the new certificate.
    #[serde(default)]
    pub certificate_checked: Option<CheckedFor>,
}

/// Longest client secret accepted. Entra's secret values are 40 characters; this leaves room for any
/// future form while staying far inside Forge's 128 KiB limit for a stored secret, so a save can
/// never fail at the secret store after validation passed.
pub const SECRET_MAX_CHARS: usize = 1_024;

/// Settings that passed validation. The tenant is a GUID or a verified domain, the client id a GUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSettings {
    pub tenant: Tenant,
    pub client_id: Uuid,
    pub credential: Credential,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tenant {
    Id(Uuid),
    Domain(String),
}

impl Tenant {
    /// The form used in the token URL path.
    pub fn as_path_segment(&self) -> String {
        match self {
            Tenant::Id(id) => id.hyphenated().to_string(),
            Tenant::Domain(domain) => domain.clone(),
        }
    }
}

/// Which setting a problem belongs to, as the admin page names its fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    TenantId,
    ClientId,
    ClientSecret,
    Credential,
    Certificate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error(
        "Tenant ID is empty. Copy the Directory (tenant) ID from the app registration's Overview page in the Microsoft Entra admin center."
    )]
    TenantMissing,
    #[error(
        "Tenant ID \"{0}\" is neither a GUID nor a domain. Use the Directory (tenant) ID (for example 72f988bf-86f1-41af-91ab-2d7cd011db47) or a verified domain such as contoso.onmicrosoft.com."
    )]
    TenantMalformed(String),
    #[error(
        "Tenant ID \"{0}\" is a multi-tenant alias; an app-only connection needs your own tenant. Use the Directory (tenant) ID from the app registration's Overview page."
    )]
    TenantAlias(String),
    #[error(
        "Client ID is empty. Copy the Application (client) ID from the app registration's Overview page."
    )]
    ClientMissing,
    #[error(
        "Client ID \"{0}\" is not a GUID. Copy the Application (client) ID (for example 00001111-aaaa-2222-bbbb-3333cccc4444) from the app registration's Overview page."
    )]
    ClientMalformed(String),
    #[error(
        "Client secret is empty. Create one under Certificates & secrets in the app registration and paste its Value."
    )]
    SecretMissing,
    #[error(
        "Client secret is {0} characters long; Entra's secret values are about 40 and Entra Sync accepts at most 1024. Paste only the Value column of the secret from Certificates & secrets."
    )]
    SecretTooLong(usize),
    #[error("{field} must be text, not {found}. Type or paste the value into the field.")]
    NotText { field: Field, found: &'static str },
    #[error(
        "This looks like the secret's Secret ID, not its Value. In Certificates & secrets, copy the Value column (shown only right after the secret is created); if it is hidden now, create a new secret."
    )]
    SecretIsSecretId,
    #[error("Sign-in method \"{0}\" is not offered. Choose Client secret or Certificate.")]
    CredentialUnknown(String),
    #[error("{0}")]
    Certificate(CertificateError),
}

impl SettingsError {
    pub fn field(&self) -> Field {
        match self {
            SettingsError::TenantMissing
            | SettingsError::TenantMalformed(_)
            | SettingsError::TenantAlias(_) => Field::TenantId,
            SettingsError::ClientMissing | SettingsError::ClientMalformed(_) => Field::ClientId,
            SettingsError::SecretMissing
            | SettingsError::SecretTooLong(_)
            | SettingsError::SecretIsSecretId => Field::ClientSecret,
            SettingsError::NotText { field, .. } => *field,
            SettingsError::CredentialUnknown(_) => Field::Credential,
            SettingsError::Certificate(_) => Field::Certificate,
        }
    }
}

impl std::fmt::Display for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Field::TenantId => "Tenant ID",
            Field::ClientId => "Client ID",
            Field::ClientSecret => "Client secret",
            Field::Credential => "Sign-in method",
            Field::Certificate => "Certificate",
        })
    }
}

/// A JSON value's kind, as a type error names what arrived.
pub fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "empty",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A value as an error message quotes it: whole when short, else its start. Keeps a pasted
/// megabyte out of the page and the logs.
pub fn shown(text: &str) -> String {
    const SHOWN_CHARS: usize = 80;
    if text.chars().count() <= SHOWN_CHARS {
        return text.to_string();
    }
    let start: String = text.chars().take(SHOWN_CHARS).collect();
    format!("{start}…")
}

impl SettingsInput {
    /// Reads settings from untrusted JSON: a field of the wrong type is a field error, never a
    /// deserialisation failure, so the page can mark it like any other problem. Absent and `null`
    /// fields read as empty (validation then says what to enter).
    pub fn from_json(value: &Value) -> Result<SettingsInput, Vec<SettingsError>> {
        let mut errors = Vec::new();
        let mut text = |key: &str, field: Field| match value.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                errors.push(SettingsError::NotText {
                    field,
                    found: kind_of(other),
                });
                None
            }
        };
        let tenant_id = text("tenantId", Field::TenantId);
        let client_id = text("clientId", Field::ClientId);
        let client_secret = text("clientSecret", Field::ClientSecret).map(ClientSecret::new);
        let credential = text("credential", Field::Credential);
        let private_key = text("privateKey", Field::Certificate).map(PrivateKeyText::new);
        let certificate = text("certificate", Field::Certificate);
        if errors.is_empty() {
            Ok(SettingsInput {
                tenant_id,
                client_id,
                client_secret,
                credential,
                private_key,
                certificate,
                certificate_new: value.get("certificateNew") == Some(&Value::Bool(true)),
                certificate_checked: CheckedFor::from_json(value.get("certificateChecked")),
            })
        } else {
            Err(errors)
        }
    }

    /// [`SettingsInput::from_json`], then [`SettingsInput::validate`]: every problem at once.
    pub fn validate_json(value: &Value) -> Result<ConnectionSettings, Vec<SettingsError>> {
        match SettingsInput::from_json(value) {
            Ok(input) => input.validate(),
            Err(mut type_errors) => {
                // Fields of the right type are still checked, so one save shows every problem.
                let partial = SettingsInput {
                    tenant_id: value
                        .get("tenantId")
                        .and_then(Value::as_str)
                        .map(Into::into),
                    client_id: value
                        .get("clientId")
                        .and_then(Value::as_str)
                        .map(Into::into),
                    client_secret: value
                        .get("clientSecret")
                        .and_then(Value::as_str)
                        .map(ClientSecret::new),
                    credential: value
                        .get("credential")
                        .and_then(Value::as_str)
                        .map(Into::into),
                    private_key: value
                        .get("privateKey")
                        .and_then(Value::as_str)
                        .map(PrivateKeyText::new),
                    certificate: value
                        .get("certificate")
                        .and_then(Value::as_str)
                        .map(Into::into),
                    certificate_new: value.get("certificateNew") == Some(&Value::Bool(true)),
                    certificate_checked: CheckedFor::from_json(value.get("certificateChecked")),
                };
                let typed: Vec<Field> = type_errors.iter().map(SettingsError::field).collect();
                let others = partial.validate().err().unwrap_or_default();
                type_errors.extend(others.into_iter().filter(|e| !typed.contains(&e.field())));
                type_errors.sort_by_key(|e| e.field() as u8);
                Err(type_errors)
            }
        }
    }

    /// Validates every field and returns all problems at once, so the page can mark each field.
    pub fn validate(&self) -> Result<ConnectionSettings, Vec<SettingsError>> {
        let tenant = parse_tenant(self.tenant_id.as_deref());
        let client_id = parse_client_id(self.client_id.as_deref());
        let credential = match credential::parse_kind(self.credential.as_deref()) {
            Err(error) => Err(error),
            Ok(credential::Kind::Secret) => {
                parse_secret(self.client_secret.as_ref()).map(Credential::Secret)
            }
            Ok(credential::Kind::Certificate) => {
                let ids = match (&tenant, &client_id) {
                    (Ok(tenant), Ok(client_id)) => Some((tenant, *client_id)),
                    _ => None,
                };
                let input = credential::CertificateInput {
                    private_key: self.private_key.as_ref(),
                    certificate: self.certificate.as_deref(),
                    is_new: self.certificate_new,
                    checked: self.certificate_checked.as_ref(),
                };
                credential::parse_certificate(&input, ids)
            }
        };
        match (tenant, client_id, credential) {
            (Ok(tenant), Ok(client_id), Ok(credential)) => Ok(ConnectionSettings {
                tenant,
                client_id,
                credential,
            }),
            (tenant, client_id, credential) => {
                Err([tenant.err(), client_id.err(), credential.err()]
                    .into_iter()
                    .flatten()
                    .collect())
            }
        }
    }
}

pub fn parse_tenant(raw: Option<&str>) -> Result<Tenant, SettingsError> {
    let value = raw.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(SettingsError::TenantMissing);
    }
    if let Ok(id) = Uuid::parse_str(value) {
        return Ok(Tenant::Id(id));
    }
    let lower = value.to_ascii_lowercase();
    if matches!(lower.as_str(), "common" | "organizations" | "consumers") {
        return Err(SettingsError::TenantAlias(value.to_string()));
    }
    if is_domain(&lower) {
        Ok(Tenant::Domain(lower))
    } else {
        Err(SettingsError::TenantMalformed(shown(value)))
    }
}

fn is_domain(value: &str) -> bool {
    let labels: Vec<&str> = value.split('.').collect();
    let label_ok = |label: &&str| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
    value.len() <= 253 && labels.len() >= 2 && labels.iter().all(label_ok) && tld_ok
}

fn parse_client_id(raw: Option<&str>) -> Result<Uuid, SettingsError> {
    let value = raw.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(SettingsError::ClientMissing);
    }
    Uuid::parse_str(value).map_err(|_| SettingsError::ClientMalformed(shown(value)))
}

fn parse_secret(raw: Option<&ClientSecret>) -> Result<ClientSecret, SettingsError> {
    // Secret values never contain whitespace, but a paste often drags a newline along.
    let value = raw.map(|s| s.expose().trim()).unwrap_or_default();
    if value.is_empty() {
        return Err(SettingsError::SecretMissing);
    }
    let length = value.chars().count();
    if length > SECRET_MAX_CHARS {
        return Err(SettingsError::SecretTooLong(length));
    }
    // Entra shows a secret's ID (a GUID) beside its value; the value is never GUID-shaped.
    if Uuid::parse_str(value).is_ok() {
        return Err(SettingsError::SecretIsSecretId);
    }
    Ok(ClientSecret::new(value))
}

#[cfg(test)]
mod tests;
