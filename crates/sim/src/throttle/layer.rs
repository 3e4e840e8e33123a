//! The throttling middleware. Runs inside Graph's envelope (which adds request ids and the content
//! type) and keys budgets on the bearer token's `appid` + `tid`; requests without a valid token are
//! not charged, since Graph rejects them before any workload sees them.

use axum::extract::Request;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::cost::{Bucket, cost};
use super::directory_budget_for;
use crate::http::RequestIds;
use crate::state::SimState;
use crate::time::UtcTime;

/// From this share of the budget on, answers carry `x-ms-throttle-limit-percentage`.
const WARN_SHARE: f64 = 0.8;

pub async fn layer(request: Request, next: Next) -> Response {
    let Some(state) = request.extensions().get::<SimState>().cloned() else {
        return next.run(request).await;
    };
    let config = state.throttle_config();
    let Some(cost) = cost(
        request.method().as_str(),
        request.uri().path(),
        request.uri().query(),
    ) else {
        return next.run(request).await;
    };
    let Some((app_id, tenant_id)) = caller(&state, request.headers()) else {
        return next.run(request).await;
    };
    let (limit, window_ms) = match cost.bucket {
        Bucket::Directory => (
            config
                .directory_units
                .unwrap_or_else(|| directory_budget_for(state.tenant().users.len())),
            config.directory_window_ms,
        ),
        Bucket::Intune => (config.intune_requests, config.intune_window_ms),
    };
    let mut spend = None;
    if config.enabled {
        let key = (cost.bucket, app_id.clone(), tenant_id.clone());
        spend = Some(state.throttle().spend(
            key,
            state.clock().now_millis(),
            cost.units,
            limit,
            window_ms,
        ));
    }
    let mut response = match spend.and_then(|s| s.retry_after_ms) {
        Some(retry_after_ms) => {
            let ids = request.extensions().get::<RequestIds>().cloned();
            let ids = ids.unwrap_or_else(|| RequestIds::from_headers(request.headers()));
            too_many_requests(
                &state,
                &ids,
                cost.bucket,
                retry_after_ms,
                &app_id,
                &tenant_id,
            )
        }
        None => next.run(request).await,
    };
    let headers = response.headers_mut();
    insert(headers, "x-ms-resource-unit", &cost.units.to_string());
    if let Some(spend) = spend {
        let share = spend.used as f64 / f64::from(limit.max(1));
        if share >= WARN_SHARE {
            // Documented range 0.8–1.8.
            insert(
                headers,
                "x-ms-throttle-limit-percentage",
                &format!("{:.1}", share.min(1.8)),
            );
        }
    }
    response
}

/// 429 with the documented body (graph_429_throttled.json) and headers.
fn too_many_requests(
    state: &SimState,
    ids: &RequestIds,
    bucket: Bucket,
    retry_after_ms: u64,
    app_id: &str,
    tenant_id: &str,
) -> Response {
    let body = serde_json::json!({
        "error": {
            "code": "TooManyRequests",
            "message": "Please retry again later.",
            "innerError": {
                "code": "429",
                "date": UtcTime::from_unix(state.clock().now_unix()).graph_error_date(),
                "message": "Please retry after",
                "request-id": ids.request_id.to_string(),
                "status": "429",
            },
        },
    });
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response();
    let headers = response.headers_mut();
    // Seconds, fractional like the docs' `2.128`: clients must parse a float.
    insert(
        headers,
        "retry-after",
        &format!("{:.3}", retry_after_ms as f64 / 1000.0),
    );
    // `<Scope>/<Limit>/<AppId>/<TenantId>`; the Intune limit name is the sim's own, Intune documents none.
    let limit = match bucket {
        Bucket::Directory => "ReadWrite",
        Bucket::Intune => "IntuneDevices",
    };
    insert(
        headers,
        "x-ms-throttle-scope",
        &format!("Tenant_Application/{limit}/{app_id}/{tenant_id}"),
    );
    insert(
        headers,
        "x-ms-throttle-information",
        "ResourceUnitLimitExceeded",
    );
    response
}

/// `appid` and `tid` of a valid bearer token.
fn caller(state: &SimState, headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let claims = state.signer().verify(token.trim()).ok()?;
    Some((claims.appid, claims.tid))
}

fn insert(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), value);
    }
}
