//! The scheme and authority clients used to reach us. The local Forge runtime maps
//! `https://graph.microsoft.com` onto the sim and says so in `X-Forwarded-*`; links we emit must point
//! back through the same route, or a client following `@odata.nextLink` verbatim would leave it.

use std::convert::Infallible;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::HOST;
use axum::http::request::Parts;

/// `scheme://authority`, without a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(pub String);

impl BaseUrl {
    pub fn from_parts(headers: &HeaderMap, uri_authority: Option<&str>) -> Self {
        let scheme = first_value(headers, "x-forwarded-proto")
            .map(|proto| proto.to_ascii_lowercase())
            .filter(|proto| proto == "http" || proto == "https")
            .unwrap_or_else(|| "http".to_string());
        let host = first_value(headers, "x-forwarded-host")
            .filter(|host| is_authority(host))
            .or_else(|| first_value(headers, HOST.as_str()).filter(|host| is_authority(host)))
            .or_else(|| {
                uri_authority
                    .filter(|host| is_authority(host))
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "localhost".to_string());
        Self(format!("{scheme}://{host}"))
    }

    pub fn join(&self, path_and_query: &str) -> String {
        format!("{}{}", self.0, path_and_query)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for BaseUrl {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let authority = parts.uri.authority().map(|a| a.as_str().to_string());
        Ok(Self::from_parts(&parts.headers, authority.as_deref()))
    }
}

/// Proxies append to `X-Forwarded-*` lists; the first entry is the one the client saw.
fn first_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?;
    let first = value.split(',').next()?.trim();
    (!first.is_empty()).then(|| first.to_string())
}

/// Host names, IPv4/IPv6 literals and ports only, so a hostile header cannot smuggle a path or a
/// different URL into the links we emit.
fn is_authority(value: &str) -> bool {
    !value.is_empty()
        && value.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn prefers_forwarded_headers_then_host() {
        let forwarded = headers(&[
            ("host", "127.0.0.1:4000"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "graph.microsoft.com, proxy.local"),
        ]);
        assert_eq!(
            BaseUrl::from_parts(&forwarded, None).0,
            "https://graph.microsoft.com"
        );
        assert_eq!(
            BaseUrl::from_parts(&headers(&[("host", "127.0.0.1:4000")]), None).0,
            "http://127.0.0.1:4000"
        );
        assert_eq!(
            BaseUrl::from_parts(&HeaderMap::new(), None).0,
            "http://localhost"
        );
    }

    #[test]
    fn ignores_values_that_are_not_an_authority() {
        let hostile = headers(&[
            ("host", "127.0.0.1:4000"),
            ("x-forwarded-proto", "javascript"),
            ("x-forwarded-host", "evil.example/path?"),
        ]);
        assert_eq!(
            BaseUrl::from_parts(&hostile, None).0,
            "http://127.0.0.1:4000"
        );
    }
}
