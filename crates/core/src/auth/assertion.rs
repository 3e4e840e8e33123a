//! The `client_assertion` of a certificate token request: a JWT signed RS256 with the certificate's
//! key, as Microsoft's certificate-credentials page documents it. Header: `alg` RS256, `typ` JWT,
//! `x5t#S256` (the certificate's SHA-256 thumbprint, base64url). Claims: `aud` the token URL, `iss`
//! and `sub` the client id, a fresh `jti`, `nbf`/`iat` now and `exp` shortly after.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand_core::CryptoRngCore;
use rsa::pkcs1v15::SigningKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use serde::Serialize;
use sha2::Sha256;

use super::credential::CertificateCredential;
use super::token_error::TokenError;

/// `client_assertion_type` for a JWT assertion (RFC 7523).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Five minutes: an assertion is used at once, and Microsoft advises at most ten.
pub const LIFETIME_SECS: u64 = 300;

#[derive(Serialize)]
struct Header<'a> {
    alg: &'static str,
    typ: &'static str,
    #[serde(rename = "x5t#S256")]
    x5t_s256: &'a str,
}

/// The claims of one assertion. Public so that tests can send what a broken client would.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssertionClaims {
    pub aud: String,
    pub iss: String,
    pub sub: String,
    pub jti: String,
    pub nbf: u64,
    pub iat: u64,
    pub exp: u64,
}

impl AssertionClaims {
    /// Claims for a request to `token_url` by `client_id` at `now_unix`, with a random `jti`.
    pub fn new(
        token_url: &str,
        client_id: &str,
        now_unix: u64,
        rng: &mut impl CryptoRngCore,
    ) -> Self {
        let mut id = [0u8; 16];
        rng.fill_bytes(&mut id);
        AssertionClaims {
            aud: token_url.to_string(),
            iss: client_id.to_string(),
            sub: client_id.to_string(),
            jti: uuid::Builder::from_random_bytes(id).into_uuid().to_string(),
            nbf: now_unix,
            iat: now_unix,
            exp: now_unix + LIFETIME_SECS,
        }
    }
}

/// The signed JWT. PKCS#1 v1.5 signing is deterministic; the random source only blinds the RSA
/// operation against timing attacks.
pub fn sign_assertion(
    claims: &AssertionClaims,
    credential: &CertificateCredential,
    rng: &mut impl CryptoRngCore,
) -> Result<String, TokenError> {
    let thumbprint = credential.certificate().x5t_s256();
    let header = Header {
        alg: "RS256",
        typ: "JWT",
        x5t_s256: &thumbprint,
    };
    let signing_input = format!("{}.{}", encoded(&header), encoded(claims));
    let key = SigningKey::<Sha256>::new(credential.private_key().rsa().clone());
    let signature = key
        .try_sign_with_rng(rng, signing_input.as_bytes())
        .map_err(|e| TokenError::Signing(e.to_string()))?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    ))
}

/// Base64url JSON. Serialising these plain structs cannot fail; an empty part would be refused
/// by Microsoft as AADSTS50027, visibly.
fn encoded<T: Serialize>(value: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::certificate::{Lifetime, create_certificate};
    use rand_core::OsRng;
    use rsa::pkcs1v15::{Signature, VerifyingKey};
    use rsa::signature::Verifier;

    #[test]
    fn signs_rs256_with_the_thumbprint_and_documented_claims() {
        let created =
            create_certificate(Lifetime::OneYear, 1_796_000_000, &mut OsRng).expect("cert");
        let credential =
            CertificateCredential::new(created.private_key, created.certificate).expect("pair");
        let url = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";
        let claims = AssertionClaims::new(url, "client", 1_796_000_100, &mut OsRng);
        let again = AssertionClaims::new(url, "client", 1_796_000_100, &mut OsRng);
        assert_ne!(claims.jti, again.jti, "a fresh jti each time");
        let jwt = sign_assertion(&claims, &credential, &mut OsRng).expect("signed");
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("b64")).expect("json");
        assert_eq!(header["alg"], "RS256");
        assert_eq!(header["typ"], "JWT");
        assert_eq!(header["x5t#S256"], credential.certificate().x5t_s256());
        let body: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
        assert_eq!(body["aud"], url);
        assert_eq!(body["iss"], "client");
        assert_eq!(body["sub"], "client");
        assert_eq!(body["exp"].as_u64(), Some(1_796_000_100 + LIFETIME_SECS));
        let signature =
            Signature::try_from(URL_SAFE_NO_PAD.decode(parts[2]).expect("b64").as_slice())
                .expect("sig");
        let public = credential.private_key().rsa().to_public_key();
        VerifyingKey::<Sha256>::new(public)
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature)
            .expect("verifies");
    }
}
