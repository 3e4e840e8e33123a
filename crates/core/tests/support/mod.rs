//! The engine against the real simulator, natively: transports that carry the core's requests to an
//! in-process sim the way the local Forge runtime does (Microsoft hosts mapped onto loopback with
//! X-Forwarded-Host; Assets paths sent as the app).
#![allow(dead_code)]

pub mod expect;
pub mod quota;
pub mod rows;

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use std::cell::RefCell;

use entra_sync_core::clock::{Clock, ManualClock};
use entra_sync_core::sync::pacing::{BEGIN_WAITS_MS, PacedStore, Pacing};
use entra_sync_core::sync::{
    Budget, Checkpoint, Destination, Host, Selection, StepResult, StepStatus, begin_run, step,
};
use entra_sync_core::{
    ConnectionSettings, HttpRequest, HttpResponse, HttpTransport, SettingsInput, TransportError,
};
use entra_sync_sim::{BackgroundServer, Preset, SimState, Tenant};

/// The engine's clock in tests: manual (instant sleeps), and every move is mirrored on the
/// simulator's clock, so Retry-After waits and throttling windows agree on what time it is.
pub struct LinkedClock {
    inner: ManualClock,
    sim: SimState,
}

impl LinkedClock {
    pub fn advance(&self, duration: Duration) {
        self.inner.advance(duration);
        self.sim.clock().advance_millis(duration.as_millis() as i64);
    }

    pub fn sleeps(&self) -> Vec<Duration> {
        self.inner.sleeps()
    }
}

impl Clock for LinkedClock {
    fn now_ms(&self) -> u64 {
        self.inner.now_ms()
    }

    async fn sleep(&self, duration: Duration) {
        self.sim.clock().advance_millis(duration.as_millis() as i64);
        self.inner.sleep(duration).await;
    }
}

/// One request as the simulator saw it: sim time, status and the wait it asked for.
#[derive(Debug, Clone)]
pub struct Sent {
    pub at_ms: u64,
    pub url: String,
    pub status: u16,
    pub retry_after_ms: Option<u64>,
}

pub struct Loopback {
    pub base: String,
    agent: ureq::Agent,
    clock: Rc<LinkedClock>,
    sim: SimState,
    pub sent: RefCell<Vec<Sent>>,
    /// How far each request moves the clock, so time budgets bite in tests.
    pub tick_ms: Cell<u64>,
}

impl Loopback {
    fn new(base: &str, clock: Rc<LinkedClock>, sim: SimState) -> Self {
        Loopback {
            base: base.to_string(),
            clock,
            sim,
            sent: RefCell::default(),
            tick_ms: Cell::new(0),
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                // Generous: the sim processes a whole import in the completing request, and with
                // every data set at the Small preset that takes tens of seconds in a debug build.
                .timeout_global(Some(Duration::from_secs(600)))
                .build()
                .into(),
        }
    }

    fn send_blocking(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.clock
            .advance(Duration::from_millis(self.tick_ms.get()));
        let url = request.url.clone();
        let answer = carry(&self.agent, &self.base, request)?;
        self.sent.borrow_mut().push(Sent {
            at_ms: self.sim.clock().now_millis(),
            url,
            status: answer.status,
            retry_after_ms: answer
                .header("Retry-After")
                .and_then(|v| v.parse::<f64>().ok())
                .map(|s| (s * 1000.0).ceil() as u64),
        });
        Ok(answer)
    }

    /// A transport to the same sim that carries each request on a thread of its own, so requests
    /// the engine starts before awaiting earlier ones are in flight at the same time.
    pub fn threaded(&self) -> Threaded {
        Threaded {
            base: self.base.clone(),
            agent: self.agent.clone(),
        }
    }
}

/// Carries one request to the sim at `base` the way the local Forge runtime does.
fn carry(
    agent: &ureq::Agent,
    base: &str,
    request: HttpRequest,
) -> Result<HttpResponse, TransportError> {
    let failed = |message: String| TransportError {
        url: request.url.clone(),
        message,
    };
    let mut forwarded = None;
    let url = if let Some(rest) = request.url.strip_prefix("https://") {
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        forwarded = Some(host.to_string());
        format!("{base}{path}")
    } else if request.url.starts_with('/') {
        format!("{base}{}", request.url)
    } else {
        request.url.clone()
    };
    let mut builder = ureq::http::Request::builder()
        .method(request.method.as_str())
        .uri(&url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    match forwarded {
        Some(host) => {
            builder = builder
                .header("X-Forwarded-Host", host)
                .header("X-Forwarded-Proto", "https");
        }
        None => builder = builder.header("x-forge-provider", "app"),
    }
    let http = builder
        .body(request.body.clone().unwrap_or_default())
        .map_err(|e| failed(e.to_string()))?;
    let mut response = agent.run(http).map_err(|e| failed(e.to_string()))?;
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_string()))
        .collect();
    let body = response
        .body_mut()
        .read_to_string()
        .map_err(|e| failed(e.to_string()))?;
    Ok(HttpResponse {
        status: response.status().as_u16(),
        headers,
        body,
    })
}

/// See [`Loopback::threaded`].
pub struct Threaded {
    base: String,
    agent: ureq::Agent,
}

type Slot = Arc<Mutex<(Option<Result<HttpResponse, TransportError>>, Option<Waker>)>>;

/// The answer of a request carried on its own thread.
struct Answer(Slot);

impl Future for Answer {
    type Output = Result<HttpResponse, TransportError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.0.lock().expect("answer slot");
        match slot.0.take() {
            Some(answer) => Poll::Ready(answer),
            None => {
                slot.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl HttpTransport for Threaded {
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>> {
        let slot: Slot = Arc::default();
        let (agent, base, done) = (self.agent.clone(), self.base.clone(), slot.clone());
        std::thread::spawn(move || {
            let answer = carry(&agent, &base, request);
            let mut slot = done.lock().expect("answer slot");
            slot.0 = Some(answer);
            if let Some(waker) = slot.1.take() {
                waker.wake();
            }
        });
        Answer(slot)
    }
}

impl HttpTransport for Loopback {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.send_blocking(request)
    }
}

/// Assets requests of a run that writes nothing: the destination check before every run reads the
/// import source, the schema's object types and the import's schema-and-mapping.
pub const CHECK_READS: u64 = 3;

pub struct World {
    pub server: BackgroundServer,
    pub net: Loopback,
    /// Forge's KVS in memory; its quota is off until a test enforces it.
    pub store: quota::QuotaStore,
    pub clock: Rc<LinkedClock>,
    pub settings: ConnectionSettings,
    pub destination: Destination,
}

impl World {
    pub fn new(preset: Preset, seed: u64) -> Self {
        let server =
            BackgroundServer::start(SimState::new(Tenant::generate(preset, seed))).expect("sim");
        let info = server.info();
        let settings = SettingsInput {
            tenant_id: Some(info.tenant_id.clone()),
            client_id: Some(info.client_id.clone()),
            client_secret: Some(entra_sync_core::ClientSecret::new(
                info.client_secret.clone(),
            )),
            ..SettingsInput::default()
        }
        .validate()
        .expect("demo settings are valid");
        let clock = Rc::new(LinkedClock {
            inner: ManualClock::at(1_795_000_000_000),
            sim: server.state().clone(),
        });
        World {
            net: Loopback::new(server.url(), clock.clone(), server.state().clone()),
            server,
            store: quota::QuotaStore::new(clock.clone()),
            clock,
            settings,
            destination: Destination {
                workspace_id: info.assets_workspace_id.clone(),
                schema_id: entra_sync_sim::assets::DEMO_SCHEMA_ID.to_string(),
                import_source_id: info.assets_import_source_id.clone(),
            },
        }
    }

    pub fn host(&self) -> Host<'_, Loopback, Loopback, quota::QuotaStore, LinkedClock> {
        Host {
            graph: &self.net,
            assets: &self.net,
            store: &self.store,
            clock: &*self.clock,
        }
    }

    pub fn begin(&self, dry_run: bool, full_resync: bool) -> Checkpoint {
        self.begin_with(dry_run, full_resync, &Selection::all())
    }

    pub fn begin_with(
        &self,
        dry_run: bool,
        full_resync: bool,
        selection: &[Selection],
    ) -> Checkpoint {
        // As the wasm facade does: the quota's waits end before Sync now's 30 s do.
        let paced = PacedStore::new(
            &self.store,
            &*self.clock,
            Pacing::default(),
            self.clock.now_ms_value() + BEGIN_WAITS_MS,
        );
        pollster::block_on(begin_run(
            &paced,
            format!("run-{}", self.clock.now_ms_value()),
            "test".into(),
            dry_run,
            full_resync,
            self.clock.now_ms_value(),
            selection,
        ))
        .expect("begin")
    }

    pub fn step(&self, checkpoint: Checkpoint, budget: Budget) -> StepResult {
        pollster::block_on(step(
            &self.host(),
            &self.settings,
            &self.destination,
            budget,
            checkpoint,
        ))
    }

    /// A generous budget: one step does the whole run.
    pub fn big_budget(&self) -> Budget {
        Budget {
            deadline_ms: self.clock.now_ms_value() + 3_600_000,
            max_requests: 100_000,
        }
    }

    /// Steps until the run ends or waits for confirmation; returns the last result and the steps.
    pub fn run(
        &self,
        mut checkpoint: Checkpoint,
        budget: impl Fn(&World) -> Budget,
    ) -> (StepResult, u32) {
        let mut steps = 0;
        loop {
            steps += 1;
            assert!(steps < 100_000, "the run does not end");
            let result = self.step(checkpoint, budget(self));
            match result.status {
                StepStatus::Continue => checkpoint = result.checkpoint,
                _ => return (result, steps),
            }
        }
    }
}

/// `now_ms` without importing the trait everywhere.
pub trait NowValue {
    fn now_ms_value(&self) -> u64;
}

impl NowValue for LinkedClock {
    fn now_ms_value(&self) -> u64 {
        self.now_ms()
    }
}
