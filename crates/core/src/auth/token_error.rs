//! Why the token endpoint issued no token. The AADSTS code decides the variant (Microsoft's `error`
//! strings and texts change over time; the codes do not). Each message says what to do about it.

use serde::Deserialize;

use crate::http::TransportError;

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
    #[error(
        "Microsoft does not accept the certificate (AADSTS700027): it is not uploaded to this app registration, it has expired there, or it was deleted. Download the certificate shown here, upload it in the app registration under Certificates & secrets → Certificates, then check the connection again."
    )]
    CertificateNotAccepted { trace_id: Option<String> },
    #[error(
        "The client assertion names another application than the client ID (AADSTS700021). Check that the Application (client) ID is the one of the app registration the certificate is uploaded to; if it is, report this with trace id {}.", trace_id.as_deref().unwrap_or("none")
    )]
    AssertionClientMismatch { trace_id: Option<String> },
    #[error(
        "The client assertion's audience is not this tenant's token endpoint (AADSTS700023). Enter the Directory (tenant) ID, a GUID from the app registration's Overview page, instead of a domain; if it still fails, report this with trace id {}.", trace_id.as_deref().unwrap_or("none")
    )]
    AssertionAudience { trace_id: Option<String> },
    #[error(
        "The client assertion is not within its valid time range (AADSTS700024): this server's clock and Microsoft's differ by more than five minutes. Try again in a few minutes; if it persists, report it with trace id {}.", trace_id.as_deref().unwrap_or("none")
    )]
    AssertionTime { trace_id: Option<String> },
    #[error(
        "Microsoft could not read the client assertion (AADSTS50027). Create a new certificate, upload it under Certificates & secrets, check the connection and save; if it persists, report it with trace id {}.", trace_id.as_deref().unwrap_or("none")
    )]
    AssertionInvalid { trace_id: Option<String> },
    #[error("Could not sign the client assertion with the certificate's key: {0}")]
    Signing(String),
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
    /// No answer, or a status the retry policy would try again (throttling, server errors):
    /// Microsoft's sign-in service may issue the token later.
    pub fn is_transient(&self) -> bool {
        match self {
            TokenError::Transport(_) => true,
            TokenError::Rejected { status, .. } | TokenError::Malformed { status, .. } => {
                crate::retry::RetryPolicy::default().is_transient(*status)
            }
            _ => false,
        }
    }

    /// The id Microsoft support asks for, when the answer carried one.
    pub fn trace_id(&self) -> Option<&str> {
        match self {
            TokenError::InvalidSecret { trace_id }
            | TokenError::ExpiredSecret { trace_id }
            | TokenError::MissingSecret { trace_id }
            | TokenError::UnknownClient { trace_id }
            | TokenError::UnknownTenant { trace_id }
            | TokenError::InvalidScope { trace_id }
            | TokenError::CertificateNotAccepted { trace_id }
            | TokenError::AssertionClientMismatch { trace_id }
            | TokenError::AssertionAudience { trace_id }
            | TokenError::AssertionTime { trace_id }
            | TokenError::AssertionInvalid { trace_id }
            | TokenError::Rejected { trace_id, .. } => trace_id.as_deref(),
            TokenError::Signing(_) | TokenError::Malformed { .. } | TokenError::Transport(_) => {
                None
            }
        }
    }
}

#[derive(Deserialize)]
pub(super) struct TokenFailure {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
    #[serde(default)]
    error_codes: Vec<u64>,
    #[serde(default)]
    trace_id: Option<String>,
}

pub(super) fn classify(status: u16, failure: TokenFailure) -> TokenError {
    let trace_id = failure.trace_id.clone();
    let code = failure.error_codes.first().copied();
    match code {
        Some(7_000_215) => TokenError::InvalidSecret { trace_id },
        Some(7_000_222) => TokenError::ExpiredSecret { trace_id },
        Some(7_000_216) => TokenError::MissingSecret { trace_id },
        Some(700_016) => TokenError::UnknownClient { trace_id },
        Some(90_002) => TokenError::UnknownTenant { trace_id },
        Some(70_011) => TokenError::InvalidScope { trace_id },
        Some(700_027) => TokenError::CertificateNotAccepted { trace_id },
        Some(700_021) => TokenError::AssertionClientMismatch { trace_id },
        Some(700_023) => TokenError::AssertionAudience { trace_id },
        Some(700_024) => TokenError::AssertionTime { trace_id },
        Some(50_027) => TokenError::AssertionInvalid { trace_id },
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
