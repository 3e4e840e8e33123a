//! What every Graph response carries, success or failure: correlation ids, the OData content type,
//! and for failures the error body.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use super::error::GraphError;
use crate::http::{CLIENT_REQUEST_ID, RequestIds};

pub const ODATA_JSON: &str = "application/json;odata.metadata=minimal";

pub async fn envelope(mut request: Request, next: Next) -> Response {
    let ids = RequestIds::from_headers(request.headers());
    request.extensions_mut().insert(ids.clone());
    let mut response = next.run(request).await;
    if let Some(error) = response.extensions_mut().remove::<GraphError>() {
        response = error.render(&ids);
    }
    let headers = response.headers_mut();
    // `/$count` answers in plain text; everything else is OData JSON.
    let plain = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"));
    if !plain {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(ODATA_JSON));
    }
    headers.insert(
        HeaderName::from_static("odata-version"),
        HeaderValue::from_static("4.0"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&ids.request_id.to_string()) {
        headers.insert(HeaderName::from_static("request-id"), value);
    }
    if let Ok(value) = HeaderValue::from_str(&ids.client_request_id) {
        headers.insert(HeaderName::from_static(CLIENT_REQUEST_ID), value);
    }
    response
}
