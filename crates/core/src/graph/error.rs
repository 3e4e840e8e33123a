use serde::Deserialize;

use crate::http::{HttpResponse, TransportError};

/// A Graph call that did not give us a page. Every variant that had an HTTP answer keeps the
/// `request-id`, which is what Microsoft support asks for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    #[error("Microsoft Graph answered HTTP {status} {code}: {message} (request-id {})", request_id.as_deref().unwrap_or("none"))]
    Api {
        status: u16,
        code: String,
        message: String,
        request_id: Option<String>,
    },
    #[error("Microsoft Graph answered HTTP {status} with a body Entra Sync cannot read: {detail} (request-id {})", request_id.as_deref().unwrap_or("none"))]
    Malformed {
        status: u16,
        detail: String,
        request_id: Option<String>,
    },
    #[error("Could not reach Microsoft Graph: {0}")]
    Transport(#[from] TransportError),
}

#[derive(Deserialize)]
struct Envelope {
    error: Body,
}

#[derive(Deserialize)]
struct Body {
    code: String,
    #[serde(default)]
    message: String,
    #[serde(rename = "innerError", default)]
    inner: Option<Inner>,
}

#[derive(Deserialize)]
struct Inner {
    /// Older services spell it `requestId`.
    #[serde(rename = "request-id", alias = "requestId", default)]
    request_id: Option<String>,
}

impl GraphError {
    pub fn from_response(response: &HttpResponse) -> Self {
        let header_id = response.header("request-id").map(str::to_string);
        match serde_json::from_str::<Envelope>(&response.body) {
            Ok(Envelope { error }) => GraphError::Api {
                status: response.status,
                code: error.code,
                message: error.message,
                request_id: header_id.or(error.inner.and_then(|inner| inner.request_id)),
            },
            Err(e) => GraphError::Malformed {
                status: response.status,
                detail: e.to_string(),
                request_id: header_id,
            },
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            GraphError::Api { request_id, .. } | GraphError::Malformed { request_id, .. } => {
                request_id.as_deref()
            }
            GraphError::Transport(_) => None,
        }
    }

    /// No answer, or an answer the retry policy would try again (throttling, server errors).
    pub fn is_transient(&self) -> bool {
        match self {
            GraphError::Transport(_) => true,
            other => other
                .status()
                .is_some_and(|status| crate::retry::RetryPolicy::default().is_transient(status)),
        }
    }

    /// Graph's 401 for a bearer token it no longer (or never) accepts: expired, not yet valid,
    /// malformed. A fresh token may be accepted.
    pub fn is_invalid_token(&self) -> bool {
        self.status() == Some(401)
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            GraphError::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            GraphError::Api { status, .. } | GraphError::Malformed { status, .. } => Some(*status),
            GraphError::Transport(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_403_and_429_bodies() {
        let denied = GraphError::from_response(&HttpResponse {
            status: 403,
            headers: vec![],
            body: include_str!(
                "../../../../fixtures/graph-examples/graph_403_authorization_requestdenied_docs.json"
            )
            .into(),
        });
        assert_eq!(denied.code(), Some("Authorization_RequestDenied"));
        let throttled = GraphError::from_response(&HttpResponse {
            status: 429,
            headers: vec![("Request-Id".into(), "from-header".into())],
            body: include_str!("../../../../fixtures/graph-examples/graph_429_throttled.json")
                .into(),
        });
        assert_eq!(throttled.code(), Some("TooManyRequests"));
        assert_eq!(throttled.request_id(), Some("from-header"));
        assert!(throttled.to_string().contains("from-header"));
    }

    #[test]
    fn takes_the_request_id_from_the_header_or_either_spelling_in_the_body() {
        let answer = |headers: Vec<(String, String)>, inner: &str| {
            GraphError::from_response(&HttpResponse {
                status: 403,
                headers,
                body: format!(
                    r#"{{"error":{{"code":"Forbidden","message":"no","innerError":{inner}}}}}"#
                ),
            })
        };
        let older = answer(
            vec![],
            r#"{"requestId":"older","date":"2021-05-18T19:12:36"}"#,
        );
        assert_eq!(older.request_id(), Some("older"));
        let current = answer(vec![], r#"{"request-id":"current"}"#);
        assert_eq!(current.request_id(), Some("current"));
        let header = answer(vec![("request-id".into(), "header".into())], "{}");
        assert_eq!(header.request_id(), Some("header"));
        assert!(header.to_string().contains("request-id header"));
    }
}
