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
    /// Graph's gateway did not recognise the URL.
    #[error("Resource not found for the segment '{0}'.")]
    SegmentNotFound(String),
    #[error("The HTTP method '{0}' is not allowed for this resource.")]
    MethodNotAllowed(String),
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
            GraphError::SegmentNotFound(_) => "BadRequest",
            GraphError::MethodNotAllowed(_) => "BadRequest",
            GraphError::NotImplemented(_) => "NotImplemented",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            GraphError::InvalidAuthenticationToken(_) => StatusCode::UNAUTHORIZED,
            GraphError::AuthorizationRequestDenied => StatusCode::FORBIDDEN,
            GraphError::RequestBadRequest(_) | GraphError::SegmentNotFound(_) => {
                StatusCode::BAD_REQUEST
            }
            GraphError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            GraphError::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
        }
    }

    /// The full response, with the ids of the request it answers.
    pub fn render(&self, ids: &RequestIds) -> Response {
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
