//! Exports for the audit trail: the core says what an entry says and where it goes; the handler
//! passes its KVS (`{get, set, delete}`).

use entra_sync_core::audit::{self, AuditInput};
use wasm_bindgen::prelude::*;

use crate::bridge::{self, BridgeError};
use crate::host::JsStore;

/// Records `{action, accountId, nowMs, runId?, before?, after?, secretChanged?}`; resolves to the
/// entry stored.
#[wasm_bindgen(js_name = recordAudit)]
pub async fn record_audit(input: JsValue, store: JsValue) -> Result<JsValue, BridgeError> {
    let input: AuditInput = bridge::from_js(input, "audit entry")?;
    let entry = audit::record(&JsStore(store), input)
        .await
        .map_err(|e| BridgeError::failed("store", e))?;
    bridge::to_js(&entry)
}

/// The newest entries (at least the last 200), newest first.
#[wasm_bindgen(js_name = auditLog)]
pub async fn audit_log(store: JsValue) -> Result<JsValue, BridgeError> {
    let entries = audit::list(&JsStore(store))
        .await
        .map_err(|e| BridgeError::failed("store", e))?;
    bridge::to_js(&entries)
}
