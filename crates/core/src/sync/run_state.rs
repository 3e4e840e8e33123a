//! The active run as stored under `run:active`: its stage, the sequence number of the queue event it
//! waits for, and a heartbeat (when its current stage began and by when it must report). Liveness
//! replaces a fixed lease: a run whose heartbeat is overdue by more than [`GRACE_MS`] is stalled,
//! and the next trigger or redelivered event takes it over.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::assets::Destination;
use super::budget::Budget;
use super::checkpoint::Checkpoint;

pub const RUN_STATE_VERSION: u32 = 1;

/// The longest a step may work. A step reports within this (plus the time to save), so a dead step
/// is noticed within `STEP_MAX_MS + GRACE_MS` of its start: 4 minutes, well under Forge's
/// 15-minute consumer timeout, which used to be the lease.
pub const STEP_MAX_MS: u64 = 180_000;
/// Kept back from a step's work for saving its checkpoint and pushing the next event.
pub const SAVE_MS: u64 = 20_000;
/// Lateness tolerated beyond a deadline (clock skew between invocations, a slow KVS write).
pub const GRACE_MS: u64 = 60_000;
/// A pushed event is delivered within this, or its run counts as stalled (after the grace).
pub const DELIVERY_MS: u64 = 60_000;
/// Sync now has this long to build the first checkpoint (a resolver runs at most 25 s).
pub const STARTING_MS: u64 = 30_000;

// A dead step is noticed within a few minutes, well under the old 20-minute lease.
const _: () = assert!(STEP_MAX_MS + GRACE_MS <= 5 * 60_000 && DELIVERY_MS <= STEP_MAX_MS);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "name")]
pub enum Stage {
    /// Sync now claimed the run and is building its first checkpoint.
    Starting,
    /// Event `seq` was pushed; the run waits for its delivery.
    Queued,
    /// A step for event `seq` is working.
    Stepping,
    /// The step of event `seq` is saved; event `next` is to be pushed. `failed`: the push was refused.
    Pushing { next: u64, failed: bool },
    /// The mass-deletion guard stopped the run until an admin confirms or cancels.
    AwaitingConfirmation { retire: u64, threshold: u64 },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Heartbeat {
    /// When the current stage began; a step's result names it, so a taken-over step's late result
    /// is recognised and dropped.
    pub since_ms: u64,
    /// By when the stage must have reported.
    pub deadline_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunState {
    pub version: u32,
    pub run_id: String,
    pub trigger: String,
    pub dry_run: bool,
    pub started_ms: u64,
    /// Where the run writes: the destination when it started, whatever is saved meanwhile.
    pub destination: Option<Destination>,
    pub seq: u64,
    pub stage: Stage,
    pub heartbeat: Heartbeat,
    /// `None` only while [`Stage::Starting`].
    pub checkpoint: Option<Checkpoint>,
    /// What the last step reported for the page.
    pub progress: Value,
}

impl RunState {
    /// Whether the run has gone silent past its deadline and the grace: a trigger takes it over.
    pub fn stalled(&self, now_ms: u64) -> bool {
        match self.stage {
            Stage::AwaitingConfirmation { .. } => false,
            Stage::Pushing { failed: true, .. } => true,
            _ => now_ms > self.heartbeat.deadline_ms.saturating_add(GRACE_MS),
        }
    }

    pub fn beat(&mut self, now_ms: u64, within_ms: u64) {
        self.heartbeat = Heartbeat {
            since_ms: now_ms,
            deadline_ms: now_ms.saturating_add(within_ms),
        };
    }

    /// The event that follows `seq` is to be pushed; it should be confirmed at once.
    pub fn push_next(&mut self, now_ms: u64) -> u64 {
        let next = self.seq + 1;
        self.stage = Stage::Pushing {
            next,
            failed: false,
        };
        self.beat(now_ms, 0);
        next
    }
}

/// A step's length: what the invocation has left, at most [`STEP_MAX_MS`]. The step works until
/// [`SAVE_MS`] before its end; the heartbeat deadline is the end itself.
pub fn step_ms(remaining_ms: u64) -> u64 {
    remaining_ms.min(STEP_MAX_MS)
}

/// The work budget of a step of `length_ms` starting at `now_ms`: about 100 Graph requests a minute.
pub fn budget(now_ms: u64, length_ms: u64) -> Budget {
    let minutes = u32::try_from(length_ms / 60_000).unwrap_or(u32::MAX);
    Budget {
        deadline_ms: now_ms + length_ms.saturating_sub(SAVE_MS),
        max_requests: minutes
            .saturating_add(1)
            .saturating_mul(100)
            .saturating_sub(10)
            .max(10),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_lasts_what_the_invocation_has_left_but_at_most_three_minutes() {
        assert_eq!(step_ms(26_000), 26_000);
        assert_eq!(step_ms(900_000), STEP_MAX_MS);
        let b = budget(1_000, STEP_MAX_MS);
        assert_eq!(b.deadline_ms, 1_000 + STEP_MAX_MS - SAVE_MS);
        assert_eq!(b.max_requests, 390);
        assert_eq!(budget(0, 5_000).max_requests, 90);
        assert_eq!(
            budget(0, 5_000).deadline_ms,
            0,
            "no time to work, only to save"
        );
    }
}
