//! Who calls an Assets or Jira route. The local Forge runtime marks its requests with
//! `x-forge-provider` (and `x-forge-account-id` for `asUser`); token mode sends a container token as
//! `Authorization: Bearer`. Every route takes a [`Caller`], so the rate limit is applied here too.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::assets::error::AssetsError;
use crate::assets::rate_limit::Admission;
use crate::state::SimState;

pub const FORGE_PROVIDER: &str = "x-forge-provider";
pub const FORGE_ACCOUNT_ID: &str = "x-forge-account-id";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// Through the local Forge runtime (`requestJira`), as the app or as a user.
    Forge { account_id: Option<String> },
    /// A container token; the value is the import source it is bound to.
    ImportToken(String),
    /// Any other `Authorization` (basic auth, OAuth): accepted as is, the sim checks no passwords.
    Other,
}

impl Caller {
    /// Import routes: a container token only opens its own import source.
    pub fn check_source(&self, source_id: &str) -> Result<(), AssetsError> {
        match self {
            Caller::ImportToken(bound) if bound != source_id => Err(AssetsError::Unauthorized(
                "The import token is not valid for this import source".into(),
            )),
            _ => Ok(()),
        }
    }
}

impl FromRequestParts<SimState> for Caller {
    type Rejection = AssetsError;

    async fn from_request_parts(parts: &mut Parts, state: &SimState) -> Result<Self, AssetsError> {
        let mut store = state.assets().lock();
        if let Admission::Limited(retry_after) = store.rate.admit(state.clock().now_millis()) {
            return Err(AssetsError::RateLimited(retry_after));
        }
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        if header(FORGE_PROVIDER).is_some() {
            return Ok(Caller::Forge {
                account_id: header(FORGE_ACCOUNT_ID),
            });
        }
        let Some(authorization) = header(AUTHORIZATION.as_str()) else {
            return Err(AssetsError::Unauthorized(
                "Client must be authenticated to access this resource.".into(),
            ));
        };
        if let Some(token) = authorization.strip_prefix("Bearer ") {
            if let Some(source) = store.tokens.get(token.trim()) {
                return Ok(Caller::ImportToken(source.clone()));
            }
            if token.trim().starts_with("ATCTT") {
                return Err(AssetsError::Unauthorized("Invalid import token".into()));
            }
        }
        Ok(Caller::Other)
    }
}
