//! Token endpoint failures, each with the AADSTS code, OAuth `error` and HTTP status Entra uses.
//! Clients are told to key on `error_codes`, so the codes matter more than the texts, which follow
//! Entra's current wording where known.

use axum::http::StatusCode;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error(
        "Tenant '{0}' not found. This may happen if there are no active subscriptions for the tenant. Check to make sure you have the correct tenant ID. Check with your subscription administrator."
    )]
    TenantNotFound(String),
    #[error("The endpoint only accepts POST, OPTIONS requests. Received a {0} request.")]
    MethodNotAllowed(String),
    #[error("The request body must contain the following parameter: '{0}'.")]
    MissingParameter(&'static str),
    #[error("The app requested an unsupported grant type '{0}'.")]
    UnsupportedGrantType(String),
    #[error(
        "Application with identifier '{client_id}' was not found in the directory '{directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant."
    )]
    UnknownClient {
        client_id: String,
        directory: String,
    },
    #[error(
        "The provided value for the input parameter 'scope' is not valid. The scope {0} is not valid."
    )]
    InvalidScope(String),
    #[error(
        "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type."
    )]
    MissingCredential,
    #[error(
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{client_id}'."
    )]
    InvalidSecret { client_id: String },
    #[error(
        "The provided client secret keys for app '{client_id}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds."
    )]
    ExpiredSecret { client_id: String },
    #[error("{0}")]
    InvalidAssertion(AssertionProblem),
}

/// What is wrong with a certificate client assertion; each has its own AADSTS code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssertionProblem {
    #[error(
        "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.]"
    )]
    UnknownKey,
    #[error(
        "The certificate with identifier used to sign the client assertion is expired on application. [Reason - The key used is expired.]"
    )]
    KeyExpired,
    #[error("Client assertion failed signature validation.")]
    Signature,
    #[error("Client assertion application identifier doesn't match 'client_id' parameter.")]
    ClientMismatch,
    #[error("Client assertion audience claim does not match Realm issuer.")]
    Audience,
    #[error("Client assertion is not within its valid time range.")]
    TimeRange,
    #[error("Invalid JWT token. {0}.")]
    Malformed(String),
}

impl AssertionProblem {
    pub fn aadsts(&self) -> u32 {
        match self {
            AssertionProblem::UnknownKey
            | AssertionProblem::KeyExpired
            | AssertionProblem::Signature => 700027,
            AssertionProblem::ClientMismatch => 700021,
            AssertionProblem::Audience => 700023,
            AssertionProblem::TimeRange => 700024,
            AssertionProblem::Malformed(_) => 50027,
        }
    }
}

impl TokenError {
    pub fn aadsts(&self) -> u32 {
        match self {
            TokenError::TenantNotFound(_) => 90002,
            TokenError::MethodNotAllowed(_) => 900561,
            TokenError::MissingParameter(_) => 900144,
            TokenError::UnsupportedGrantType(_) => 70003,
            TokenError::UnknownClient { .. } => 700016,
            TokenError::InvalidScope(_) => 70011,
            TokenError::MissingCredential => 7000216,
            TokenError::InvalidSecret { .. } => 7000215,
            TokenError::ExpiredSecret { .. } => 7000222,
            TokenError::InvalidAssertion(problem) => problem.aadsts(),
        }
    }

    /// The OAuth 2.0 `error` value (RFC 6749 §5.2) Entra pairs with the code.
    pub fn oauth_error(&self) -> &'static str {
        match self {
            TokenError::TenantNotFound(_)
            | TokenError::MethodNotAllowed(_)
            | TokenError::MissingParameter(_) => "invalid_request",
            TokenError::UnsupportedGrantType(_) => "unsupported_grant_type",
            TokenError::UnknownClient { .. } => "unauthorized_client",
            TokenError::InvalidScope(_) => "invalid_scope",
            TokenError::MissingCredential
            | TokenError::InvalidSecret { .. }
            | TokenError::ExpiredSecret { .. }
            | TokenError::InvalidAssertion(_) => "invalid_client",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self.oauth_error() {
            "invalid_client" => StatusCode::UNAUTHORIZED,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    pub fn body(&self, trace: &Trace) -> TokenErrorBody {
        let code = self.aadsts();
        TokenErrorBody {
            error: self.oauth_error(),
            error_description: format!(
                "AADSTS{code}: {self}\r\nTrace ID: {}\r\nCorrelation ID: {}\r\nTimestamp: {}",
                trace.trace_id, trace.correlation_id, trace.timestamp
            ),
            error_codes: vec![code],
            timestamp: trace.timestamp.clone(),
            trace_id: trace.trace_id.clone(),
            correlation_id: trace.correlation_id.clone(),
            error_uri: format!("https://login.microsoftonline.com/error?code={code}"),
        }
    }
}

/// What identifies one failed request in Entra's logs.
#[derive(Debug, Clone)]
pub struct Trace {
    pub trace_id: String,
    pub correlation_id: String,
    /// `2024-01-31 10:00:00Z`.
    pub timestamp: String,
}

/// Field order as Entra sends it.
#[derive(Debug, Serialize)]
pub struct TokenErrorBody {
    pub error: &'static str,
    pub error_description: String,
    pub error_codes: Vec<u32>,
    pub timestamp: String,
    pub trace_id: String,
    pub correlation_id: String,
    pub error_uri: String,
}
