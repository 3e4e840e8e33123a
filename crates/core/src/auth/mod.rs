//! Microsoft identity platform: the client-credentials grant and what its token tells us.

mod cache;
mod claims;
mod token;

pub use cache::{RENEW_MARGIN_MS, TokenCache};

pub use claims::roles_of;
pub use token::{AccessToken, TokenError, request_token, token_request};
