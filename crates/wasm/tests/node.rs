//! The wasm boundary under Node: value conversion, the JS error bridge, and the fetch transport
//! against a real loopback HTTP server.
#![cfg(target_arch = "wasm32")]

use entra_sync_core::clock::Clock;
use entra_sync_core::{HttpRequest, HttpTransport, Method};
use entra_sync_wasm::{FetchTransport, JsClock, validate_settings};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

#[wasm_bindgen(inline_js = r#"
export async function start_echo_server() {
  const http = await import('node:http');
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    res.writeHead(201, { 'content-type': 'application/json', 'request-id': 'echo-1' });
    res.end(JSON.stringify({ method: req.method, url: req.url, auth: req.headers['authorization'], body }));
    server.close();
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${server.address().port}`;
}
export function error_name(e) { return e instanceof Error ? e.name : typeof e; }
export function error_message(e) { return e instanceof Error ? e.message : String(e); }
export function error_code(e) { return e instanceof Error ? String(e.code) : typeof e; }
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn start_echo_server() -> Result<JsValue, JsValue>;
    fn error_name(error: &JsValue) -> String;
    fn error_message(error: &JsValue) -> String;
    fn error_code(error: &JsValue) -> String;
}

/// A plain JS object, as a handler passes it (the default serializer would make a `Map`).
fn js(value: serde_json::Value) -> JsValue {
    use serde::Serialize;
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .expect("plain JSON converts")
}

#[wasm_bindgen_test]
fn validation_names_each_field_in_plain_js_objects() {
    let answer = validate_settings(js(serde_json::json!({
        "tenantId": "contoso.onmicrosoft.com",
        "clientId": "not-a-guid",
        "clientSecret": ""
    })))
    .expect("validation answers");
    let answer: serde_json::Value = serde_wasm_bindgen::from_value(answer).expect("plain object");
    assert_eq!(answer["ok"], false);
    let fields: Vec<&str> = answer["errors"]
        .as_array()
        .expect("errors array")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, vec!["clientId", "clientSecret"]);
}

#[wasm_bindgen_test]
fn a_wrongly_typed_field_is_a_field_error_not_a_rejection() {
    let answer =
        validate_settings(js(serde_json::json!({ "tenantId": 42 }))).expect("validation answers");
    let answer: serde_json::Value = serde_wasm_bindgen::from_value(answer).expect("plain object");
    assert_eq!(answer["ok"], false);
    assert_eq!(answer["errors"][0]["field"], "tenantId");
    let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("must be text, not a number"), "{message}");
}

#[wasm_bindgen_test]
async fn fetch_transport_carries_method_headers_and_body() {
    let base = start_echo_server()
        .await
        .expect("echo server starts")
        .as_string()
        .expect("url");
    let request = HttpRequest {
        method: Method::Post,
        url: format!("{base}/token?x=1"),
        headers: vec![("Authorization".into(), "Bearer abc".into())],
        body: Some("a=b".into()),
    };
    let response = FetchTransport
        .send(request)
        .await
        .expect("loopback answers");
    assert_eq!(response.status, 201);
    assert_eq!(response.header("Request-Id"), Some("echo-1"));
    let echoed: serde_json::Value = serde_json::from_str(&response.body).expect("json body");
    assert_eq!(echoed["method"], "POST");
    assert_eq!(echoed["url"], "/token?x=1");
    assert_eq!(echoed["auth"], "Bearer abc");
    assert_eq!(echoed["body"], "a=b");
}

#[wasm_bindgen_test]
async fn fetch_transport_reports_unreachable_hosts() {
    let request = HttpRequest::get("http://127.0.0.1:9/nothing-listens-here");
    let error = FetchTransport
        .send(request)
        .await
        .expect_err("port 9 is closed");
    assert_eq!(error.url, "http://127.0.0.1:9/nothing-listens-here");
}

#[wasm_bindgen_test]
async fn js_clock_sleeps_on_host_timers() {
    let before = JsClock.now_ms();
    JsClock.sleep(std::time::Duration::from_millis(30)).await;
    assert!(JsClock.now_ms() >= before + 25, "the sleep returned early");
}
