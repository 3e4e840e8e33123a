//! Microsoft identity platform: the client-credentials grant (with a client secret or a certificate's
//! client assertion) and what its token tells us.

mod assertion;
mod certificate;
mod claims;
mod credential;
mod private_key;
mod token;
mod token_error;

pub use assertion::{AssertionClaims, JWT_BEARER, LIFETIME_SECS, sign_assertion};
pub use certificate::{
    CertificateInfo, KEY_BITS, Lifetime, NewCertificate, PublicCertificate, create_certificate,
};
pub use claims::{roles_of, tenant_of};
pub use credential::{CertificateCredential, CertificateError, Credential};
pub use private_key::{PRIVATE_KEY_MAX_CHARS, PrivateKey, PrivateKeyText};
pub use token::{
    AccessToken, assertion_request, request_token, send_token_request, token_request, token_url,
};
pub use token_error::TokenError;
