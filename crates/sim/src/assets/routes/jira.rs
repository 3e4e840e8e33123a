//! The two Jira REST calls the app makes besides Assets: workspace discovery and the admin check.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::caller::Caller;
use crate::assets::error::AssetsError;
use crate::state::SimState;

#[derive(Deserialize)]
pub struct PermissionsQuery {
    permissions: Option<String>,
}

/// `GET /rest/servicedeskapi/assets/workspace` (shape from jira.js, §3.1).
pub async fn workspaces(State(state): State<SimState>, _caller: Caller) -> Response {
    let ws = state.assets().workspace_id();
    Json(
        json!({"size": 1, "start": 0, "limit": 50, "isLastPage": true, "_links": {},
                "values": [{"workspaceId": ws}]}),
    )
    .into_response()
}

/// `GET /rest/api/3/mypermissions?permissions=ADMINISTER,…`: only `ADMINISTER` can be granted, to
/// the configured admin account ids, matched on `x-forge-account-id` (no account: not an admin).
pub async fn my_permissions(
    State(state): State<SimState>,
    caller: Caller,
    Query(q): Query<PermissionsQuery>,
) -> Result<Response, AssetsError> {
    let Some(wanted) = q.permissions.filter(|p| !p.trim().is_empty()) else {
        return Err(AssetsError::BadRequest(
            "The 'permissions' query parameter is required.".into(),
        ));
    };
    let account = match caller {
        Caller::Forge { account_id } => account_id,
        _ => None,
    };
    let admin = account.is_some_and(|id| state.assets().is_admin(&id));
    let mut permissions = Map::new();
    for key in wanted.split(',').map(str::trim).filter(|k| !k.is_empty()) {
        let (id, name, kind) = if key == "ADMINISTER" {
            ("0", "Administer Jira", "GLOBAL")
        } else {
            ("-1", key, "PROJECT")
        };
        permissions.insert(
            key.to_string(),
            json!({
                "id": id, "key": key, "name": name, "type": kind, "description": "",
                "havePermission": admin && key == "ADMINISTER",
            }),
        );
    }
    Ok(Json(json!({"permissions": Value::Object(permissions)})).into_response())
}
