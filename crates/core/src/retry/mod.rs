//! When to try a call again, as data: which failures are transient (no answer at all, throttling,
//! a server error), how often to try, how long to wait, and when to stop. `Retry-After` from the
//! service always wins over our own back-off. The Graph client, the token request and the Assets
//! client all send through [`send_with_retry`] (or [`send_built`]) with a policy of their own.

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
    /// Statuses worth another try: throttling and server errors.
    pub retry_statuses: Vec<u16>,
    /// Whether a request that got no answer at all (connection reset, DNS, "fetch failed") is
    /// sent again. Every request the engine sends may be repeated: reads, upserts by external id,
    /// the token request, chunks with their own `clientGeneratedId`.
    pub retry_transport: bool,
}

impl Default for RetryPolicy {
    /// 1 + 2 + 4 + 8 + 16 s between six attempts when the service names no wait.
    fn default() -> Self {
        Self {
            max_attempts: 6,
            base_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            retry_statuses: vec![429, 500, 502, 503, 504],
            retry_transport: true,
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

    /// For an admin waiting on a resolver (25 s in all): a few quick tries, then the answer.
    pub fn interactive(max_attempts: u32) -> Self {
        Self {
            max_attempts,
            max_backoff: Duration::from_secs(3),
            ..Self::default()
        }
    }

    /// Whether an answer with this status is worth another try.
    pub fn is_transient(&self, status: u16) -> bool {
        self.retry_statuses.contains(&status)
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
        if !self.is_transient(response.status) {
            return Decision::Accept;
        }
        if attempt >= self.max_attempts {
            return Decision::GiveUp;
        }
        Decision::RetryAfter(named_wait(response).unwrap_or_else(|| self.backoff(attempt)))
    }

    /// The same for attempt `attempt` that got no answer at all.
    pub fn decide_unanswered(&self, attempt: u32) -> Decision {
        if !self.retry_transport || attempt >= self.max_attempts {
            return Decision::GiveUp;
        }
        Decision::RetryAfter(self.backoff(attempt))
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.base_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// What a series of requests to one service cost (sent requests, retries included, and time spent
/// waiting as told), until when that service asked us to hold off, and by when every wait must
/// have ended.
#[derive(Debug)]
pub struct Meter {
    pub requests: Cell<u32>,
    pub throttled: Cell<u32>,
    pub waited_ms: Cell<u64>,
    /// Clock time before which no request to this service is sent: a wait one request was told
    /// applies to every request in flight beside it (and, through the checkpoint, to the next step).
    pub paused_until_ms: Cell<u64>,
    /// No wait runs past this clock time (a step's budget): a retry that would have to wait
    /// longer is not made, and the last answer (or failure) is given back for the step to end on.
    pub waits_end_by_ms: Cell<u64>,
}

impl Default for Meter {
    fn default() -> Self {
        Meter {
            requests: Cell::new(0),
            throttled: Cell::new(0),
            waited_ms: Cell::new(0),
            paused_until_ms: Cell::new(0),
            waits_end_by_ms: Cell::new(u64::MAX),
        }
    }
}

impl Meter {
    /// A meter whose waits end by `waits_end_by_ms`, holding off until `paused_until_ms` first.
    pub fn within(waits_end_by_ms: u64, paused_until_ms: u64) -> Self {
        let meter = Meter::default();
        meter.waits_end_by_ms.set(waits_end_by_ms);
        meter.paused_until_ms.set(paused_until_ms);
        meter
    }

    /// Waits out a pause another request was told to take. False when the pause lasts past the
    /// meter's end (having waited until then, so a step that cannot send still spends its time
    /// instead of handing over to a next step that could not send either).
    async fn hold<C: Clock>(&self, clock: &C) -> bool {
        loop {
            let now = clock.now_ms();
            let until = self.paused_until_ms.get();
            if until <= now {
                return true;
            }
            let end = self.waits_end_by_ms.get();
            if now >= end {
                return false;
            }
            clock
                .sleep(Duration::from_millis(until.min(end) - now))
                .await;
        }
    }

    /// Notes a wait of `wait` from now as a pause for every request; false when it would end past
    /// the meter's end (the pause is still noted, for the next step to honour).
    fn pause<C: Clock>(&self, clock: &C, wait: Duration) -> bool {
        let until = clock.now_ms() + wait.as_millis() as u64;
        if until > self.paused_until_ms.get() {
            self.paused_until_ms.set(until);
        }
        until <= self.waits_end_by_ms.get()
    }

    fn count_wait(&self, wait: Duration) {
        self.throttled.set(self.throttled.get() + 1);
        self.waited_ms
            .set(self.waited_ms.get() + wait.as_millis() as u64);
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
    send_built(transport, clock, policy, meter, || Ok(request.clone())).await
}

/// As [`send_with_retry`], building the request anew for each attempt (a token request signs a
/// fresh client assertion each time: an assertion's `jti` is meant to be used once).
pub async fn send_built<T, C, E, B>(
    transport: &T,
    clock: &C,
    policy: &RetryPolicy,
    meter: &Meter,
    mut build: B,
) -> Result<HttpResponse, E>
where
    T: HttpTransport,
    C: Clock,
    E: From<TransportError>,
    B: FnMut() -> Result<HttpRequest, E>,
{
    let mut attempt = 1;
    loop {
        let request = build()?;
        if !meter.hold(clock).await {
            return Err(deferred(&request, meter, clock).into());
        }
        meter.requests.set(meter.requests.get() + 1);
        let (decision, answer) = match transport.send(request).await {
            Ok(response) => (policy.decide(attempt, &response), Ok(response)),
            Err(error) => (policy.decide_unanswered(attempt), Err(error)),
        };
        match decision {
            Decision::RetryAfter(wait) if meter.pause(clock, wait) => {
                meter.count_wait(wait);
                attempt += 1;
            }
            Decision::GiveUp => {
                // The attempts are used up, but a wait the service named still holds for the
                // next request (the next step's).
                if let Some(wait) = answer.as_ref().ok().and_then(named_wait) {
                    meter.pause(clock, wait);
                }
                return answer.map_err(E::from);
            }
            _ => return answer.map_err(E::from),
        }
    }
}

fn named_wait(response: &HttpResponse) -> Option<Duration> {
    response.header("Retry-After").and_then(parse_retry_after)
}

/// The request that was not sent because the service's pause outlasts the step.
fn deferred<C: Clock>(request: &HttpRequest, meter: &Meter, clock: &C) -> TransportError {
    let left = meter.paused_until_ms.get().saturating_sub(clock.now_ms());
    TransportError {
        url: request.url.clone(),
        message: format!(
            "not sent yet: the service asked to wait {:.1} s more, past the end of this step",
            left as f64 / 1000.0
        ),
    }
}

/// Graph sends seconds, sometimes fractional (`2.128`). HTTP dates are not used by Graph and are
/// treated as absent, which falls back to our back-off.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let seconds: f64 = value.trim().parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests;
