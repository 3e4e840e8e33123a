//! Durable state between steps: Forge KVS in production, a map in tests. Values are JSON and stay
//! under Forge's 240 KiB value limit by construction (see the `MAX_VALUE_BYTES` users).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;

use serde_json::Value;

/// Forge KVS takes values up to 240 KiB; stay clearly below so JSON overhead never tips one over.
pub const MAX_VALUE_BYTES: usize = 200 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage {operation} of \"{key}\" failed: {message}{}", kind.hint())]
pub struct StoreError {
    pub operation: &'static str,
    pub key: String,
    pub message: String,
    pub kind: StoreErrorKind,
}

/// What the engine does about a failed storage call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// The call cannot succeed as asked: the run ends.
    Failed,
    /// Forge's KVS quota answered 429 `RATE_LIMIT_EXCEEDED` (per installation: 4,000 read and
    /// 4,000 write units a minute): the engine waits for the window to free and tries again
    /// ([`super::pacing`]), in the next step if this one has no time left.
    RateLimited,
}

impl StoreErrorKind {
    fn hint(&self) -> &'static str {
        match self {
            StoreErrorKind::Failed => "",
            StoreErrorKind::RateLimited => {
                " (Forge's storage quota for this installation is used up for this minute; it frees within a minute, try again then)"
            }
        }
    }
}

impl StoreError {
    pub fn failed(operation: &'static str, key: &str, message: String) -> Self {
        StoreError {
            operation,
            key: key.to_string(),
            message,
            kind: StoreErrorKind::Failed,
        }
    }

    pub fn rate_limited(operation: &'static str, key: &str, message: String) -> Self {
        StoreError {
            operation,
            key: key.to_string(),
            message,
            kind: StoreErrorKind::RateLimited,
        }
    }

    pub fn is_rate_limited(&self) -> bool {
        self.kind == StoreErrorKind::RateLimited
    }
}

/// Keys a listing asks for at once: Forge documents a query limit of 20 (and elsewhere 100).
pub const LIST_PAGE: usize = 20;

/// One page of keys from [`KvStore::list`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyPage {
    pub keys: Vec<String>,
    /// Where the next page starts; `None` after the last. Valid within one invocation only (Forge:
    /// "don't persist cursors").
    pub cursor: Option<String>,
}

pub trait KvStore {
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<Value>, StoreError>>;
    fn set(&self, key: &str, value: &Value) -> impl Future<Output = Result<(), StoreError>>;
    fn delete(&self, key: &str) -> impl Future<Output = Result<(), StoreError>>;
    /// Up to [`LIST_PAGE`] keys beginning with `prefix`, in key order, from `cursor` (`@forge/kvs`
    /// `query().where('key', beginsWith(prefix))`). KVS answers the values too and meters them as
    /// read, so listings are for keys whose values are wanted gone or are small.
    fn list(
        &self,
        prefix: &str,
        cursor: Option<&str>,
    ) -> impl Future<Output = Result<KeyPage, StoreError>>;
}

/// An in-memory store, for tests and native runs.
#[derive(Debug, Default)]
pub struct MemoryStore {
    pub values: RefCell<BTreeMap<String, Value>>,
}

impl KvStore for MemoryStore {
    async fn get(&self, key: &str) -> Result<Option<Value>, StoreError> {
        Ok(self.values.borrow().get(key).cloned())
    }

    async fn set(&self, key: &str, value: &Value) -> Result<(), StoreError> {
        let size = value.to_string().len();
        if size > MAX_VALUE_BYTES + 40 * 1024 {
            return Err(StoreError::failed(
                "set",
                key,
                format!("value of {size} bytes exceeds Forge's 240 KiB limit"),
            ));
        }
        self.values
            .borrow_mut()
            .insert(key.to_string(), value.clone());
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.values.borrow_mut().remove(key);
        Ok(())
    }

    /// The cursor is the last key of the page, as the local Forge runtime's is.
    async fn list(&self, prefix: &str, cursor: Option<&str>) -> Result<KeyPage, StoreError> {
        let values = self.values.borrow();
        let mut keys: Vec<String> = values
            .keys()
            .filter(|k| k.starts_with(prefix) && cursor.is_none_or(|c| k.as_str() > c))
            .take(LIST_PAGE + 1)
            .cloned()
            .collect();
        let more = keys.len() > LIST_PAGE;
        keys.truncate(LIST_PAGE);
        let cursor = more.then(|| keys.last().cloned()).flatten();
        Ok(KeyPage { keys, cursor })
    }
}
