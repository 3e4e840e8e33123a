//! The connection settings an admin types in, and their validation. Every rejection names the field,
//! what is wrong and how to fix it, because the admin page shows these messages as they are.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::secret::ClientSecret;

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
}

/// Settings that passed validation. The tenant is a GUID or a verified domain, the client id a GUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSettings {
    pub tenant: Tenant,
    pub client_id: Uuid,
    pub client_secret: ClientSecret,
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
        "This looks like the secret's Secret ID, not its Value. In Certificates & secrets, copy the Value column (shown only right after the secret is created); if it is hidden now, create a new secret."
    )]
    SecretIsSecretId,
}

impl SettingsError {
    pub fn field(&self) -> Field {
        match self {
            SettingsError::TenantMissing
            | SettingsError::TenantMalformed(_)
            | SettingsError::TenantAlias(_) => Field::TenantId,
            SettingsError::ClientMissing | SettingsError::ClientMalformed(_) => Field::ClientId,
            SettingsError::SecretMissing | SettingsError::SecretIsSecretId => Field::ClientSecret,
        }
    }
}

impl SettingsInput {
    /// Validates every field and returns all problems at once, so the page can mark each field.
    pub fn validate(&self) -> Result<ConnectionSettings, Vec<SettingsError>> {
        let tenant = parse_tenant(self.tenant_id.as_deref());
        let client_id = parse_client_id(self.client_id.as_deref());
        let secret = parse_secret(self.client_secret.as_ref());
        match (tenant, client_id, secret) {
            (Ok(tenant), Ok(client_id), Ok(client_secret)) => Ok(ConnectionSettings {
                tenant,
                client_id,
                client_secret,
            }),
            (tenant, client_id, secret) => Err([tenant.err(), client_id.err(), secret.err()]
                .into_iter()
                .flatten()
                .collect()),
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
        Err(SettingsError::TenantMalformed(value.to_string()))
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
    Uuid::parse_str(value).map_err(|_| SettingsError::ClientMalformed(value.to_string()))
}

fn parse_secret(raw: Option<&ClientSecret>) -> Result<ClientSecret, SettingsError> {
    // Secret values never contain whitespace, but a paste often drags a newline along.
    let value = raw.map(|s| s.expose().trim()).unwrap_or_default();
    if value.is_empty() {
        return Err(SettingsError::SecretMissing);
    }
    // Entra shows a secret's ID (a GUID) beside its value; the value is never GUID-shaped.
    if Uuid::parse_str(value).is_ok() {
        return Err(SettingsError::SecretIsSecretId);
    }
    Ok(ClientSecret::new(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(tenant: &str, client: &str, secret: &str) -> SettingsInput {
        SettingsInput {
            tenant_id: Some(tenant.into()),
            client_id: Some(client.into()),
            client_secret: Some(ClientSecret::new(secret)),
        }
    }

    const CLIENT: &str = "00001111-aaaa-2222-bbbb-3333cccc4444";

    #[test]
    fn accepts_guid_and_domain_tenants() {
        let ok = input(
            " 72F988BF-86F1-41AF-91AB-2D7CD011DB47 ",
            CLIENT,
            "abc8Q~x\n",
        )
        .validate()
        .expect("valid settings");
        assert_eq!(
            ok.tenant.as_path_segment(),
            "72f988bf-86f1-41af-91ab-2d7cd011db47"
        );
        assert_eq!(ok.client_secret.expose(), "abc8Q~x");
        let domain = input("Contoso.onmicrosoft.com", CLIENT, "abc8Q~x")
            .validate()
            .expect("valid settings");
        assert_eq!(
            domain.tenant,
            Tenant::Domain("contoso.onmicrosoft.com".into())
        );
    }

    #[test]
    fn reports_every_bad_field_at_once() {
        let errors = SettingsInput::default().validate().unwrap_err();
        assert_eq!(
            errors,
            vec![
                SettingsError::TenantMissing,
                SettingsError::ClientMissing,
                SettingsError::SecretMissing
            ]
        );
        let fields: Vec<Field> = errors.iter().map(SettingsError::field).collect();
        assert_eq!(
            fields,
            vec![Field::TenantId, Field::ClientId, Field::ClientSecret]
        );
    }

    #[test]
    fn rejects_malformed_values_with_a_fix() {
        let errors = input("not a tenant", "12345", "x").validate().unwrap_err();
        assert_eq!(
            errors,
            vec![
                SettingsError::TenantMalformed("not a tenant".into()),
                SettingsError::ClientMalformed("12345".into()),
            ]
        );
        assert!(errors[0].to_string().contains("Directory (tenant) ID"));
        let alias = input("common", CLIENT, "x").validate().unwrap_err();
        assert_eq!(alias, vec![SettingsError::TenantAlias("common".into())]);
        for bad in ["contoso", "-x.com", "a..com", "contoso.c0m"] {
            assert!(parse_tenant(Some(bad)).is_err(), "{bad} must be rejected");
        }
    }

    #[test]
    fn spots_a_pasted_secret_id() {
        let errors = input(CLIENT, CLIENT, "d0a7d5c6-2b63-4b39-9a7e-2f1d1d0c0e11")
            .validate()
            .unwrap_err();
        assert_eq!(errors, vec![SettingsError::SecretIsSecretId]);
        assert!(errors[0].to_string().contains("Value"));
    }
}
