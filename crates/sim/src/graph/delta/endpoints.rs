//! The delta handlers. Permissions are those of the underlying lists.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use uuid::Uuid;

use super::round::{self, Resource};
use crate::graph::application_schema::{APPLICATION, SERVICE_PRINCIPAL};
use crate::graph::auth::Caller;
use crate::graph::device_schema::DEVICE;
use crate::graph::error::GraphError;
use crate::graph::group_schema::GROUP;
use crate::graph::roles;
use crate::graph::user_schema::USER;
use crate::http::BaseUrl;
use crate::state::SimState;
use crate::tenant::{Application, Device, Group, ObjectKind, ServicePrincipal, User};

pub const USERS_PAGE: usize = 200;
pub const GROUPS_PAGE: usize = 100;
pub const DEVICES_PAGE: usize = 200;
/// Applications carry their credentials, so Graph pages them smaller than users.
pub const APPLICATIONS_PAGE: usize = 100;
pub const SERVICE_PRINCIPALS_PAGE: usize = 100;

const USERS: Resource<User> = Resource {
    path: "/v1.0/users/delta",
    entity_set: "users",
    kind: ObjectKind::User,
    page_size: USERS_PAGE,
    max_ids: 50,
    relation: Some("manager"),
    items: |t| &t.users,
    id: |u| Uuid::parse_str(&u.id).ok(),
};

const GROUPS: Resource<Group> = Resource {
    path: "/v1.0/groups/delta",
    entity_set: "groups",
    kind: ObjectKind::Group,
    page_size: GROUPS_PAGE,
    max_ids: 50,
    relation: Some("members"),
    items: |t| &t.groups,
    id: |g| Some(g.id),
};

const DEVICES: Resource<Device> = Resource {
    path: "/v1.0/devices/delta",
    entity_set: "devices",
    kind: ObjectKind::Device,
    page_size: DEVICES_PAGE,
    max_ids: 50,
    relation: None,
    items: |t| &t.devices,
    id: |d| Some(d.id),
};

pub async fn users(
    caller: Caller,
    base: BaseUrl,
    State(state): State<SimState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::USERS)?;
    round::respond(&USERS, &USER, &state, &base, raw.as_deref())
}

pub async fn groups(
    caller: Caller,
    base: BaseUrl,
    State(state): State<SimState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::GROUPS)?;
    round::respond(&GROUPS, &GROUP, &state, &base, raw.as_deref())
}

pub async fn devices(
    caller: Caller,
    base: BaseUrl,
    State(state): State<SimState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::DEVICES)?;
    round::respond(&DEVICES, &DEVICE, &state, &base, raw.as_deref())
}

const APPLICATIONS: Resource<Application> = Resource {
    path: "/v1.0/applications/delta",
    entity_set: "applications",
    kind: ObjectKind::Application,
    page_size: APPLICATIONS_PAGE,
    max_ids: 50,
    relation: None,
    items: |t| &t.applications,
    id: |a| Some(a.id),
};

const SERVICE_PRINCIPALS: Resource<ServicePrincipal> = Resource {
    path: "/v1.0/servicePrincipals/delta",
    entity_set: "servicePrincipals",
    kind: ObjectKind::ServicePrincipal,
    page_size: SERVICE_PRINCIPALS_PAGE,
    max_ids: 50,
    relation: None,
    items: |t| &t.service_principals,
    id: |s| Some(s.id),
};

pub async fn applications(
    caller: Caller,
    base: BaseUrl,
    State(state): State<SimState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::APPLICATIONS)?;
    round::respond(&APPLICATIONS, &APPLICATION, &state, &base, raw.as_deref())
}

pub async fn service_principals(
    caller: Caller,
    base: BaseUrl,
    State(state): State<SimState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::SERVICE_PRINCIPALS)?;
    round::respond(
        &SERVICE_PRINCIPALS,
        &SERVICE_PRINCIPAL,
        &state,
        &base,
        raw.as_deref(),
    )
}
