//! Graph's error envelope. Handlers and extractors return a [`GraphError`]; the envelope middleware
//! turns it into the documented body, because only it knows the request ids the body must repeat.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::http::RequestIds;
use crate::time::{UtcTime, now_unix};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// Missing, malformed, foreign or expired bearer token.
    #[error("{0}")]
    InvalidAuthenticationToken(String),
    /// The token lacks every Application permission that would allow the call.
    #[error("Insufficient privileges to complete the operation.")]
    AuthorizationRequestDenied,
    /// Directory (Entra) validation failure: bad query option, unknown property, bad page size.
    #[error("{0}")]
    RequestBadRequest(String),
    /// A `$filter` (or other query) the directory does not support for that property or resource.
    #[error("{0}")]
    UnsupportedQuery(String),
    /// No object with that id, or a reference (like `manager`) that is not set.
    #[error(
        "Resource '{0}' does not exist or one of its queried reference-property objects are not present."
    )]
    ResourceNotFound(String),
    /// Intune's own 403 when the token lacks the Intune permission: its `message` is itself a
    /// JSON document (graph-api.md §2). Carries the scopes that would have allowed the call.
    #[error("{0}")]
    IntuneForbidden(String),
    /// Graph's gateway did not recognise the URL.
    #[error("Resource not found for the segment '{0}'.")]
    SegmentNotFound(String),
    #[error("The HTTP method '{0}' is not allowed for this resource.")]
    MethodNotAllowed(String),
    /// A delta or skip token that expired (seven days) or was never issued.
    #[error(
        "The sync state generation is not found. The delta token is expired or invalid; start a new sync with a request without a token."
    )]
    SyncStateNotFound,
    /// The documented alternative to [`Self::SyncStateNotFound`]: 410 Gone, with `Location` naming a
    /// fresh delta URL.
    #[error(
        "Resync required. Discard the delta token and start again from the URL in the Location header."
    )]
    ResyncRequired(String),
    /// A `$batch` envelope Graph refuses whole (too many requests, unreadable, bad `dependsOn`).
    #[error("{0}")]
    BatchBadRequest(String),
    /// An Intune API in a tenant without an Intune licence (see `graph::intune`).
    #[error("Request not applicable to target tenant.")]
    NotApplicableToTenant,
    /// Valid Graph that the simulator does not do yet; failing loudly beats answering wrongly.
    #[error("{0}")]
    NotImplemented(String),
}

impl GraphError {
    pub fn code(&self) -> &'static str {
        match self {
            GraphError::InvalidAuthenticationToken(_) => "InvalidAuthenticationToken",
            GraphError::AuthorizationRequestDenied => "Authorization_RequestDenied",
            GraphError::RequestBadRequest(_) => "Request_BadRequest",
            GraphError::UnsupportedQuery(_) => "Request_UnsupportedQuery",
            GraphError::ResourceNotFound(_) => "Request_ResourceNotFound",
            GraphError::IntuneForbidden(_) => "Forbidden",
            GraphError::SegmentNotFound(_) => "BadRequest",
            GraphError::MethodNotAllowed(_) => "BadRequest",
            GraphError::NotImplemented(_) => "NotImplemented",
            GraphError::SyncStateNotFound => "syncStateNotFound",
            GraphError::ResyncRequired(_) => "resyncRequired",
            GraphError::NotApplicableToTenant | GraphError::BatchBadRequest(_) => "BadRequest",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            GraphError::InvalidAuthenticationToken(_) => StatusCode::UNAUTHORIZED,
            GraphError::AuthorizationRequestDenied | GraphError::IntuneForbidden(_) => {
                StatusCode::FORBIDDEN
            }
            GraphError::RequestBadRequest(_)
            | GraphError::UnsupportedQuery(_)
            | GraphError::SegmentNotFound(_)
            | GraphError::NotApplicableToTenant
            | GraphError::BatchBadRequest(_) => StatusCode::BAD_REQUEST,
            GraphError::ResourceNotFound(_) => StatusCode::NOT_FOUND,
            GraphError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            GraphError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            GraphError::SyncStateNotFound => StatusCode::BAD_REQUEST,
            GraphError::ResyncRequired(_) => StatusCode::GONE,
        }
    }

    /// The full response, with the ids of the request it answers.
    pub fn render(&self, ids: &RequestIds) -> Response {
        if let GraphError::IntuneForbidden(scopes) = self {
            return intune_forbidden(scopes, ids);
        }
        let body = Envelope {
            error: Body {
                code: self.code(),
                message: self.to_string(),
                inner_error: InnerError {
                    date: UtcTime::from_unix(now_unix()).graph_error_date(),
                    request_id: ids.request_id.to_string(),
                    client_request_id: ids.client_request_id.clone(),
                },
            },
        };
        let mut response =
            (self.status(), serde_json::to_vec(&body).unwrap_or_default()).into_response();
        if let GraphError::ResyncRequired(location) = self {
            if let Ok(value) = HeaderValue::from_str(location) {
                response.headers_mut().insert(header::LOCATION, value);
            }
        }
        if let GraphError::InvalidAuthenticationToken(_) = self {
            // Graph's challenge, naming the authority and Graph's own app id as the resource.
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(
                    "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"",
                ),
            );
        }
        response
    }
}

/// Intune's body: `message` is a pretty-printed JSON document with `\r\n` line breaks, and
/// `innerError` has only `request-id` and `date`. Clients must not parse `message`.
fn intune_forbidden(scopes: &str, ids: &RequestIds) -> Response {
    let operation = uuid::Uuid::new_v4();
    let inner = serde_json::json!({
        "_version": 3,
        "Message": format!(
            "Application is not authorized to perform this operation. Application must have one of the following scopes: {scopes} - Operation ID (for customer support): {operation} - Activity ID: {request} - Url: https://fef.msub02.manage.microsoft.com/DeviceFE/StatelessDeviceFEService/deviceManagement/managedDevices?api-version=2024-05-01",
            request = ids.request_id,
        ),
        "CustomApiErrorPhrase": "",
        "RetryAfter": null,
        "ErrorSourceService": "",
        "HttpHeaders": "{}",
    });
    let message = serde_json::to_string_pretty(&inner)
        .unwrap_or_default()
        .replace('\n', "\r\n");
    let body = serde_json::json!({
        "error": {
            "code": "Forbidden",
            "message": message,
            "innerError": {
                "date": UtcTime::from_unix(now_unix()).graph_error_date(),
                "request-id": ids.request_id.to_string(),
            },
        },
    });
    (
        StatusCode::FORBIDDEN,
        serde_json::to_vec(&body).unwrap_or_default(),
    )
        .into_response()
}

/// A bare status carrying the error; the envelope middleware writes the body.
impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(self);
        response
    }
}

#[derive(Serialize)]
struct Envelope {
    error: Body,
}

#[derive(Serialize)]
struct Body {
    code: &'static str,
    message: String,
    #[serde(rename = "innerError")]
    inner_error: InnerError,
}

#[derive(Serialize)]
struct InnerError {
    date: String,
    #[serde(rename = "request-id")]
    request_id: String,
    #[serde(rename = "client-request-id")]
    client_request_id: String,
}
