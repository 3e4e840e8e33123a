//! `GET /v1.0/groups` (group-list).

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::auth::Caller;
use super::collection::{Listing, list_items};
use super::error::GraphError;
use super::group_schema::GROUP;
use super::roles;
use crate::http::BaseUrl;
use crate::state::SimState;

pub async fn list(
    caller: Caller,
    base: BaseUrl,
    headers: HeaderMap,
    State(state): State<SimState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::GROUPS)?;
    let listing = Listing {
        path: "/v1.0/groups".to_string(),
        entity_set: "groups",
        default_top: 100,
        max_top: 999,
        clamp_top: false,
        countable: true,
    };
    let tenant = &state.tenant();
    list_items(
        &listing,
        &GROUP,
        tenant,
        &tenant.groups,
        &base,
        &headers,
        raw.as_deref(),
    )
}
