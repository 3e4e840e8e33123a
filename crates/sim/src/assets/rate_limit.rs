//! A per-minute request budget over all Assets and Jira routes. Assets documents 429s per endpoint
//! per minute, and JSDCLOUD-11605 reports them *without* `Retry-After`; clients must cope with both,
//! so whether the header is sent is part of the configuration.

use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window; the next ones get 429 until the window ends.
    pub per_minute: u32,
    /// Send `Retry-After` (seconds until the window ends) with each 429.
    pub send_retry_after: bool,
}

#[derive(Debug, Default)]
pub(crate) struct RateLimiter {
    limit: Option<RateLimit>,
    window_start: Option<Instant>,
    used: u32,
}

/// Outcome of one request against the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Allowed,
    /// Over budget; `Some(secs)` when `Retry-After` is to be sent.
    Limited(Option<u64>),
}

const WINDOW: Duration = Duration::from_secs(60);

impl RateLimiter {
    pub fn configure(&mut self, limit: Option<RateLimit>) {
        self.limit = limit;
        self.window_start = None;
        self.used = 0;
    }

    pub fn admit(&mut self, now: Instant) -> Admission {
        let Some(limit) = self.limit else {
            return Admission::Allowed;
        };
        let start = match self.window_start {
            Some(start) if now.duration_since(start) < WINDOW => start,
            _ => {
                self.used = 0;
                self.window_start = Some(now);
                now
            }
        };
        if self.used < limit.per_minute {
            self.used += 1;
            return Admission::Allowed;
        }
        let left = WINDOW.saturating_sub(now.duration_since(start));
        // Rounded up: a client waiting exactly this long must find the new window open.
        let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        Admission::Limited(limit.send_retry_after.then_some(secs.max(1)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_resets_with_the_window() {
        let mut limiter = RateLimiter::default();
        let t0 = Instant::now();
        assert_eq!(limiter.admit(t0), Admission::Allowed);
        limiter.configure(Some(RateLimit {
            per_minute: 1,
            send_retry_after: true,
        }));
        assert_eq!(limiter.admit(t0), Admission::Allowed);
        assert_eq!(limiter.admit(t0), Admission::Limited(Some(60)));
        assert_eq!(limiter.admit(t0 + WINDOW), Admission::Allowed);
    }
}
