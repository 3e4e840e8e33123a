//! The OAuth 2.0 client-credentials grant against `login.microsoftonline.com`.

use std::fmt;

use serde::Deserialize;

use crate::endpoints;
use crate::http::{HttpRequest, HttpTransport, Method, TransportError};
use crate::settings::ConnectionSettings;

/// An app-only access token. `Debug` never shows the token itself.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    value: String,
    pub expires_in_seconds: u64,
}

impl AccessToken {
    pub fn new(value: impl Into<String>, expires_in_seconds: u64) -> Self {
        Self {
            value: value.into(),
            expires_in_seconds,
        }
    }

    pub fn bearer(&self) -> String {
        format!("Bearer {}", self.value)
    }

    pub fn roles(&self) -> Option<Vec<String>> {
        super::roles_of(&self.value)
    }

    pub fn tenant(&self) -> Option<String> {
        super::tenant_of(&self.value)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("value", &"[redacted]")
            .field("expires_in_seconds", &self.expires_in_seconds)
            .finish()
    }
}

/// Why no token was issued. The AADSTS code decides the variant (Microsoft's `error` strings and
/// texts change over time; the codes do not). Each message says what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error(
        "Microsoft rejected the client secret (AADSTS7000215). Paste the secret's Value, not its Secret ID, or create a new secret under Certificates & secrets."
    )]
    InvalidSecret { trace_id: Option<String> },
    #[error(
        "The client secret has expired (AADSTS7000222). Create a new secret under Certificates & secrets in the app registration and paste its Value here."
    )]
    ExpiredSecret { trace_id: Option<String> },
    #[error("No client secret was sent (AADSTS7000216). Enter the client secret and save.")]
    MissingSecret { trace_id: Option<String> },
    #[error(
        "The client ID is not known in this tenant (AADSTS700016). Check the Application (client) ID, and that the tenant ID is the tenant the app is registered in."
    )]
    UnknownClient { trace_id: Option<String> },
    #[error(
        "The tenant was not found (AADSTS90002). Check the Directory (tenant) ID on the app registration's Overview page."
    )]
    UnknownTenant { trace_id: Option<String> },
    #[error(
        "Microsoft rejected the requested scope (AADSTS70011). This is a fault in Entra Sync; please report it with trace id {}.", trace_id.as_deref().unwrap_or("none")
    )]
    InvalidScope { trace_id: Option<String> },
    #[error("Microsoft refused the token request (HTTP {status}, {summary}).")]
    Rejected {
        status: u16,
        summary: String,
        trace_id: Option<String>,
    },
    #[error(
        "The token endpoint answered HTTP {status} with a body Entra Sync cannot read: {detail}"
    )]
    Malformed { status: u16, detail: String },
    #[error("Could not reach the Microsoft sign-in service: {0}")]
    Transport(#[from] TransportError),
}

impl TokenError {
    /// The id Microsoft support asks for, when the answer carried one.
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            TokenError::InvalidSecret { trace_id }
            | TokenError::ExpiredSecret { trace_id }
            | TokenError::MissingSecret { trace_id }
            | TokenError::UnknownClient { trace_id }
            | TokenError::UnknownTenant { trace_id }
            | TokenError::InvalidScope { trace_id }
            | TokenError::Rejected { trace_id, .. } => trace_id.as_deref(),
            TokenError::Malformed { .. } | TokenError::Transport(_) => None,
        }
    }
}

#[derive(Deserialize)]
struct TokenSuccess {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    expires_in: u64,
}

#[derive(Deserialize)]
struct TokenFailure {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    error_codes: Vec<u64>,
    #[serde(default)]
    trace_id: Option<String>,
}

/// The token request for these settings. Public so tests and diagnostics can inspect it.
pub fn token_request(settings: &ConnectionSettings) -> HttpRequest {
    let url = format!(
        "{}/{}/oauth2/v2.0/token",
        endpoints::LOGIN,
        settings.tenant.as_path_segment()
    );
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("client_id", &settings.client_id.hyphenated().to_string())
        .append_pair("scope", endpoints::GRAPH_SCOPE)
        .append_pair("client_secret", settings.client_secret.expose())
        .append_pair("grant_type", "client_credentials")
        .finish();
    HttpRequest {
        method: Method::Post,
        url,
        headers: vec![(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        body: Some(body),
    }
}

pub async fn request_token<T: HttpTransport>(
    transport: &T,
    settings: &ConnectionSettings,
) -> Result<AccessToken, TokenError> {
    let response = transport.send(token_request(settings)).await?;
    if response.is_success() {
        let success: TokenSuccess =
            serde_json::from_str(&response.body).map_err(|e| TokenError::Malformed {
                status: response.status,
                detail: e.to_string(),
            })?;
        if let Some(kind) = success.token_type.as_deref()
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(TokenError::Malformed {
                status: response.status,
                detail: format!("token_type is {kind:?}, expected Bearer"),
            });
        }
        return Ok(AccessToken {
            value: success.access_token,
            expires_in_seconds: success.expires_in,
        });
    }
    let failure: TokenFailure =
        serde_json::from_str(&response.body).map_err(|e| TokenError::Malformed {
            status: response.status,
            detail: e.to_string(),
        })?;
    Err(classify(response.status, failure))
}

fn classify(status: u16, failure: TokenFailure) -> TokenError {
    let trace_id = failure.trace_id.clone();
    let code = failure.error_codes.first().copied();
    match code {
        Some(7_000_215) => TokenError::InvalidSecret { trace_id },
        Some(7_000_222) => TokenError::ExpiredSecret { trace_id },
        Some(7_000_216) => TokenError::MissingSecret { trace_id },
        Some(700_016) => TokenError::UnknownClient { trace_id },
        Some(90_002) => TokenError::UnknownTenant { trace_id },
        Some(70_011) => TokenError::InvalidScope { trace_id },
        _ => {
            // The first line of the description is Microsoft's own one-line summary; the rest is
            // trace ids and a timestamp.
            let first_line = failure
                .error_description
                .as_deref()
                .and_then(|d| d.lines().next())
                .unwrap_or_default();
            TokenError::Rejected {
                status,
                summary: format!("{}: {}", failure.error, first_line),
                trace_id,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{HttpResponse, Method};
    use crate::secret::ClientSecret;
    use crate::settings::SettingsInput;

    const INVALID_SECRET: &str = include_str!(
        "../../../../fixtures/graph-examples/token_error_AADSTS7000215_invalid_secret_401.json"
    );
    const UNKNOWN_TENANT: &str = include_str!(
        "../../../../fixtures/graph-examples/token_error_AADSTS90002_unknown_tenant_token_endpoint_400.json"
    );
    const SUCCESS: &str =
        include_str!("../../../../fixtures/graph-examples/token_success_docs.json");

    fn settings() -> ConnectionSettings {
        SettingsInput {
            tenant_id: Some("contoso.onmicrosoft.com".into()),
            client_id: Some("00001111-aaaa-2222-bbbb-3333cccc4444".into()),
            client_secret: Some(ClientSecret::new("abc8Q~s3cr&t=")),
        }
        .validate()
        .expect("valid")
    }

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.to_string(),
        }
    }

    #[test]
    fn builds_the_documented_form_request() {
        let request = token_request(&settings());
        assert_eq!(request.method, Method::Post);
        assert_eq!(
            request.url,
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token"
        );
        assert_eq!(
            request.header_value("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        let body = request.body.expect("form body");
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert!(pairs.contains(&("client_secret".into(), "abc8Q~s3cr&t=".into())));
        assert!(pairs.contains(&("grant_type".into(), "client_credentials".into())));
        assert!(pairs.contains(&(
            "scope".into(),
            "https://graph.microsoft.com/.default".into()
        )));
    }

    #[test]
    fn parses_the_documented_success_body() {
        let token = pollster::block_on(request_token(
            &|request: HttpRequest| async move {
                assert!(request.url.ends_with("/oauth2/v2.0/token"));
                Ok(answer(200, SUCCESS))
            },
            &settings(),
        ))
        .expect("token");
        assert_eq!(token.expires_in_seconds, 3599);
        assert!(!format!("{token:?}").contains("eyJ"));
        assert!(token.bearer().starts_with("Bearer eyJ"));
    }

    #[test]
    fn keys_documented_errors_on_their_aadsts_code() {
        let run = |status, body: &'static str| {
            pollster::block_on(request_token(
                &move |_| async move { Ok(answer(status, body)) },
                &settings(),
            ))
            .unwrap_err()
        };
        let invalid = run(401, INVALID_SECRET);
        assert_eq!(
            invalid,
            TokenError::InvalidSecret {
                trace_id: Some("b179b7db-c957-4917-a1b6-66fab2042a00".into())
            }
        );
        assert!(invalid.to_string().contains("Value, not its Secret ID"));
        assert!(matches!(
            run(400, UNKNOWN_TENANT),
            TokenError::UnknownTenant { .. }
        ));
        assert!(matches!(
            run(502, "<html>bad gateway</html>"),
            TokenError::Malformed { status: 502, .. }
        ));
        let other = run(
            400,
            r#"{"error":"invalid_request","error_description":"AADSTS900144: The request body must contain client_id.\r\nTrace ID: x","error_codes":[900144]}"#,
        );
        assert!(other.to_string().contains("AADSTS900144"), "{other}");
    }

    #[test]
    fn names_the_trace_id_of_an_invalid_scope_as_text() {
        let error = pollster::block_on(request_token(
            &|_| async {
                Ok(answer(
                    400,
                    r#"{"error":"invalid_scope","error_codes":[70011],"trace_id":"t-70011"}"#,
                ))
            },
            &settings(),
        ))
        .unwrap_err();
        let message = error.to_string();
        assert!(message.contains("trace id t-70011."), "{message}");
        assert!(!message.contains("Some("), "{message}");
    }

    #[test]
    fn transport_failures_keep_the_url() {
        let error = pollster::block_on(request_token(
            &|request: HttpRequest| async move {
                Err(TransportError {
                    url: request.url,
                    message: "connection refused".into(),
                })
            },
            &settings(),
        ))
        .unwrap_err();
        assert!(error.to_string().contains("login.microsoftonline.com"));
    }
}
