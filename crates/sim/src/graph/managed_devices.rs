//! `GET /v1.0/deviceManagement/managedDevices` (Intune). Not a directory object: its own permission
//! and 403 shape, pages of up to 1,000, no `$count` under `ConsistencyLevel`.

use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;

use super::auth::Caller;
use super::collection::{Listing, list_items};
use super::error::GraphError;
use super::managed_device_schema::MANAGED_DEVICE;
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
    caller.require_intune(roles::MANAGED_DEVICES)?;
    let listing = Listing {
        path: "/v1.0/deviceManagement/managedDevices".to_string(),
        entity_set: "deviceManagement/managedDevices",
        default_top: 1000,
        max_top: 1000,
        clamp_top: true,
        countable: false,
    };
    let tenant = &state.tenant();
    list_items(
        &listing,
        &MANAGED_DEVICE,
        tenant,
        &tenant.managed_devices,
        &base,
        &headers,
        raw.as_deref(),
    )
}
