//! `GET /v1.0/devices` (device-list): Entra's device objects.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::auth::Caller;
use super::collection::{Listing, list_items};
use super::device_schema::DEVICE;
use super::error::GraphError;
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
    caller.require_any(roles::DEVICES)?;
    let listing = Listing {
        path: "/v1.0/devices".to_string(),
        entity_set: "devices",
        default_top: 100,
        max_top: 999,
        clamp_top: false,
        countable: true,
    };
    let tenant = &state.tenant();
    list_items(
        &listing,
        &DEVICE,
        tenant,
        &tenant.devices,
        &base,
        &headers,
        raw.as_deref(),
    )
}
