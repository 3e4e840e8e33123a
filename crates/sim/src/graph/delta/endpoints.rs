//! The delta resources as data, and one handler for all. Permissions are those of the underlying lists.

use axum::response::Response;
use uuid::Uuid;

use super::round::{self, Resource};
use crate::graph::application_schema::{APPLICATION, SERVICE_PRINCIPAL};
use crate::graph::device_schema::DEVICE;
use crate::graph::error::GraphError;
use crate::graph::flat::ListRequest;
use crate::graph::group_schema::GROUP;
use crate::graph::roles;
use crate::graph::schema::Schema;
use crate::graph::user_schema::USER;
use crate::tenant::{Application, Device, Group, ObjectKind, ServicePrincipal, User};

pub const USERS_PAGE: usize = 200;
pub const GROUPS_PAGE: usize = 100;
pub const DEVICES_PAGE: usize = 200;
/// Applications carry their credentials, so Graph pages them smaller than users.
pub const APPLICATIONS_PAGE: usize = 100;
pub const SERVICE_PRINCIPALS_PAGE: usize = 100;

const USERS_RESOURCE: Resource<User> = Resource {
    path: "/v1.0/users/delta",
    entity_set: "users",
    kind: ObjectKind::User,
    page_size: USERS_PAGE,
    max_ids: 50,
    relation: Some("manager"),
    items: |t| &t.users,
    id: |u| Uuid::parse_str(&u.id).ok(),
};

const GROUPS_RESOURCE: Resource<Group> = Resource {
    path: "/v1.0/groups/delta",
    entity_set: "groups",
    kind: ObjectKind::Group,
    page_size: GROUPS_PAGE,
    max_ids: 50,
    relation: Some("members"),
    items: |t| &t.groups,
    id: |g| Some(g.id),
};

const DEVICES_RESOURCE: Resource<Device> = Resource {
    path: "/v1.0/devices/delta",
    entity_set: "devices",
    kind: ObjectKind::Device,
    page_size: DEVICES_PAGE,
    max_ids: 50,
    relation: None,
    items: |t| &t.devices,
    id: |d| Some(d.id),
};

const APPLICATIONS_RESOURCE: Resource<Application> = Resource {
    path: "/v1.0/applications/delta",
    entity_set: "applications",
    kind: ObjectKind::Application,
    page_size: APPLICATIONS_PAGE,
    max_ids: 50,
    relation: None,
    items: |t| &t.applications,
    id: |a| Some(a.id),
};

const SERVICE_PRINCIPALS_RESOURCE: Resource<ServicePrincipal> = Resource {
    path: "/v1.0/servicePrincipals/delta",
    entity_set: "servicePrincipals",
    kind: ObjectKind::ServicePrincipal,
    page_size: SERVICE_PRINCIPALS_PAGE,
    max_ids: 50,
    relation: None,
    items: |t| &t.service_principals,
    id: |s| Some(s.id),
};

/// A delta round: where it lives, its schema and the permissions that open it.
pub struct Delta<T: 'static> {
    resource: Resource<T>,
    schema: &'static Schema<T>,
    roles: &'static [&'static str],
}

pub const USERS: Delta<User> = Delta {
    resource: USERS_RESOURCE,
    schema: &USER,
    roles: roles::USERS,
};

pub const GROUPS: Delta<Group> = Delta {
    resource: GROUPS_RESOURCE,
    schema: &GROUP,
    roles: roles::GROUPS,
};

pub const DEVICES: Delta<Device> = Delta {
    resource: DEVICES_RESOURCE,
    schema: &DEVICE,
    roles: roles::DEVICES,
};

pub const APPLICATIONS: Delta<Application> = Delta {
    resource: APPLICATIONS_RESOURCE,
    schema: &APPLICATION,
    roles: roles::APPLICATIONS,
};

pub const SERVICE_PRINCIPALS: Delta<ServicePrincipal> = Delta {
    resource: SERVICE_PRINCIPALS_RESOURCE,
    schema: &SERVICE_PRINCIPAL,
    roles: roles::SERVICE_PRINCIPALS,
};

impl ListRequest {
    pub fn delta<T>(self, delta: &Delta<T>) -> Result<Response, GraphError> {
        self.caller.require_any(delta.roles)?;
        round::respond(
            &delta.resource,
            delta.schema,
            &self.state,
            &self.base,
            self.raw.as_deref(),
        )
    }
}
