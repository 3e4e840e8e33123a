//! How many requests to keep in flight at once, adapted to how the service answers: one more after
//! a round that went through unthrottled, half as many after a throttled one (additive increase,
//! multiplicative decrease, as TCP does). A service that throttles gets fewer requests at once
//! without our guessing its limit; one that does not is used up to `max`.

use std::cell::Cell;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concurrency {
    pub min: u32,
    pub max: u32,
    current: Cell<u32>,
}

impl Concurrency {
    pub fn new(start: u32, min: u32, max: u32) -> Self {
        let min = min.max(1);
        let max = max.max(min);
        Self {
            min,
            max,
            current: Cell::new(start.clamp(min, max)),
        }
    }

    /// Requests to send in the next round.
    pub fn current(&self) -> usize {
        self.current.get() as usize
    }

    /// Learns from one round: was any of its requests throttled?
    pub fn record(&self, throttled: bool) {
        let current = self.current.get();
        let next = if throttled {
            (current / 2).max(self.min)
        } else {
            (current + 1).min(self.max)
        };
        self.current.set(next);
    }
}

/// Writes to JSM Assets (retiring objects one REST call each): Assets documents per-endpoint limits
/// per minute and answers 429, sometimes without Retry-After, when they are hit.
impl Default for Concurrency {
    fn default() -> Self {
        Self::new(4, 1, 16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_by_one_when_unthrottled_and_halves_when_throttled() {
        let c = Concurrency::new(4, 1, 6);
        c.record(false);
        c.record(false);
        c.record(false);
        assert_eq!(c.current(), 6, "capped at max");
        c.record(true);
        assert_eq!(c.current(), 3);
        c.record(true);
        c.record(true);
        c.record(true);
        assert_eq!(c.current(), 1, "never below min");
        c.record(false);
        assert_eq!(c.current(), 2);
    }

    #[test]
    fn start_and_bounds_are_kept_sane() {
        let c = Concurrency::new(50, 0, 8);
        assert_eq!((c.min, c.max, c.current()), (1, 8, 8));
    }
}
