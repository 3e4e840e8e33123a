//! The OAuth 2.0 client-credentials grant against `login.microsoftonline.com`.

use std::fmt;

use rand_core::{CryptoRngCore, OsRng};
use serde::Deserialize;

use super::assertion::{AssertionClaims, JWT_BEARER, sign_assertion};
use super::credential::Credential;
use super::token_error::{TokenError, TokenFailure, classify};
use crate::clock::Clock;
use crate::endpoints;
use crate::http::{HttpRequest, HttpResponse, HttpTransport, Method};
use crate::retry::{Meter, RetryPolicy, send_built};
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

#[derive(Deserialize)]
struct TokenSuccess {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    expires_in: u64,
}

/// This tenant's token endpoint; also the `aud` of a client assertion.
pub fn token_url(settings: &ConnectionSettings) -> String {
    format!(
        "{}/{}/oauth2/v2.0/token",
        endpoints::LOGIN,
        settings.tenant.as_path_segment()
    )
}

/// The token request for these settings at `now_unix` (a certificate's assertion is valid from
/// then). Public so tests and diagnostics can inspect it.
pub fn token_request(
    settings: &ConnectionSettings,
    now_unix: u64,
    rng: &mut impl CryptoRngCore,
) -> Result<HttpRequest, TokenError> {
    match &settings.credential {
        Credential::Secret(secret) => Ok(form_request(
            settings,
            &[("client_secret", secret.expose())],
        )),
        Credential::Certificate(certificate) => {
            let client_id = settings.client_id.hyphenated().to_string();
            let claims = AssertionClaims::new(&token_url(settings), &client_id, now_unix, rng);
            let assertion = sign_assertion(&claims, certificate, rng)?;
            Ok(assertion_request(settings, &assertion))
        }
    }
}

/// A token request carrying `assertion` as it is. Public so tests can send what a broken client
/// would and see how Microsoft's answer is explained.
pub fn assertion_request(settings: &ConnectionSettings, assertion: &str) -> HttpRequest {
    form_request(
        settings,
        &[
            ("client_assertion_type", JWT_BEARER),
            ("client_assertion", assertion),
        ],
    )
}

fn form_request(settings: &ConnectionSettings, proof: &[(&str, &str)]) -> HttpRequest {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("client_id", &settings.client_id.hyphenated().to_string())
        .append_pair("scope", endpoints::GRAPH_SCOPE);
    for (name, value) in proof {
        form.append_pair(name, value);
    }
    let body = form
        .append_pair("grant_type", "client_credentials")
        .finish();
    HttpRequest {
        method: Method::Post,
        url: token_url(settings),
        headers: vec![(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        body: Some(body),
    }
}

/// Gets an app-only token with the connection's credential. No answer, throttling and server
/// errors are tried again as `policy` says (each attempt with a freshly signed assertion); the
/// AADSTS errors are final, each with its fix.
pub async fn request_token<T: HttpTransport, C: Clock>(
    transport: &T,
    clock: &C,
    settings: &ConnectionSettings,
    policy: &RetryPolicy,
    meter: &Meter,
) -> Result<AccessToken, TokenError> {
    let response = send_built(transport, clock, policy, meter, || {
        token_request(settings, clock.now_ms() / 1000, &mut OsRng)
    })
    .await?;
    read_token_response(response)
}

/// Sends a token request once, as it is, and reads Microsoft's answer.
pub async fn send_token_request<T: HttpTransport>(
    transport: &T,
    request: HttpRequest,
) -> Result<AccessToken, TokenError> {
    read_token_response(transport.send(request).await?)
}

fn read_token_response(response: HttpResponse) -> Result<AccessToken, TokenError> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::http::{HttpResponse, Method, TransportError};
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
            ..SettingsInput::default()
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
        let request = token_request(&settings(), 0, &mut OsRng).expect("request");
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
            &ManualClock::at(0),
            &settings(),
            &RetryPolicy::default(),
            &Meter::default(),
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
                &ManualClock::at(0),
                &settings(),
                &RetryPolicy::default(),
                &Meter::default(),
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
            &ManualClock::at(0),
            &settings(),
            &RetryPolicy::default(),
            &Meter::default(),
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
            &ManualClock::at(0),
            &settings(),
            &RetryPolicy::default(),
            &Meter::default(),
        ))
        .unwrap_err();
        assert!(error.to_string().contains("login.microsoftonline.com"));
    }
}
