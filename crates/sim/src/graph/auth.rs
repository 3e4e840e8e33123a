//! Bearer token validation as Graph does it: signature, audience, tenant and lifetime first (401),
//! then the Application permissions the operation needs (403).

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use super::error::GraphError;
use crate::identity::{AccessClaims, GRAPH_RESOURCE, JwtError};
use crate::state::SimState;

/// Microsoft's token validators tolerate this much clock difference on `nbf` and `exp`.
const CLOCK_SKEW_SECS: u64 = 300;

/// Graph's well-known application id, which v1.0 tokens may carry as `aud` instead of the URI.
const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The authenticated app behind a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub claims: AccessClaims,
}

impl Caller {
    /// Passes if the token holds at least one of `roles`, as Graph's per-operation permission lists work.
    pub fn require_any(&self, roles: &[&str]) -> Result<(), GraphError> {
        if self
            .claims
            .roles
            .iter()
            .any(|held| roles.contains(&held.as_str()))
        {
            Ok(())
        } else {
            Err(GraphError::AuthorizationRequestDenied)
        }
    }

    /// As [`Self::require_any`], failing the way Intune does rather than the directory.
    pub fn require_intune(&self, roles: &[&str]) -> Result<(), GraphError> {
        self.require_any(roles)
            .map_err(|_| GraphError::IntuneForbidden(roles.join(", ")))
    }
}

impl FromRequestParts<SimState> for Caller {
    type Rejection = GraphError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SimState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_token(parts).ok_or_else(|| invalid("Access token is empty."))?;
        let claims = state.signer().verify(token).map_err(|err| match err {
            JwtError::NotCompact => {
                invalid("IDX14100: JWT is not well formed, there are no dots (.).")
            }
            JwtError::Header | JwtError::Signature | JwtError::Claims(_) => {
                invalid("Access token validation failure.")
            }
        })?;
        if claims.aud != GRAPH_RESOURCE && claims.aud != GRAPH_APP_ID {
            return Err(invalid(
                "Access token validation failure. Invalid audience.",
            ));
        }
        if claims.tid != state.tenant().id.to_string() {
            return Err(invalid("Access token validation failure. Invalid issuer."));
        }
        let now = state.clock().now_unix();
        if claims.nbf > now + CLOCK_SKEW_SECS {
            return Err(invalid(
                "Lifetime validation failed, the token is not yet valid.",
            ));
        }
        if claims.exp + CLOCK_SKEW_SECS <= now {
            return Err(invalid("Lifetime validation failed, the token is expired."));
        }
        Ok(Caller { claims })
    }
}

fn invalid(message: &str) -> GraphError {
    GraphError::InvalidAuthenticationToken(message.to_string())
}

/// The token of `Authorization: Bearer <token>`; the scheme is case-insensitive (RFC 7235).
fn bearer_token(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}
