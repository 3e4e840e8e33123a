//! The flat collections (`/groups`, `/devices`, Intune's `/deviceManagement/managedDevices`, …): one
//! handler for all, each collection being data: its listing, its schema, the permissions that open it
//! and where its items live in the tenant.

use std::borrow::Cow;

use axum::extract::{FromRequestParts, RawQuery, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::response::Response;

use super::application_schema::{APPLICATION, SERVICE_PRINCIPAL};
use super::auth::Caller;
use super::collection::{Listing, list_items};
use super::device_schema::DEVICE;
use super::error::GraphError;
use super::group_schema::GROUP;
use super::managed_device_schema::MANAGED_DEVICE;
use super::roles;
use super::schema::Schema;
use crate::http::BaseUrl;
use crate::state::SimState;
use crate::tenant::{
    Application, Collection, Device, Group, ManagedDevice, ServicePrincipal, Tenant,
};

/// Which permissions open a collection, and how a refusal reads.
pub enum Access {
    /// Directory objects: `Authorization_RequestDenied`.
    Directory(&'static [&'static str]),
    /// Intune: its own 403 body naming the permissions.
    Intune(&'static [&'static str]),
}

pub struct Flat<T: 'static> {
    pub listing: Listing,
    pub schema: &'static Schema<T>,
    pub access: Access,
    /// The tenant vector the items live in, and the items.
    pub collection: Collection,
    pub items: fn(&Tenant) -> &[T],
}

/// What a list request brings: the caller (checked first, so a bad token is a 401 before any 400),
/// the base URL for links, the headers (`ConsistencyLevel`) and the raw query.
pub struct ListRequest {
    pub caller: Caller,
    pub base: BaseUrl,
    pub headers: HeaderMap,
    pub state: SimState,
    pub raw: Option<String>,
}

impl FromRequestParts<SimState> for ListRequest {
    type Rejection = GraphError;

    async fn from_request_parts(parts: &mut Parts, state: &SimState) -> Result<Self, GraphError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let Ok(base) = BaseUrl::from_request_parts(parts, state).await;
        let Ok(RawQuery(raw)) = RawQuery::from_request_parts(parts, state).await;
        let Ok(State(state)) = State::<SimState>::from_request_parts(parts, state).await;
        Ok(Self {
            caller,
            base,
            headers: parts.headers.clone(),
            state,
            raw,
        })
    }
}

impl ListRequest {
    pub fn serve<T>(self, flat: &Flat<T>) -> Result<Response, GraphError> {
        match flat.access {
            Access::Directory(roles) => self.caller.require_any(roles)?,
            Access::Intune(roles) => self.caller.require_intune(roles)?,
        }
        let tenant = &self.state.tenant();
        list_items(
            &flat.listing,
            flat.schema,
            tenant,
            (flat.collection, (flat.items)(tenant)),
            &self.base,
            &self.headers,
            self.raw.as_deref(),
        )
    }
}

/// A directory collection at `path`: pages of 100 by default, up to 999, `$count` as an advanced query.
const fn directory(path: &'static str, entity_set: &'static str) -> Listing {
    Listing {
        path: Cow::Borrowed(path),
        entity_set,
        default_top: 100,
        max_top: 999,
        clamp_top: false,
        countable: true,
    }
}

/// `GET /v1.0/groups` (group-list).
pub const GROUPS: Flat<Group> = Flat {
    listing: directory("/v1.0/groups", "groups"),
    schema: &GROUP,
    access: Access::Directory(roles::GROUPS),
    collection: Collection::Groups,
    items: |t| &t.groups,
};

/// `GET /v1.0/devices` (device-list): Entra's device objects.
pub const DEVICES: Flat<Device> = Flat {
    listing: directory("/v1.0/devices", "devices"),
    schema: &DEVICE,
    access: Access::Directory(roles::DEVICES),
    collection: Collection::Devices,
    items: |t| &t.devices,
};

/// `GET /v1.0/deviceManagement/managedDevices` (Intune). Not a directory object: its own permission
/// and 403 shape, pages of up to 1,000, no `$count` under `ConsistencyLevel`.
pub const MANAGED_DEVICES: Flat<ManagedDevice> = Flat {
    listing: Listing {
        path: Cow::Borrowed("/v1.0/deviceManagement/managedDevices"),
        entity_set: "deviceManagement/managedDevices",
        default_top: 1000,
        max_top: 1000,
        clamp_top: true,
        countable: false,
    },
    schema: &MANAGED_DEVICE,
    access: Access::Intune(roles::MANAGED_DEVICES),
    collection: Collection::ManagedDevices,
    items: |t| &t.managed_devices,
};

/// `GET /v1.0/applications` (application-list): app registrations with their credentials' metadata.
pub const APPLICATIONS: Flat<Application> = Flat {
    listing: directory("/v1.0/applications", "applications"),
    schema: &APPLICATION,
    access: Access::Directory(roles::APPLICATIONS),
    collection: Collection::Applications,
    items: |t| &t.applications,
};

/// `GET /v1.0/servicePrincipals` (serviceprincipal-list): enterprise applications.
pub const SERVICE_PRINCIPALS: Flat<ServicePrincipal> = Flat {
    listing: directory("/v1.0/servicePrincipals", "servicePrincipals"),
    schema: &SERVICE_PRINCIPAL,
    access: Access::Directory(roles::SERVICE_PRINCIPALS),
    collection: Collection::ServicePrincipals,
    items: |t| &t.service_principals,
};
