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

    /// A transport that answers from a script, in order, and records what was sent when.
    fn scripted<'c>(
        clock: &'c crate::clock::ManualClock,
        script: Vec<Result<HttpResponse, &'static str>>,
    ) -> (
        impl HttpTransport + 'c,
        std::rc::Rc<std::cell::RefCell<Vec<u64>>>,
    ) {
        let sent = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let script = std::cell::RefCell::new(std::collections::VecDeque::from(script));
        let log = sent.clone();
        let transport = move |request: HttpRequest| {
            log.borrow_mut().push(clock.now_ms());
            let next = script.borrow_mut().pop_front().expect("no more answers");
            async move {
                next.map_err(|message| TransportError {
                    url: request.url,
                    message: message.into(),
                })
            }
        };
        (transport, sent)
    }

    #[test]
    fn a_reset_connection_and_a_server_error_are_sent_again() {
        let clock = crate::clock::ManualClock::at(0);
        let (transport, sent) = scripted(
            &clock,
            vec![
                Err("connection reset by peer"),
                Ok(answer(500, None)),
                Ok(answer(502, None)),
                Ok(answer(200, None)),
            ],
        );
        let meter = Meter::default();
        let response = pollster::block_on(send_with_retry(
            &transport,
            &clock,
            &RetryPolicy::default(),
            &meter,
            HttpRequest::get("https://x/a"),
        ))
        .expect("answered in the end");
        assert_eq!(response.status, 200);
        assert_eq!(
            *sent.borrow(),
            vec![0, 1_000, 3_000, 7_000],
            "1, 2, 4 s apart"
        );
        assert_eq!(meter.requests.get(), 4);
    }

    #[test]
    fn a_failure_that_outlasts_the_attempts_is_given_back() {
        let clock = crate::clock::ManualClock::at(0);
        let (transport, sent) = scripted(&clock, vec![Err("fetch failed"); 3]);
        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        let error = pollster::block_on(send_with_retry(
            &transport,
            &clock,
            &policy,
            &Meter::default(),
            HttpRequest::get("https://x/a"),
        ))
        .expect_err("never answered");
        assert_eq!(error.message, "fetch failed");
        assert_eq!(sent.borrow().len(), 3);

        let (transport, sent) = scripted(&clock, vec![Err("fetch failed")]);
        let once = RetryPolicy {
            retry_transport: false,
            ..RetryPolicy::default()
        };
        let sent_once = pollster::block_on(send_with_retry(
            &transport,
            &clock,
            &once,
            &Meter::default(),
            HttpRequest::get("https://x/a"),
        ));
        assert!(sent_once.is_err());
        assert_eq!(
            sent.borrow().len(),
            1,
            "the policy says no retry of failures"
        );
        assert_eq!(
            RetryPolicy::default().decide(1, &answer(501, None)),
            Decision::Accept,
            "501 Not Implemented is permanent"
        );
    }

    #[test]
    fn a_wait_past_the_step_is_not_taken_but_holds_the_next_request() {
        let clock = crate::clock::ManualClock::at(0);
        let (transport, sent) = scripted(&clock, vec![Ok(answer(429, Some("10")))]);
        let meter = Meter::within(5_000, 0);
        let policy = RetryPolicy::default();
        let response = pollster::block_on(send_with_retry(
            &transport,
            &clock,
            &policy,
            &meter,
            HttpRequest::get("https://x/a"),
        ))
        .expect("the 429 itself");
        assert_eq!(response.status, 429, "given back, not waited for");
        assert_eq!(clock.now_ms(), 0);
        assert_eq!(
            meter.paused_until_ms.get(),
            10_000,
            "noted for the next step"
        );

        // Another request in the same step waits as long as the step allows, and is not sent.
        let error = pollster::block_on(send_with_retry(
            &transport,
            &clock,
            &policy,
            &meter,
            HttpRequest::get("https://x/b"),
        ))
        .expect_err("not sent");
        assert!(
            error.message.contains("past the end of this step"),
            "{error}"
        );
        assert_eq!(clock.now_ms(), 5_000);
        assert_eq!(sent.borrow().len(), 1);

        // The next step starts with the pause: it waits the rest, then sends.
        let clock = crate::clock::ManualClock::at(6_000);
        let (transport, sent) = scripted(&clock, vec![Ok(answer(200, None))]);
        let next = Meter::within(60_000, 10_000);
        pollster::block_on(send_with_retry(
            &transport,
            &clock,
            &policy,
            &next,
            HttpRequest::get("https://x/a"),
        ))
        .expect("sent after the pause");
        assert_eq!(*sent.borrow(), vec![10_000]);
    }

    #[test]
    fn rejects_nonsense_waits() {
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("NaN"), None);
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
    }
}
