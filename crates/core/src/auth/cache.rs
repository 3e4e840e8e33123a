//! An access token kept until shortly before it expires, so a run asks for one token per hour,
//! not one per request, and never sends one that is about to lapse mid-request.

use crate::clock::Clock;

use super::AccessToken;

/// Renew this long before the stated expiry (clock skew, long pages, queue delays).
pub const RENEW_MARGIN_MS: u64 = 5 * 60 * 1000;

#[derive(Debug, Clone, Default)]
pub struct TokenCache {
    held: Option<(AccessToken, u64)>,
}

impl TokenCache {
    /// The cached token if it is still good at `clock`'s now.
    pub fn current(&self, clock: &impl Clock) -> Option<&AccessToken> {
        let (token, renew_at) = self.held.as_ref()?;
        (clock.now_ms() < *renew_at).then_some(token)
    }

    pub fn store(&mut self, token: AccessToken, clock: &impl Clock) {
        let lifetime_ms = token.expires_in_seconds.saturating_mul(1000);
        let renew_at = clock.now_ms() + lifetime_ms.saturating_sub(RENEW_MARGIN_MS);
        self.held = Some((token, renew_at));
    }

    /// Forget the token (Graph said 401: it was revoked or the clock lied).
    pub fn clear(&mut self) {
        self.held = None;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn keeps_a_token_until_five_minutes_before_expiry() {
        let clock = ManualClock::at(1_000);
        let mut cache = TokenCache::default();
        assert!(cache.current(&clock).is_none());
        cache.store(AccessToken::new("t", 3599), &clock);
        clock.advance(Duration::from_secs(3599 - 301));
        assert!(cache.current(&clock).is_some());
        clock.advance(Duration::from_secs(2));
        assert!(cache.current(&clock).is_none());
        cache.store(AccessToken::new("t2", 3599), &clock);
        cache.clear();
        assert!(cache.current(&clock).is_none());
    }

    #[test]
    fn a_token_shorter_than_the_margin_is_never_reused() {
        let clock = ManualClock::at(0);
        let mut cache = TokenCache::default();
        cache.store(AccessToken::new("short", 60), &clock);
        assert!(cache.current(&clock).is_none());
    }
}
