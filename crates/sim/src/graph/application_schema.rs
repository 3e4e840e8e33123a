//! The `microsoft.graph.application` and `microsoft.graph.servicePrincipal` properties the app
//! inventory needs, with their credentials as Graph writes them (`passwordCredential`,
//! `keyCredential`). Secret values and certificate bodies are never returned.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::schema::{Prop, Schema, iso, string};
use crate::tenant::{AppCertificate, AppSecret, Application, ServicePrincipal, Tenant};

/// A generated date moved onto the sim's clock.
fn date(tenant: &Tenant, secs: u64) -> Value {
    iso(secs.saturating_add_signed(tenant.app_dates_shift))
}

fn password(tenant: &Tenant, secret: &AppSecret) -> Value {
    json!({
        "customKeyIdentifier": null,
        "displayName": secret.display_name,
        "endDateTime": date(tenant, secret.end),
        "hint": secret.hint,
        "keyId": secret.key_id.to_string(),
        "secretText": null,
        "startDateTime": date(tenant, secret.start),
    })
}

fn key(tenant: &Tenant, cert: &AppCertificate) -> Value {
    json!({
        // Edm.Binary: base64 of the SHA-1 thumbprint bytes.
        "customKeyIdentifier": STANDARD.encode(cert.thumbprint),
        "displayName": cert.display_name,
        "endDateTime": date(tenant, cert.end),
        // Graph returns the key itself only on a single object with `$select=keyCredentials`.
        "key": null,
        "keyId": cert.key_id.to_string(),
        "startDateTime": date(tenant, cert.start),
        "type": "AsymmetricX509Cert",
        "usage": cert.usage,
    })
}

fn keys(tenant: &Tenant, certs: &[AppCertificate]) -> Value {
    Value::Array(certs.iter().map(|c| key(tenant, c)).collect())
}

const fn a(name: &'static str, get: fn(&Tenant, &Application) -> Value) -> Prop<Application> {
    Prop { name, get }
}

const APPLICATION_PROPS: &[Prop<Application>] = &[
    a("id", |_, x| string(&x.id.to_string())),
    a("deletedDateTime", |_, _| Value::Null),
    a("appId", |_, x| string(&x.app_id.to_string())),
    a("createdDateTime", |t, x| date(t, x.created)),
    a("description", |_, _| Value::Null),
    a("displayName", |_, x| string(&x.display_name)),
    a("publisherDomain", |_, x| string(&x.publisher_domain)),
    a("signInAudience", |_, x| string(x.sign_in_audience)),
    a("tags", |_, _| json!([])),
    a("keyCredentials", |t, x| keys(t, &x.certificates)),
    a("passwordCredentials", |t, x| {
        Value::Array(x.secrets.iter().map(|s| password(t, s)).collect())
    }),
];

pub const APPLICATION: Schema<Application> = Schema {
    type_name: "microsoft.graph.application",
    odata_type: "#microsoft.graph.application",
    props: APPLICATION_PROPS,
    defaults: None,
    filter_eq: &[
        "appId",
        "id",
        "displayName",
        "publisherDomain",
        "signInAudience",
    ],
    filter_startswith: &["displayName"],
};

const fn s(
    name: &'static str,
    get: fn(&Tenant, &ServicePrincipal) -> Value,
) -> Prop<ServicePrincipal> {
    Prop { name, get }
}

const SERVICE_PRINCIPAL_PROPS: &[Prop<ServicePrincipal>] = &[
    s("id", |_, x| string(&x.id.to_string())),
    s("deletedDateTime", |_, _| Value::Null),
    s("accountEnabled", |_, x| Value::Bool(x.account_enabled)),
    s("appDisplayName", |_, x| string(&x.display_name)),
    s("appId", |_, x| string(&x.app_id.to_string())),
    s("appOwnerOrganizationId", |_, x| {
        string(&x.owner_tenant.to_string())
    }),
    s("displayName", |_, x| string(&x.display_name)),
    s("preferredSingleSignOnMode", |_, x| {
        if x.certificates.iter().any(|c| c.usage == "Sign") {
            string("saml")
        } else {
            Value::Null
        }
    }),
    s("preferredTokenSigningKeyThumbprint", |_, x| {
        x.certificates
            .iter()
            .find(|c| c.usage == "Sign")
            .map_or(Value::Null, |c| string(&hex(&c.thumbprint)))
    }),
    s("servicePrincipalNames", |_, x| {
        json!([x.app_id.to_string()])
    }),
    s("servicePrincipalType", |_, x| string(x.kind)),
    s("signInAudience", |t, x| {
        string(if x.owner_tenant == t.id {
            "AzureADMyOrg"
        } else {
            "AzureADMultipleOrgs"
        })
    }),
    s("tags", |_, x| json!(x.tags)),
    s("keyCredentials", |t, x| keys(t, &x.certificates)),
    s("passwordCredentials", |_, _| json!([])),
];

pub const SERVICE_PRINCIPAL: Schema<ServicePrincipal> = Schema {
    type_name: "microsoft.graph.servicePrincipal",
    odata_type: "#microsoft.graph.servicePrincipal",
    props: SERVICE_PRINCIPAL_PROPS,
    defaults: None,
    filter_eq: &[
        "appId",
        "id",
        "displayName",
        "servicePrincipalType",
        "accountEnabled",
        "appOwnerOrganizationId",
    ],
    filter_startswith: &["displayName"],
};

/// Upper-case hex, as the portal and `preferredTokenSigningKeyThumbprint` write thumbprints.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}
