//! The JSM Assets half: a workspace with object schemas, types, attributes and objects, the import
//! API that Forge import apps drive (mapping, executions, data chunks), REST v1 with an AQL subset,
//! and the two Jira REST calls the app needs (workspace discovery, `mypermissions`).
//!
//! Tests reach the data in-process through [`AssetsState`] (`SimState::assets()`), which also holds
//! the control methods for what the HTTP API cannot set.

mod aql;
mod aql_date;
mod by_hand;
mod error;
mod execution;
mod handle;
mod import_ops;
mod json_schema;
mod mapping;
mod mapping_doc;
mod mapping_render;
mod model;
mod process;
mod rate_limit;
mod render;
mod routes;
mod snapshot;
mod store;
mod value_index;

pub use by_hand::Pick;
pub use error::AssetsError;
pub use handle::AssetsState;
pub use model::MissingPolicy;
pub use rate_limit::RateLimit;
pub use routes::{Caller, FORGE_ACCOUNT_ID, FORGE_PROVIDER, routes};
pub use store::{
    DEMO_IMPORT_NAME, DEMO_IMPORT_SOURCE_ID, DEMO_IMPORT_TOKEN, DEMO_SCHEMA_ID, DEMO_SCHEMA_KEY,
    DEMO_WORKSPACE_ID, LOCAL_ADMIN_ACCOUNT_ID,
};
