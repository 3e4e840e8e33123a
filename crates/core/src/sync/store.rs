//! Durable state between steps: Forge KVS in production, a map in tests. Values are JSON and stay
//! under Forge's 240 KiB value limit by construction (see the `MAX_VALUE_BYTES` users).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::future::Future;

use serde_json::Value;

/// Forge KVS takes values up to 240 KiB; stay clearly below so JSON overhead never tips one over.
pub const MAX_VALUE_BYTES: usize = 200 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("storage {operation} of \"{key}\" failed: {message}")]
pub struct StoreError {
    pub operation: &'static str,
    pub key: String,
    pub message: String,
}

pub trait KvStore {
    fn get(&self, key: &str) -> impl Future<Output = Result<Option<Value>, StoreError>>;
    fn set(&self, key: &str, value: Value) -> impl Future<Output = Result<(), StoreError>>;
    fn delete(&self, key: &str) -> impl Future<Output = Result<(), StoreError>>;
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

    async fn set(&self, key: &str, value: Value) -> Result<(), StoreError> {
        let size = value.to_string().len();
        if size > MAX_VALUE_BYTES + 40 * 1024 {
            return Err(StoreError {
                operation: "set",
                key: key.to_string(),
                message: format!("value of {size} bytes exceeds Forge's 240 KiB limit"),
            });
        }
        self.values.borrow_mut().insert(key.to_string(), value);
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.values.borrow_mut().remove(key);
        Ok(())
    }
}
