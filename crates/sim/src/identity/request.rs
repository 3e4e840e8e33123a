//! Reading a token request: form body plus, optionally, HTTP Basic client authentication (RFC 6749 §2.3.1).

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The parameters the client-credentials grant looks at. Absent and empty are the same to Entra.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    pub grant_type: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub client_assertion: Option<String>,
    pub client_assertion_type: Option<String>,
    pub scope: Option<String>,
}

impl TokenRequest {
    pub fn parse(headers: &HeaderMap, body: &[u8]) -> Self {
        let mut request = TokenRequest::default();
        for (name, value) in form_urlencoded::parse(body) {
            if value.is_empty() {
                continue;
            }
            let slot = match name.as_ref() {
                "grant_type" => &mut request.grant_type,
                "client_id" => &mut request.client_id,
                "client_secret" => &mut request.client_secret,
                "client_assertion" => &mut request.client_assertion,
                "client_assertion_type" => &mut request.client_assertion_type,
                "scope" => &mut request.scope,
                _ => continue,
            };
            // A repeated parameter keeps its first value.
            slot.get_or_insert_with(|| value.into_owned());
        }
        // Credentials in the header win over the body, the client having gone out of its way to send them.
        if let Some((id, secret)) = basic_credentials(headers) {
            request.client_id = Some(id);
            request.client_secret = Some(secret).filter(|s| !s.is_empty());
        }
        request
    }
}

/// `Authorization: Basic base64(urlencode(id) ":" urlencode(secret))`, or `None` if absent or unreadable.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id), form_decode(secret)))
}

/// `application/x-www-form-urlencoded` decoding of one value; a stray `%` stays as it is, as browsers do.
fn form_decode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(hex),
                bytes.get(i + 2).and_then(hex),
            ) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: &u8) -> Option<u8> {
    char::from(*byte).to_digit(16).map(|digit| digit as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_form_fields_and_basic_auth() {
        let body = b"grant_type=client_credentials&client_id=abc&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&client_secret=a%2Bb~";
        let request = TokenRequest::parse(&HeaderMap::new(), body);
        assert_eq!(request.client_secret.as_deref(), Some("a+b~"));
        assert_eq!(
            request.scope.as_deref(),
            Some("https://graph.microsoft.com/.default")
        );

        let mut headers = HeaderMap::new();
        let creds = STANDARD.encode("id%3A1:s%2Bcret");
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {creds}")).unwrap(),
        );
        let request = TokenRequest::parse(&headers, b"grant_type=client_credentials");
        assert_eq!(request.client_id.as_deref(), Some("id:1"));
        assert_eq!(request.client_secret.as_deref(), Some("s+cret"));
        assert_eq!(form_decode("a+b%7E%zz%4"), "a b~%zz%4");
    }
}
