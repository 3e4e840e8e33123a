//! Control routes that change the tenant and the identity platform while a client talks to it:
//! churn, secrets, delta tokens, throttling, Intune licensing and the sim clock.
//!
//! | method | path | body | effect |
//! |---|---|---|---|
//! | POST | `/_sim/churn` | `{"percent", "seed"?}` | applies realistic changes; answers counts per kind and the created/updated/removed ids |
//! | POST | `/_sim/secrets/rotate` | – | adds a new client secret (old ones stay valid) → `{keyId, value, endDateTime}` |
//! | POST | `/_sim/secrets/expire` | – | every secret's end date moves into the past (AADSTS7000222) |
//! | POST | `/_sim/delta/expire` | – | every issued delta token becomes invalid |
//! | POST | `/_sim/delta/doctor` | `{"resource", "id", "patch"}` | every item of object `id` on delta resource `resource` (`/v1.0/groups/delta`) gets `patch` merged in (`null` removes a member: `{"id": null}`); `{"clear": true}` undoes all |
//! | POST | `/_sim/delta/reset-mode` | `{"mode": "syncStateNotFound" \| "gone"}` | how an invalid token is answered (400, or 410 with `Location`) |
//! | POST | `/_sim/throttling` | `{"enabled"?, "directoryUnits"?, "intuneRequests"?}` | Graph budgets; `{}` restores the documented ones |
//! | POST | `/_sim/intune` | `{"licensed"}` | whether the tenant has Intune |
//! | POST | `/_sim/clock/advance` | `{"seconds"}` | moves the sim clock (token, secret and throttle windows) |
//! | POST | `/_sim/users/account-enabled` | `{"id", "enabled"}` | an admin switches one account off or on (a delta change) |

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{Answer, parse};
use crate::graph::DeltaResetMode;
use crate::state::SimState;
use crate::throttle::ThrottleConfig;
use crate::time::UtcTime;

pub fn routes() -> Router<SimState> {
    Router::new()
        .route("/_sim/churn", post(churn))
        .route("/_sim/secrets/rotate", post(rotate))
        .route("/_sim/secrets/expire", post(expire))
        .route("/_sim/delta/expire", post(delta_expire))
        .route("/_sim/delta/reset-mode", post(delta_mode))
        .route("/_sim/delta/doctor", post(delta_doctor))
        .route("/_sim/throttling", post(throttling))
        .route("/_sim/intune", post(intune))
        .route("/_sim/clock/advance", post(advance))
        .route("/_sim/users/account-enabled", post(account_enabled))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AccountBody {
    id: String,
    enabled: bool,
}

async fn account_enabled(State(state): State<SimState>, body: Bytes) -> Answer {
    let body: AccountBody = parse(&body)?;
    if !state.update_tenant(|t| t.set_account_enabled(&body.id, body.enabled)) {
        return Err(super::ControlError::BadRequest(format!(
            "no user with id {:?}",
            body.id
        )));
    }
    Ok(Json(json!({"id": body.id, "accountEnabled": body.enabled})))
}

#[derive(Deserialize)]
struct ChurnBody {
    percent: f64,
    #[serde(default = "default_seed")]
    seed: u64,
}

fn default_seed() -> u64 {
    1
}

fn ids(list: &[uuid::Uuid]) -> Vec<String> {
    list.iter().map(ToString::to_string).collect()
}

async fn churn(State(state): State<SimState>, body: Bytes) -> Answer {
    let body: ChurnBody = parse(&body)?;
    if !(0.0..=100.0).contains(&body.percent) {
        return Err(super::ControlError::BadRequest(
            "percent must be between 0 and 100".into(),
        ));
    }
    let report = state.churn(body.percent, body.seed);
    let changes = |c: &crate::tenant::ObjectChanges| {
        json!({
            "created": ids(&c.created),
            "updated": ids(&c.updated),
            "removed": c.removed.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>(),
        })
    };
    Ok(Json(json!({
        "fromVersion": report.from_version,
        "toVersion": report.to_version,
        "operations": report.operations,
        "users": changes(&report.users),
        "groups": changes(&report.groups),
        "devices": changes(&report.devices),
    })))
}

async fn rotate(State(state): State<SimState>) -> Json<Value> {
    let secret = state.rotate_secret();
    Json(json!({
        "keyId": secret.key_id,
        "value": secret.value,
        "endDateTime": UtcTime::from_unix(secret.end).iso8601(),
    }))
}

async fn expire(State(state): State<SimState>) -> Json<Value> {
    state.expire_secret();
    Json(json!({"expired": true}))
}

async fn delta_expire(State(state): State<SimState>) -> Json<Value> {
    state.expire_delta_tokens();
    Json(json!({"expired": true}))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DoctorBody {
    #[serde(default)]
    resource: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    patch: Option<serde_json::Map<String, Value>>,
    #[serde(default)]
    clear: bool,
}

async fn delta_doctor(State(state): State<SimState>, body: Bytes) -> Answer {
    let body: DoctorBody = parse(&body)?;
    if body.clear {
        state.delta().clear_doctored();
        return Ok(Json(json!({"cleared": true})));
    }
    let (Some(resource), Some(id), Some(patch)) = (body.resource, body.id, body.patch) else {
        return Err(super::ControlError::BadRequest(
            "give resource, id and patch (or clear: true)".into(),
        ));
    };
    if !resource.starts_with("/v1.0/") || !resource.ends_with("/delta") {
        return Err(super::ControlError::BadRequest(format!(
            "resource \"{resource}\" is not a delta resource such as /v1.0/groups/delta"
        )));
    }
    state.delta().doctor_item(&resource, &id, patch);
    Ok(Json(json!({"resource": resource, "id": id})))
}

#[derive(Deserialize)]
struct ModeBody {
    mode: String,
}

async fn delta_mode(State(state): State<SimState>, body: Bytes) -> Answer {
    let body: ModeBody = parse(&body)?;
    let mode = match body.mode.as_str() {
        "syncStateNotFound" => DeltaResetMode::SyncStateNotFound,
        "gone" => DeltaResetMode::Gone,
        other => {
            return Err(super::ControlError::BadRequest(format!(
                "mode \"{other}\" is neither \"syncStateNotFound\" nor \"gone\""
            )));
        }
    };
    state.set_delta_reset_mode(mode);
    Ok(Json(json!({"mode": body.mode})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ThrottleBody {
    enabled: Option<bool>,
    directory_units: Option<u32>,
    intune_requests: Option<u32>,
}

async fn throttling(State(state): State<SimState>, body: Bytes) -> Answer {
    let body: ThrottleBody = parse(&body)?;
    let mut config = match (body.directory_units, body.intune_requests) {
        (None, None) => ThrottleConfig::default(),
        (units, intune) => ThrottleConfig::budgets(
            units.unwrap_or(u32::MAX),
            intune.unwrap_or(ThrottleConfig::default().intune_requests),
        ),
    };
    if body.enabled == Some(false) {
        config = ThrottleConfig::disabled();
    }
    state.set_throttle(config);
    Ok(Json(json!({"enabled": body.enabled != Some(false)})))
}

#[derive(Deserialize)]
struct IntuneBody {
    licensed: bool,
}

async fn intune(State(state): State<SimState>, body: Bytes) -> Answer {
    let body: IntuneBody = parse(&body)?;
    state.set_intune_licensed(body.licensed);
    Ok(Json(json!({"licensed": body.licensed})))
}

#[derive(Deserialize)]
struct AdvanceBody {
    seconds: i64,
}

async fn advance(State(state): State<SimState>, body: Bytes) -> Answer {
    let body: AdvanceBody = parse(&body)?;
    state.advance_clock(body.seconds);
    Ok(Json(json!({"nowUnix": state.clock().now_unix()})))
}
