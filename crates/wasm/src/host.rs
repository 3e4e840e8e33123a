//! The engine's host services over JS objects the handler passes in: KVS (`{get, set, delete,
//! query}` returning promises) and Assets requests (a function that goes through `requestJira`).

use entra_sync_core::sync::{KeyPage, KvStore, StoreError};
use entra_sync_core::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use js_sys::{Function, Promise, Reflect};
use serde::Deserialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::bridge;

fn js_message(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown JavaScript error".into())
}

/// Calls `target[method](...args)` and awaits it; a rejection comes back as the thrown value.
async fn call_raw(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(target, &JsValue::from_str(method))
        .ok()
        .and_then(|f| f.dyn_into().ok())
        .ok_or_else(|| JsValue::from_str(&format!("the host object has no {method}() function")))?;
    let array = js_sys::Array::new();
    for arg in args {
        array.push(arg);
    }
    let returned = function.apply(target, &array)?;
    let promise = Promise::resolve(&returned);
    JsFuture::from(promise).await
}

async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, String> {
    call_raw(target, method, args)
        .await
        .map_err(|e| js_message(&e))
}

/// Whether a KVS rejection is Forge's quota: `@forge/kvs` throws a `ForgeKvsAPIError` with
/// `code: 'RATE_LIMIT_EXCEEDED'` and `responseDetails.status: 429`.
pub(crate) fn is_rate_limit(error: &JsValue) -> bool {
    let field = |target: &JsValue, name: &str| Reflect::get(target, &JsValue::from_str(name)).ok();
    let code = field(error, "code").and_then(|c| c.as_string());
    let status = field(error, "responseDetails")
        .filter(|d| d.is_object())
        .and_then(|d| field(&d, "status"))
        .and_then(|s| s.as_f64());
    code.as_deref() == Some("RATE_LIMIT_EXCEEDED") || status == Some(429.0)
}

/// A KVS rejection as the core's typed error.
fn store_error(operation: &'static str, key: &str, error: &JsValue) -> StoreError {
    let message = js_message(error);
    if is_rate_limit(error) {
        StoreError::rate_limited(operation, key, message)
    } else {
        StoreError::failed(operation, key, message)
    }
}

/// Forge KVS through the handler's `{get, set, delete}`.
pub struct JsStore(pub JsValue);

impl KvStore for JsStore {
    async fn get(&self, key: &str) -> Result<Option<Value>, StoreError> {
        let failed = |message| StoreError::failed("get", key, message);
        let value = call_raw(&self.0, "get", &[JsValue::from_str(key)])
            .await
            .map_err(|e| store_error("get", key, &e))?;
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        // Through JSON text: staged chunks and index shards are up to 200 KB, and the engines'
        // own JSON codecs move that far faster than converting value by value across the boundary.
        let text = js_sys::JSON::stringify(&value)
            .map_err(|e| failed(js_message(&e)))?
            .as_string()
            .ok_or_else(|| failed("the stored value has no JSON form".into()))?;
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| failed(format!("the stored value is not valid JSON: {e}")))
    }

    async fn set(&self, key: &str, value: &Value) -> Result<(), StoreError> {
        let failed = |message| StoreError::failed("set", key, message);
        let text = serde_json::to_string(value).map_err(|e| failed(e.to_string()))?;
        let js = js_sys::JSON::parse(&text).map_err(|e| failed(js_message(&e)))?;
        call_raw(&self.0, "set", &[JsValue::from_str(key), js])
            .await
            .map(|_| ())
            .map_err(|e| store_error("set", key, &e))
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        call_raw(&self.0, "delete", &[JsValue::from_str(key)])
            .await
            .map(|_| ())
            .map_err(|e| store_error("delete", key, &e))
    }

    /// `query(prefix, cursor)` answers `@forge/kvs`'s `{results: [{key, value}], nextCursor}`;
    /// only the keys cross into wasm (the values may be staged chunks of 200 KB).
    async fn list(&self, prefix: &str, cursor: Option<&str>) -> Result<KeyPage, StoreError> {
        let failed = |message: String| StoreError::failed("query", prefix, message);
        let cursor = cursor.map_or(JsValue::UNDEFINED, JsValue::from_str);
        let answer = call_raw(&self.0, "query", &[JsValue::from_str(prefix), cursor])
            .await
            .map_err(|e| store_error("query", prefix, &e))?;
        let field = |target: &JsValue, name: &str| Reflect::get(target, &JsValue::from_str(name));
        let results = field(&answer, "results")
            .ok()
            .filter(js_sys::Array::is_array)
            .map(|results| js_sys::Array::from(&results))
            .ok_or_else(|| failed("the query answered no results list".into()))?;
        let mut keys = Vec::with_capacity(results.length() as usize);
        for result in results.iter() {
            let key = field(&result, "key")
                .ok()
                .and_then(|k| k.as_string())
                .ok_or_else(|| failed("a query result has no key".into()))?;
            keys.push(key);
        }
        let cursor = field(&answer, "nextCursor")
            .ok()
            .and_then(|c| c.as_string())
            .filter(|c| !c.is_empty());
        Ok(KeyPage { keys, cursor })
    }
}

#[derive(Deserialize)]
struct JsResponse {
    status: u16,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: String,
}

/// Requests to the Jira site (JSM Assets) through the handler's `request({method, url, headers,
/// body})`, which uses `requestJira` as the app.
pub struct JsSiteTransport(pub JsValue);

impl HttpTransport for JsSiteTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let failed = |message: String| TransportError {
            url: request.url.clone(),
            message,
        };
        let init = serde_json::json!({
            "method": request.method.as_str(),
            "url": request.url,
            "headers": request.headers,
            "body": request.body,
        });
        let js = bridge::to_js(&init).map_err(|e| failed(e.to_string()))?;
        let answer = call(&self.0, "request", &[js]).await.map_err(&failed)?;
        let answer: JsResponse =
            bridge::from_js(answer, "a site response").map_err(|e| failed(e.to_string()))?;
        Ok(HttpResponse {
            status: answer.status,
            headers: answer.headers,
            body: answer.body,
        })
    }
}
