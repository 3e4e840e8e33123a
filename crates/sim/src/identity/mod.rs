//! The Microsoft identity platform half: the v2.0 token endpoint and the tokens it mints.

mod error;
mod issue;
mod jwt;
mod request;
mod token;

use axum::Router;
use axum::routing::post;

pub use error::TokenError;
pub use issue::{GRAPH_RESOURCE, IssuedToken, LIFETIME_SECS, issue};
pub use jwt::{AccessClaims, JwtError, JwtSigner};

use crate::state::SimState;

/// Routes of `login.microsoftonline.com`, served on the sim's own origin.
pub fn routes() -> Router<SimState> {
    Router::new().route(
        "/{tenant}/oauth2/v2.0/token",
        post(token::token).fallback(token::wrong_method),
    )
}
