//! Errors of the Assets and Jira routes, rendered in the bodies Atlassian documents: the generic
//! `Errors` shape (`{"errorMessages": [...], "errors": {}}`) for most, and the import API's
//! `{"result": "error", "errorCode": ...}` for refused executions.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssetsError {
    #[error("{0}")]
    BadRequest(String),
    /// Several messages at once, e.g. every JSON Schema violation of a mapping.
    #[error("{}", .0.join("; "))]
    Invalid(Vec<String>),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Unauthorized(String),
    /// `POST executions` refused: `MISSING_MAPPING`, `DISABLED` or `IN_PROGRESS`.
    #[error("cannot start an execution: {0}")]
    StartRefused(&'static str),
    /// Over the configured per-minute budget; `Some(secs)` adds `Retry-After`.
    #[error("Rate limit exceeded.")]
    RateLimited(Option<u64>),
}

impl AssetsError {
    pub fn status(&self) -> StatusCode {
        match self {
            AssetsError::BadRequest(_) | AssetsError::Invalid(_) => StatusCode::BAD_REQUEST,
            AssetsError::NotFound(_) => StatusCode::NOT_FOUND,
            AssetsError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AssetsError::StartRefused(_) => StatusCode::CONFLICT,
            AssetsError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
        }
    }
}

impl IntoResponse for AssetsError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = match &self {
            AssetsError::StartRefused(code) => json!({"result": "error", "errorCode": code}),
            AssetsError::Invalid(messages) => json!({"errorMessages": messages, "errors": {}}),
            other => json!({"errorMessages": [other.to_string()], "errors": {}}),
        };
        let mut response = (status, Json(body)).into_response();
        if let AssetsError::RateLimited(Some(secs)) = self {
            if let Ok(value) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}
