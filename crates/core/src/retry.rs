//! When to try a Graph call again, as data: which answers are transient, how long to wait, and
//! when to stop. `Retry-After` from the service always wins over our own back-off.

use std::cell::Cell;
use std::time::Duration;

use crate::clock::Clock;
use crate::http::{HttpRequest, HttpResponse, HttpTransport, TransportError};

#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included.
    pub max_attempts: u32,
    /// Back-off for the first retry when the service names no wait; doubles each time.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// Statuses worth another try (throttling and transient gateway failures).
    pub retry_statuses: Vec<u16>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            retry_statuses: vec![429, 503, 504],
        }
    }
}

impl RetryPolicy {
    /// JSM Assets counts requests per minute and may answer 429 without `Retry-After`
    /// (JSDCLOUD-11605): back off long enough (1 + 2 + … + 60 s) to outlast a whole window.
    pub fn assets() -> Self {
        Self {
            max_attempts: 8,
            ..Self::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// The answer is final (success or a permanent error).
    Accept,
    /// Wait this long, then send the same request again.
    RetryAfter(Duration),
    /// Transient, but the attempts are used up.
    GiveUp,
}

impl RetryPolicy {
    /// `attempt` counts from 1 for the request that produced `response`.
    pub fn decide(&self, attempt: u32, response: &HttpResponse) -> Decision {
        if !self.retry_statuses.contains(&response.status) {
            return Decision::Accept;
        }
        if attempt >= self.max_attempts {
            return Decision::GiveUp;
        }
        let told = response.header("Retry-After").and_then(parse_retry_after);
        Decision::RetryAfter(told.unwrap_or_else(|| self.backoff(attempt)))
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// What a series of requests to one service cost (sent requests, retries included, and time spent
/// waiting as told), and until when that service asked us to hold off.
#[derive(Debug, Default)]
pub struct Meter {
    pub requests: Cell<u32>,
    pub throttled: Cell<u32>,
    pub waited_ms: Cell<u64>,
    /// Clock time before which no request to this service is sent: a wait one request was told
    /// applies to every request in flight beside it.
    pub paused_until_ms: Cell<u64>,
}

impl Meter {
    /// Waits out a pause another request was told to take.
    async fn hold<C: Clock>(&self, clock: &C) {
        loop {
            let now = clock.now_ms();
            let until = self.paused_until_ms.get();
            if until <= now {
                return;
            }
            clock.sleep(Duration::from_millis(until - now)).await;
        }
    }
}

/// Sends `request`, waiting and resending while the answer is transient, as `policy` says. Nothing
/// is sent to the service while a wait it asked for is pending, by this request or any other
/// sharing `meter`.
pub async fn send_with_retry<T: HttpTransport, C: Clock>(
    transport: &T,
    clock: &C,
    policy: &RetryPolicy,
    meter: &Meter,
    request: HttpRequest,
) -> Result<HttpResponse, TransportError> {
    let mut attempt = 1;
    loop {
        meter.hold(clock).await;
        meter.requests.set(meter.requests.get() + 1);
        let response = transport.send(request.clone()).await?;
        match policy.decide(attempt, &response) {
            Decision::Accept | Decision::GiveUp => return Ok(response),
            Decision::RetryAfter(wait) => {
                meter.throttled.set(meter.throttled.get() + 1);
                meter
                    .waited_ms
                    .set(meter.waited_ms.get() + wait.as_millis() as u64);
                let until = clock.now_ms() + wait.as_millis() as u64;
                if until > meter.paused_until_ms.get() {
                    meter.paused_until_ms.set(until);
                }
                attempt += 1;
            }
        }
    }
}

/// Graph sends seconds, sometimes fractional (`2.128`). HTTP dates are not used by Graph and are
/// treated as absent, which falls back to our back-off.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let seconds: f64 = value.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use std::future::Future;

    use super::*;

    fn answer(status: u16, retry_after: Option<&str>) -> HttpResponse {
        HttpResponse {
            status,
            headers: retry_after
                .map(|v| vec![("Retry-After".to_string(), v.to_string())])
                .unwrap_or_default(),
            body: String::new(),
        }
    }

    #[test]
    fn honours_fractional_retry_after() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.decide(1, &answer(429, Some("2.128"))),
            Decision::RetryAfter(Duration::from_millis(2128))
        );
    }

    #[test]
    fn backs_off_exponentially_without_a_header_and_gives_up() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.decide(1, &answer(503, None)),
            Decision::RetryAfter(Duration::from_secs(1))
        );
        assert_eq!(
            policy.decide(3, &answer(504, Some("soon"))),
            Decision::RetryAfter(Duration::from_secs(4))
        );
        assert_eq!(policy.decide(6, &answer(429, Some("1"))), Decision::GiveUp);
        assert_eq!(policy.decide(1, &answer(403, None)), Decision::Accept);
        assert_eq!(policy.decide(1, &answer(200, None)), Decision::Accept);
    }

    /// A clock on which sleepers wake in time order: when every request is waiting, time jumps to
    /// the earliest wake-up, so concurrent requests see one shared timeline.
    #[derive(Default)]
    struct SharedTimeline {
        now: Cell<u64>,
        wakes: std::cell::RefCell<Vec<u64>>,
    }

    impl Clock for SharedTimeline {
        fn now_ms(&self) -> u64 {
            self.now.get()
        }

        fn sleep(&self, duration: Duration) -> impl Future<Output = ()> {
            let wake = self.now.get() + duration.as_millis() as u64;
            self.wakes.borrow_mut().push(wake);
            std::future::poll_fn(move |_| {
                if self.now.get() >= wake {
                    std::task::Poll::Ready(())
                } else {
                    std::task::Poll::Pending
                }
            })
        }
    }

    #[test]
    fn a_wait_one_request_is_told_holds_every_request_beside_it() {
        let clock = SharedTimeline::default();
        let sent = std::cell::RefCell::new(Vec::new());
        let transport = |request: HttpRequest| {
            let at = clock.now_ms();
            let first = !sent.borrow().iter().any(|(_, url)| *url == request.url);
            sent.borrow_mut().push((at, request.url.clone()));
            let wait = if request.url.ends_with("/a") {
                "5"
            } else {
                "1"
            };
            async move {
                Ok(if first {
                    answer(429, Some(wait))
                } else {
                    answer(200, None)
                })
            }
        };
        let meter = Meter::default();
        let policy = RetryPolicy::default();
        let both = futures_util::future::join(
            send_with_retry(
                &transport,
                &clock,
                &policy,
                &meter,
                HttpRequest::get("https://x/a"),
            ),
            send_with_retry(
                &transport,
                &clock,
                &policy,
                &meter,
                HttpRequest::get("https://x/b"),
            ),
        );
        let mut both = std::pin::pin!(both);
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        let (a, b) = loop {
            if let std::task::Poll::Ready(done) = both.as_mut().poll(&mut context) {
                break done;
            }
            let now = clock.now.get();
            let next = clock
                .wakes
                .borrow()
                .iter()
                .copied()
                .filter(|w| *w > now)
                .min();
            clock.now.set(next.expect("someone is waiting"));
        };
        assert_eq!(
            (a.map(|r| r.status), b.map(|r| r.status)),
            (Ok(200), Ok(200))
        );
        let sent = sent.borrow().clone();
        // a went first and was told to wait 5 s: b holds too, and its own shorter wait (1 s) does
        // not let it out earlier.
        assert_eq!(sent[0], (0, "https://x/a".to_string()));
        assert!(
            sent[1..].iter().all(|(at, _)| *at >= 5_000),
            "nothing goes out before 5 s: {sent:?}"
        );
        assert_eq!(meter.throttled.get(), 2);
    }

    #[test]
    fn the_assets_policy_outlasts_a_minute_long_window_without_retry_after() {
        let policy = RetryPolicy::assets();
        let mut waited = Duration::ZERO;
        let mut attempt = 1;
        while let Decision::RetryAfter(wait) = policy.decide(attempt, &answer(429, None)) {
            waited += wait;
            attempt += 1;
        }
        assert!(waited >= Duration::from_secs(60), "{waited:?}");
    }

    #[test]
    fn rejects_nonsense_waits() {
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("NaN"), None);
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
    }
}
