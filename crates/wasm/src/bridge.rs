//! JS ⇄ Rust value conversion and the error type every export rejects with.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

/// Becomes a JS `Error` whose `name` is `EntraSyncError` and whose message says which input was
/// wrong and how, so a handler can log it or show it without knowing Rust.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error("{what} is not in the expected shape: {detail}")]
    BadInput { what: &'static str, detail: String },
    #[error("could not hand the result back to JavaScript: {0}")]
    Output(String),
    #[error("{0}")]
    Failed(String),
}

impl From<BridgeError> for JsValue {
    fn from(error: BridgeError) -> JsValue {
        let js = js_sys::Error::new(&error.to_string());
        js.set_name("EntraSyncError");
        js.into()
    }
}

pub fn from_js<T: DeserializeOwned>(value: JsValue, what: &'static str) -> Result<T, BridgeError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| BridgeError::BadInput {
        what,
        detail: e.to_string(),
    })
}

pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, BridgeError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| BridgeError::Output(e.to_string()))
}
