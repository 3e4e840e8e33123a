//! Server-driven paging. The `$skiptoken` is opaque to clients (they follow `@odata.nextLink`
//! verbatim) but carries the offset and the original query options, so a nextLink request needs
//! nothing else, just like Graph's.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::error::GraphError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The collection the token belongs to; a token from another collection is invalid here.
    #[serde(rename = "r")]
    pub resource: String,
    #[serde(rename = "o")]
    pub offset: usize,
    #[serde(rename = "t")]
    pub top: u32,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub select: Option<Vec<String>>,
    /// The `$filter` of the first request: Graph keeps filtering on later pages.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub expand: Option<String>,
    /// Set for lists of the tenant's own vectors: `offset` is then the vector position after the
    /// last object returned, as numbered after this many removal passes (`tenant::Removals`).
    #[serde(rename = "p", default, skip_serializing_if = "Option::is_none")]
    pub pass: Option<usize>,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    pub fn decode(token: &str, resource: &str) -> Result<Self, GraphError> {
        let invalid = || GraphError::RequestBadRequest("Invalid Skip Token".to_string());
        let bytes = URL_SAFE_NO_PAD
            .decode(token.trim_end_matches('='))
            .map_err(|_| invalid())?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if cursor.resource != resource {
            return Err(invalid());
        }
        Ok(cursor)
    }
}

/// One page of a collection.
#[derive(Serialize)]
pub struct Page<T: Serialize> {
    #[serde(rename = "@odata.context")]
    pub context: String,
    /// `$count=true` with `ConsistencyLevel: eventual`, first page only.
    #[serde(rename = "@odata.count", skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
    /// Graph writes the link before `value`; clients must not care, but captured bodies read the same.
    #[serde(rename = "@odata.nextLink", skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
    pub value: Vec<T>,
}

/// Indices of the page starting at `offset`, and where the next one starts if any remain.
pub fn window(len: usize, offset: usize, top: u32) -> (std::ops::Range<usize>, Option<usize>) {
    let start = offset.min(len);
    let end = start.saturating_add(top as usize).min(len);
    (start..end, (end < len).then_some(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_is_bound_to_its_collection() {
        let cursor = Cursor {
            resource: "users".into(),
            offset: 200,
            top: 100,
            select: Some(vec!["id".into()]),
            filter: Some("userType eq 'Guest'".into()),
            expand: None,
            pass: Some(3),
        };
        let token = cursor.encode();
        assert!(
            token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(Cursor::decode(&token, "users"), Ok(cursor));
        assert!(Cursor::decode(&token, "groups").is_err());
        assert!(Cursor::decode("not a token", "users").is_err());
    }

    #[test]
    fn windows_cover_the_collection_once() {
        assert_eq!(window(250, 0, 100), (0..100, Some(100)));
        assert_eq!(window(250, 200, 100), (200..250, None));
        assert_eq!(window(200, 100, 100), (100..200, None));
        assert_eq!(window(10, 50, 100), (10..10, None));
    }
}
