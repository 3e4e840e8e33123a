//! URL layout of the Assets side: the v1 API under both the `/jsm/assets/` and the `/jsm/insight/`
//! workspace prefixes (links in SPEC use the latter), token mode's `imports/info`, and Jira REST.

mod caller;
mod import;
mod jira;
mod rest;
mod scoped;

use axum::Router;
use axum::routing::{get, post, put};

pub use caller::{Caller, FORGE_ACCOUNT_ID, FORGE_PROVIDER};

use crate::assets::error::AssetsError;
use crate::state::SimState;

pub fn routes() -> Router<SimState> {
    Router::new()
        .nest("/jsm/assets/workspace/{ws}/v1", v1())
        .nest("/jsm/insight/workspace/{ws}/v1", v1())
        .route("/jsm/assets/v1/imports/info", get(import::info))
        .route(
            "/rest/servicedeskapi/assets/workspace",
            get(jira::workspaces),
        )
        .route("/rest/api/3/mypermissions", get(jira::my_permissions))
}

fn v1() -> Router<SimState> {
    let source = "/importsource/{source}";
    let exec = "/importsource/{source}/executions/{exec}";
    Router::new()
        .route(source, get(import::source))
        .route(
            &format!("{source}/configstatus"),
            get(import::config_status),
        )
        .route(
            &format!("{source}/mapping"),
            put(import::put_mapping).patch(import::patch_mapping),
        )
        .route(
            &format!("{source}/mapping/progress/{{resource}}"),
            get(import::mapping_progress),
        )
        .route(
            &format!("{source}/schema-and-mapping"),
            get(import::schema_and_mapping),
        )
        .route(&format!("{source}/executions"), post(import::start))
        .route(
            &format!("{source}/executions/status"),
            get(import::latest_status),
        )
        .route(exec, axum::routing::delete(import::cancel))
        .route(&format!("{exec}/data"), post(import::submit))
        .route(&format!("{exec}/progress"), put(import::progress))
        .route(&format!("{exec}/status"), get(import::status))
        .route(
            &format!("{exec}/history/failed"),
            post(import::history_failed),
        )
        .route("/objectschema/list", get(rest::schema_list))
        .route("/objectschema/{id}", get(rest::schema))
        .route("/objectschema/{id}/objecttypes", get(rest::schema_types))
        .route(
            "/objectschema/{id}/objecttypes/flat",
            get(rest::schema_types),
        )
        .route("/objecttype/create", post(rest::create_object_type))
        .route("/objecttype/{id}", get(rest::object_type))
        .route("/objecttype/{id}/attributes", get(rest::type_attributes))
        .route("/object/aql", post(rest::aql_search))
        .route("/object/aql/totalcount", post(rest::aql_count))
        .route("/object/create", post(rest::create_object))
        .route(
            "/object/{id}",
            get(rest::get_object)
                .put(rest::put_object)
                .delete(rest::delete_object),
        )
        .fallback(unknown)
}

async fn unknown() -> AssetsError {
    AssetsError::NotFound("No such Assets resource".into())
}
