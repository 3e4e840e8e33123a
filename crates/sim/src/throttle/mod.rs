//! Graph throttling (graph-api.md §6): per app+tenant budgets for the directory (resource units per
//! 10 s, sized by tenant) and Intune devices (requests per 20 s), enforced by a middleware inside
//! Graph's envelope so that throttled answers carry Graph's headers and error body.

mod cost;
mod layer;
mod window;

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError, RwLock};

pub use cost::{Bucket, Cost, cost};
pub use layer::layer;
pub use window::{Spend, Window};

use crate::state::SimState;

/// Budgets, defaulting to the documented figures. Tests shrink them (see [`SimState::set_throttle`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleConfig {
    pub enabled: bool,
    /// Resource units per window; `None` sizes it by the tenant's users: 3,500 / 5,000 / 8,000
    /// for < 50 / 50–500 / > 500 users.
    pub directory_units: Option<u32>,
    pub directory_window_ms: u64,
    /// Intune devices: 2,000 requests per 20 s per app+tenant.
    pub intune_requests: u32,
    pub intune_window_ms: u64,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            directory_units: None,
            directory_window_ms: 10_000,
            intune_requests: 2_000,
            intune_window_ms: 20_000,
        }
    }
}

impl ThrottleConfig {
    /// No throttling at all; responses still carry `x-ms-resource-unit`.
    pub fn disabled() -> Self {
        Self {
            enabled: false,
            ..Self::default()
        }
    }

    /// The documented windows with small budgets, for tests.
    pub fn budgets(directory_units: u32, intune_requests: u32) -> Self {
        Self {
            directory_units: Some(directory_units),
            intune_requests,
            ..Self::default()
        }
    }
}

/// The documented directory budget for a tenant with `users` users.
pub fn directory_budget_for(users: usize) -> u32 {
    match users {
        0..50 => 3_500,
        50..=500 => 5_000,
        _ => 8_000,
    }
}

/// Key of one budget: bucket, app id, tenant id.
type Key = (Bucket, String, String);

/// Lives in the sim state.
#[derive(Debug, Default)]
pub struct Throttle {
    config: RwLock<ThrottleConfig>,
    windows: Mutex<HashMap<Key, Window>>,
}

impl Throttle {
    pub fn config(&self) -> ThrottleConfig {
        *self.config.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, config: ThrottleConfig) {
        *self.config.write().unwrap_or_else(PoisonError::into_inner) = config;
        self.windows
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Spends `units` from one budget at `now_ms`.
    pub fn spend(&self, key: Key, now_ms: u64, units: u32, limit: u32, window_ms: u64) -> Spend {
        // Plain counters: a panic elsewhere cannot leave them inconsistent enough to matter.
        let mut windows = self.windows.lock().unwrap_or_else(PoisonError::into_inner);
        windows
            .entry(key)
            .or_default()
            .spend(now_ms, units, limit, window_ms)
    }
}

impl SimState {
    /// Replaces the throttling budgets and forgets what was spent so far.
    pub fn set_throttle(&self, config: ThrottleConfig) {
        self.throttle().set(config);
    }

    pub fn throttle_config(&self) -> ThrottleConfig {
        self.throttle().config()
    }
}
