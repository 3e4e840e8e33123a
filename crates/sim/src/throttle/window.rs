//! A sliding-window budget: what was spent in the last `window_ms`, entry by entry, so the moment
//! the budget frees up (Retry-After) can be computed exactly.

use std::collections::VecDeque;

#[derive(Debug, Default)]
pub struct Window {
    /// (when, units), oldest first.
    spent: VecDeque<(u64, u32)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spend {
    /// Units in the window including this request.
    pub used: u64,
    /// `Some(ms)` when over budget: how long until a request of the same cost fits again.
    pub retry_after_ms: Option<u64>,
}

impl Window {
    /// Spends `units` at `now`. Throttled requests count too (graph-api.md §6), so a client that
    /// keeps hammering keeps being throttled; one that waits the answered time gets through.
    pub fn spend(&mut self, now: u64, units: u32, limit: u32, window_ms: u64) -> Spend {
        while self
            .spent
            .front()
            .is_some_and(|&(at, _)| at.saturating_add(window_ms) <= now)
        {
            self.spent.pop_front();
        }
        let before: u64 = self.spent.iter().map(|&(_, u)| u64::from(u)).sum();
        let fits = before + u64::from(units) <= u64::from(limit);
        self.spent.push_back((now, units));
        let used = before + u64::from(units);
        if fits {
            return Spend {
                used,
                retry_after_ms: None,
            };
        }
        // The earliest time at which what is still in the window plus one more such request fits.
        let needed = u64::from(units.min(limit));
        let mut remaining = used;
        let mut free_at = now;
        for &(at, spent) in &self.spent {
            remaining -= u64::from(spent);
            free_at = at.saturating_add(window_ms);
            if remaining + needed <= u64::from(limit) {
                break;
            }
        }
        Spend {
            used,
            retry_after_ms: Some(free_at.saturating_sub(now).max(1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttles_beyond_the_limit_until_the_window_slides() {
        let mut window = Window::default();
        assert_eq!(window.spend(0, 2, 5, 10_000).retry_after_ms, None);
        assert_eq!(window.spend(1_000, 2, 5, 10_000).retry_after_ms, None);
        // 4 used, 2 more would make 6 > 5: free once the first spend leaves, and this one counts.
        let spend = window.spend(2_000, 2, 5, 10_000);
        assert_eq!(spend.used, 6);
        assert_eq!(spend.retry_after_ms, Some(9_000));
        assert_eq!(window.spend(11_000, 2, 5, 10_000).retry_after_ms, None);
    }
}
