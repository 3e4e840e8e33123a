//! The Microsoft Graph half (v1.0), served under `/v1.0` on the sim's origin.

mod application_schema;
mod applications;
mod auth;
mod batch;
mod collection;
mod delta;
mod device_schema;
mod envelope;
mod error;
mod filter;
mod flat;
mod group_schema;
mod intune;
mod managed_device_schema;
mod members;
mod paging;
mod query;
pub mod roles;
mod schema;
mod skus;
mod user_links;
mod user_schema;
mod users;

use axum::Router;
use axum::http::{Method, Uri};
use axum::middleware;
use axum::routing::{any, get, post};

pub use auth::Caller;
pub use delta::{DeltaControls, DeltaResetMode, full_read_pages};
pub use envelope::ODATA_JSON;
pub use error::GraphError;
pub use members::closure as transitive_members;

use crate::state::SimState;
use flat::ListRequest;

/// Routes of `graph.microsoft.com`.
pub fn routes() -> Router<SimState> {
    let v1 = Router::new()
        .route("/users", get(users::list).fallback(wrong_method))
        .route(
            "/users/delta",
            get(|r: ListRequest| async move { r.delta(&delta::USERS) }).fallback(wrong_method),
        )
        .route("/users/$count", get(users::count).fallback(wrong_method))
        .route("/users/{id}", get(users::get).fallback(wrong_method))
        .route(
            "/users/{id}/manager",
            get(users::manager).fallback(wrong_method),
        )
        .route(
            "/users/{id}/memberOf",
            get(user_links::member_of).fallback(wrong_method),
        )
        .route(
            "/users/{id}/licenseDetails",
            get(user_links::license_details).fallback(wrong_method),
        )
        .route(
            "/groups",
            get(|r: ListRequest| async move { r.serve(&flat::GROUPS) }).fallback(wrong_method),
        )
        .route(
            "/groups/delta",
            get(|r: ListRequest| async move { r.delta(&delta::GROUPS) }).fallback(wrong_method),
        )
        .route(
            "/groups/{id}/members",
            get(members::direct).fallback(wrong_method),
        )
        .route(
            "/groups/{id}/members/microsoft.graph.user",
            get(members::direct_users).fallback(wrong_method),
        )
        .route(
            "/groups/{id}/transitiveMembers",
            get(members::transitive).fallback(wrong_method),
        )
        .route(
            "/groups/{id}/transitiveMembers/microsoft.graph.user",
            get(members::transitive_users).fallback(wrong_method),
        )
        .route(
            "/devices",
            get(|r: ListRequest| async move { r.serve(&flat::DEVICES) }).fallback(wrong_method),
        )
        .route(
            "/devices/delta",
            get(|r: ListRequest| async move { r.delta(&delta::DEVICES) }).fallback(wrong_method),
        )
        .route(
            "/deviceManagement/managedDevices",
            get(|r: ListRequest| async move { r.serve(&flat::MANAGED_DEVICES) })
                .fallback(wrong_method),
        )
        .route("/subscribedSkus", get(skus::list).fallback(wrong_method))
        .route("/$batch", post(batch::batch).fallback(wrong_method))
        .route(
            "/applications",
            get(|r: ListRequest| async move { r.serve(&flat::APPLICATIONS) })
                .fallback(wrong_method),
        )
        .route(
            "/applications/delta",
            get(|r: ListRequest| async move { r.delta(&delta::APPLICATIONS) })
                .fallback(wrong_method),
        )
        .route(
            "/servicePrincipals",
            get(|r: ListRequest| async move { r.serve(&flat::SERVICE_PRINCIPALS) })
                .fallback(wrong_method),
        )
        .route(
            "/servicePrincipals/delta",
            get(|r: ListRequest| async move { r.delta(&delta::SERVICE_PRINCIPALS) })
                .fallback(wrong_method),
        )
        // `/applications(appId='…')`: matchit has no in-segment literals around a parameter, so
        // the handler parses the segment and answers other unknown ones like the fallback.
        .route("/{segment}", any(applications::by_app_id))
        .fallback(unknown_segment)
        .layer(middleware::from_fn(intune::licence))
        .layer(middleware::from_fn(crate::throttle::layer))
        .layer(middleware::from_fn(envelope::envelope));
    Router::new().nest("/v1.0", v1)
}

/// Graph names the first path segment it could not resolve.
pub(crate) async fn unknown_segment(uri: Uri) -> GraphError {
    let segment = uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default();
    GraphError::SegmentNotFound(segment.to_string())
}

async fn wrong_method(method: Method) -> GraphError {
    GraphError::MethodNotAllowed(method.to_string())
}
