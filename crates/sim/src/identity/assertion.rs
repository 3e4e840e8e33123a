//! Certificate client credentials: the `client_assertion` JWT of the certificate-credentials page,
//! checked in the order Entra reports failures: form, signing key, signature, then claims.
//!
//! AADSTS codes, as the Azure SDK troubleshooting pages document them for certificate/assertion
//! credentials: 700027 (signature invalid or key not registered), 700021 (assertion's app id does not
//! match `client_id`), 700023 (audience is not this tenant's token endpoint), 700024 (not within
//! its valid time range). A token that is not a readable JWT gets 50027 (InvalidJwtToken, Entra's
//! error-code reference).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::signature::Verifier;
use serde::Deserialize;
use sha2::Sha256;

use super::credentials::{Credentials, KeyCredential};
use super::error::{AssertionProblem, TokenError};

pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The docs advise `exp` at most 10 minutes after `nbf`; the sim enforces it so clients that mint
/// long-lived assertions notice.
const MAX_LIFETIME_SECS: u64 = 600;

/// Clock difference tolerated on `nbf`/`exp`, as for access tokens.
const CLOCK_SKEW_SECS: u64 = 300;

#[derive(Deserialize)]
struct Header {
    alg: Option<String>,
    x5t: Option<String>,
    #[serde(rename = "x5t#S256")]
    x5t_s256: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    aud: Option<String>,
    iss: Option<String>,
    sub: Option<String>,
    jti: Option<String>,
    nbf: Option<u64>,
    exp: Option<u64>,
}

/// Accepts an assertion signed by a registered, unexpired certificate with valid claims.
pub fn verify(
    assertion: &str,
    credentials: &Credentials,
    answers_to: &dyn Fn(&str) -> bool,
    client_id: &str,
    now: u64,
) -> Result<(), TokenError> {
    let malformed =
        |what: &str| TokenError::InvalidAssertion(AssertionProblem::Malformed(what.into()));
    let mut parts = assertion.split('.');
    let (Some(header_b64), Some(claims_b64), Some(signature_b64), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(malformed("JWT is not well formed"));
    };
    let header: Header = decode(header_b64).ok_or_else(|| malformed("unreadable JWT header"))?;
    let claims: Claims = decode(claims_b64).ok_or_else(|| malformed("unreadable JWT payload"))?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .map_err(|_| malformed("unreadable JWT signature"))?;

    let key = signing_key(&header, credentials)?;
    if key.end <= now {
        return Err(TokenError::InvalidAssertion(AssertionProblem::KeyExpired));
    }
    let signing_input = &assertion[..header_b64.len() + 1 + claims_b64.len()];
    let verified = match header.alg.as_deref() {
        Some("RS256") => rsa::pkcs1v15::Signature::try_from(signature.as_slice())
            .ok()
            .is_some_and(|sig| {
                rsa::pkcs1v15::VerifyingKey::<Sha256>::new(key.public_key.clone())
                    .verify(signing_input.as_bytes(), &sig)
                    .is_ok()
            }),
        Some("PS256") => rsa::pss::Signature::try_from(signature.as_slice())
            .ok()
            .is_some_and(|sig| {
                rsa::pss::VerifyingKey::<Sha256>::new(key.public_key.clone())
                    .verify(signing_input.as_bytes(), &sig)
                    .is_ok()
            }),
        _ => {
            return Err(malformed(
                "unsupported signing algorithm; use PS256 or RS256",
            ));
        }
    };
    if !verified {
        return Err(TokenError::InvalidAssertion(AssertionProblem::Signature));
    }

    if claims.iss.as_deref() != Some(client_id) || claims.sub.as_deref() != Some(client_id) {
        return Err(TokenError::InvalidAssertion(
            AssertionProblem::ClientMismatch,
        ));
    }
    if !claims
        .aud
        .as_deref()
        .is_some_and(|aud| is_token_url(aud, answers_to))
    {
        return Err(TokenError::InvalidAssertion(AssertionProblem::Audience));
    }
    let (Some(nbf), Some(exp)) = (claims.nbf, claims.exp) else {
        return Err(TokenError::InvalidAssertion(AssertionProblem::TimeRange));
    };
    if nbf > now + CLOCK_SKEW_SECS || exp + CLOCK_SKEW_SECS <= now || exp < nbf {
        return Err(TokenError::InvalidAssertion(AssertionProblem::TimeRange));
    }
    if exp - nbf > MAX_LIFETIME_SECS {
        return Err(TokenError::InvalidAssertion(AssertionProblem::TimeRange));
    }
    if claims.jti.as_deref().is_none_or(str::is_empty) {
        return Err(malformed("the assertion has no jti claim"));
    }
    Ok(())
}

/// The registered certificate the header names by `x5t#S256` (preferred) or `x5t`.
fn signing_key<'a>(
    header: &Header,
    credentials: &'a Credentials,
) -> Result<&'a KeyCredential, TokenError> {
    let unknown = TokenError::InvalidAssertion(AssertionProblem::UnknownKey);
    let (thumbprint, sha256) = match (&header.x5t_s256, &header.x5t) {
        (Some(s256), _) => (s256, true),
        (None, Some(sha1)) => (sha1, false),
        (None, None) => return Err(unknown),
    };
    let Ok(thumbprint) = URL_SAFE_NO_PAD.decode(thumbprint) else {
        return Err(unknown);
    };
    credentials
        .certificates
        .iter()
        .find(|cert| {
            let registered = if sha256 {
                cert.sha256_thumbprint()
            } else {
                cert.sha1_thumbprint()
            };
            registered == thumbprint
        })
        .ok_or(unknown)
}

/// `https://<any host>/{tenant}/oauth2/v2.0/token` naming this tenant: the sim is reached under many
/// origins (loopback, or login.microsoftonline.com through the Forge tunnel), so only the path counts.
fn is_token_url(aud: &str, answers_to: &dyn Fn(&str) -> bool) -> bool {
    let Some((_, rest)) = aud.split_once("://") else {
        return false;
    };
    let path = rest.split_once('/').map_or("", |(_, path)| path);
    let mut segments = path.trim_end_matches('/').split('/');
    matches!(
        (segments.next(), segments.next(), segments.next(), segments.next(), segments.next()),
        (Some(t), Some("oauth2"), Some("v2.0"), Some("token"), None) if answers_to(t)
    )
}

fn decode<T: for<'de> Deserialize<'de>>(part: &str) -> Option<T> {
    let bytes = URL_SAFE_NO_PAD.decode(part).ok()?;
    serde_json::from_slice(&bytes).ok()
}
