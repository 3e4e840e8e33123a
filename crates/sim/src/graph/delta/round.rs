//! One page of a delta round, for any of the delta resources. A first round lists every object (and
//! the tombstones the log holds); a later round lists what changed in `(after, upto]`. Either way the
//! page is a window over a list of units fixed by the token, so the pages of a round agree even while
//! the tenant changes; changes after `upto` come in the next round.

use std::collections::HashMap;

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use uuid::Uuid;

use super::options;
use super::token::DeltaToken;
use crate::graph::error::GraphError;
use crate::graph::schema::{Object, Prop, Schema};
use crate::http::BaseUrl;
use crate::state::SimState;
use crate::tenant::{MemberRef, NetChange, ObjectKind, ObjectRef, RemovalReason, Tenant};

/// Members reported per group item; more changes repeat the group on further items, as Graph does.
pub const MEMBER_CHUNK: usize = 20;

/// What differs between the delta resources (`/users/delta`, `/groups/delta`, `/applications/delta`, …).
pub struct Resource<T: 'static> {
    pub path: &'static str,
    pub entity_set: &'static str,
    pub kind: ObjectKind,
    pub page_size: usize,
    /// At most this many ids in `$filter` (groups: 50).
    pub max_ids: usize,
    /// `manager` (users) or `members` (groups): selectable relationships with their own `@delta`.
    pub relation: Option<&'static str>,
    pub items: fn(&Tenant) -> &[T],
    pub id: fn(&T) -> Option<Uuid>,
}

/// One item of a round.
enum Unit {
    /// An object by index; for groups tracking members, which slice of its member changes.
    Live(usize, usize),
    Removed(Uuid, RemovalReason),
}

pub fn respond<T>(
    resource: &Resource<T>,
    schema: &Schema<T>,
    state: &SimState,
    base: &BaseUrl,
    raw: Option<&str>,
) -> Result<Response, GraphError> {
    let request = options::parse(raw, resource.max_ids)?;
    let tenant = state.tenant();
    let now = crate::time::now_unix();
    let generation = state.delta().generation();
    let token = match (&request.skiptoken, &request.deltatoken) {
        (Some(text), _) | (None, Some(text)) if text != "latest" => {
            DeltaToken::decode(text, resource.path, now, generation)
                .ok_or_else(|| reset(state, base, resource))?
        }
        _ => DeltaToken {
            resource: resource.path.to_string(),
            after: None,
            upto: tenant.changes.version(),
            offset: 0,
            select: request.select.clone(),
            ids: request.ids.clone(),
            issued: now,
            generation,
        },
    };
    let (select, relation) = split_relation(token.select.as_deref(), resource.relation);
    let props = schema.resolve(select.as_deref())?;
    let fresh = |token: &DeltaToken, after: Option<u64>, upto: u64, offset: usize| DeltaToken {
        after,
        upto,
        offset,
        issued: now,
        ..token.clone()
    };
    // `$deltatoken=latest`: nothing now, a deltaLink from here on.
    if request.deltatoken.as_deref() == Some("latest") && request.skiptoken.is_none() {
        let version = tenant.changes.version();
        return Ok(page(
            resource,
            base,
            &token,
            Vec::new(),
            None,
            Some(fresh(&token, Some(version), version, 0)),
        ));
    }
    // A deltaLink starts a new round up to now; a skip token continues its round.
    let token = if request.deltatoken.is_some() {
        fresh(
            &token,
            token.after.or(Some(token.upto)),
            tenant.changes.version(),
            0,
        )
    } else {
        token
    };
    let members = relation && resource.kind == ObjectKind::Group;
    let member_changes = match (members, token.after) {
        (true, Some(after)) => tenant.changes.net_members(after, token.upto),
        _ => HashMap::new(),
    };
    let units = units(resource, &tenant, &token, members, &member_changes);
    let end = (token.offset + resource.page_size).min(units.len());
    let items = (resource.items)(&tenant);
    let value: Vec<Object> = units[token.offset.min(end)..end]
        .iter()
        .map(|unit| match *unit {
            Unit::Removed(id, reason) => removed(id, reason),
            Unit::Live(i, slice) => {
                let item = &items[i];
                let mut object = render(schema, &tenant, item, &props, resource.id);
                if relation && resource.kind == ObjectKind::User {
                    object.push("manager@delta", manager_delta(&tenant, i));
                }
                if members {
                    let changes = group_member_changes(&tenant, i, token.after, &member_changes);
                    let chunk: Vec<Value> = changes
                        .iter()
                        .skip(slice * MEMBER_CHUNK)
                        .take(MEMBER_CHUNK)
                        .map(|(member, added)| member_entry(*member, *added))
                        .collect();
                    object.push("members@delta", Value::Array(chunk));
                }
                if let Some(id) = (resource.id)(item) {
                    state
                        .delta()
                        .apply(resource.path, &id.to_string(), &mut object);
                }
                object
            }
        })
        .collect();
    let (next, delta) = if end < units.len() {
        (Some(fresh(&token, token.after, token.upto, end)), None)
    } else {
        (None, Some(fresh(&token, Some(token.upto), token.upto, 0)))
    };
    Ok(page(resource, base, &token, value, next, delta))
}

/// Splits the relationship (`manager`, `members`) off a `$select`; it is tracked, not a property.
fn split_relation(
    select: Option<&[String]>,
    relation: Option<&str>,
) -> (Option<Vec<String>>, bool) {
    let Some(select) = select else {
        return (None, false);
    };
    let mut tracked = false;
    let rest = select
        .iter()
        .filter(|name| {
            let is = relation.is_some_and(|r| name.eq_ignore_ascii_case(r));
            tracked |= is;
            !is
        })
        .cloned()
        .collect();
    (Some(rest), tracked)
}

fn units<T>(
    resource: &Resource<T>,
    tenant: &Tenant,
    token: &DeltaToken,
    members: bool,
    member_changes: &HashMap<Uuid, Vec<(ObjectRef, bool)>>,
) -> Vec<Unit> {
    let items = (resource.items)(tenant);
    let wanted = |id: Uuid| token.ids.as_ref().is_none_or(|ids| ids.contains(&id));
    let chunks = |i: usize| -> usize {
        if !members {
            return 1;
        }
        let count = match token.after {
            None => tenant.groups.get(i).map_or(0, |g| g.members.len()),
            Some(_) => tenant
                .groups
                .get(i)
                .and_then(|g| member_changes.get(&g.id))
                .map_or(0, Vec::len),
        };
        count.div_ceil(MEMBER_CHUNK).max(1)
    };
    let mut units = Vec::new();
    let live = |units: &mut Vec<Unit>, i: usize| {
        for slice in 0..chunks(i) {
            units.push(Unit::Live(i, slice));
        }
    };
    match token.after {
        None => {
            for (i, item) in items.iter().enumerate() {
                if (resource.id)(item).is_some_and(wanted) {
                    live(&mut units, i);
                }
            }
            for (id, reason) in tenant.changes.tombstones(resource.kind, token.upto) {
                if wanted(id) {
                    units.push(Unit::Removed(id, reason));
                }
            }
        }
        Some(after) => {
            for (id, net) in tenant.changes.net_objects(resource.kind, after, token.upto) {
                if !wanted(id) {
                    continue;
                }
                match net {
                    NetChange::Removed(reason) => units.push(Unit::Removed(id, reason)),
                    // Gone since `upto`: the next round reports the removal.
                    NetChange::Upserted => {
                        if let Some(i) = find(resource, tenant, id) {
                            live(&mut units, i);
                        }
                    }
                }
            }
        }
    }
    units
}

fn find<T>(resource: &Resource<T>, tenant: &Tenant, id: Uuid) -> Option<usize> {
    let key = id.to_string();
    let index = match resource.kind {
        ObjectKind::User => tenant.index.user(&key),
        ObjectKind::Group => tenant.index.group(&key),
        ObjectKind::Device => tenant.index.device(&key),
        // Hundreds to a few thousand: a scan costs less than keeping another index in step.
        ObjectKind::Application | ObjectKind::ServicePrincipal => {
            return (resource.items)(tenant)
                .iter()
                .position(|item| (resource.id)(item) == Some(id));
        }
    };
    index.map(|i| i as usize)
}

/// The selected properties with `id` last unless selected, as Graph's delta samples write it.
fn render<T>(
    schema: &Schema<T>,
    tenant: &Tenant,
    item: &T,
    props: &[&'static Prop<T>],
    id: fn(&T) -> Option<Uuid>,
) -> Object {
    let mut object = schema.render(tenant, item, props);
    if !props.iter().any(|p| p.name == "id") {
        let id = id(item).map_or(Value::Null, |id| Value::String(id.to_string()));
        object.push("id", id);
    }
    object
}

fn removed(id: Uuid, reason: RemovalReason) -> Object {
    let mut object = Object::default();
    object.push("id", Value::String(id.to_string()));
    object.push("@removed", json!({"reason": reason.as_str()}));
    object
}

/// `manager@delta`: the current manager; an empty array when none is set.
fn manager_delta(tenant: &Tenant, user: usize) -> Value {
    let manager = tenant.users[user]
        .manager
        .and_then(|m| tenant.users.get(m as usize));
    Value::Array(
        manager
            .map(|m| json!({"@odata.type": "#microsoft.graph.user", "id": m.id}))
            .into_iter()
            .collect(),
    )
}

/// All members as additions in a first round, the net changes in a later one.
fn group_member_changes(
    tenant: &Tenant,
    group: usize,
    after: Option<u64>,
    member_changes: &HashMap<Uuid, Vec<(ObjectRef, bool)>>,
) -> Vec<(ObjectRef, bool)> {
    let Some(group) = tenant.groups.get(group) else {
        return Vec::new();
    };
    match after {
        None => group
            .members
            .iter()
            .filter_map(|m| member_ref(tenant, *m))
            .map(|m| (m, true))
            .collect(),
        Some(_) => member_changes.get(&group.id).cloned().unwrap_or_default(),
    }
}

fn member_ref(tenant: &Tenant, member: MemberRef) -> Option<ObjectRef> {
    let (kind, id) = match member {
        MemberRef::User(u) => (
            ObjectKind::User,
            Uuid::parse_str(&tenant.users.get(u as usize)?.id).ok()?,
        ),
        MemberRef::Group(g) => (ObjectKind::Group, tenant.groups.get(g as usize)?.id),
        MemberRef::Device(d) => (ObjectKind::Device, tenant.devices.get(d as usize)?.id),
    };
    Some(ObjectRef { kind, id })
}

fn member_entry(member: ObjectRef, added: bool) -> Value {
    let mut entry = json!({"@odata.type": member.kind.odata_type(), "id": member.id.to_string()});
    if !added {
        entry["@removed"] = json!({"reason": "deleted"});
    }
    entry
}

fn page<T>(
    resource: &Resource<T>,
    base: &BaseUrl,
    token: &DeltaToken,
    value: Vec<Object>,
    next: Option<DeltaToken>,
    delta: Option<DeltaToken>,
) -> Response {
    let context = match &token.select {
        Some(names) => format!(
            "/v1.0/$metadata#{}({})",
            resource.entity_set,
            names.join(",")
        ),
        None => format!("/v1.0/$metadata#{}", resource.entity_set),
    };
    let mut body = Object::default();
    body.push("@odata.context", Value::String(base.join(&context)));
    if let Some(next) = next {
        let link = format!("{}?$skiptoken={}", resource.path, next.encode());
        body.push("@odata.nextLink", Value::String(base.join(&link)));
    }
    if let Some(delta) = delta {
        let link = format!("{}?$deltatoken={}", resource.path, delta.encode());
        body.push("@odata.deltaLink", Value::String(base.join(&link)));
    }
    body.push("value", serde_json::to_value(value).unwrap_or(Value::Null));
    Json(body).into_response()
}

/// An unusable token: 400 `syncStateNotFound`, or 410 with a fresh delta URL when so switched.
fn reset<T>(state: &SimState, base: &BaseUrl, resource: &Resource<T>) -> GraphError {
    match state.delta().reset_mode() {
        super::DeltaResetMode::SyncStateNotFound => GraphError::SyncStateNotFound,
        super::DeltaResetMode::Gone => GraphError::ResyncRequired(base.join(resource.path)),
    }
}
