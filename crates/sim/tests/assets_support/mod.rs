//! Shared plumbing of the `assets_*` tests: an in-process sim, Forge-style calls to its Assets side,
//! the Entra Sync mapping of the reference (§2.3) and a shape comparison against documented bodies.
#![allow(dead_code)]

use std::time::Duration;

use entra_sync_sim::assets::{DEMO_IMPORT_SOURCE_ID, DEMO_WORKSPACE_ID};
use entra_sync_sim::{BackgroundServer, Preset, SimState, Tenant};
use serde_json::{Value, json};
use ureq::http::HeaderMap;

pub struct Assets {
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
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// As the local Forge runtime calls with `api.asApp().requestJira(...)`.
pub const AS_APP: [(&str, &str); 1] = [("x-forge-provider", "app")];

pub fn start() -> Assets {
    let server = BackgroundServer::start(SimState::new(Tenant::generate(Preset::Demo, 42)))
        .expect("start sim");
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    Assets { server, agent }
}

impl Assets {
    pub fn state(&self) -> &entra_sync_sim::assets::AssetsState {
        self.server.state().assets()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    /// `…/jsm/assets/workspace/{demo}/v1{rest}`.
    pub fn v1(&self, rest: &str) -> String {
        self.url(&format!(
            "/jsm/assets/workspace/{DEMO_WORKSPACE_ID}/v1{rest}"
        ))
    }

    /// `…/v1/importsource/{demo source}{rest}`.
    pub fn source(&self, rest: &str) -> String {
        self.v1(&format!("/importsource/{DEMO_IMPORT_SOURCE_ID}{rest}"))
    }

    pub fn send(&self, method: &str, url: &str, body: Option<&Value>) -> Reply {
        self.send_with(method, url, body, &AS_APP)
    }

    pub fn send_with(
        &self,
        method: &str,
        url: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = ureq::http::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let text = body.map(Value::to_string).unwrap_or_default();
        if body.is_some() {
            request = request.header("content-type", "application/json");
        }
        let request = request.body(text).expect("request");
        let mut response = self.agent.run(request).expect("HTTP call");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.body_mut().read_to_string().expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn put_mapping(&self, document: &Value) -> Reply {
        self.send("PUT", &self.source("/mapping"), Some(document))
    }

    /// Starts an execution; returns its links.
    pub fn start_execution(&self) -> Value {
        let reply = self.send("POST", &self.source("/executions"), None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body["links"].clone()
    }

    pub fn submit(&self, links: &Value, data: Value, completed: bool, id: &str) -> Reply {
        let url = links["submitResults"].as_str().expect("submitResults");
        self.send(
            "POST",
            url,
            Some(&json!({"data": data, "clientGeneratedId": id, "completed": completed})),
        )
    }

    pub fn status(&self, links: &Value) -> Value {
        let url = links["getExecutionStatus"]
            .as_str()
            .expect("getExecutionStatus");
        let reply = self.send("GET", url, None);
        assert_eq!(reply.status, 200, "{}", reply.body);
        reply.body
    }

    /// One execution with these chunks (the last one `completed`); returns the final status body.
    pub fn run(&self, chunks: &[Value]) -> Value {
        let links = self.start_execution();
        for (i, chunk) in chunks.iter().enumerate() {
            let reply = self.submit(
                &links,
                chunk.clone(),
                i + 1 == chunks.len(),
                &format!("chunk-{i}"),
            );
            assert_eq!(reply.status, 200, "{}", reply.body);
        }
        for _ in 0..5 {
            let status = self.status(&links);
            if status["status"] == "DONE" {
                return status;
            }
        }
        panic!("execution never reached DONE");
    }

    /// `objectTypeResultMap` entry of one type, by name.
    pub fn counters<'a>(status: &'a Value, type_name: &str) -> &'a Value {
        status["progressResult"]["objectTypeResultMap"]
            .as_object()
            .and_then(|map| map.values().find(|v| v["objectTypeName"] == type_name))
            .unwrap_or_else(|| panic!("no counters for {type_name}: {status}"))
    }
}

pub fn fixture(relative: &str) -> Value {
    let path = format!(
        "{}/../../fixtures/assets/{relative}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture JSON")
}

pub const IBU_MAPPING: &str =
    "fixtures/ibuchanan-forge-assets-import/tests_data_payload_mapping-configuration.json";

/// The OpenAPI example of one response (`paths[path][method].responses[code]`).
pub fn spec_example(path: &str, method: &str, code: &str) -> Value {
    let spec = fixture("assets-api.swagger.v3.1.135.77.abridged.json");
    spec["paths"][path][method]["responses"][code]["content"]["application/json"]["example"].clone()
}

/// Every key of `documented` exists in `actual` with the same JSON type, recursively (first array
/// items compared). A documented `null` matches anything; `except` lists keys to skip.
pub fn assert_shape(actual: &Value, documented: &Value, at: &str, except: &[&str]) {
    match (actual, documented) {
        (_, Value::Null) => {}
        (Value::Object(a), Value::Object(d)) => {
            for (key, value) in d {
                if except.contains(&key.as_str()) {
                    continue;
                }
                let Some(found) = a.get(key) else {
                    panic!("{at}/{key} is documented but missing in {actual}");
                };
                assert_shape(found, value, &format!("{at}/{key}"), except);
            }
        }
        (Value::Array(a), Value::Array(d)) => {
            if let (Some(a), Some(d)) = (a.first(), d.first()) {
                assert_shape(a, d, &format!("{at}/0"), except);
            }
        }
        (a, d) => assert_eq!(
            std::mem::discriminant(a),
            std::mem::discriminant(d),
            "{at}: {a} has another type than documented {d}"
        ),
    }
}

/// The Entra Sync example mapping of the reference (§2.3).
pub fn entra_mapping() -> Value {
    json!({"schema": {"objectSchema": {"name": "Entra ID", "description": "Synced by Entra Sync", "objectTypes": [
      {"externalId": "entra-sync/user", "name": "Entra User", "description": "Microsoft Entra ID user", "attributes": [
        {"externalId": "entra-sync/user/id", "name": "Object ID", "description": "user.id", "type": "text", "unique": true, "minimumCardinality": 1, "maximumCardinality": 1},
        {"externalId": "entra-sync/user/upn", "name": "User Principal Name", "description": "userPrincipalName", "type": "text", "label": true},
        {"externalId": "entra-sync/user/enabled", "name": "Account Enabled", "description": "accountEnabled", "type": "boolean"},
        {"externalId": "entra-sync/user/manager", "name": "Manager", "description": "manager.id", "type": "referenced_object", "referenceObjectTypeExternalId": "entra-sync/user"}]},
      {"externalId": "entra-sync/managed-device", "name": "Managed Device", "description": "Intune managedDevice", "attributes": [
        {"externalId": "entra-sync/managed-device/id", "name": "Intune Device ID", "description": "managedDevice.id", "type": "text", "unique": true},
        {"externalId": "entra-sync/managed-device/name", "name": "Device Name", "description": "deviceName", "type": "text", "label": true},
        {"externalId": "entra-sync/managed-device/user", "name": "Primary User", "description": "userId", "type": "referenced_object", "referenceObjectTypeExternalId": "entra-sync/user"}]}]}},
     "mapping": {"objectTypeMappings": [
      {"objectTypeExternalId": "entra-sync/user", "objectTypeName": "Entra User", "selector": "users", "description": "Entra users", "attributesMapping": [
        {"attributeExternalId": "entra-sync/user/id", "attributeName": "Object ID", "attributeLocators": ["id"], "externalIdPart": true},
        {"attributeExternalId": "entra-sync/user/upn", "attributeName": "User Principal Name", "attributeLocators": ["userPrincipalName"]},
        {"attributeExternalId": "entra-sync/user/enabled", "attributeName": "Account Enabled", "attributeLocators": ["accountEnabled"]},
        {"attributeExternalId": "entra-sync/user/manager", "attributeName": "Manager", "attributeLocators": ["managerId"], "objectMappingIQL": "\"Object ID\" = ${managerId}"}]},
      {"objectTypeExternalId": "entra-sync/managed-device", "objectTypeName": "Managed Device", "selector": "managedDevices", "description": "Intune devices", "attributesMapping": [
        {"attributeExternalId": "entra-sync/managed-device/id", "attributeName": "Intune Device ID", "attributeLocators": ["id"], "externalIdPart": true},
        {"attributeExternalId": "entra-sync/managed-device/name", "attributeName": "Device Name", "attributeLocators": ["deviceName"]},
        {"attributeExternalId": "entra-sync/managed-device/user", "attributeName": "Primary User", "attributeLocators": ["userId"], "objectMappingIQL": "\"Object ID\" = ${userId}"}]}]}})
}

pub fn user(id: &str, manager: Option<&str>) -> Value {
    json!({"id": id, "userPrincipalName": format!("{id}@contoso.com"), "accountEnabled": true, "managerId": manager})
}
