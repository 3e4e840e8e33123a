//! Switches tests and the demo flip on delta tokens: force expiry, and how an unusable token is answered.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// How an expired or unknown delta token is answered. Graph documents both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeltaResetMode {
    /// 400 with code `syncStateNotFound`.
    #[default]
    SyncStateNotFound,
    /// 410 Gone with a `Location` header pointing at a fresh (token-less) delta URL.
    Gone,
}

#[derive(Debug, Default)]
pub struct DeltaControls {
    /// Tokens carry the generation they were issued in; an older one is expired.
    generation: AtomicU64,
    gone: AtomicBool,
}

impl DeltaControls {
    /// Makes every delta and skip token issued so far invalid, as if seven days had passed.
    pub fn expire_tokens(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn set_reset_mode(&self, mode: DeltaResetMode) {
        self.gone
            .store(mode == DeltaResetMode::Gone, Ordering::SeqCst);
    }

    pub fn reset_mode(&self) -> DeltaResetMode {
        if self.gone.load(Ordering::SeqCst) {
            DeltaResetMode::Gone
        } else {
            DeltaResetMode::SyncStateNotFound
        }
    }
}
