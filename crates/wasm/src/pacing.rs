//! `kvsRetryWait`: the handlers' own KVS calls (run bookkeeping, settings, audit) wait out Forge's
//! quota by the core's pacing policy, so that JavaScript holds no retry rules of its own.

use entra_sync_core::sync::pacing::Pacing;
use wasm_bindgen::prelude::*;

use crate::host::is_rate_limit;

/// After `error` rejected the `attempt`th call (from 1) on `key`: the milliseconds to wait before
/// sending it again, or `undefined` to give the error back (not the quota, or no time left in the
/// invocation's `remainingMs`).
#[wasm_bindgen(js_name = kvsRetryWait)]
pub fn kvs_retry_wait(
    error: &JsValue,
    attempt: u32,
    key: &str,
    now_ms: f64,
    remaining_ms: f64,
) -> Option<f64> {
    if !is_rate_limit(error) {
        return None;
    }
    let clamp = |ms: f64| {
        if ms.is_finite() && ms > 0.0 {
            ms as u64
        } else {
            0
        }
    };
    Pacing::default()
        .host_wait(attempt, key, clamp(now_ms), clamp(remaining_ms))
        .map(|ms| ms as f64)
}
