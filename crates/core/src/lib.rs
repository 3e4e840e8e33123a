//! Entra Sync's core. Pure Rust: it reaches the network only through [`http::HttpTransport`], so the
//! same code runs natively under `cargo test` and inside Forge through the wasm facade.

pub mod audit;
pub mod auth;
pub mod check;
pub mod clock;
pub mod concurrency;
pub mod config;
pub mod graph;
pub mod http;
pub mod model;
pub mod panel;
pub mod retry;
pub mod secret;
pub mod settings;
pub mod sync;
pub mod time;

pub use check::{CheckItem, ConnectionReport, check_connection};
pub use http::{HttpRequest, HttpResponse, HttpTransport, Method, TransportError};
pub use secret::ClientSecret;
pub use settings::{ConnectionSettings, SettingsError, SettingsInput};

/// Where Microsoft's services live. These are the only hosts the core ever names; the local Forge
/// runtime maps them onto the simulator, exactly as `manifest.yml` declares them for egress.
pub mod endpoints {
    pub const LOGIN: &str = "https://login.microsoftonline.com";
    pub const GRAPH: &str = "https://graph.microsoft.com";
    pub const GRAPH_SCOPE: &str = "https://graph.microsoft.com/.default";
}
