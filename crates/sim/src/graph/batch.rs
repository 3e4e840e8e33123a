//! `POST /v1.0/$batch` (graph-api.md §7, json-batching): up to 20 requests, each dispatched through
//! the sim's own router so that authentication, permissions and throttling apply per item exactly as
//! for single calls; `dependsOn` predecessors that fail make their dependants 424; responses come
//! back in an order of their own, as Graph promises nothing about it.

use std::collections::{HashMap, HashSet};

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Request, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use tower::ServiceExt;

use super::error::GraphError;
use crate::state::SimState;

/// Graph's documented maximum.
pub const MAX_REQUESTS: usize = 20;

/// Larger item bodies are not something Graph answers to a read either; this only bounds memory.
const MAX_ITEM_BODY: usize = 64 * 1024 * 1024;

/// Headers of the outer request every item inherits (the client authenticates once per batch, and
/// links must point back through the route the client used).
const INHERITED: [&str; 5] = [
    "authorization",
    "host",
    "x-forwarded-host",
    "x-forwarded-proto",
    "client-request-id",
];

/// Item response headers worth reporting, with the casing Graph uses in batch bodies.
const REPORTED: [(&str, &str); 9] = [
    ("content-type", "Content-Type"),
    ("retry-after", "Retry-After"),
    ("location", "Location"),
    ("cache-control", "Cache-Control"),
    ("odata-version", "OData-Version"),
    ("x-ms-resource-unit", "x-ms-resource-unit"),
    (
        "x-ms-throttle-limit-percentage",
        "x-ms-throttle-limit-percentage",
    ),
    ("x-ms-throttle-scope", "x-ms-throttle-scope"),
    ("x-ms-throttle-information", "x-ms-throttle-information"),
];

#[derive(Deserialize)]
struct BatchRequest {
    requests: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    id: String,
    method: String,
    url: String,
    #[serde(default)]
    headers: HashMap<String, String>,
    #[serde(default)]
    body: Option<Value>,
    #[serde(default, rename = "dependsOn")]
    depends_on: Vec<String>,
}

pub async fn batch(
    State(state): State<SimState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, GraphError> {
    let batch: BatchRequest = serde_json::from_slice(&body)
        .map_err(|_| GraphError::BatchBadRequest("Invalid batch payload format.".to_string()))?;
    check(&batch.requests)?;

    // Items run once all their predecessors have; a pass that runs none means a cycle.
    let mut statuses: HashMap<String, u16> = HashMap::new();
    let mut responses = Vec::with_capacity(batch.requests.len());
    while statuses.len() < batch.requests.len() {
        let ready: Vec<&Item> = batch
            .requests
            .iter()
            .filter(|item| !statuses.contains_key(&item.id))
            .filter(|item| item.depends_on.iter().all(|d| statuses.contains_key(d)))
            .collect();
        if ready.is_empty() {
            return Err(GraphError::BatchBadRequest(
                "The dependsOn of the batch requests form a cycle.".to_string(),
            ));
        }
        for item in ready {
            let failed = item
                .depends_on
                .iter()
                .any(|d| statuses.get(d).is_none_or(|&status| status >= 400));
            let (status, response) = if failed {
                failed_dependency(item)
            } else {
                run(&state, &headers, item).await
            };
            statuses.insert(item.id.clone(), status);
            responses.push(response);
        }
    }
    // "Any order": a deterministic shuffle by a hash of the id, so runs are reproducible.
    responses.sort_by_cached_key(|response| {
        Sha256::digest(response["id"].as_str().unwrap_or_default().as_bytes()).to_vec()
    });
    Ok(axum::Json(json!({ "responses": responses })).into_response())
}

/// Envelope-level validation: Graph rejects the whole batch for these.
fn check(items: &[Item]) -> Result<(), GraphError> {
    // The sim's wording; the limit itself is documented (json-batching).
    if items.len() > MAX_REQUESTS {
        return Err(GraphError::BatchBadRequest(format!(
            "Number of batch request steps exceeds the maximum of {MAX_REQUESTS}."
        )));
    }
    let mut ids = HashSet::new();
    for item in items {
        if !ids.insert(item.id.as_str()) {
            return Err(GraphError::BatchBadRequest(format!(
                "Batch request ids must be unique; '{}' is repeated.",
                item.id
            )));
        }
    }
    for item in items {
        if let Some(unknown) = item.depends_on.iter().find(|d| !ids.contains(d.as_str())) {
            return Err(GraphError::BatchBadRequest(format!(
                "Request '{}' depends on unknown request '{unknown}'.",
                item.id
            )));
        }
    }
    Ok(())
}

fn failed_dependency(item: &Item) -> (u16, Value) {
    let body = json!({
        "error": {
            "code": "FailedDependency",
            "message": "The request failed due to failure of a previous request.",
        }
    });
    (424, json!({ "id": item.id, "status": 424, "body": body }))
}

/// One item through the whole router: the same envelope, auth, permissions and throttling.
async fn run(state: &SimState, outer: &HeaderMap, item: &Item) -> (u16, Value) {
    let path = if item.url.starts_with('/') {
        item.url.clone()
    } else {
        format!("/{}", item.url)
    };
    let bad = |message: &str| {
        let body = json!({ "error": { "code": "BadRequest", "message": message } });
        (400, json!({ "id": item.id, "status": 400, "body": body }))
    };
    if path == "/$batch" || path.starts_with("/$batch?") {
        return bad("Nested batch requests are not supported.");
    }
    let Ok(method) = Method::from_bytes(item.method.to_ascii_uppercase().as_bytes()) else {
        return bad("Invalid HTTP method.");
    };
    let mut request = Request::builder()
        .method(method)
        .uri(format!("/v1.0{path}"));
    for name in INHERITED {
        if let Some(value) = outer.get(name) {
            request = request.header(name, value);
        }
    }
    for (name, value) in &item.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let body = match &item.body {
        Some(body) => Body::from(serde_json::to_vec(body).unwrap_or_default()),
        None => Body::empty(),
    };
    let Ok(request) = request.body(body) else {
        return bad("Invalid request url or headers.");
    };
    let response = match crate::router(state.clone()).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let status = response.status().as_u16();
    let mut headers = Map::new();
    for (name, graph_name) in REPORTED {
        if let Some(value) = response.headers().get(name).and_then(|v| v.to_str().ok()) {
            headers.insert(graph_name.to_string(), Value::String(value.to_string()));
        }
    }
    let json_body = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let bytes = to_bytes(response.into_body(), MAX_ITEM_BODY)
        .await
        .unwrap_or_default();
    let mut answer = json!({ "id": item.id, "status": status, "headers": headers });
    if !bytes.is_empty() {
        let body = if json_body {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        } else {
            Value::String(String::from_utf8_lossy(&bytes).into_owned())
        };
        answer["body"] = body;
    }
    (status, answer)
}
