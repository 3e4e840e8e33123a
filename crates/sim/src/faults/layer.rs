//! The middleware: picks a fault, applies latency, answers or passes on, and logs the outcome.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::render;
use crate::http::CLIENT_REQUEST_ID;
use crate::log::{LoggedRequest, redact_query, template};
use crate::state::SimState;

/// Bodies larger than this are not buffered to count items for `perItemUs`.
const MAX_COUNTED_BODY: usize = 64 * 1024 * 1024;

/// Installed with `Router::layer`, so it runs after routing and sees the matched route template.
pub async fn traffic(State(state): State<SimState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(redact_query);
    let route = template(
        request
            .extensions()
            .get::<MatchedPath>()
            .map(MatchedPath::as_str),
    );
    let client_request_id = header(request.headers(), CLIENT_REQUEST_ID);
    let log = state.requests();
    let _in_flight = log.enter(&path);

    let fault = state.faults().fire(&method, &path);
    let plan = state.latency().plan();
    if let Some(plan) = plan {
        tokio::time::sleep(plan.fixed).await;
    }
    if let Some(ms) = fault.as_ref().and_then(|f| f.spec.latency_ms) {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let mut response = match &fault {
        Some(f) if f.spec.reset => render::dropped(),
        Some(f) => match f.spec.status {
            Some(status) => render::fault_response(f, status, &path, request.headers()),
            None => next.run(request).await,
        },
        None => next.run(request).await,
    };
    let dropped = fault.as_ref().is_some_and(|f| f.spec.reset);
    if let Some(plan) = plan.filter(|p| !p.per_item.is_zero() && !dropped) {
        response = delay_per_item(response, plan.per_item).await;
    }

    let request_id = header(response.headers(), "request-id")
        .or_else(|| header(response.headers(), "x-ms-request-id"));
    state.requests().record(LoggedRequest {
        seq: 0,
        at_unix_ms: unix_ms(),
        method,
        path,
        query,
        template: route,
        status: (!dropped).then(|| response.status().as_u16()),
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        request_id,
        client_request_id,
        fault_id: fault.map(|f| f.id),
    });
    response
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[derive(Deserialize)]
struct Items {
    #[serde(default)]
    value: Option<Vec<IgnoredAny>>,
    #[serde(default)]
    values: Option<Vec<IgnoredAny>>,
}

/// Buffers the body to count its items (`value` or `values`), then sleeps `per_item` for each.
async fn delay_per_item(response: Response, per_item: Duration) -> Response {
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_COUNTED_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let items = serde_json::from_slice::<Items>(&bytes)
        .ok()
        .and_then(|i| i.value.or(i.values))
        .map_or(0, |v| v.len());
    let total = per_item.saturating_mul(u32::try_from(items).unwrap_or(u32::MAX));
    tokio::time::sleep(total).await;
    Response::from_parts(parts, Body::from(bytes))
}
