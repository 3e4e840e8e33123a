//! Forge's KVS quota, paced. Each installation may use 4,000 read and 4,000 write units a minute
//! (a unit is 10 KB of one request's data, rounded up); beyond, KVS answers 429
//! `RATE_LIMIT_EXCEEDED` without saying when the window frees (`@forge/kvs` passes on no
//! `Retry-After`). So a refused call waits and is sent again, the waits growing until together
//! they outlast a whole minute, with jitter so that two invocations refused at once do not come
//! back at once. A wait that would pass the step's budget is not taken: the call fails as
//! rate limited, and the step ends at its last safe point for the next step to resume.

use std::cell::Cell;
use std::time::Duration;

use serde_json::Value;

use super::store::{KeyPage, KvStore, StoreError};
use crate::clock::Clock;

/// How long a run's start may wait for the quota: Sync now has 30 s to build the first checkpoint.
pub const BEGIN_WAITS_MS: u64 = 20_000;

/// How long to wait after a refusal, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pacing {
    /// The wait after the first refusal; it doubles with each refusal of the same call.
    pub first_wait: Duration,
    /// No single wait is longer: the quota's window is a minute.
    pub max_wait: Duration,
    /// Up to this much is added to each wait, spread by key, attempt and time.
    pub jitter: Duration,
}

impl Default for Pacing {
    /// 2 + 4 + 8 + 16 + 32 s: by the fifth refusal of one call a whole window has passed.
    fn default() -> Self {
        Pacing {
            first_wait: Duration::from_secs(2),
            max_wait: Duration::from_secs(60),
            jitter: Duration::from_secs(1),
        }
    }
}

impl Pacing {
    /// The wait after refusal number `attempt` (from 1) of the call on `key` at `now_ms`.
    pub fn wait(&self, attempt: u32, key: &str, now_ms: u64) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        let base = self.first_wait.saturating_mul(factor).min(self.max_wait);
        let jitter_ms = self.jitter.as_millis() as u64;
        if jitter_ms == 0 {
            return base;
        }
        let seed = format!("{key}\0{attempt}\0{now_ms}");
        let spread = xxhash_rust::xxh3::xxh3_64(seed.as_bytes()) % (jitter_ms + 1);
        base + Duration::from_millis(spread)
    }
}

/// Time a handler keeps after its last wait, for the call itself and what follows it.
pub const HOST_MARGIN_MS: u64 = 5_000;

impl Pacing {
    /// For a handler's own KVS call (run bookkeeping, settings) refused by the quota for the
    /// `attempt`th time: how long to wait before sending it again, or `None` when the wait would not
    /// end `HOST_MARGIN_MS` before the invocation's time runs out (the call then fails, and Forge's
    /// retry of the event or the admin's next press picks it up).
    pub fn host_wait(
        &self,
        attempt: u32,
        key: &str,
        now_ms: u64,
        remaining_ms: u64,
    ) -> Option<u64> {
        let wait = self.wait(attempt, key, now_ms).as_millis() as u64;
        (wait + HOST_MARGIN_MS <= remaining_ms).then_some(wait)
    }
}

/// A store that waits out the KVS quota, within a step's time.
pub struct PacedStore<'a, S, C> {
    inner: &'a S,
    clock: &'a C,
    policy: Pacing,
    /// Clock time by which every wait must have ended.
    waits_end_by_ms: u64,
    /// Refusals waited out, and the time spent waiting.
    pub waits: Cell<u32>,
    pub waited_ms: Cell<u64>,
}

impl<'a, S: KvStore, C: Clock> PacedStore<'a, S, C> {
    pub fn new(inner: &'a S, clock: &'a C, policy: Pacing, waits_end_by_ms: u64) -> Self {
        PacedStore {
            inner,
            clock,
            policy,
            waits_end_by_ms,
            waits: Cell::new(0),
            waited_ms: Cell::new(0),
        }
    }

    /// Whether to try again after `error` (having waited), or give the error back.
    async fn again(&self, error: &StoreError, attempt: u32) -> bool {
        if !error.is_rate_limited() {
            return false;
        }
        let now = self.clock.now_ms();
        let wait = self.policy.wait(attempt, &error.key, now);
        if now + wait.as_millis() as u64 > self.waits_end_by_ms {
            return false;
        }
        self.waits.set(self.waits.get() + 1);
        self.waited_ms
            .set(self.waited_ms.get() + wait.as_millis() as u64);
        self.clock.sleep(wait).await;
        true
    }
}

impl<S: KvStore, C: Clock> KvStore for PacedStore<'_, S, C> {
    async fn get(&self, key: &str) -> Result<Option<Value>, StoreError> {
        let mut attempt = 1;
        loop {
            match self.inner.get(key).await {
                Err(error) if self.again(&error, attempt).await => attempt += 1,
                result => return result,
            }
        }
    }

    async fn set(&self, key: &str, value: &Value) -> Result<(), StoreError> {
        let mut attempt = 1;
        loop {
            match self.inner.set(key, value).await {
                Err(error) if self.again(&error, attempt).await => attempt += 1,
                result => return result,
            }
        }
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        let mut attempt = 1;
        loop {
            match self.inner.delete(key).await {
                Err(error) if self.again(&error, attempt).await => attempt += 1,
                result => return result,
            }
        }
    }

    async fn list(&self, prefix: &str, cursor: Option<&str>) -> Result<KeyPage, StoreError> {
        let mut attempt = 1;
        loop {
            match self.inner.list(prefix, cursor).await {
                Err(error) if self.again(&error, attempt).await => attempt += 1,
                result => return result,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;
    use crate::clock::ManualClock;
    use crate::sync::store::MemoryStore;

    /// Refuses the first `refusals` calls as rate limited, then passes calls on.
    struct Refusing {
        inner: MemoryStore,
        refusals: Cell<u32>,
        calls: RefCell<Vec<&'static str>>,
    }

    impl KvStore for Refusing {
        async fn get(&self, key: &str) -> Result<Option<Value>, StoreError> {
            self.calls.borrow_mut().push("get");
            if self.refusals.get() > 0 {
                self.refusals.set(self.refusals.get() - 1);
                return Err(StoreError::rate_limited("get", key, "429".into()));
            }
            self.inner.get(key).await
        }

        async fn set(&self, key: &str, value: &Value) -> Result<(), StoreError> {
            self.calls.borrow_mut().push("set");
            self.inner.set(key, value).await
        }

        async fn delete(&self, key: &str) -> Result<(), StoreError> {
            self.inner.delete(key).await
        }

        async fn list(&self, prefix: &str, cursor: Option<&str>) -> Result<KeyPage, StoreError> {
            self.inner.list(prefix, cursor).await
        }
    }

    fn refusing(refusals: u32) -> Refusing {
        Refusing {
            inner: MemoryStore::default(),
            refusals: Cell::new(refusals),
            calls: RefCell::default(),
        }
    }

    #[test]
    fn waits_grow_until_a_whole_window_has_passed_and_carry_jitter() {
        let policy = Pacing::default();
        let waits: Vec<Duration> = (1..=5).map(|n| policy.wait(n, "k", 0)).collect();
        let total: Duration = waits.iter().sum();
        assert!(total >= Duration::from_secs(60), "{waits:?}");
        for (n, wait) in waits.iter().enumerate() {
            let base = Duration::from_secs(2 << n).min(Duration::from_secs(60));
            assert!(*wait >= base && *wait <= base + policy.jitter, "{waits:?}");
        }
        assert_eq!(policy.wait(9, "k", 0).as_secs(), 60, "capped at the window");
        let spread: std::collections::HashSet<Duration> =
            (0..20).map(|t| policy.wait(1, "k", t)).collect();
        assert!(spread.len() > 1, "jitter spreads the waits");
    }

    #[test]
    fn a_handler_waits_only_while_its_invocation_has_time_left() {
        let policy = Pacing::default();
        let first = policy
            .host_wait(1, "run:active", 0, 25_000)
            .expect("2 s fit in 25 s");
        assert!((2_000..=3_000).contains(&first), "{first}");
        assert_eq!(
            policy.host_wait(4, "run:active", 0, 20_000),
            None,
            "16 s + 5 s do not fit in 20 s"
        );
        assert!(policy.host_wait(4, "run:active", 0, 120_000).is_some());
    }

    #[test]
    fn a_refused_call_waits_and_is_sent_again() {
        let store = refusing(3);
        let clock = ManualClock::at(0);
        let paced = PacedStore::new(&store, &clock, Pacing::default(), 120_000);
        let got = pollster::block_on(paced.get("k"));
        assert_eq!(got, Ok(None));
        assert_eq!(store.calls.borrow().len(), 4);
        assert_eq!(paced.waits.get(), 3);
        assert!(clock.now_ms() >= 14_000, "2 + 4 + 8 s waited");
        assert_eq!(paced.waited_ms.get(), clock.now_ms());
    }

    #[test]
    fn a_wait_past_the_step_is_not_taken_and_other_errors_are_not_retried() {
        let store = refusing(10);
        let clock = ManualClock::at(0);
        let paced = PacedStore::new(&store, &clock, Pacing::default(), 10_000);
        let error = pollster::block_on(paced.get("k")).expect_err("refused");
        assert!(error.is_rate_limited());
        assert!(clock.now_ms() <= 10_000, "no wait past the step's end");
        assert_eq!(store.calls.borrow().len(), 3, "2 s and 4 s waited, 8 s not");

        let clock = ManualClock::at(0);
        let store = refusing(0);
        let paced = PacedStore::new(&store, &clock, Pacing::default(), 120_000);
        let huge = Value::String("x".repeat(300 * 1024));
        let error = pollster::block_on(paced.set("k", &huge)).expect_err("too big");
        assert!(!error.is_rate_limited());
        assert_eq!(store.calls.borrow().len(), 1);
        assert_eq!(clock.now_ms(), 0);
    }
}
