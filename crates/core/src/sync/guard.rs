//! What a run may remove: the deletion policy, and the mass-deletion guard that stops a run before
//! it removes more than the admin expects.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum DeletionPolicy {
    /// Objects gone from Entra stay in Assets with status "Deleted in Entra".
    Retire,
    /// Objects gone from Entra are deleted from Assets.
    Delete,
}

/// The deletion policy and the mass-deletion guard: a run that would retire more than
/// `max(percent % of the known objects of a type, minimum)` stops and asks for confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Guard {
    pub policy: DeletionPolicy,
    pub percent: u8,
    pub minimum: u64,
}

impl Default for Guard {
    fn default() -> Self {
        Guard {
            policy: DeletionPolicy::Retire,
            percent: 5,
            minimum: 500,
        }
    }
}

impl Guard {
    /// The most objects of a type with `known` committed objects that may go without confirmation.
    pub fn threshold(&self, known: u64) -> u64 {
        (known.saturating_mul(u64::from(self.percent)) / 100).max(self.minimum)
    }
}
