//! The HTTP control API, on the sim's own origin under `/_sim/` (a prefix no Microsoft or Atlassian
//! service uses). JSON in and out; errors are `{"error": "..."}` with 400, 403 or 404.
//!
//! Only loopback peers are served ([`peer_allowed`]), and requests relayed by a proxy (any
//! `Forwarded`/`X-Forwarded-*` header, as the local Forge runtime adds when it maps Microsoft's hosts
//! onto the sim) are refused too, so app code under test cannot reach it through egress. Control
//! requests are never faulted, delayed or logged.
//!
//! | method | path | body | effect |
//! |---|---|---|---|
//! | GET | `/_sim/info` | – | launch info (URL, tenant id/domain, client id/secret, secret id, Assets ids) + `preset`, `seed` |
//! | POST | `/_sim/reset` | – | default grants, seeded Assets, no faults, no latency, empty log and counters; answers as `info` |
//! | GET | `/_sim/permissions` | – | `{"granted": [...]}` |
//! | POST | `/_sim/permissions/grant` | `{"permission"}` | admin consent for one application permission (tokens issued afterwards) |
//! | POST | `/_sim/permissions/revoke` | `{"permission"}` | withdraws it; `{"revoked": bool, "granted"}` |
//! | POST | `/_sim/permissions/revoke-all` | – | no consent: tokens carry no `roles` |
//! | GET | `/_sim/faults` | – | configured faults with `id`, `remaining`, `hits` |
//! | POST | `/_sim/faults` | `{"path", "exact"?, "method"?, "status"?, "count"?, "retryAfter"?, "latencyMs"?, "reset"?, "body"?}` | adds a fault; `{"id"}` |
//! | DELETE | `/_sim/faults` | – | removes all faults |
//! | DELETE | `/_sim/faults/{id}` | – | removes one (404 if unknown) |
//! | GET | `/_sim/latency` | – | the latency model |
//! | POST | `/_sim/latency` | `{"baseMs", "jitterMs", "perItemUs"?, "seed"?}` | delays every Graph/identity/Assets answer |
//! | DELETE | `/_sim/latency` | – | no added latency |
//! | GET | `/_sim/requests?path=/v1.0/users&limit=100` | – | last `limit` (default 100) logged requests under `path`, oldest first |
//! | DELETE | `/_sim/requests` | – | empties the log and the counters, restarts the most in flight |
//! | GET | `/_sim/in-flight` | – | per service (`graph`, `identity`, `assets`): `{"now", "max"}` requests being answered at once |
//! | GET | `/_sim/counters` | – | `{"GET /v1.0/groups/{id}/members": {"total", "byStatus": {"200": n}}}` |
//! | GET | `/_sim/assets` | – | plain-JSON snapshot of all Assets schemas, types and objects |
//! | POST | `/_sim/assets/missing-policy` | `{"sourceId"?, "objectType", "policy": "ignore"/"remove"/"update", "attribute"?, "value"?}` | missing-objects policy of one mapped type |
//! | POST | `/_sim/assets/schemas` | `{"name", "key"}` | a further object schema with its own import source → `{"schemaId", "sourceId"}` |
//! | POST | `/_sim/assets/import-sources` | `{"schemaId", "name"}` | a further import source in a schema, as an admin creates one in its Import tab → `{"sourceId"}` |
//! | POST | `/_sim/assets/disabled` | `{"sourceId"?, "disabled"}` | disables or re-enables an import source |
//! | POST | `/_sim/assets/admins` | `{"accountIds": [...]}` | who has Jira's `ADMINISTER` |
//! | POST | `/_sim/assets/rate-limit` | `{"perMinute": n or null, "sendRetryAfter"?: true}` | per-minute budget over Assets/Jira routes; `null` lifts it |
//! | POST | `/_sim/assets/processing-reads` | `{"reads"}` | status reads showing `PROCESSING` after the last chunk |
//! | POST | `/_sim/assets/objects/delete` | `{"objectType", "count"}` or `{"keys": [...]}` | deletes objects as a person in the Assets UI would → `{"keys"}` |
//! | POST | `/_sim/assets/objects/edit` | as delete, plus `"attribute"?`, `"value"?` | edits one attribute (default: the label, `" (edited)"` appended), stamping `updated` → `{"keys"}` |
//!
//! `sourceId` defaults to the demo import source.

mod certificates;
mod tenant;

use std::net::SocketAddr;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::assets::{DEMO_IMPORT_SOURCE_ID, MissingPolicy, Pick, RateLimit};
use crate::faults::{FaultSpec, LatencyModel};
use crate::http::BaseUrl;
use crate::log::LOG_CAPACITY;
use crate::server::LaunchInfo;
use crate::state::SimState;

/// Prefix of every control route.
pub const PREFIX: &str = "/_sim";

pub fn routes() -> Router<SimState> {
    Router::new()
        .route("/_sim/info", get(info))
        .route("/_sim/reset", post(reset))
        .route("/_sim/permissions", get(permissions))
        .route("/_sim/permissions/grant", post(grant))
        .route("/_sim/permissions/revoke", post(revoke))
        .route("/_sim/permissions/revoke-all", post(revoke_all))
        .route(
            "/_sim/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_sim/faults/{id}", delete(remove_fault))
        .route(
            "/_sim/latency",
            get(get_latency).post(set_latency).delete(clear_latency),
        )
        .route("/_sim/requests", get(requests).delete(clear_requests))
        .route("/_sim/counters", get(counters))
        .route("/_sim/jira", get(jira_site))
        .route("/_sim/in-flight", get(in_flight))
        .route("/_sim/assets", get(assets_snapshot))
        .route("/_sim/assets/missing-policy", post(missing_policy))
        .route("/_sim/assets/schemas", post(add_schema))
        .route("/_sim/assets/import-sources", post(add_import_source))
        .route("/_sim/assets/disabled", post(disabled))
        .route("/_sim/assets/admins", post(admins))
        .route("/_sim/assets/rate-limit", post(rate_limit))
        .route("/_sim/assets/processing-reads", post(processing_reads))
        .route("/_sim/assets/objects/delete", post(delete_by_hand))
        .route("/_sim/assets/objects/edit", post(edit_by_hand))
        .merge(tenant::routes())
        .merge(certificates::routes())
        .route("/_sim/{*rest}", any(unknown))
        .route_layer(middleware::from_fn(loopback_only))
}

/// Whether a control request may be served: from a loopback address, not relayed by a proxy.
/// No known peer (a router served without connect info) means no.
pub fn peer_allowed(peer: Option<SocketAddr>, headers: &HeaderMap) -> bool {
    let relayed = ["forwarded", "x-forwarded-for", "x-forwarded-host"]
        .iter()
        .any(|name| headers.contains_key(*name));
    let loopback = peer.is_some_and(|addr| match addr.ip() {
        std::net::IpAddr::V4(ip) => ip.is_loopback(),
        std::net::IpAddr::V6(ip) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    });
    loopback && !relayed
}

async fn loopback_only(request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    if peer_allowed(peer, request.headers()) {
        next.run(request).await
    } else {
        ControlError::Forbidden.into_response()
    }
}

#[derive(Debug)]
enum ControlError {
    BadRequest(String),
    NotFound(String),
    Forbidden,
}

impl IntoResponse for ControlError {
    fn into_response(self) -> Response {
        let (status, message) = match self {
            ControlError::BadRequest(m) => (StatusCode::BAD_REQUEST, m),
            ControlError::NotFound(m) => (StatusCode::NOT_FOUND, m),
            ControlError::Forbidden => (
                StatusCode::FORBIDDEN,
                "the control API answers only direct loopback clients".to_string(),
            ),
        };
        (status, Json(json!({"error": message}))).into_response()
    }
}

type Answer = Result<Json<Value>, ControlError>;

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ControlError> {
    serde_json::from_slice(body).map_err(|e| ControlError::BadRequest(format!("body: {e}")))
}

fn info_json(base: &BaseUrl, state: &SimState) -> Value {
    let tenant = state.tenant();
    let mut info = serde_json::to_value(LaunchInfo::new(base.0.clone(), state)).unwrap_or_default();
    info["preset"] = json!(tenant.preset.name());
    info["seed"] = json!(tenant.seed);
    info["fullReadPages"] = json!(crate::graph::full_read_pages(&tenant));
    info
}

async fn info(State(state): State<SimState>, base: BaseUrl) -> Json<Value> {
    Json(info_json(&base, &state))
}

/// The Jira site the panel reads: projects, accounts (with the tenant user each mirrors) and issues.
async fn jira_site(State(state): State<SimState>) -> Json<Value> {
    Json(serde_json::to_value(&*state.jira()).unwrap_or(Value::Null))
}

async fn reset(State(state): State<SimState>, base: BaseUrl) -> Json<Value> {
    state.reset();
    Json(info_json(&base, &state))
}

fn granted(state: &SimState) -> Value {
    json!({"granted": state.granted()})
}

async fn permissions(State(state): State<SimState>) -> Json<Value> {
    Json(granted(&state))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Permission {
    permission: String,
}

fn permission(body: &Bytes) -> Result<String, ControlError> {
    let Permission { permission } = parse(body)?;
    let valid = !permission.is_empty()
        && permission
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.');
    if valid {
        Ok(permission)
    } else {
        Err(ControlError::BadRequest(format!(
            "'{permission}' is not a permission name such as User.Read.All"
        )))
    }
}

async fn grant(State(state): State<SimState>, body: Bytes) -> Answer {
    state.grant(&permission(&body)?);
    Ok(Json(granted(&state)))
}

async fn revoke(State(state): State<SimState>, body: Bytes) -> Answer {
    let revoked = state.revoke(&permission(&body)?);
    Ok(Json(
        json!({"revoked": revoked, "granted": state.granted()}),
    ))
}

async fn revoke_all(State(state): State<SimState>) -> Json<Value> {
    state.revoke_all();
    Json(granted(&state))
}

async fn list_faults(State(state): State<SimState>) -> Json<Value> {
    Json(json!(state.faults().list()))
}

async fn add_fault(State(state): State<SimState>, body: Bytes) -> Answer {
    let spec: FaultSpec = parse(&body)?;
    let id = state.faults().add(spec).map_err(ControlError::BadRequest)?;
    Ok(Json(json!({"id": id})))
}

async fn clear_faults(State(state): State<SimState>) -> Json<Value> {
    state.faults().clear();
    Json(json!([]))
}

async fn remove_fault(State(state): State<SimState>, Path(id): Path<String>) -> Answer {
    let found = id.parse().is_ok_and(|id| state.faults().remove(id));
    if found {
        Ok(Json(json!({"removed": id})))
    } else {
        Err(ControlError::NotFound(format!("no fault {id}")))
    }
}

async fn get_latency(State(state): State<SimState>) -> Json<Value> {
    Json(json!(state.latency().get()))
}

async fn set_latency(State(state): State<SimState>, body: Bytes) -> Answer {
    let model: LatencyModel = parse(&body)?;
    state.latency().set(model);
    Ok(Json(json!(state.latency().get())))
}

async fn clear_latency(State(state): State<SimState>) -> Json<Value> {
    state.latency().clear();
    Json(json!(state.latency().get()))
}

#[derive(Deserialize)]
struct RequestsQuery {
    path: Option<String>,
    limit: Option<usize>,
}

async fn requests(
    State(state): State<SimState>,
    Query(query): Query<RequestsQuery>,
) -> Json<Value> {
    let limit = query.limit.unwrap_or(100).min(LOG_CAPACITY);
    Json(json!(
        state.requests().entries(query.path.as_deref(), limit)
    ))
}

async fn clear_requests(State(state): State<SimState>) -> Json<Value> {
    state.requests().clear();
    Json(json!([]))
}

async fn in_flight(State(state): State<SimState>) -> Json<Value> {
    Json(json!(state.requests().in_flight()))
}

async fn counters(State(state): State<SimState>) -> Json<Value> {
    Json(json!(state.counters()))
}

async fn assets_snapshot(State(state): State<SimState>) -> Json<Value> {
    Json(state.assets().snapshot())
}

fn source_or_demo(source: Option<String>) -> String {
    source.unwrap_or_else(|| DEMO_IMPORT_SOURCE_ID.to_string())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MissingPolicyBody {
    source_id: Option<String>,
    object_type: String,
    policy: String,
    attribute: Option<String>,
    value: Option<String>,
}

async fn missing_policy(State(state): State<SimState>, body: Bytes) -> Answer {
    let b: MissingPolicyBody = parse(&body)?;
    let policy = match (b.policy.to_ascii_lowercase().as_str(), b.attribute, b.value) {
        ("ignore", None, None) => MissingPolicy::Ignore,
        ("remove", None, None) => MissingPolicy::Remove,
        ("update", Some(attribute), Some(value)) => MissingPolicy::Update { attribute, value },
        _ => {
            return Err(ControlError::BadRequest(
                "policy is ignore, remove, or update with attribute and value".to_string(),
            ));
        }
    };
    state
        .assets()
        .set_missing_policy(&source_or_demo(b.source_id), &b.object_type, policy)
        .map_err(|e| ControlError::NotFound(e.to_string()))?;
    Ok(Json(json!({"ok": true})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DisabledBody {
    source_id: Option<String>,
    disabled: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SchemaBody {
    name: String,
    key: String,
}

async fn add_schema(State(state): State<SimState>, body: Bytes) -> Answer {
    let b: SchemaBody = parse(&body)?;
    let (schema_id, source_id) = state.assets().add_schema(&b.name, &b.key);
    Ok(Json(
        json!({"schemaId": schema_id.to_string(), "sourceId": source_id}),
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImportSourceBody {
    schema_id: String,
    name: String,
}

async fn add_import_source(State(state): State<SimState>, body: Bytes) -> Answer {
    let b: ImportSourceBody = parse(&body)?;
    let source = b
        .schema_id
        .parse::<u64>()
        .ok()
        .and_then(|schema| state.assets().add_import_source(schema, &b.name));
    match source {
        Some(source_id) => Ok(Json(json!({"sourceId": source_id}))),
        None => Err(ControlError::NotFound(format!(
            "no object schema {}",
            b.schema_id
        ))),
    }
}

async fn disabled(State(state): State<SimState>, body: Bytes) -> Answer {
    let b: DisabledBody = parse(&body)?;
    let source = source_or_demo(b.source_id);
    if state.assets().set_disabled(&source, b.disabled) {
        Ok(Json(json!({"sourceId": source, "disabled": b.disabled})))
    } else {
        Err(ControlError::NotFound(format!("no import source {source}")))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AdminsBody {
    account_ids: Vec<String>,
}

async fn admins(State(state): State<SimState>, body: Bytes) -> Answer {
    let b: AdminsBody = parse(&body)?;
    state.assets().set_admins(b.account_ids.clone());
    Ok(Json(json!({"accountIds": b.account_ids})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RateLimitBody {
    per_minute: Option<u32>,
    send_retry_after: Option<bool>,
}

async fn rate_limit(State(state): State<SimState>, body: Bytes) -> Answer {
    let b: RateLimitBody = parse(&body)?;
    let limit = b.per_minute.map(|per_minute| RateLimit {
        per_minute,
        send_retry_after: b.send_retry_after.unwrap_or(true),
    });
    state.assets().set_rate_limit(limit);
    Ok(Json(json!({
        "perMinute": limit.map(|l| l.per_minute),
        "sendRetryAfter": limit.map(|l| l.send_retry_after),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReadsBody {
    reads: u32,
}

async fn processing_reads(State(state): State<SimState>, body: Bytes) -> Answer {
    let b: ReadsBody = parse(&body)?;
    state.assets().set_processing_reads(b.reads);
    Ok(Json(json!({"reads": b.reads})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ByHandBody {
    object_type: Option<String>,
    count: Option<usize>,
    keys: Option<Vec<String>>,
    attribute: Option<String>,
    value: Option<String>,
}

impl ByHandBody {
    fn pick(&self) -> Result<Pick, ControlError> {
        match (&self.object_type, self.count, &self.keys) {
            (Some(object_type), Some(count), None) => Ok(Pick::Type {
                object_type: object_type.clone(),
                count,
            }),
            (None, None, Some(keys)) => Ok(Pick::Keys(keys.clone())),
            _ => Err(ControlError::BadRequest(
                "pick objects by \"objectType\" and \"count\", or by \"keys\"".into(),
            )),
        }
    }
}

async fn delete_by_hand(State(state): State<SimState>, body: Bytes) -> Answer {
    let b: ByHandBody = parse(&body)?;
    if b.attribute.is_some() || b.value.is_some() {
        return Err(ControlError::BadRequest(
            "a delete takes no attribute or value".into(),
        ));
    }
    let keys = state
        .assets()
        .delete_by_hand(&b.pick()?)
        .map_err(|e| ControlError::BadRequest(e.to_string()))?;
    Ok(Json(json!({"keys": keys})))
}

async fn edit_by_hand(State(state): State<SimState>, body: Bytes) -> Answer {
    let b: ByHandBody = parse(&body)?;
    let keys = state
        .assets()
        .edit_by_hand(&b.pick()?, b.attribute.as_deref(), b.value.as_deref())
        .map_err(|e| ControlError::BadRequest(e.to_string()))?;
    Ok(Json(json!({"keys": keys})))
}

async fn unknown(request: Request) -> ControlError {
    ControlError::NotFound(format!("no control route {}", request.uri().path()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn only_direct_loopback_peers_may_control() {
        let none = HeaderMap::new();
        let at = |s: &str| Some(s.parse::<SocketAddr>().unwrap());
        assert!(peer_allowed(at("127.0.0.1:5000"), &none));
        assert!(peer_allowed(at("127.8.9.1:5000"), &none));
        assert!(peer_allowed(at("[::1]:5000"), &none));
        assert!(peer_allowed(at("[::ffff:127.0.0.1]:5000"), &none));
        assert!(!peer_allowed(at("192.168.1.20:5000"), &none));
        assert!(!peer_allowed(at("[2001:db8::1]:5000"), &none));
        assert!(!peer_allowed(at("[::ffff:10.0.0.1]:5000"), &none));
        assert!(!peer_allowed(None, &none));
        let mut relayed = HeaderMap::new();
        relayed.insert(
            "x-forwarded-host",
            HeaderValue::from_static("graph.microsoft.com"),
        );
        assert!(!peer_allowed(at("127.0.0.1:5000"), &relayed));
    }
}
