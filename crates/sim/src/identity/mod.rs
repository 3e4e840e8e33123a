//! The Microsoft identity platform half: the v2.0 token endpoint, the app's credentials it checks
//! (secrets and a certificate, changeable at run time) and the tokens it mints.

mod assertion;
mod controls;
mod credentials;
mod error;
mod issue;
mod jwt;
mod own_app;
mod request;
mod token;
mod upload;

use axum::Router;
use axum::routing::post;

pub use assertion::JWT_BEARER;
pub use credentials::{
    CERTIFICATE_PEM, CERTIFICATE_PRIVATE_KEY_PEM, CredentialStore, Credentials, KeyCredential,
    NewSecret, PasswordCredential, SECRET_LIFETIME_SECS,
};
pub use error::{AssertionProblem, TokenError};
pub use issue::{ClientAuth, GRAPH_RESOURCE, IssuedToken, LIFETIME_SECS, issue, issue_by};
pub use jwt::{AccessClaims, JwtError, JwtSigner};
pub use upload::UploadError;

use crate::state::SimState;

/// Routes of `login.microsoftonline.com`, served on the sim's own origin.
pub fn routes() -> Router<SimState> {
    Router::new().route(
        "/{tenant}/oauth2/v2.0/token",
        post(token::token).fallback(token::wrong_method),
    )
}
