//! [`Clock`] over the host's `Date.now` and `setTimeout`.

use std::time::Duration;

use entra_sync_core::clock::Clock;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &js_sys::Function, milliseconds: f64) -> JsValue;
}

pub struct JsClock;

impl Clock for JsClock {
    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }

    async fn sleep(&self, duration: Duration) {
        let milliseconds = duration.as_millis() as f64;
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            set_timeout(&resolve, milliseconds);
        });
        // The promise only ever resolves; there is no error to carry.
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }
}
