//! Full rounds of devices read as a list: a deltaLink "from now" (`$deltatoken=latest`), then
//! `/devices` in pages of 999; changes made while the list is read come in the next delta round.
//! And the next page is requested while the current one is mapped.

mod support;

use std::cell::{Cell, RefCell};

use entra_sync_core::sync::datasets::Dataset;
use entra_sync_core::sync::{
    Checkpoint, Host, KeyPage, KvStore, MemoryStore, Outcome, RunReport, Selection, StepStatus,
    StoreError, step,
};
use entra_sync_core::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use entra_sync_sim::faults::LatencyModel;
use entra_sync_sim::{Preset, SimState};
use serde_json::Value;
use support::expect::{actual_devices, assert_devices_equal_tenant, expected_devices};
use support::{Loopback, World};

fn devices_only() -> Vec<Selection> {
    vec![Selection {
        dataset: Dataset::Devices,
        filter: None,
    }]
}

/// Runs to the end with `graph` carrying Graph and the token, and `store` as storage.
fn run_with<G: HttpTransport, S: KvStore>(
    world: &World,
    graph: &G,
    store: &S,
    mut checkpoint: Checkpoint,
) -> RunReport {
    let host = Host {
        graph,
        assets: &world.net,
        store,
        clock: &*world.clock,
    };
    loop {
        let result = pollster::block_on(step(
            &host,
            &world.settings,
            &world.destination,
            world.big_budget(),
            checkpoint,
        ));
        match result.status {
            StepStatus::Continue => checkpoint = result.checkpoint,
            StepStatus::Finished(report) => return *report,
            other => panic!("run did not finish: {other:?}"),
        }
    }
}

/// Graph as the sim serves it, with churn in the tenant right after the first list page.
struct ChurnAfterFirstListPage<'a> {
    inner: &'a Loopback,
    sim: SimState,
    churned: Cell<bool>,
}

impl HttpTransport for ChurnAfterFirstListPage<'_> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let list = request.url.contains("/v1.0/devices?");
        let answer = self.inner.send(request).await;
        if list && !self.churned.replace(true) {
            self.sim.churn(5.0, 9);
        }
        answer
    }
}

/// (delta requests, of which `$deltatoken=latest`, list pages) the sim answered for devices.
fn device_requests(sim: &SimState) -> (usize, usize, usize) {
    let logged = sim.requests().entries(Some("/v1.0/devices"), 10_000);
    let delta: Vec<_> = logged
        .iter()
        .filter(|r| r.path == "/v1.0/devices/delta")
        .collect();
    let latest = delta
        .iter()
        .filter(|r| {
            r.query
                .as_deref()
                .is_some_and(|q| q.contains("$deltatoken=latest"))
        })
        .count();
    let list = logged.iter().filter(|r| r.path == "/v1.0/devices").count();
    (delta.len(), latest, list)
}

#[test]
fn a_change_made_while_the_list_is_read_reaches_assets_in_the_next_run() {
    let world = World::new(Preset::Small, 42);
    let sim = world.server.state().clone();
    let devices = sim.tenant().devices.len();
    sim.requests().clear();
    let hooked = ChurnAfterFirstListPage {
        inner: &world.net,
        sim: sim.clone(),
        churned: Cell::new(false),
    };
    let report = run_with(
        &world,
        &hooked,
        &world.store,
        world.begin_with(false, false, &devices_only()),
    );
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert!(hooked.churned.get(), "the tenant changed during the list");
    // One "from now" request and pages of 999, where the delta round took pages of 200.
    let pages = devices.div_ceil(999);
    assert_eq!(device_requests(&sim), (1, 1, pages), "{devices} devices");
    assert_eq!(report.datasets[0].graph_requests as usize, 1 + pages);
    // The list passed objects before they changed: Assets is behind the tenant for now ...
    let (actual, _) = actual_devices(&world);
    assert_ne!(actual, expected_devices(&sim.tenant()));

    // ... and the next run starts from the deltaLink taken before the list, so it catches up.
    sim.requests().clear();
    let report = run_with(
        &world,
        &world.net,
        &world.store,
        world.begin_with(false, false, &devices_only()),
    );
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    assert!(
        !report.datasets[0].full_round,
        "incremental from the held link"
    );
    assert!(
        report.datasets[0].objects["device"].retired > 0,
        "{report:?}"
    );
    assert_eq!(device_requests(&sim).2, 0, "no list in a delta round");
    assert_devices_equal_tenant(&world);
}

/// Storage that notes, at every write, how many Graph requests the sim is answering right then.
struct Watching<'a> {
    inner: &'a MemoryStore,
    sim: SimState,
    graph_in_flight: RefCell<Vec<usize>>,
}

impl KvStore for Watching<'_> {
    async fn get(&self, key: &str) -> Result<Option<Value>, StoreError> {
        self.inner.get(key).await
    }

    async fn set(&self, key: &str, value: &Value) -> Result<(), StoreError> {
        let now = self.sim.requests().in_flight().graph.now;
        self.graph_in_flight.borrow_mut().push(now);
        self.inner.set(key, value).await
    }

    async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.inner.delete(key).await
    }

    async fn list(&self, prefix: &str, cursor: Option<&str>) -> Result<KeyPage, StoreError> {
        self.inner.list(prefix, cursor).await
    }
}

#[test]
fn the_next_page_is_in_flight_while_a_page_is_mapped_and_never_more_than_one() {
    let world = World::new(Preset::Small, 42);
    let sim = world.server.state().clone();
    // Latency long enough that a request sent before a page is mapped is still being answered
    // while the page's records are staged.
    sim.latency().set(LatencyModel {
        base_ms: 400,
        ..LatencyModel::default()
    });
    sim.requests().clear();
    let store = Watching {
        inner: &world.store,
        sim: sim.clone(),
        graph_in_flight: RefCell::default(),
    };
    let graph = world.net.threaded();
    let report = run_with(
        &world,
        &graph,
        &store,
        world.begin_with(false, false, &devices_only()),
    );
    sim.latency().set(LatencyModel::default());
    assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
    let seen = store.graph_in_flight.borrow();
    assert!(
        seen.contains(&1),
        "a page's records were staged while the next page was being answered: {seen:?}"
    );
    assert_eq!(
        sim.requests().in_flight().graph.max,
        1,
        "one page ahead, not more"
    );
    assert_devices_equal_tenant(&world);
}
