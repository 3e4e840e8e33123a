//! Delta and skip tokens. Opaque to clients (base64url JSON), they carry the round's versions, the
//! first request's options, when they were issued and the control generation, so a later request
//! needs nothing else.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Directory delta tokens live seven days (delta-query-overview).
pub const LIFETIME_SECS: u64 = 7 * 86_400;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaToken {
    /// The delta URL's path; a token from another resource is invalid here.
    #[serde(rename = "r")]
    pub resource: String,
    /// Changes after this version are reported; `None` for a first (full) round.
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u64>,
    /// The version the round reads up to; fixed on its first page so its pages agree.
    #[serde(rename = "u")]
    pub upto: u64,
    /// Position in the round (skip tokens only).
    #[serde(rename = "o", default)]
    pub offset: usize,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Vec<String>>,
    /// `$filter` by ids.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<Uuid>>,
    /// Unix seconds.
    #[serde(rename = "i")]
    pub issued: u64,
    #[serde(rename = "g")]
    pub generation: u64,
}

impl DeltaToken {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// `None` for anything that is not a live token of `resource`.
    pub fn decode(token: &str, resource: &str, now: u64, generation: u64) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(token.trim_end_matches('=')).ok()?;
        let token: DeltaToken = serde_json::from_slice(&bytes).ok()?;
        let live = token.resource == resource
            && token.generation == generation
            && now < token.issued.saturating_add(LIFETIME_SECS);
        live.then_some(token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_expire() {
        let token = DeltaToken {
            resource: "/v1.0/users/delta".into(),
            after: Some(3),
            upto: 4,
            offset: 200,
            select: Some(vec!["displayName".into()]),
            ids: None,
            issued: 1_000,
            generation: 0,
        };
        let text = token.encode();
        assert_eq!(
            DeltaToken::decode(&text, "/v1.0/users/delta", 2_000, 0),
            Some(token.clone())
        );
        assert_eq!(
            DeltaToken::decode(&text, "/v1.0/groups/delta", 2_000, 0),
            None
        );
        assert_eq!(
            DeltaToken::decode(&text, "/v1.0/users/delta", 2_000, 1),
            None
        );
        assert_eq!(
            DeltaToken::decode(&text, "/v1.0/users/delta", 1_000 + LIFETIME_SECS, 0),
            None
        );
        assert_eq!(
            DeltaToken::decode("garbage", "/v1.0/users/delta", 0, 0),
            None
        );
    }
}
