//! Running the router: on a caller's tokio runtime ([`serve`]) or on a thread of its own
//! ([`BackgroundServer`]) for blocking callers such as tests.

use std::future::Future;
use std::io;
use std::net::{SocketAddr, TcpListener as StdTcpListener};
use std::thread::JoinHandle;

use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::state::SimState;

/// Serves until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    listener: TcpListener,
    state: SimState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    // The peer address lets the control API refuse anything but loopback clients.
    let app = crate::router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// What a client needs to reach the sim; printed by the CLI, camelCase like the app's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchInfo {
    pub url: String,
    pub tenant_id: String,
    pub tenant_domain: String,
    pub client_id: String,
    pub client_secret: String,
    pub secret_id: String,
    pub assets_workspace_id: String,
    pub assets_import_source_id: String,
    pub assets_import_token: String,
}

impl LaunchInfo {
    pub fn new(url: String, state: &SimState) -> Self {
        let tenant = state.tenant();
        Self {
            url,
            tenant_id: tenant.id.to_string(),
            tenant_domain: tenant.domain.clone(),
            client_id: tenant.app.client_id.to_string(),
            client_secret: tenant.app.secret.value.clone(),
            secret_id: tenant.app.secret.key_id.to_string(),
            assets_workspace_id: state.assets().workspace_id(),
            assets_import_source_id: crate::assets::DEMO_IMPORT_SOURCE_ID.to_string(),
            assets_import_token: crate::assets::DEMO_IMPORT_TOKEN.to_string(),
        }
    }
}

/// A sim on its own thread and single-threaded runtime; stops when dropped.
pub struct BackgroundServer {
    addr: SocketAddr,
    url: String,
    state: SimState,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl BackgroundServer {
    /// On `127.0.0.1` and a free port.
    pub fn start(state: SimState) -> io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), state)
    }

    pub fn start_on(addr: SocketAddr, state: SimState) -> io::Result<Self> {
        // Bound here, not on the thread, so the port is known and bind errors surface to the caller.
        let listener = StdTcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let served = state.clone();
        let thread = std::thread::Builder::new()
            .name(format!("entra-sync-sim {addr}"))
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(listener)?;
                    serve(listener, served, async move {
                        // A dropped sender means the handle is gone: stop too.
                        let _ = stopped.await;
                    })
                    .await
                })
            })?;
        Ok(Self {
            addr,
            url: format!("http://{addr}"),
            state,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The live state: grant or revoke permissions while clients talk to the server.
    pub fn state(&self) -> &SimState {
        &self.state
    }

    pub fn info(&self) -> LaunchInfo {
        LaunchInfo::new(self.url.clone(), &self.state)
    }

    /// Stops accepting, waits for open requests, and reports how serving ended.
    pub fn stop(mut self) -> io::Result<()> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> io::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the simulator thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for BackgroundServer {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}
