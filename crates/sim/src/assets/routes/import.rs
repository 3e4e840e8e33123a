//! The import API (§2): relative to `/jsm/{assets|insight}/workspace/{ws}/v1`, plus token mode's
//! `GET /jsm/assets/v1/imports/info`. Links always use the `/jsm/assets/` prefix, as real ones do,
//! on the base URL the client reached us through.

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::caller::Caller;
use super::scoped::{JsonBody, Scope, Scoped};
use crate::assets::error::AssetsError;
use crate::assets::store::Store;
use crate::assets::{import_ops, mapping, mapping_render};
use crate::http::BaseUrl;
use crate::state::SimState;

#[derive(Deserialize)]
pub struct SourcePath {
    ws: String,
    source: String,
}

#[derive(Deserialize)]
pub struct ExecPath {
    ws: String,
    source: String,
    exec: String,
}

#[derive(Deserialize)]
pub struct ProgressPath {
    ws: String,
    source: String,
    resource: String,
}

impl Scope for SourcePath {
    fn workspace(&self) -> &str {
        &self.ws
    }
    fn source(&self) -> Option<&str> {
        Some(&self.source)
    }
}

impl Scope for ExecPath {
    fn workspace(&self) -> &str {
        &self.ws
    }
    fn source(&self) -> Option<&str> {
        Some(&self.source)
    }
}

impl Scope for ProgressPath {
    fn workspace(&self) -> &str {
        &self.ws
    }
    fn source(&self) -> Option<&str> {
        Some(&self.source)
    }
}

#[derive(Deserialize)]
pub struct AsyncQuery {
    #[serde(rename = "async", default)]
    asynchronous: Option<String>,
}

type Reply = Result<Response, AssetsError>;

fn source_url(base: &BaseUrl, ws: &str, source: &str) -> String {
    base.join(&format!(
        "/jsm/assets/workspace/{ws}/v1/importsource/{source}"
    ))
}

/// Token mode: where the token's import source lives.
pub async fn info(State(state): State<SimState>, caller: Caller, base: BaseUrl) -> Reply {
    let Caller::ImportToken(source) = caller else {
        return Err(AssetsError::Unauthorized(
            "An import token is required".into(),
        ));
    };
    let ws = state.assets().workspace_id();
    let url = source_url(&base, &ws, &source);
    Ok(Json(json!({"links": {
        "getStatus": format!("{url}/configstatus"),
        "start": format!("{url}/executions"),
        "mapping": format!("{url}/mapping"),
    }}))
    .into_response())
}

/// `GET importsource/{id}` (SPEC `getImportSource`): the import's name and object schema.
pub async fn source(Scoped { path: p, state, .. }: Scoped<SourcePath>) -> Reply {
    let store = state.assets().lock();
    let source = store
        .sources
        .get(&p.source)
        .ok_or_else(|| AssetsError::NotFound(format!("Import source {} not found", p.source)))?;
    Ok(Json(json!({
        "id": p.source,
        "name": source.name,
        "created": source.created,
        "updated": source.created,
        "description": "",
        "objectSchemaId": source.schema_id.to_string(),
        "defaultConcatenator": ",",
        "defaultHandleEmptyValues": "IGNORE",
        "defaultHandleUnknownValues": "IGNORE",
        "importSpecificConfiguration": "{}",
        "tokenGenerated": store.tokens.values().any(|s| s == &p.source),
        "isImportSourceSchedulingEnabled": false,
    }))
    .into_response())
}

pub async fn config_status(Scoped { path: p, state, .. }: Scoped<SourcePath>) -> Reply {
    let status = import_ops::config_status(&mut state.assets().lock(), &p.source)?;
    Ok(Json(json!({"status": status})).into_response())
}

/// PUT and PATCH; `?async=true` on PATCH answers 303 to a progress resource that is already finished.
pub async fn put_mapping(
    at: Scoped<SourcePath>,
    base: BaseUrl,
    Query(q): Query<AsyncQuery>,
    JsonBody(document): JsonBody,
) -> Reply {
    write_mapping(at, base, q, document, false)
}

pub async fn patch_mapping(
    at: Scoped<SourcePath>,
    base: BaseUrl,
    Query(q): Query<AsyncQuery>,
    JsonBody(document): JsonBody,
) -> Reply {
    write_mapping(at, base, q, document, true)
}

fn write_mapping(
    Scoped { path: p, state, .. }: Scoped<SourcePath>,
    base: BaseUrl,
    q: AsyncQuery,
    document: Value,
    patch: bool,
) -> Reply {
    mapping::apply(&mut state.assets().lock(), &p.source, &document)?;
    let asynchronous = q
        .asynchronous
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    if patch && asynchronous {
        let location = format!(
            "{}/mapping/progress/{}",
            source_url(&base, &p.ws, &p.source),
            uuid::Uuid::new_v4()
        );
        return Ok((StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn mapping_progress(Scoped { path: p, .. }: Scoped<ProgressPath>) -> Reply {
    let _ = p.resource; // every mapping write finishes synchronously
    Ok(Json(json!({"progressStatus": "FINISHED", "result": "OK",
                   "resultMessage": "Schema and mapping successfully created"}))
    .into_response())
}

pub async fn schema_and_mapping(Scoped { path: p, state, .. }: Scoped<SourcePath>) -> Reply {
    let store = state.assets().lock();
    if !store.sources.contains_key(&p.source) {
        return Err(AssetsError::NotFound(format!(
            "Import source {} not found",
            p.source
        )));
    }
    let document = mapping_render::render(&store, &p.source)
        .ok_or_else(|| AssetsError::NotFound("The import source has no mapping".into()))?;
    Ok(Json(document).into_response())
}

pub async fn start(Scoped { path: p, state, .. }: Scoped<SourcePath>, base: BaseUrl) -> Reply {
    let id = import_ops::start(&mut state.assets().lock(), &p.source)?;
    let exec = format!("{}/executions/{id}", source_url(&base, &p.ws, &p.source));
    Ok(Json(json!({"links": {
        "submitProgress": format!("{exec}/progress"),
        "submitResults": format!("{exec}/data"),
        "getExecutionStatus": format!("{exec}/status"),
        "cancel": exec,
    }, "result": "success"}))
    .into_response())
}

pub async fn latest_status(Scoped { path: p, state, .. }: Scoped<SourcePath>) -> Reply {
    let body = import_ops::latest_status(&mut state.assets().lock(), &p.source)?;
    Ok(Json(body).into_response())
}

pub async fn submit(
    Scoped { path: p, state, .. }: Scoped<ExecPath>,
    JsonBody(body): JsonBody,
) -> Reply {
    import_ops::submit(&mut state.assets().lock(), &p.source, &p.exec, &body)?;
    Ok(StatusCode::OK.into_response())
}

/// Progress reports are accepted and forgotten: nothing in Assets reads them back.
pub async fn progress(
    Scoped { path: p, state, .. }: Scoped<ExecPath>,
    JsonBody(body): JsonBody,
) -> Reply {
    if !body.is_object() {
        return Err(AssetsError::BadRequest(
            "The request body must be a JSON object".into(),
        ));
    }
    let store = state.assets().lock();
    exec_belongs(&store, &p.source, &p.exec)?;
    Ok(StatusCode::OK.into_response())
}

pub async fn status(Scoped { path: p, state, .. }: Scoped<ExecPath>) -> Reply {
    let body = import_ops::status(&mut state.assets().lock(), &p.source, &p.exec)?;
    Ok(Json(body).into_response())
}

pub async fn cancel(Scoped { path: p, state, .. }: Scoped<ExecPath>) -> Reply {
    import_ops::cancel(&mut state.assets().lock(), &p.source, &p.exec)?;
    Ok(StatusCode::OK.into_response())
}

pub async fn history_failed(
    Scoped { path: p, state, .. }: Scoped<ExecPath>,
    JsonBody(body): JsonBody,
) -> Reply {
    if !body.get("failureReason").is_some_and(Value::is_string) {
        return Err(AssetsError::BadRequest(
            "\"failureReason\" must be a string".into(),
        ));
    }
    let store = state.assets().lock();
    exec_belongs(&store, &p.source, &p.exec)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn exec_belongs(store: &Store, source: &str, exec: &str) -> Result<(), AssetsError> {
    match store.executions.get(exec) {
        Some(e) if e.source_id == source => Ok(()),
        _ => Err(AssetsError::NotFound(format!(
            "Import execution {exec} not found"
        ))),
    }
}
