//! How much one step may spend: wall time and external requests (Forge counts 100 per
//! runtime-minute per invocation). The engine checks [`Budget::allows`] before each unit of work and
//! stops early enough to save its checkpoint.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Budget {
    /// Absolute deadline, milliseconds since the epoch, by which the step must have returned.
    pub deadline_ms: u64,
    /// External (Graph + token) requests this step may send.
    pub max_requests: u32,
}

/// Leave this much time for saving state after the last unit of work.
const RESERVE_MS: u64 = 5_000;

impl Budget {
    /// Whether another unit of work that takes up to `work_ms` and `requests` fits.
    pub fn allows(&self, now_ms: u64, used_requests: u32, work_ms: u64, requests: u32) -> bool {
        now_ms + work_ms + RESERVE_MS <= self.deadline_ms
            && used_requests + requests <= self.max_requests
    }

    /// Clock time by which a wait (for the KVS quota) must have ended, leaving time to save.
    pub fn waits_end_by_ms(&self) -> u64 {
        self.deadline_ms.saturating_sub(RESERVE_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_before_time_or_requests_run_out() {
        let budget = Budget {
            deadline_ms: 100_000,
            max_requests: 10,
        };
        assert!(budget.allows(0, 0, 10_000, 1));
        assert!(!budget.allows(90_000, 0, 10_000, 1), "no time to save");
        assert!(budget.allows(0, 9, 1, 1));
        assert!(!budget.allows(0, 10, 1, 1), "requests used up");
    }
}
