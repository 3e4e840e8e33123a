//! Microsoft identity platform: the client-credentials grant and what its token tells us.

mod claims;
mod token;

pub use claims::{roles_of, tenant_of};
pub use token::{AccessToken, TokenError, request_token, token_request};
