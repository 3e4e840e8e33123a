//! Passing failures against the in-process simulator's fault controls: connection resets and
//! server errors on Graph, the token endpoint and Assets are retried within the run; a token that
//! expires mid-run is renewed once; throttling that outlasts a step ends the step and the next
//! one resumes; only a run that cannot progress for 30 minutes fails, naming the cause.

mod support;

use std::cell::Cell;
use std::time::Duration;

use entra_sync_core::sync::datasets::Dataset;
use entra_sync_core::sync::{Budget, Outcome, RunReport, Selection, StepStatus, step};
use entra_sync_core::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use entra_sync_sim::Preset;
use entra_sync_sim::faults::FaultSpec;
use support::expect::assert_users_equal_tenant;
use support::{Loopback, NowValue, World};

fn users_only() -> Vec<Selection> {
    vec![Selection {
        dataset: Dataset::Users,
        filter: None,
    }]
}

fn token_path(world: &World) -> String {
    format!("/{}/oauth2/v2.0/token", world.server.info().tenant_id)
}

fn report_of(status: StepStatus) -> RunReport {
    match status {
        StepStatus::Finished(report) => *report,
        other => panic!("run did not finish: {other:?}"),
    }
}

fn sent_to(world: &World, host: &str) -> usize {
    world
        .net
        .sent
        .borrow()
        .iter()
        .filter(|s| s.url.starts_with(host))
        .count()
}

#[test]
fn resets_and_server_errors_on_graph_the_token_endpoint_and_assets_are_retried_in_the_run() {
    let world = World::new(Preset::Demo, 42);
    let faults = world.server.state().faults();
    faults
        .add(FaultSpec::reset(&token_path(&world)).count(1))
        .expect("fault");
    faults
        .add(FaultSpec::status(&token_path(&world), 500).count(1))
        .expect("fault");
    faults
        .add(FaultSpec::reset("/v1.0/users/delta").count(2))
        .expect("fault");
    faults
        .add(FaultSpec::status("/v1.0/users/delta", 502).count(1))
        .expect("fault");
    faults
        .add(
            FaultSpec::status("/jsm/assets/workspace", 500)
                .method("POST")
                .count(1),
        )
        .expect("fault");
    faults
        .add(FaultSpec::reset("/jsm/assets/workspace").count(1))
        .expect("fault");
    let (result, steps) = world.run(
        world.begin_with(false, false, &users_only()),
        World::big_budget,
    );
    let report = report_of(result.status);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    // One step of work and the cleanup's own step: no step was paused.
    assert_eq!(steps, 2, "retried within the step");
    assert_eq!(report.tally.transient_paused_steps, 0);
    assert!(
        faults.list().is_empty(),
        "every fault fired: {:?}",
        faults.list()
    );
    assert_users_equal_tenant(&world);
}

/// Carries Graph requests to the sim, moving only the sim's clock past the token's lifetime just
/// before the `at`-th Graph request: Graph sees an expired token that the engine thinks is fresh.
struct ExpiresBefore<'a> {
    net: &'a Loopback,
    world: &'a World,
    at: u32,
    seen: Cell<u32>,
}

impl HttpTransport for ExpiresBefore<'_> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        if request.url.starts_with("https://graph.microsoft.com") {
            self.seen.set(self.seen.get() + 1);
            if self.seen.get() == self.at {
                // Past the lifetime and the 5 minutes of skew Graph allows.
                self.world.server.state().clock().advance(4_000);
            }
        }
        self.net.send(request).await
    }
}

#[test]
fn a_token_that_expires_mid_run_is_renewed_once_and_a_second_refusal_fails_with_its_fix() {
    let world = World::new(Preset::Demo, 42);
    let graph = ExpiresBefore {
        net: &world.net,
        world: &world,
        at: 2,
        seen: Cell::new(0),
    };
    let host = entra_sync_core::sync::Host {
        graph: &graph,
        assets: &world.net,
        store: &world.store,
        clock: &*world.clock,
    };
    let mut checkpoint = world.begin_with(false, false, &users_only());
    // The run's work is one step; the cleanup of its staged values takes a step of its own.
    let report = loop {
        let result = pollster::block_on(step(
            &host,
            &world.settings,
            &world.destination,
            world.big_budget(),
            checkpoint,
        ));
        match result.status {
            StepStatus::Continue => checkpoint = result.checkpoint,
            other => break report_of(other),
        }
    };
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let graph_401s: Vec<_> = world
        .net
        .sent
        .borrow()
        .iter()
        .filter(|s| s.status == 401)
        .map(|s| s.url.clone())
        .collect();
    assert_eq!(graph_401s.len(), 1, "one expired token: {graph_401s:?}");
    assert_eq!(
        sent_to(&world, "https://login.microsoftonline.com"),
        2,
        "the token is asked for again once"
    );
    assert_users_equal_tenant(&world);

    // Graph refuses the fresh token too: a real error, named with its fix, not a loop.
    world
        .server
        .state()
        .faults()
        .add(FaultSpec::status("/v1.0/users/delta", 401).count(2))
        .expect("fault");
    world.net.sent.borrow_mut().clear();
    let (result, _) = world.run(
        world.begin_with(false, false, &users_only()),
        World::big_budget,
    );
    let report = report_of(result.status);
    assert_eq!(report.outcome, Outcome::Failed, "{report:?}");
    let message = &report.errors[0].message;
    assert!(message.contains("freshly issued access token"), "{message}");
    assert!(message.contains("clock"), "{message}");
    assert_eq!(sent_to(&world, "https://login.microsoftonline.com"), 2);
}

/// A step of two minutes (its waits end 5 s before), as the lifecycle gives out.
fn two_minutes(world: &World) -> Budget {
    Budget {
        deadline_ms: world.clock.now_ms_value() + 120_000,
        max_requests: 10_000,
    }
}

#[test]
fn throttling_that_outlasts_a_step_ends_it_and_the_next_step_resumes_after_the_wait() {
    let world = World::new(Preset::Demo, 42);
    // More 429s than the policy's attempts, each asking for 90 s: no step can wait them all out.
    world
        .server
        .state()
        .faults()
        .add(
            FaultSpec::status("/v1.0/users/delta", 429)
                .retry_after("90")
                .count(8),
        )
        .expect("fault");
    let (result, steps) = world.run(world.begin_with(false, false, &users_only()), |w| {
        // The queue hands the next event over a moment later.
        w.clock.advance(Duration::from_secs(1));
        two_minutes(w)
    });
    let report = report_of(result.status);
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert!(steps > 2, "the throttling ended steps: {steps}");
    assert!(report.tally.transient_paused_steps > 0);
    assert!(
        report.warnings.iter().any(|w| w.contains("ended early")),
        "{:?}",
        report.warnings
    );
    assert_users_equal_tenant(&world);
    let sent = world.net.sent.borrow().clone();
    for (n, first) in sent.iter().enumerate() {
        if let (429, Some(wait)) = (first.status, first.retry_after_ms) {
            let next = sent[n + 1..]
                .iter()
                .find(|s| s.url.starts_with("https://graph.microsoft.com"))
                .expect("Graph asked again");
            assert!(
                next.at_ms >= first.at_ms + wait,
                "asked again {} ms after a 429 that said {wait} ms",
                next.at_ms - first.at_ms
            );
        }
    }
}

#[test]
fn a_run_that_cannot_progress_for_30_minutes_fails_naming_the_cause() {
    let world = World::new(Preset::Demo, 42);
    world
        .server
        .state()
        .faults()
        .add(FaultSpec::reset("/v1.0/users/delta"))
        .expect("fault");
    let started = world.clock.now_ms_value();
    let (result, steps) = world.run(world.begin_with(false, false, &users_only()), |w| {
        w.clock.advance(Duration::from_secs(1));
        two_minutes(w)
    });
    let report = report_of(result.status);
    assert_eq!(report.outcome, Outcome::Failed, "{report:?}");
    let message = &report.errors[0].message;
    assert!(message.contains("made no progress for 3"), "{message}");
    assert!(
        message.contains("/v1.0/users/delta"),
        "names the request: {message}"
    );
    let took = world.clock.now_ms_value() - started;
    assert!(
        (30 * 60_000..35 * 60_000).contains(&took),
        "failed after {} s, {steps} steps",
        took / 1000
    );
    assert!(steps > 10, "each step retried, then handed over: {steps}");
}
