//! Forge's KVS quota over the in-memory store, by the same rules as the local runtime's
//! (`dev/runtime/quota.js`): per minute, read and write units of 10 KB of one request's data,
//! rounded up (a read costs what it returns, a miss or a delete one unit), and requests per
//! second; fixed windows that open with their first call, on the test's virtual clock. A refusal
//! is a rate-limited `StoreError` that says nothing of when the window frees, as `@forge/kvs`
//! passes a 429 on.
#![allow(dead_code)]

use std::cell::{Cell, RefCell};
use std::ops::Deref;
use std::rc::Rc;

use entra_sync_core::clock::Clock;
use entra_sync_core::sync::{KeyPage, KvStore, MemoryStore, StoreError};
use serde_json::Value;

use super::LinkedClock;

pub const UNIT_BYTES: usize = 10 * 1024;

/// Forge's rates, per installation.
pub const READ_UNITS_PER_MINUTE: f64 = 4_000.0;
pub const WRITE_UNITS_PER_MINUTE: f64 = 4_000.0;
pub const REQUESTS_PER_SECOND: f64 = 1_000.0;

struct Window {
    ms: u64,
    limit: u64,
    start: Option<u64>,
    used: u64,
}

impl Window {
    fn new(ms: u64, limit: f64) -> Self {
        Window {
            ms,
            limit: (limit.floor() as u64).max(1),
            start: None,
            used: 0,
        }
    }

    fn roll(&mut self, now: u64) {
        if self.start.is_none_or(|start| now >= start + self.ms) {
            self.start = Some(now);
            self.used = 0;
        }
    }

    /// A call always fits an empty window: one larger than the limit could never pass.
    fn fits(&self, cost: u64) -> bool {
        self.used == 0 || self.used + cost <= self.limit
    }
}

struct Windows {
    read: Window,
    write: Window,
    requests: Window,
}

/// What the store was asked and what it refused.
#[derive(Debug, Default, Clone, Copy)]
pub struct Usage {
    pub read_units: u64,
    pub write_units: u64,
    pub requests: u64,
    pub refused: u64,
}

pub struct QuotaStore {
    inner: MemoryStore,
    clock: Rc<LinkedClock>,
    windows: RefCell<Option<Windows>>,
    usage: Cell<Usage>,
    /// Units read and written per kind of key (the key up to its first digit).
    by_kind: RefCell<std::collections::BTreeMap<String, (u64, u64)>>,
}

impl QuotaStore {
    /// No quota until [`QuotaStore::enforce`]: a plain memory store that counts units.
    pub fn new(clock: Rc<LinkedClock>) -> Self {
        QuotaStore {
            inner: MemoryStore::default(),
            clock,
            windows: RefCell::new(None),
            usage: Cell::default(),
            by_kind: RefCell::default(),
        }
    }

    /// Enforces Forge's rates times `factor` (0.1 = a tenth).
    pub fn enforce(&self, factor: f64) {
        *self.windows.borrow_mut() = Some(Windows {
            read: Window::new(60_000, READ_UNITS_PER_MINUTE * factor),
            write: Window::new(60_000, WRITE_UNITS_PER_MINUTE * factor),
            requests: Window::new(1_000, REQUESTS_PER_SECOND * factor),
        });
    }

    pub fn usage(&self) -> Usage {
        self.usage.get()
    }

    /// Units (read, written) per kind of key, for finding where a run's quota goes.
    pub fn usage_by_kind(&self) -> std::collections::BTreeMap<String, (u64, u64)> {
        self.by_kind.borrow().clone()
    }

    pub fn reset_usage(&self) {
        self.by_kind.borrow_mut().clear();
        self.usage.set(Usage::default());
    }

    /// Charges one request of `cost` units, or refuses it and charges nothing.
    fn admit(
        &self,
        operation: &'static str,
        key: &str,
        write: bool,
        cost: u64,
    ) -> Result<(), StoreError> {
        let mut usage = self.usage.get();
        if let Some(windows) = self.windows.borrow_mut().as_mut() {
            let now = self.clock.now_ms();
            windows.requests.roll(now);
            let units = if write {
                &mut windows.write
            } else {
                &mut windows.read
            };
            units.roll(now);
            if !windows.requests.fits(1) || !units.fits(cost) {
                usage.refused += 1;
                self.usage.set(usage);
                return Err(StoreError::rate_limited(
                    operation,
                    key,
                    "Rate limit exceeded (RATE_LIMIT_EXCEEDED)".into(),
                ));
            }
            windows.requests.used += 1;
            let units = if write {
                &mut windows.write
            } else {
                &mut windows.read
            };
            units.used += cost;
        }
        usage.requests += 1;
        let kind: String = key.chars().take_while(|c| !c.is_ascii_digit()).collect();
        let mut by_kind = self.by_kind.borrow_mut();
        let entry = by_kind.entry(kind).or_default();
        if write {
            entry.1 += cost;
        } else {
            entry.0 += cost;
        }
        if write {
            usage.write_units += cost;
        } else {
            usage.read_units += cost;
        }
        self.usage.set(usage);
        Ok(())
    }
}

fn units(bytes: usize) -> u64 {
    bytes.div_ceil(UNIT_BYTES).max(1) as u64
}

impl Deref for QuotaStore {
    type Target = MemoryStore;

    fn deref(&self) -> &MemoryStore {
        &self.inner
    }
}

impl KvStore for QuotaStore {
    async fn get(&self, key: &str) -> Result<Option<Value>, StoreError> {
        let stored = self.inner.values.borrow().get(key).cloned();
        let cost = stored.as_ref().map_or(1, |v| units(v.to_string().len()));
        self.admit("get", key, false, cost)?;
        Ok(stored)
    }

    async fn set(&self, key: &str, value: &Value) -> Result<(), StoreError> {
        self.admit("set", key, true, units(value.to_string().len()))?;
        self.inner.set(key, value).await
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.admit("delete", key, true, 1)?;
        self.inner.delete(key).await
    }

    /// Charged as Forge's query is: the values of the page, in one request.
    async fn list(&self, prefix: &str, cursor: Option<&str>) -> Result<KeyPage, StoreError> {
        let page = self.inner.list(prefix, cursor).await?;
        let bytes: usize = {
            let values = self.inner.values.borrow();
            page.keys
                .iter()
                .filter_map(|k| values.get(k))
                .map(|v| v.to_string().len())
                .sum()
        };
        self.admit("query", prefix, false, units(bytes))?;
        Ok(page)
    }
}
