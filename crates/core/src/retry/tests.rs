//! The retry loop against scripted transports and clocks.
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
