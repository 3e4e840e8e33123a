//! Time, as the core sees it: a trait, so tests run on a fake clock and the wasm facade on JS timers.

use std::future::Future;
use std::time::Duration;

pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()>;
}

/// A clock that only moves when slept on; records every sleep so tests can assert the waits.
#[derive(Debug, Default)]
pub struct ManualClock {
    now: std::cell::Cell<u64>,
    slept: std::cell::RefCell<Vec<Duration>>,
}

impl ManualClock {
    pub fn at(now_ms: u64) -> Self {
        Self {
            now: std::cell::Cell::new(now_ms),
            slept: std::cell::RefCell::default(),
        }
    }

    pub fn advance(&self, duration: Duration) {
        self.now.set(self.now.get() + duration.as_millis() as u64);
    }

    pub fn sleeps(&self) -> Vec<Duration> {
        self.slept.borrow().clone()
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.now.get()
    }

    async fn sleep(&self, duration: Duration) {
        self.slept.borrow_mut().push(duration);
        self.advance(duration);
    }
}
