//! Faulted answers in the shape of the service the path belongs to: Graph's error envelope with
//! `request-id`/`client-request-id`, the identity platform's AADSTS body, or Assets' `errorMessages`.
//! A `reset` fault answers with a body that fails before anything is written, so hyper closes the
//! connection without sending a byte.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Fault;
use crate::http::{CLIENT_REQUEST_ID, RequestIds};
use crate::time::{UtcTime, now_unix};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    Graph,
    Identity,
    Assets,
}

pub(crate) fn service_of(path: &str) -> Service {
    if path.starts_with("/v1.0/") || path.starts_with("/beta/") || path == "/v1.0" {
        Service::Graph
    } else if path.contains("/oauth2/") {
        Service::Identity
    } else {
        Service::Assets
    }
}

/// Graph's generic code and message for a status.
fn graph_code(status: u16) -> (&'static str, &'static str) {
    match status {
        400 => ("badRequest", "Bad request."),
        401 => ("InvalidAuthenticationToken", "Access token is empty."),
        403 => ("accessDenied", "Access denied."),
        404 => ("itemNotFound", "The resource could not be found."),
        409 => ("conflict", "Conflict."),
        429 => ("TooManyRequests", "Please retry again later."),
        500 => ("generalException", "An unspecified error has occurred."),
        501 => ("notSupported", "The requested feature isn't supported."),
        502 => ("badGateway", "Bad gateway."),
        503 => (
            "serviceNotAvailable",
            "The service is temporarily unavailable for maintenance or is overloaded. You may repeat the request after a delay.",
        ),
        504 => ("gatewayTimeout", "Gateway timeout."),
        _ => ("UnknownError", ""),
    }
}

pub(crate) fn fault_response(
    fault: &Fault,
    status: u16,
    path: &str,
    headers: &HeaderMap,
) -> Response {
    let status_code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let ids = RequestIds::from_headers(headers);
    let service = service_of(path);
    let body = fault.spec.body.clone().unwrap_or_else(|| match service {
        Service::Graph => graph_body(status, &ids),
        Service::Identity => identity_body(&ids),
        Service::Assets => {
            let reason = status_code.canonical_reason().unwrap_or("Error");
            json!({"errorMessages": [format!("{reason} (injected by the simulator)")], "errors": {}})
        }
    });
    let mut response = (status_code, serde_json::to_vec(&body).unwrap_or_default()).into_response();
    let out = response.headers_mut();
    let content_type = match service {
        Service::Graph => crate::graph::ODATA_JSON,
        Service::Identity => "application/json; charset=utf-8",
        Service::Assets => "application/json;charset=UTF-8",
    };
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let id_header = match service {
        Service::Graph => Some("request-id"),
        Service::Identity => Some("x-ms-request-id"),
        Service::Assets => None,
    };
    if let Some(name) = id_header {
        if let Ok(value) = HeaderValue::from_str(&ids.request_id.to_string()) {
            out.insert(HeaderName::from_static(name), value);
        }
        if service == Service::Graph || ids.client_sent {
            if let Ok(value) = HeaderValue::from_str(&ids.client_request_id) {
                out.insert(HeaderName::from_static(CLIENT_REQUEST_ID), value);
            }
        }
    }
    if let Some(value) = fault
        .spec
        .retry_after
        .as_deref()
        .and_then(|v| HeaderValue::from_str(v).ok())
    {
        out.insert(header::RETRY_AFTER, value);
    }
    response
}

fn graph_body(status: u16, ids: &RequestIds) -> Value {
    let (code, message) = graph_code(status);
    let date = UtcTime::from_unix(now_unix()).graph_error_date();
    let mut inner = json!({
        "date": date,
        "request-id": ids.request_id.to_string(),
        "client-request-id": ids.client_request_id,
    });
    if status == 429 {
        // Throttling's innerError repeats code and status as strings (graph-api.md §6).
        inner["code"] = json!("429");
        inner["status"] = json!("429");
        inner["message"] = json!(message);
    }
    json!({"error": {"code": code, "message": message, "innerError": inner}})
}

/// AADSTS90033 (directory service unavailable) for any status: a client keys on `error_codes`,
/// and a transient failure is what injected faults stand for. Pass `body` for anything else.
fn identity_body(ids: &RequestIds) -> Value {
    let timestamp = UtcTime::from_unix(now_unix()).entra_timestamp();
    let trace = ids.request_id.to_string();
    let correlation = ids
        .client_guid()
        .unwrap_or_else(uuid::Uuid::new_v4)
        .to_string();
    json!({
        "error": "temporarily_unavailable",
        "error_description": format!(
            "AADSTS90033: A transient error has occurred. Please try again.\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\nTimestamp: {timestamp}"
        ),
        "error_codes": [90033],
        "timestamp": timestamp,
        "trace_id": trace,
        "correlation_id": correlation,
        "error_uri": "https://login.microsoftonline.com/error?code=90033",
    })
}

/// A response whose body fails on first poll: hyper then drops the connection before writing the
/// buffered head, so the client sees the connection close with no answer.
pub(crate) fn dropped() -> Response {
    Response::new(Body::new(FailingBody))
}

struct FailingBody;

impl http_body::Body for FailingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection reset by a simulator fault",
        ))))
    }
}
