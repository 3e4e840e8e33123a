//! `POST /{tenant}/oauth2/v2.0/token`: the client-credentials grant with a client secret or a
//! certificate's client assertion.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use uuid::Uuid;

use super::ClientAuth;
use super::assertion::{self, JWT_BEARER};
use super::error::{TokenError, Trace};
use super::request::TokenRequest;
use crate::http::RequestIds;
use crate::state::SimState;
use crate::time::{UtcTime, now_unix};

/// Scopes meaning "every Application permission consented for Graph"; the client-credentials grant
/// accepts nothing else. The second form names Graph by its well-known app id.
const GRAPH_DEFAULT_SCOPES: [&str; 2] = [
    "https://graph.microsoft.com/.default",
    "00000003-0000-0000-c000-000000000000/.default",
];

#[derive(Serialize)]
struct TokenSuccess {
    token_type: &'static str,
    expires_in: u64,
    ext_expires_in: u64,
    access_token: String,
}

pub async fn token(
    State(state): State<SimState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ids = RequestIds::from_headers(&headers);
    let request = TokenRequest::parse(&headers, &body);
    match authenticate(&state, &tenant, &request) {
        Ok(method) => {
            let issued = state.issue_access_token_by(method);
            let body = TokenSuccess {
                token_type: "Bearer",
                expires_in: issued.expires_in,
                ext_expires_in: issued.expires_in,
                access_token: issued.access_token,
            };
            respond(StatusCode::OK, &body, &ids)
        }
        Err(error) => failure(&error, &ids),
    }
}

/// Any other method on the token URL.
pub async fn wrong_method(method: Method, headers: HeaderMap) -> Response {
    let ids = RequestIds::from_headers(&headers);
    failure(&TokenError::MethodNotAllowed(method.to_string()), &ids)
}

/// Checks in the order Entra reports them: where, what grant, who, for what, and only then the proof.
fn authenticate(
    state: &SimState,
    tenant_in_path: &str,
    request: &TokenRequest,
) -> Result<ClientAuth, TokenError> {
    let tenant = state.tenant();
    if !tenant.answers_to(tenant_in_path) {
        return Err(TokenError::TenantNotFound(tenant_in_path.to_string()));
    }
    let grant_type = request
        .grant_type
        .as_deref()
        .ok_or(TokenError::MissingParameter("grant_type"))?;
    if grant_type != "client_credentials" {
        return Err(TokenError::UnsupportedGrantType(grant_type.to_string()));
    }
    let client_id = request
        .client_id
        .as_deref()
        .ok_or(TokenError::MissingParameter("client_id"))?;
    if Uuid::parse_str(client_id).ok() != Some(tenant.app.client_id) {
        return Err(TokenError::UnknownClient {
            client_id: client_id.to_string(),
            directory: tenant.display_name.clone(),
        });
    }
    let scope = request
        .scope
        .as_deref()
        .ok_or(TokenError::MissingParameter("scope"))?;
    let mut scopes = scope.split_whitespace();
    let valid_scope = matches!(
        (scopes.next(), scopes.next()),
        (Some(only), None) if GRAPH_DEFAULT_SCOPES.iter().any(|s| s.eq_ignore_ascii_case(only))
    );
    if !valid_scope {
        return Err(TokenError::InvalidScope(scope.to_string()));
    }
    let client_id = tenant.app.client_id.to_string();
    let now = state.clock().now_unix();
    let credentials = state.credentials();
    match (&request.client_secret, &request.client_assertion) {
        (Some(secret), _) => credentials
            .check_secret(secret, &client_id, now)
            .map(|()| ClientAuth::Secret),
        (None, Some(assertion)) => {
            // Entra insists on the type parameter before looking at the assertion.
            if request.client_assertion_type.as_deref() != Some(JWT_BEARER) {
                return Err(TokenError::MissingParameter("client_assertion_type"));
            }
            assertion::verify(
                assertion,
                &credentials.read(),
                &|t| tenant.answers_to(t),
                &client_id,
                now,
            )
            .map(|()| ClientAuth::Certificate)
        }
        (None, None) => Err(TokenError::MissingCredential),
    }
}

fn failure(error: &TokenError, ids: &RequestIds) -> Response {
    let trace = Trace {
        trace_id: ids.request_id.to_string(),
        // Entra adopts the caller's client-request-id as correlation id when it is a GUID (MSAL sends one).
        correlation_id: ids.client_guid().unwrap_or_else(Uuid::new_v4).to_string(),
        timestamp: UtcTime::from_unix(now_unix()).entra_timestamp(),
    };
    respond(error.status(), &error.body(&trace), ids)
}

fn respond(status: StatusCode, body: &impl Serialize, ids: &RequestIds) -> Response {
    let json = serde_json::to_vec(body).unwrap_or_default();
    let mut response = (status, json).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    // Tokens must never sit in a cache (RFC 6749 §5.1); Entra sends both directives, and Pragma for HTTP/1.0.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, no-cache"),
    );
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    if let Ok(value) = HeaderValue::from_str(&ids.request_id.to_string()) {
        headers.insert(HeaderName::from_static("x-ms-request-id"), value);
    }
    if ids.client_sent {
        if let Ok(value) = HeaderValue::from_str(&ids.client_request_id) {
            headers.insert(
                HeaderName::from_static(crate::http::CLIENT_REQUEST_ID),
                value,
            );
        }
    }
    response
}
