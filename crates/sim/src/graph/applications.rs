//! `/applications(appId='…')`, the alternate key of an app registration (how Entra Sync reads its own
//! secret's expiry). The lists and delta rounds of applications are served like other collections
//! (`flat`, `delta`).

use axum::extract::{Path, RawQuery, State};
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use uuid::Uuid;

use super::application_schema::APPLICATION;
use super::auth::Caller;
use super::error::GraphError;
use super::query;
use super::roles;
use crate::http::BaseUrl;
use crate::state::SimState;

/// `/applications(appId='{appId}')`; any other single segment is unknown.
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
    caller?.require_any(roles::APPLICATIONS)?;
    let select = query::parse(raw.as_deref())?.select;
    let tenant = state.tenant();
    let wanted = Uuid::parse_str(&app_id).ok();
    let app = tenant
        .applications
        .iter()
        .find(|a| Some(a.app_id) == wanted)
        .ok_or_else(|| GraphError::ResourceNotFound(app_id.clone()))?;
    let props = APPLICATION.resolve(select.as_deref())?;
    let mut object = APPLICATION.render(&tenant, app, &props);
    object.prepend(
        "@odata.context",
        Value::String(base.join("/v1.0/$metadata#applications/$entity")),
    );
    Ok(axum::Json(object).into_response())
}
