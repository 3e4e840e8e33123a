//! `GET /v1.0/groups/{id}/members` and `/transitiveMembers`: mixed collections of directory objects,
//! each carrying `@odata.type`. `$select` names may belong to any member type; each item gets the
//! ones its type has (Graph omits inapplicable properties).

use std::collections::HashSet;

use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;

use super::auth::Caller;
use super::collection::Listing;
use super::device_schema::DEVICE;
use super::error::GraphError;
use super::group_schema::GROUP;
use super::query;
use super::roles;
use super::schema::{Object, Prop, Schema, unknown_property};
use super::user_schema::USER;
use crate::http::BaseUrl;
use crate::state::SimState;
use crate::tenant::{MemberRef, Tenant};

pub async fn direct(
    caller: Caller,
    base: BaseUrl,
    headers: HeaderMap,
    state: State<SimState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::GROUP_MEMBERS)?;
    list(base, headers, state, id, raw, "members", |tenant, group| {
        tenant.groups[group].members.clone()
    })
}

/// `/members/microsoft.graph.user`: the OData cast that keeps only users.
pub async fn direct_users(
    caller: Caller,
    base: BaseUrl,
    headers: HeaderMap,
    state: State<SimState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::GROUP_MEMBERS)?;
    list(
        base,
        headers,
        state,
        id,
        raw,
        "members/microsoft.graph.user",
        |tenant, group| only_users(tenant.groups[group].members.clone()),
    )
}

/// `/transitiveMembers/microsoft.graph.user`: everyone in the group, however deeply nested.
pub async fn transitive_users(
    caller: Caller,
    base: BaseUrl,
    headers: HeaderMap,
    state: State<SimState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::GROUP_MEMBERS)?;
    list(
        base,
        headers,
        state,
        id,
        raw,
        "transitiveMembers/microsoft.graph.user",
        |tenant, group| only_users(closure(tenant, group)),
    )
}

fn only_users(members: Vec<MemberRef>) -> Vec<MemberRef> {
    members
        .into_iter()
        .filter(|m| matches!(m, MemberRef::User(_)))
        .collect()
}

pub async fn transitive(
    caller: Caller,
    base: BaseUrl,
    headers: HeaderMap,
    state: State<SimState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::GROUP_MEMBERS)?;
    list(base, headers, state, id, raw, "transitiveMembers", closure)
}

/// Every member reachable through nested groups, the nested groups included, each once, in
/// depth-first order. Terminates on cyclic nesting too, should a tenant ever have it.
pub fn closure(tenant: &Tenant, group: usize) -> Vec<MemberRef> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let mut stack: Vec<MemberRef> = tenant.groups[group].members.iter().rev().copied().collect();
    seen.insert(MemberRef::Group(group as u32));
    while let Some(member) = stack.pop() {
        if !seen.insert(member) {
            continue;
        }
        out.push(member);
        if let MemberRef::Group(child) = member {
            if let Some(child) = tenant.groups.get(child as usize) {
                stack.extend(child.members.iter().rev().copied());
            }
        }
    }
    out
}

fn list(
    base: BaseUrl,
    headers: HeaderMap,
    State(state): State<SimState>,
    id: String,
    raw: Option<String>,
    segment: &str,
    members_of: impl Fn(&Tenant, usize) -> Vec<MemberRef>,
) -> Result<Response, GraphError> {
    let tenant = &state.tenant();
    let group = tenant
        .index
        .group(&id)
        .ok_or_else(|| GraphError::ResourceNotFound(id.clone()))? as usize;
    let listing = Listing {
        path: format!("/v1.0/groups/{id}/{segment}").into(),
        // A cast narrows the collection to users, and the context says so.
        entity_set: if segment.ends_with("microsoft.graph.user") {
            "users"
        } else {
            "directoryObjects"
        },
        default_top: 100,
        max_top: 999,
        clamp_top: false,
        countable: true,
    };
    let request = listing.request(query::parse(raw.as_deref())?, &headers)?;
    if request.filter.is_some() {
        return Err(GraphError::UnsupportedQuery(
            "Unsupported Query.".to_string(),
        ));
    }
    if request.expand.is_some() {
        return Err(GraphError::NotImplemented(
            "The simulator does not expand group members.".to_string(),
        ));
    }
    let select = request.select.as_deref();
    if let Some(names) = select {
        for name in names {
            if USER.prop(name).is_none()
                && GROUP.prop(name).is_none()
                && DEVICE.prop(name).is_none()
            {
                return Err(unknown_property(name, "microsoft.graph.directoryObject"));
            }
        }
    }
    let users = applicable(&USER, select);
    let groups = applicable(&GROUP, select);
    let devices = applicable(&DEVICE, select);
    let selected = select.map(|names| {
        let mut canonical: Vec<&str> = Vec::new();
        for name in names {
            let prop = USER
                .prop(name)
                .map(|p| p.name)
                .or_else(|| GROUP.prop(name).map(|p| p.name))
                .or_else(|| DEVICE.prop(name).map(|p| p.name))
                .unwrap_or_default();
            if !canonical.contains(&prop) {
                canonical.push(prop);
            }
        }
        canonical
    });
    let members = members_of(tenant, group);
    Ok(listing.respond(
        &base,
        &request,
        selected,
        members.len(),
        |i| match members[i] {
            MemberRef::User(u) => typed(&USER, tenant, tenant.users.get(u as usize), &users),
            MemberRef::Group(g) => typed(&GROUP, tenant, tenant.groups.get(g as usize), &groups),
            MemberRef::Device(d) => {
                typed(&DEVICE, tenant, tenant.devices.get(d as usize), &devices)
            }
        },
    ))
}

/// The selected properties `T` has, or its defaults without `$select`.
pub(super) fn applicable<T>(
    schema: &Schema<T>,
    select: Option<&[String]>,
) -> Vec<&'static Prop<T>> {
    match select {
        Some(names) => {
            let known: Vec<String> = names
                .iter()
                .filter(|n| schema.prop(n).is_some())
                .cloned()
                .collect();
            schema.resolve(Some(&known)).unwrap_or_default()
        }
        None => schema.resolve(None).unwrap_or_default(),
    }
}

pub(super) fn typed<T>(
    schema: &Schema<T>,
    tenant: &Tenant,
    item: Option<&T>,
    props: &[&'static Prop<T>],
) -> Object {
    let mut object = item.map_or_else(Object::default, |item| schema.render(tenant, item, props));
    object.prepend("@odata.type", Value::String(schema.odata_type.to_string()));
    object
}
