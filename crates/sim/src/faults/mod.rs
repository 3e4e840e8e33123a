//! Fault injection, a latency model and the request log, applied by one middleware ([`traffic`]) in
//! front of every Graph, identity and Assets route (never the control API).
//!
//! When no fault and no latency is configured, the middleware checks two atomics and only logs.

mod latency;
mod layer;
mod render;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use latency::{Latency, LatencyModel};
pub use layer::traffic;

use crate::log::path_matches;

/// What to do to matching requests; the JSON body of `POST /_sim/faults`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSpec {
    /// `/v1.0/users`: that path and (unless `exact`) everything below it, segment-wise.
    pub path: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exact: bool,
    /// Only this method (any case); all when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Answer with this status instead of the real handler.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Fire this many times, then disappear; forever when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// `Retry-After` value sent verbatim (Graph sends fractional seconds such as `2.128`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "string_or_number"
    )]
    pub retry_after: Option<String>,
    /// Extra delay before answering (or passing the request on when there is no `status`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Drop the connection without any answer.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reset: bool,
    /// JSON body to send instead of the service's own error shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
}

impl FaultSpec {
    /// Answers `status` on `path` and below.
    pub fn status(path: &str, status: u16) -> Self {
        Self {
            path: path.to_string(),
            status: Some(status),
            ..Self::default()
        }
    }

    /// Drops the connection on `path` and below.
    pub fn reset(path: &str) -> Self {
        Self {
            path: path.to_string(),
            reset: true,
            ..Self::default()
        }
    }

    /// Delays requests on `path` and below, then lets them through.
    pub fn delay(path: &str, latency_ms: u64) -> Self {
        Self {
            path: path.to_string(),
            latency_ms: Some(latency_ms),
            ..Self::default()
        }
    }

    pub fn count(mut self, count: u32) -> Self {
        self.count = Some(count);
        self
    }

    pub fn retry_after(mut self, value: &str) -> Self {
        self.retry_after = Some(value.to_string());
        self
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_string());
        self
    }

    fn validate(&self) -> Result<(), String> {
        if !self.path.starts_with('/') {
            return Err("path must start with '/'".to_string());
        }
        if self.path.starts_with("/_sim") {
            return Err("the control API cannot be faulted".to_string());
        }
        if let Some(status) = self.status {
            if !(200..=599).contains(&status) {
                return Err(format!("status {status} is not between 200 and 599"));
            }
        }
        if self.count == Some(0) {
            return Err(
                "count must be at least 1 (leave it out for a permanent fault)".to_string(),
            );
        }
        if let Some(method) = &self.method {
            if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(format!("method '{method}' is not an HTTP method"));
            }
        }
        if let Some(value) = &self.retry_after {
            if axum::http::HeaderValue::from_str(value).is_err() {
                return Err("retryAfter is not a valid header value".to_string());
            }
        }
        if self.status.is_none() && self.latency_ms.is_none() && !self.reset {
            return Err("a fault needs status, latencyMs or reset".to_string());
        }
        Ok(())
    }

    fn applies_to(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && path_matches(&self.path, path, self.exact)
    }
}

fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!(
            "retryAfter must be a string or a number, not {other}"
        ))),
    }
}

/// A configured fault, as listed by `GET /_sim/faults`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    pub id: u64,
    #[serde(flatten)]
    pub spec: FaultSpec,
    /// Firings left (`None`: until deleted).
    pub remaining: Option<u32>,
    /// How often it fired so far.
    pub hits: u64,
}

/// The configured faults, first added first matched.
#[derive(Default)]
pub struct Faults {
    /// Fast path: false while the list is empty.
    active: AtomicBool,
    inner: Mutex<FaultList>,
}

#[derive(Default)]
struct FaultList {
    last_id: u64,
    faults: Vec<Fault>,
}

impl Faults {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, FaultList> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sync_flag(&self, list: &FaultList) {
        self.active
            .store(!list.faults.is_empty(), Ordering::Release);
    }

    /// Adds a fault; returns its id, or why the spec is invalid.
    pub fn add(&self, spec: FaultSpec) -> Result<u64, String> {
        spec.validate()?;
        let mut list = self.lock();
        list.last_id += 1;
        let id = list.last_id;
        let remaining = spec.count;
        list.faults.push(Fault {
            id,
            spec,
            remaining,
            hits: 0,
        });
        self.sync_flag(&list);
        Ok(id)
    }

    pub fn list(&self) -> Vec<Fault> {
        self.lock().faults.clone()
    }

    /// Whether there was a fault with that id.
    pub fn remove(&self, id: u64) -> bool {
        let mut list = self.lock();
        let before = list.faults.len();
        list.faults.retain(|f| f.id != id);
        self.sync_flag(&list);
        list.faults.len() != before
    }

    pub fn clear(&self) {
        let mut list = self.lock();
        list.faults.clear();
        self.sync_flag(&list);
    }

    /// The first fault matching the request, counted as fired (and dropped once used up).
    pub(crate) fn fire(&self, method: &str, path: &str) -> Option<Fault> {
        if !self.active.load(Ordering::Acquire) {
            return None;
        }
        let mut list = self.lock();
        let at = list
            .faults
            .iter()
            .position(|f| f.spec.applies_to(method, path))?;
        let fault = &mut list.faults[at];
        fault.hits += 1;
        if let Some(left) = fault.remaining.as_mut() {
            *left -= 1;
        }
        let fired = fault.clone();
        if fired.remaining == Some(0) {
            list.faults.remove(at);
            self.sync_flag(&list);
        }
        Some(fired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counted_faults_clear_themselves() {
        let faults = Faults::new();
        let id = faults
            .add(FaultSpec::status("/v1.0/users", 503).count(2))
            .unwrap();
        assert_eq!(faults.fire("GET", "/v1.0/groups"), None);
        assert_eq!(faults.fire("GET", "/v1.0/users/x").map(|f| f.id), Some(id));
        assert_eq!(faults.fire("GET", "/v1.0/users").map(|f| f.hits), Some(2));
        assert_eq!(faults.fire("GET", "/v1.0/users"), None);
        assert!(faults.list().is_empty());
    }

    #[test]
    fn method_and_exact_narrow_the_match() {
        let faults = Faults::new();
        let mut spec = FaultSpec::status("/v1.0/users", 500).method("post");
        spec.exact = true;
        faults.add(spec).unwrap();
        assert!(faults.fire("GET", "/v1.0/users").is_none());
        assert!(faults.fire("POST", "/v1.0/users/x").is_none());
        assert!(faults.fire("POST", "/v1.0/users").is_some());
    }

    #[test]
    fn rejects_specs_that_do_nothing_or_target_control() {
        let faults = Faults::new();
        assert!(faults.add(FaultSpec::default()).is_err());
        assert!(
            faults
                .add(FaultSpec {
                    path: "/v1.0".into(),
                    ..FaultSpec::default()
                })
                .is_err()
        );
        assert!(faults.add(FaultSpec::status("/_sim/info", 500)).is_err());
        assert!(faults.add(FaultSpec::status("/v1.0", 700)).is_err());
    }

    #[test]
    fn retry_after_accepts_numbers_and_strings() {
        let spec: FaultSpec =
            serde_json::from_str(r#"{"path": "/v1.0", "status": 429, "retryAfter": 2.5}"#).unwrap();
        assert_eq!(spec.retry_after.as_deref(), Some("2.5"));
        let spec: FaultSpec =
            serde_json::from_str(r#"{"path": "/v1.0", "status": 429, "retryAfter": "7"}"#).unwrap();
        assert_eq!(spec.retry_after.as_deref(), Some("7"));
    }
}
