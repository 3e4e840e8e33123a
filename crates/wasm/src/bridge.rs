//! JS ⇄ Rust value conversion and the error type every export rejects with.

use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

/// Becomes a JS `Error` whose `name` is `EntraSyncError`, whose `code` names the kind of failure
/// (stable, for handlers and the page to tell failures apart without reading the text) and whose
/// message says what was wrong and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error("{what} is not in the expected shape: {detail}")]
    BadInput { what: &'static str, detail: String },
    #[error("could not hand the result back to JavaScript: {0}")]
    Output(String),
    #[error("{message}")]
    Failed { code: &'static str, message: String },
}

impl BridgeError {
    pub fn failed(code: &'static str, error: impl std::fmt::Display) -> Self {
        BridgeError::Failed {
            code,
            message: error.to_string(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            BridgeError::BadInput { .. } => "badInput",
            BridgeError::Output(_) => "output",
            BridgeError::Failed { code, .. } => code,
        }
    }
}

impl From<BridgeError> for JsValue {
    fn from(error: BridgeError) -> JsValue {
        let js = js_sys::Error::new(&error.to_string());
        js.set_name("EntraSyncError");
        // Setting a property on a fresh Error object cannot fail.
        let _ = js_sys::Reflect::set(&js, &"code".into(), &error.code().into());
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
