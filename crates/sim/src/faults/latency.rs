//! A latency model for every non-control request: `baseMs` plus a deterministic jitter in
//! `[0, jitterMs]` drawn from `seed` and the request's position, plus `perItemUs` for each item of a
//! collection answer (`value` in Graph, `values` in Assets REST).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The JSON body of `POST /_sim/latency`, and what `GET /_sim/latency` answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LatencyModel {
    #[serde(default)]
    pub base_ms: u64,
    #[serde(default)]
    pub jitter_ms: u64,
    #[serde(default)]
    pub per_item_us: u64,
    /// Same seed and request order, same delays.
    #[serde(default)]
    pub seed: u64,
}

impl LatencyModel {
    pub fn is_zero(&self) -> bool {
        self.base_ms == 0 && self.jitter_ms == 0 && self.per_item_us == 0
    }
}

#[derive(Default)]
pub struct Latency {
    active: AtomicBool,
    model: RwLock<LatencyModel>,
    /// Requests delayed since the model was set; the jitter's input.
    sequence: AtomicU64,
}

/// The delays of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Plan {
    pub fixed: Duration,
    pub per_item: Duration,
}

impl Latency {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&self, model: LatencyModel) {
        *self.model.write().unwrap_or_else(PoisonError::into_inner) = model;
        self.sequence.store(0, Ordering::Relaxed);
        self.active.store(!model.is_zero(), Ordering::Release);
    }

    pub fn get(&self) -> LatencyModel {
        *self.model.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn clear(&self) {
        self.set(LatencyModel::default());
    }

    /// `None` on the fast path (no model configured).
    pub(crate) fn plan(&self) -> Option<Plan> {
        if !self.active.load(Ordering::Acquire) {
            return None;
        }
        let model = self.get();
        let n = self.sequence.fetch_add(1, Ordering::Relaxed);
        let jitter_us = match model.jitter_ms {
            0 => 0,
            ms => splitmix64(model.seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15)) % (ms * 1000 + 1),
        };
        Some(Plan {
            fixed: Duration::from_millis(model.base_ms) + Duration::from_micros(jitter_us),
            per_item: Duration::from_micros(model.per_item_us),
        })
    }
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jitter_is_bounded_and_repeatable() {
        let latency = Latency::new();
        assert_eq!(latency.plan(), None);
        let model = LatencyModel {
            base_ms: 10,
            jitter_ms: 5,
            per_item_us: 3,
            seed: 7,
        };
        latency.set(model);
        let first: Vec<Plan> = (0..50).filter_map(|_| latency.plan()).collect();
        latency.set(model);
        let again: Vec<Plan> = (0..50).filter_map(|_| latency.plan()).collect();
        assert_eq!(first, again);
        assert!(first.iter().all(|p| p.fixed >= Duration::from_millis(10)
            && p.fixed <= Duration::from_millis(15)
            && p.per_item == Duration::from_micros(3)));
        assert!(first.windows(2).any(|w| w[0].fixed != w[1].fixed));
        latency.clear();
        assert_eq!(latency.plan(), None);
    }
}
