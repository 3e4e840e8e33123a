//! Entra Sync's loopback simulator: the Microsoft identity platform's token endpoint and Microsoft
//! Graph over real HTTP, answering from a tenant generated deterministically from a seed.
//!
//! Graph endpoints (v1.0): `/users` (+ `$filter`, `$count`, `$expand=manager`), `/users/$count`,
//! `/users/{id}`, `/users/{id}/manager`, `/groups`, `/groups/{id}/members` and `/transitiveMembers`
//! (also cast to `microsoft.graph.user`), `/devices`, `/deviceManagement/managedDevices`,
//! `/subscribedSkus`, and delta queries on `/users`, `/groups` (with `members@delta`) and `/devices`
//! answered from the tenant's change log ([`SimState::churn`] changes the tenant while served).
//! Permissions per endpoint are in [`graph::roles`].
//!
//! Control: an HTTP API under `/_sim/` for loopback clients ([`control`]: info, reset, permissions,
//! faults, latency, request log and counters, Assets settings), and the same in-process through
//! [`SimState`] (`faults()`, `latency()`, `requests()`, `counters()`, `reset()`). Faults, latency and
//! the log are one middleware in front of every service route ([`faults::traffic`]).
//!
//! In-process use (tests, other tools):
//! ```no_run
//! use entra_sync_sim::{BackgroundServer, Preset, SimState, Tenant};
//!
//! let server = BackgroundServer::start(SimState::new(Tenant::generate(Preset::Demo, 42))).unwrap();
//! println!("{}", server.url()); // http://127.0.0.1:PORT
//! server.state().revoke_all(); // tokens issued from now on carry no roles
//! ```

pub mod assets;
pub mod control;
pub mod faults;
pub mod graph;
pub mod http;
pub mod identity;
pub mod jira;
pub mod log;
mod server;
mod state;
pub mod tenant;
pub mod throttle;
pub mod time;

use axum::Router;

pub use graph::DeltaResetMode;
pub use server::{BackgroundServer, LaunchInfo, serve};
pub use state::{DEFAULT_GRANTS, SimState};
pub use tenant::{Preset, Tenant};

/// Every route the sim serves, on one origin: `/{tenant}/oauth2/v2.0/token`, `/v1.0/...`, Assets,
/// and the control API under `/_sim/` (see [`control`]). Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` (as [`serve`] does), or the control API
/// refuses every request.
pub fn router(state: SimState) -> Router {
    Router::new()
        .merge(identity::routes())
        .merge(graph::routes())
        .merge(assets::routes())
        .merge(jira::routes())
        // Middlewares (throttling, licensing) find the state here; `from_fn` layers have no `State`.
        .layer(axum::Extension(state.clone()))
        // Faults, latency and the request log for every route above; `layer` runs after routing.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            faults::traffic,
        ))
        // Merged after the layer: control routes are never faulted, delayed, logged or throttled.
        .merge(control::routes())
        .with_state(state)
}
