//! Enterprise applications (`microsoft.graph.servicePrincipal`, "Entra Enterprise Application"):
//! every app that can sign in to the tenant, the tenant's own, Microsoft's and other publishers',
//! with the SAML signing certificates Microsoft only emails about.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::applications::APP_ID_NAME;
use super::assets::{
    AssetsObject, AttrKind, AttributeSpec, IDENTITY_NAME, ObjectType, STATUS_DISABLEABLE, SYNCED,
    Status, attr,
};
use super::credentials::{Credential, KeyCredential};
use super::text;

/// The tenants Microsoft publishes its first-party apps from.
const MICROSOFT_TENANTS: &[&str] = &[
    "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
    "72f988bf-86f1-41af-91ab-2d7cd011db47",
];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipal {
    pub id: String,
    #[serde(default)]
    pub app_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub service_principal_type: Option<String>,
    #[serde(default)]
    pub account_enabled: Option<bool>,
    #[serde(default)]
    pub app_owner_organization_id: Option<String>,
    #[serde(default)]
    pub key_credentials: Option<Vec<KeyCredential>>,
}

pub(super) const SERVICE_PRINCIPAL_ATTRIBUTES: &[AttributeSpec] = &[
    AttributeSpec {
        identity: true,
        ..attr(
            "id",
            IDENTITY_NAME,
            "Microsoft Entra object id (servicePrincipal.id)",
            AttrKind::Text,
        )
    },
    AttributeSpec {
        label: true,
        ..attr("displayName", "Name", "Display name", AttrKind::Text)
    },
    attr("appId", APP_ID_NAME, "appId", AttrKind::Text),
    attr(
        "servicePrincipalType",
        "Type",
        "Application, ManagedIdentity, Legacy or SocialIdp",
        AttrKind::Text,
    ),
    attr(
        "accountEnabled",
        "Enabled",
        "Whether users can sign in to it",
        AttrKind::Boolean,
    ),
    attr(
        "publisher",
        "Publisher",
        "this tenant, Microsoft, or the publishing tenant's id (appOwnerOrganizationId)",
        AttrKind::Text,
    ),
    attr(
        "applicationAppId",
        "App Registration",
        "The tenant's own app registration, for apps published by this tenant",
        AttrKind::ReferenceBy(ObjectType::Application, APP_ID_NAME),
    ),
    attr(
        "samlCertificates",
        "SAML Signing Certificates",
        "Thumbprint and expiry of each SAML token-signing certificate",
        AttrKind::Text,
    ),
    attr(
        "samlCertificateExpiry",
        "SAML Certificate Expiry",
        "When the newest SAML signing certificate expires",
        AttrKind::DateTime,
    ),
    STATUS_DISABLEABLE,
    SYNCED,
];

/// The enterprise application's Assets object; `tenant` is the signed-in tenant's id (from the
/// token), which tells the tenant's own apps apart.
pub fn service_principal_object(sp: &ServicePrincipal, tenant: Option<&str>) -> AssetsObject {
    let id = sp.id.trim().to_ascii_lowercase();
    let owner = sp
        .app_owner_organization_id
        .as_deref()
        .map(|o| o.trim().to_ascii_lowercase())
        .filter(|o| !o.is_empty());
    let own = owner.is_some() && owner.as_deref() == tenant.map(str::to_ascii_lowercase).as_deref();
    let publisher = match owner.as_deref() {
        _ if own => Value::String("this tenant".into()),
        Some(o) if MICROSOFT_TENANTS.contains(&o) => Value::String("Microsoft".into()),
        Some(o) => Value::String(o.to_string()),
        None => Value::Null,
    };
    let app_id = sp.app_id.as_deref().map(str::to_ascii_lowercase);
    let mut signing: Vec<Credential> = sp
        .key_credentials
        .iter()
        .flatten()
        .filter(|k| k.usage.as_deref() == Some("Sign"))
        .filter_map(Credential::from_certificate)
        .collect();
    signing.sort_by(|a, b| a.end.cmp(&b.end).then(a.key_id.cmp(&b.key_id)));
    let certificates: Vec<String> = signing
        .iter()
        .map(|c| {
            let until = c.end.as_ref().map_or("?", |(t, _)| &t[..10]);
            format!("{} until {until}", c.hint.as_deref().unwrap_or("?"))
        })
        .collect();
    let newest = signing
        .iter()
        .filter_map(|c| c.end.as_ref())
        .max_by_key(|(_, ms)| *ms);
    let status = match sp.account_enabled {
        Some(false) => Status::Disabled,
        _ => Status::Active,
    };
    let record = BTreeMap::from([
        ("id", Value::String(id.clone())),
        ("displayName", text(sp.display_name.as_deref())),
        ("appId", text(app_id.as_deref())),
        (
            "servicePrincipalType",
            text(sp.service_principal_type.as_deref()),
        ),
        (
            "accountEnabled",
            sp.account_enabled.map_or(Value::Null, Value::Bool),
        ),
        ("publisher", publisher),
        (
            "applicationAppId",
            if own {
                text(app_id.as_deref())
            } else {
                Value::Null
            },
        ),
        ("samlCertificates", text(Some(&certificates.join(", ")))),
        (
            "samlCertificateExpiry",
            newest.map_or(Value::Null, |(t, _)| Value::String(t.clone())),
        ),
        ("status", Value::String(status.label().to_string())),
    ]);
    AssetsObject {
        object_type: ObjectType::ServicePrincipal,
        id,
        record,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const TENANT: &str = "11111111-2222-3333-4444-555555555555";

    fn sp(owner: &str) -> ServicePrincipal {
        serde_json::from_value(json!({
            "id": "SP1", "appId": "APP1", "displayName": "Salesforce",
            "servicePrincipalType": "Application", "accountEnabled": false,
            "appOwnerOrganizationId": owner,
            "keyCredentials": [
                {"keyId": "k1", "usage": "Verify", "customKeyIdentifier": "qw==",
                 "endDateTime": "2027-01-01T00:00:00Z"},
                {"keyId": "k2", "usage": "Sign", "customKeyIdentifier": "qw==",
                 "endDateTime": "2027-03-01T00:00:00Z"},
                {"keyId": "k3", "usage": "Sign", "customKeyIdentifier": "zA==",
                 "endDateTime": "2026-03-01T00:00:00Z"}
            ]
        }))
        .expect("sp")
    }

    #[test]
    fn names_the_publisher_and_references_only_own_registrations() {
        let own = service_principal_object(&sp(&TENANT.to_uppercase()), Some(TENANT));
        assert_eq!(own.record["publisher"], "this tenant");
        assert_eq!(own.record["applicationAppId"], "app1");
        assert_eq!(own.record["status"], "Disabled");
        let microsoft =
            service_principal_object(&sp("f8cdef31-a31e-4b4a-93e4-5f571e91255a"), Some(TENANT));
        assert_eq!(microsoft.record["publisher"], "Microsoft");
        assert_eq!(microsoft.record["applicationAppId"], Value::Null);
        let other = service_principal_object(&sp("99999999-0000-0000-0000-000000000000"), None);
        assert_eq!(
            other.record["publisher"],
            "99999999-0000-0000-0000-000000000000"
        );
    }

    #[test]
    fn lists_the_saml_signing_certificates_only() {
        let object = service_principal_object(&sp(TENANT), Some(TENANT));
        assert_eq!(
            object.record["samlCertificates"],
            "CC until 2026-03-01, AB until 2027-03-01"
        );
        assert_eq!(
            object.record["samlCertificateExpiry"],
            "2027-03-01T00:00:00.0000000Z"
        );
        let locators: Vec<&str> = SERVICE_PRINCIPAL_ATTRIBUTES
            .iter()
            .map(|a| a.locator)
            .collect();
        for key in object.record.keys() {
            assert!(locators.contains(key), "{key} has no attribute");
        }
    }
}
