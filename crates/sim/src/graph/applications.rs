//! `GET /v1.0/applications?$filter=appId eq '…'` and `/applications(appId='…')`: the app registration
//! with its credentials' metadata, which is how Entra Sync shows when its secret expires. Secret
//! values are never returned (Graph only shows `hint`, their first three characters).

use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::auth::Caller;
use super::error::GraphError;
use crate::http::BaseUrl;
use crate::identity::{KeyCredential, PasswordCredential};
use crate::state::SimState;
use crate::time::UtcTime;

/// Application.Read.All is the least privileged; Directory.Read.All also allows it.
pub const APPLICATIONS: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.OwnedBy",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

pub async fn list(
    caller: Caller,
    base: BaseUrl,
    State(state): State<SimState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(APPLICATIONS)?;
    let query = Query::parse(raw.as_deref())?;
    let tenant = state.tenant();
    let app_id = tenant.app.client_id;
    let matches = query.app_id.is_none_or(|wanted| wanted == app_id);
    let value: Vec<Value> = if matches {
        vec![select(application(&state), query.select.as_deref())]
    } else {
        Vec::new()
    };
    Ok(axum::Json(json!({
        "@odata.context": base.join("/v1.0/$metadata#applications"),
        "value": value,
    }))
    .into_response())
}

/// `/applications(appId='{appId}')`, the alternate key; any other single segment is unknown.
pub async fn by_app_id(
    method: Method,
    uri: Uri,
    caller: Result<Caller, GraphError>,
    base: BaseUrl,
    State(state): State<SimState>,
    Path(segment): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    let key = segment
        .strip_prefix("applications(appId=")
        .and_then(|rest| rest.strip_suffix(')'))
        .map(|key| key.trim_matches('\''));
    let Some(app_id) = key.map(str::to_string) else {
        return Err(super::unknown_segment(uri).await);
    };
    if method != Method::GET {
        return Err(GraphError::MethodNotAllowed(method.to_string()));
    }
    caller?.require_any(APPLICATIONS)?;
    let query = Query::parse(raw.as_deref())?;
    let tenant = state.tenant();
    if Uuid::parse_str(&app_id).ok() != Some(tenant.app.client_id) {
        return Err(GraphError::ResourceNotFound(app_id));
    }
    let mut app = select(application(&state), query.select.as_deref());
    if let Value::Object(fields) = &mut app {
        fields.insert(
            "@odata.context".to_string(),
            Value::String(base.join("/v1.0/$metadata#applications/$entity")),
        );
    }
    Ok(axum::Json(app).into_response())
}

struct Query {
    app_id: Option<Uuid>,
    select: Option<String>,
}

impl Query {
    /// `$filter=appId eq '<guid>'` is the one filter supported; anything else is refused as the
    /// directory refuses filters it does not index.
    fn parse(raw: Option<&str>) -> Result<Self, GraphError> {
        let mut query = Query {
            app_id: None,
            select: None,
        };
        for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            match name.trim_start_matches('$') {
                "filter" => query.app_id = Some(app_id_filter(&value)?),
                "select" => query.select = Some(value.into_owned()),
                _ => {}
            }
        }
        Ok(query)
    }
}

fn app_id_filter(filter: &str) -> Result<Uuid, GraphError> {
    let unsupported = || GraphError::UnsupportedQuery("Unsupported Query.".to_string());
    let mut words = filter.split_whitespace();
    let (Some(property), Some(op), Some(literal), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Err(unsupported());
    };
    if !property.eq_ignore_ascii_case("appId") || !op.eq_ignore_ascii_case("eq") {
        return Err(unsupported());
    }
    let literal = literal
        .strip_prefix('\'')
        .and_then(|l| l.strip_suffix('\''))
        .ok_or_else(unsupported)?;
    // A malformed GUID matches nothing rather than failing, so answer with the nil GUID.
    Ok(Uuid::parse_str(literal).unwrap_or(Uuid::nil()))
}

/// Keeps only the `$select`ed properties (Graph then omits the rest).
fn select(app: Value, select: Option<&str>) -> Value {
    let (Value::Object(fields), Some(select)) = (&app, select) else {
        return app;
    };
    let wanted: Vec<&str> = select.split(',').map(str::trim).collect();
    let kept: Map<String, Value> = fields
        .iter()
        .filter(|(name, _)| wanted.iter().any(|w| w.eq_ignore_ascii_case(name)))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    Value::Object(kept)
}

fn application(state: &SimState) -> Value {
    let tenant = state.tenant();
    let credentials = state.credentials().read();
    let app = &tenant.app;
    let created = credentials
        .passwords
        .iter()
        .map(|p| p.start)
        .min()
        .unwrap_or_default();
    json!({
        "id": object_id(app.client_id),
        "appId": app.client_id.to_string(),
        "displayName": app.display_name,
        "createdDateTime": date(created),
        "signInAudience": "AzureADMyOrg",
        "publisherDomain": tenant.domain,
        "passwordCredentials": credentials.passwords.iter().map(password).collect::<Vec<_>>(),
        "keyCredentials": credentials.certificates.iter().map(key).collect::<Vec<_>>(),
    })
}

fn password(secret: &PasswordCredential) -> Value {
    json!({
        "customKeyIdentifier": null,
        "displayName": secret.display_name,
        "endDateTime": date(secret.end),
        "hint": secret.hint(),
        "keyId": secret.key_id.to_string(),
        "secretText": null,
        "startDateTime": date(secret.start),
    })
}

fn key(cert: &KeyCredential) -> Value {
    json!({
        // Edm.Binary: base64 of the SHA-1 thumbprint bytes.
        "customKeyIdentifier": STANDARD.encode(cert.sha1_thumbprint()),
        "displayName": cert.display_name,
        "endDateTime": date(cert.end),
        // Only returned with `$select=keyCredentials` on a single app in Graph; never needed here.
        "key": null,
        "keyId": cert.key_id.to_string(),
        "startDateTime": date(cert.start),
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
    })
}

/// The application object's own id (≠ appId), stable per app.
fn object_id(app_id: Uuid) -> String {
    let digest = Sha256::digest(format!("application:{app_id}"));
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

fn date(unix: u64) -> String {
    UtcTime::from_unix(unix).iso8601()
}
