//! Reading the `roles` claim of an app-only token. The signature is not checked: Graph does that.
//! We only look, to tell an admin which Application permissions were consented before a call fails.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    roles: Vec<String>,
    /// The tenant the token was issued in (its directory id, even when signed in by domain).
    #[serde(default)]
    tid: Option<String>,
}

/// The Application permissions in a JWT access token, or `None` when the token is not a readable JWT
/// (Microsoft documents access tokens as opaque to clients, so this is advice, never a gate).
pub fn roles_of(access_token: &str) -> Option<Vec<String>> {
    let payload = access_token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Claims = serde_json::from_slice(&bytes).ok()?;
    Some(claims.roles)
}

/// The tenant id (`tid`) of a JWT access token, when it is a readable JWT that names one.
pub fn tenant_of(access_token: &str) -> Option<String> {
    let payload = access_token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Claims = serde_json::from_slice(&bytes).ok()?;
    claims.tid.map(|t| t.trim().to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(r#"{"typ":"JWT","alg":"RS256"}"#),
            URL_SAFE_NO_PAD.encode(claims)
        )
    }

    #[test]
    fn reads_roles_and_tolerates_their_absence() {
        assert_eq!(
            roles_of(&jwt(r#"{"roles":["User.Read.All","Device.Read.All"]}"#)),
            Some(vec![
                "User.Read.All".to_string(),
                "Device.Read.All".to_string()
            ])
        );
        assert_eq!(roles_of(&jwt(r#"{"aud":"x"}"#)), Some(vec![]));
        assert_eq!(roles_of("opaque-token"), None);
        assert_eq!(roles_of("a.!!!.c"), None);
        assert_eq!(
            tenant_of(&jwt(r#"{"tid":"ABC-1","roles":[]}"#)).as_deref(),
            Some("abc-1")
        );
        assert_eq!(tenant_of(&jwt(r#"{"roles":[]}"#)), None);
    }
}
