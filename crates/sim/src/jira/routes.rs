//! Jira Cloud REST v3 as the panel uses it: `GET /rest/api/3/issue/{key}` (404 for a caller who may
//! not browse it, as Jira answers; `fields` limits what comes back) and `GET /rest/api/3/user`
//! (no `emailAddress` when profile visibility hides it).

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Account, JiraSite};
use crate::assets::{AssetsError, Caller};
use crate::http::BaseUrl;
use crate::state::SimState;

pub fn routes() -> Router<SimState> {
    Router::new()
        .route("/rest/api/3/issue/{key}", get(issue))
        .route("/rest/api/3/user", get(user))
}

fn user_json(account: &Account, base: &str) -> Value {
    let mut body = json!({
        "self": format!("{base}/rest/api/3/user?accountId={}", account.account_id),
        "accountId": account.account_id,
        "accountType": account.account_type,
        "displayName": account.display_name,
        "active": true,
        "timeZone": "Europe/London",
        "locale": "en_GB",
    });
    if !account.email_hidden {
        body["emailAddress"] = json!(account.email);
    }
    body
}

#[derive(Deserialize)]
pub struct UserQuery {
    #[serde(rename = "accountId")]
    account_id: Option<String>,
}

async fn user(
    State(state): State<SimState>,
    _caller: Caller,
    base: BaseUrl,
    Query(q): Query<UserQuery>,
) -> Result<Response, AssetsError> {
    let Some(id) = q.account_id.filter(|id| !id.trim().is_empty()) else {
        return Err(AssetsError::BadRequest(
            "The query parameter 'accountId' is required.".into(),
        ));
    };
    let site = state.jira();
    let account = site.account(id.trim()).ok_or_else(|| {
        AssetsError::NotFound(
            "Specified user does not exist or you do not have required permissions".into(),
        )
    })?;
    Ok(Json(user_json(account, &base.0)).into_response())
}

#[derive(Deserialize)]
pub struct IssueQuery {
    fields: Option<String>,
}

/// Only agents browse the service projects; the app itself (no account) may read every issue.
fn may_browse(site: &JiraSite, caller: &Caller) -> bool {
    match caller {
        Caller::Forge {
            account_id: Some(id),
        } => site.agents.contains(id),
        _ => true,
    }
}

async fn issue(
    State(state): State<SimState>,
    caller: Caller,
    base: BaseUrl,
    Path(key): Path<String>,
    Query(q): Query<IssueQuery>,
) -> Result<Response, AssetsError> {
    let site = state.jira();
    let not_found = || {
        AssetsError::NotFound(
            "Issue does not exist or you do not have permission to see it.".into(),
        )
    };
    let issue = site.issue(&key).ok_or_else(not_found)?;
    if !may_browse(&site, &caller) {
        return Err(not_found());
    }
    let base = &base.0;
    let person = |id: &str| site.account(id).map_or(Value::Null, |a| user_json(a, base));
    let project = site.project(&issue.project).map_or(Value::Null, |p| {
        json!({"self": format!("{base}/rest/api/3/project/{}", p.id), "id": p.id, "key": p.key,
               "name": p.name, "projectTypeKey": "service_desk"})
    });
    let mut all = Map::new();
    all.insert("summary".into(), json!(issue.summary));
    all.insert("reporter".into(), person(&issue.reporter));
    all.insert("project".into(), project);
    all.insert(
        site.affected_user_field.into(),
        issue.affected_user.as_deref().map_or(Value::Null, person),
    );
    // Jira returns the fields asked for (unknown names are ignored); none or `*all` means all.
    let wanted: Option<Vec<&str>> = q
        .fields
        .as_deref()
        .map(|f| {
            f.split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .collect()
        })
        .filter(|f: &Vec<&str>| !f.contains(&"*all"));
    let fields: Map<String, Value> = match wanted {
        Some(names) => all
            .into_iter()
            .filter(|(k, _)| names.contains(&k.as_str()))
            .collect(),
        None => all,
    };
    Ok(Json(json!({
        "id": issue.id, "key": issue.key,
        "self": format!("{base}/rest/api/3/issue/{}", issue.id),
        "fields": fields,
    }))
    .into_response())
}
