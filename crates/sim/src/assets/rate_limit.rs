//! A per-minute request budget over all Assets and Jira routes. Assets documents 429s per endpoint
//! per minute, and JSDCLOUD-11605 reports them *without* `Retry-After`; clients must cope with both,
//! so whether the header is sent is part of the configuration.

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
    /// Sim clock milliseconds: the window moves with the sim's clock, so tests that advance it see
    /// the budget come back.
    window_start: Option<u64>,
    used: u32,
}

/// Outcome of one request against the budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Allowed,
    /// Over budget; `Some(secs)` when `Retry-After` is to be sent.
    Limited(Option<u64>),
}

const WINDOW_MS: u64 = 60_000;

impl RateLimiter {
    pub fn configure(&mut self, limit: Option<RateLimit>) {
        self.limit = limit;
        self.window_start = None;
        self.used = 0;
    }

    pub fn admit(&mut self, now_ms: u64) -> Admission {
        let Some(limit) = self.limit else {
            return Admission::Allowed;
        };
        let start = match self.window_start {
            Some(start) if now_ms.saturating_sub(start) < WINDOW_MS && now_ms >= start => start,
            _ => {
                self.used = 0;
                self.window_start = Some(now_ms);
                now_ms
            }
        };
        if self.used < limit.per_minute {
            self.used += 1;
            return Admission::Allowed;
        }
        let left_ms = WINDOW_MS - (now_ms - start);
        // Rounded up: a client waiting exactly this long must find the new window open.
        Admission::Limited(
            limit
                .send_retry_after
                .then_some(left_ms.div_ceil(1000).max(1)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_resets_with_the_window() {
        let mut limiter = RateLimiter::default();
        let t0 = 1_000_000;
        assert_eq!(limiter.admit(t0), Admission::Allowed);
        limiter.configure(Some(RateLimit {
            per_minute: 1,
            send_retry_after: true,
        }));
        assert_eq!(limiter.admit(t0), Admission::Allowed);
        assert_eq!(limiter.admit(t0), Admission::Limited(Some(60)));
        assert_eq!(limiter.admit(t0 + WINDOW_MS), Admission::Allowed);
    }
}
