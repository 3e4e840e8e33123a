//! Shared test plumbing: an in-process sim on a free port and a blocking HTTP client that reports
//! error statuses as responses rather than as errors.
#![allow(dead_code)]

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entra_sync_sim::{BackgroundServer, Preset, SimState, Tenant};
use serde_json::Value;
use ureq::http::HeaderMap;

pub const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";

pub struct Sim {
    pub server: BackgroundServer,
    pub agent: ureq::Agent,
}

pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

pub fn start() -> Sim {
    start_with(Tenant::generate(Preset::Demo, 42))
}

pub fn start_with(tenant: Tenant) -> Sim {
    let server = BackgroundServer::start(SimState::new(tenant)).expect("start sim");
    Sim {
        server,
        agent: agent(),
    }
}

pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

fn reply(mut response: ureq::http::Response<ureq::Body>) -> Reply {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.body_mut().read_to_string().expect("read body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|err| panic!("body is not JSON ({err}): {text}"))
    };
    Reply {
        status,
        headers,
        body,
    }
}

impl Sim {
    pub fn tenant(&self) -> std::sync::Arc<Tenant> {
        self.server.state().tenant()
    }

    pub fn token_url(&self, tenant: &str) -> String {
        format!("{}/{tenant}/oauth2/v2.0/token", self.server.url())
    }

    /// The form a client-credentials client sends, with the tenant's real credentials.
    pub fn good_form(&self) -> Vec<(&'static str, String)> {
        let app = &self.tenant().app;
        vec![
            ("grant_type", "client_credentials".to_string()),
            ("client_id", app.client_id.to_string()),
            ("client_secret", app.secret.value.clone()),
            ("scope", GRAPH_SCOPE.to_string()),
        ]
    }

    pub fn post_token(
        &self,
        tenant: &str,
        form: &[(&str, String)],
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.agent.post(&self.token_url(tenant));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        reply(
            request
                .send_form(form.iter().map(|(k, v)| (*k, v.as_str())))
                .expect("token request"),
        )
    }

    /// A token from the sim's own endpoint, as a client would get it.
    pub fn fetch_token(&self) -> String {
        let reply = self.post_token(&self.tenant().id.to_string(), &self.good_form(), &[]);
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    }

    pub fn get(&self, url: &str, token: Option<&str>, headers: &[(&str, &str)]) -> Reply {
        let mut request = self.agent.get(url);
        if let Some(token) = token {
            request = request.header("Authorization", &format!("Bearer {token}"));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        reply(request.call().expect("GET"))
    }

    pub fn users_url(&self, query: &str) -> String {
        format!("{}/v1.0/users{query}", self.server.url())
    }

    /// `path` under `/v1.0`, e.g. `/groups?$top=5`.
    pub fn graph_url(&self, path: &str) -> String {
        format!("{}/v1.0{path}", self.server.url())
    }

    /// Every item of a collection, following `@odata.nextLink` verbatim; also returns the pages.
    pub fn collect(
        &self,
        url: &str,
        token: &str,
        headers: &[(&str, &str)],
    ) -> (Vec<Value>, Vec<Reply>) {
        let mut url = url.to_string();
        let mut items = Vec::new();
        let mut pages = Vec::new();
        loop {
            let reply = self.get(&url, Some(token), headers);
            assert_eq!(reply.status, 200, "{url}: {}", reply.body);
            items.extend(
                reply.body["value"]
                    .as_array()
                    .expect("value")
                    .iter()
                    .cloned(),
            );
            let next = reply
                .body
                .get("@odata.nextLink")
                .and_then(Value::as_str)
                .map(str::to_string);
            pages.push(reply);
            assert!(pages.len() < 10_000, "paging does not end");
            match next {
                Some(next) => url = next,
                None => break,
            }
        }
        (items, pages)
    }
}

/// The `id`s of JSON items.
pub fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|item| item["id"].as_str().expect("id").to_string())
        .collect()
}

/// Asserts a Graph (directory) error body and its correlation headers.
pub fn assert_graph_error(reply: &Reply, status: u16, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    let error = &reply.body["error"];
    assert_eq!(error["code"], code, "{}", reply.body);
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
    let inner = &error["innerError"];
    let date = inner["date"].as_str().expect("date");
    assert_eq!(date.len(), "2021-05-18T19:12:36".len(), "{date}");
    assert_eq!(inner["request-id"].as_str(), reply.header("request-id"));
    assert!(is_guid(reply.header("request-id").expect("request-id")));
}

pub fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("JWT payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url"))
        .expect("claims JSON")
}

pub fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../fixtures/graph-examples/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{path}: {err}"));
    serde_json::from_str(&text).expect("fixture JSON")
}

/// JSON type name, for comparing shapes with documented bodies.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

pub fn is_guid(value: &str) -> bool {
    uuid::Uuid::parse_str(value).is_ok() && value.len() == 36
}
