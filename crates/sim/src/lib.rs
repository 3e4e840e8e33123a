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
//! In-process use (tests, other tools):
//! ```no_run
//! use entra_sync_sim::{BackgroundServer, Preset, SimState, Tenant};
//!
//! let server = BackgroundServer::start(SimState::new(Tenant::generate(Preset::Demo, 42))).unwrap();
//! println!("{}", server.url()); // http://127.0.0.1:PORT
//! server.state().revoke_all(); // tokens issued from now on carry no roles
//! ```

pub mod assets;
pub mod graph;
pub mod http;
pub mod identity;
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

/// Every route the sim serves, on one origin: `/{tenant}/oauth2/v2.0/token` and `/v1.0/...`.
pub fn router(state: SimState) -> Router {
    Router::new()
        .merge(identity::routes())
        .merge(graph::routes())
        .merge(assets::routes())
        // Middlewares (throttling, licensing) find the state here; `from_fn` layers have no `State`.
        .layer(axum::Extension(state.clone()))
        .with_state(state)
}
