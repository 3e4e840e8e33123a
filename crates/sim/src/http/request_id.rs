//! Correlation ids. Graph answers every request with a fresh `request-id` and echoes the caller's
//! `client-request-id`; support cases are opened by quoting them, so the sim behaves the same.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use uuid::Uuid;

pub const CLIENT_REQUEST_ID: &str = "client-request-id";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestIds {
    /// Ours, new per request.
    pub request_id: Uuid,
    /// The caller's, echoed; the request id when the caller sent none.
    pub client_request_id: String,
    /// Whether `client_request_id` came from the caller.
    pub client_sent: bool,
}

impl RequestIds {
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let request_id = Uuid::new_v4();
        let sent = headers
            .get(CLIENT_REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .map(str::trim)
            .filter(|value| !value.is_empty() && value.len() <= 128);
        Self {
            request_id,
            client_request_id: sent.map_or_else(|| request_id.to_string(), str::to_string),
            client_sent: sent.is_some(),
        }
    }

    /// The caller's id if it is a GUID: the identity platform only adopts GUIDs as its correlation id.
    pub fn client_guid(&self) -> Option<Uuid> {
        self.client_sent
            .then(|| Uuid::parse_str(&self.client_request_id).ok())
            .flatten()
    }
}

/// Taken from the request's extensions when a middleware already assigned ids, so that handler and
/// response headers agree; otherwise made up on the spot.
impl<S: Send + Sync> FromRequestParts<S> for RequestIds {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(ids) = parts.extensions.get::<RequestIds>() {
            return Ok(ids.clone());
        }
        let ids = RequestIds::from_headers(&parts.headers);
        parts.extensions.insert(ids.clone());
        Ok(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn echoes_the_callers_id_or_reuses_its_own() {
        let mut headers = HeaderMap::new();
        let ids = RequestIds::from_headers(&headers);
        assert_eq!(ids.client_request_id, ids.request_id.to_string());
        assert_eq!(ids.client_guid(), None);

        headers.insert(CLIENT_REQUEST_ID, HeaderValue::from_static("my-trace-1"));
        let ids = RequestIds::from_headers(&headers);
        assert_eq!(ids.client_request_id, "my-trace-1");
        assert_eq!(ids.client_guid(), None);
    }
}
