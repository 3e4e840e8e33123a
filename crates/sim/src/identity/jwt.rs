//! The sim's access tokens: JWTs shaped like Entra's v1.0 app-only tokens for Graph, but signed with
//! HS256 and a key that lives only as long as the process. Clients must treat access tokens as opaque
//! (Microsoft's guidance), so the algorithm is invisible to them; a restarted sim rejects old tokens,
//! which exercises the client's "re-acquire once on 401" path for free.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The claims Graph looks at, plus the ones a curious admin sees when pasting the token into a decoder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub aud: String,
    pub iss: String,
    pub iat: u64,
    pub nbf: u64,
    pub exp: u64,
    pub app_displayname: String,
    pub appid: String,
    /// `1`: the client authenticated with a secret (`2` would be a certificate).
    pub appidacr: String,
    pub idp: String,
    pub oid: String,
    /// Entra leaves `roles` out entirely when no Application permission is consented; clients that
    /// report missing consent depend on telling "absent" from "present".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    pub sub: String,
    pub tid: String,
    pub ver: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("the token is not a compact JWS (three dot-separated parts)")]
    NotCompact,
    #[error("the token header is not a JWT header this issuer writes")]
    Header,
    #[error("the token signature does not verify")]
    Signature,
    #[error("the token claims are unreadable: {0}")]
    Claims(String),
}

#[derive(Serialize, Deserialize)]
struct Header {
    typ: String,
    alg: String,
    kid: String,
}

const KID: &str = "entra-sync-sim";

pub struct JwtSigner {
    key: [u8; 32],
}

impl JwtSigner {
    /// A fresh key per process. uuid's v4 generator draws from the OS, which spares a direct getrandom dependency.
    pub fn random() -> Self {
        let mut key = [0u8; 32];
        key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        Self { key }
    }

    pub fn sign(&self, claims: &AccessClaims) -> String {
        let header = Header {
            typ: "JWT".to_string(),
            alg: "HS256".to_string(),
            kid: KID.to_string(),
        };
        // Serialising plain structs of strings and integers cannot fail.
        let header = serde_json::to_vec(&header).unwrap_or_default();
        let claims = serde_json::to_vec(claims).unwrap_or_default();
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims)
        );
        let signature = URL_SAFE_NO_PAD.encode(self.mac(&signing_input).finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// Checks form and signature only; lifetime and audience are the resource's business (see `graph::auth`).
    pub fn verify(&self, token: &str) -> Result<AccessClaims, JwtError> {
        let mut parts = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::NotCompact);
        };
        let header_part = header;
        let header: Header = decode_json(header).map_err(|_| JwtError::Header)?;
        if header.alg != "HS256" || header.kid != KID {
            return Err(JwtError::Header);
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| JwtError::Signature)?;
        let signing_input = &token[..header_part.len() + 1 + claims.len()];
        self.mac(signing_input)
            .verify_slice(&signature)
            .map_err(|_| JwtError::Signature)?;
        decode_json(claims).map_err(|err| JwtError::Claims(err.to_string()))
    }

    fn mac(&self, signing_input: &str) -> HmacSha256 {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.key).expect("HMAC takes keys of any length");
        mac.update(signing_input.as_bytes());
        mac
    }
}

fn decode_json<T: for<'de> Deserialize<'de>>(part: &str) -> Result<T, String> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|err| err.to_string())?;
    serde_json::from_slice(&bytes).map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(roles: &[&str]) -> AccessClaims {
        AccessClaims {
            aud: "https://graph.microsoft.com".into(),
            iss: "https://sts.windows.net/t/".into(),
            iat: 1,
            nbf: 1,
            exp: 2,
            app_displayname: "app".into(),
            appid: "a".into(),
            appidacr: "1".into(),
            idp: "https://sts.windows.net/t/".into(),
            oid: "o".into(),
            roles: roles.iter().map(|r| r.to_string()).collect(),
            sub: "o".into(),
            tid: "t".into(),
            ver: "1.0".into(),
        }
    }

    #[test]
    fn round_trips_and_rejects_tampering() {
        let signer = JwtSigner::random();
        let token = signer.sign(&claims(&["User.Read.All"]));
        assert_eq!(signer.verify(&token), Ok(claims(&["User.Read.All"])));

        let other = JwtSigner::random();
        assert_eq!(other.verify(&token), Err(JwtError::Signature));

        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = URL_SAFE_NO_PAD
            .encode(serde_json::to_vec(&claims(&["Directory.ReadWrite.All"])).unwrap());
        parts[1] = &forged;
        assert_eq!(signer.verify(&parts.join(".")), Err(JwtError::Signature));

        assert_eq!(signer.verify("abc"), Err(JwtError::NotCompact));
        assert_eq!(signer.verify("a.b.c.d"), Err(JwtError::NotCompact));
    }

    #[test]
    fn omits_roles_when_none_are_granted() {
        let signer = JwtSigner::random();
        let token = signer.sign(&claims(&[]));
        let payload = token.split('.').nth(1).unwrap();
        let json: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        assert!(json.get("roles").is_none());
        assert_eq!(json["aud"], "https://graph.microsoft.com");
    }
}
