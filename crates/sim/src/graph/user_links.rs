//! A user's own links, as the requester panel's Refresh reads one person live:
//! `GET /users/{id}/memberOf` (the groups the user is a direct member of, as directory objects
//! with `@odata.type`, paged like other directory lists) and `GET /users/{id}/licenseDetails`
//! (`{id, skuId, skuPartNumber, servicePlans}` per assigned licence, unpaged).

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::Caller;
use super::collection::Listing;
use super::error::GraphError;
use super::group_schema::GROUP;
use super::members::{applicable, typed};
use super::query;
use super::roles;
use super::schema::unknown_property;
use crate::http::BaseUrl;
use crate::state::SimState;
use crate::tenant::{MemberRef, Tenant};

fn user_index(tenant: &Tenant, key: &str) -> Result<u32, GraphError> {
    tenant
        .index
        .user(key)
        .ok_or_else(|| GraphError::ResourceNotFound(key.to_string()))
}

pub async fn member_of(
    caller: Caller,
    base: BaseUrl,
    headers: HeaderMap,
    State(state): State<SimState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    // user-list-memberof: any of the directory read permissions that cover users or groups.
    let mut accepted: Vec<&str> = roles::USERS.to_vec();
    accepted.extend_from_slice(roles::GROUP_MEMBERS);
    caller.require_any(&accepted)?;
    let tenant = &state.tenant();
    let user = user_index(tenant, &id)?;
    let listing = Listing {
        path: format!("/v1.0/users/{id}/memberOf").into(),
        entity_set: "directoryObjects",
        default_top: 100,
        max_top: 999,
        clamp_top: false,
        countable: true,
    };
    let request = listing.request(query::parse(raw.as_deref())?, &headers)?;
    if request.filter.is_some() || request.expand.is_some() {
        return Err(GraphError::UnsupportedQuery(
            "Unsupported Query.".to_string(),
        ));
    }
    let select = request.select.as_deref();
    if let Some(names) = select {
        if let Some(name) = names.iter().find(|n| GROUP.prop(n).is_none()) {
            return Err(unknown_property(name, "microsoft.graph.directoryObject"));
        }
    }
    let props = applicable(&GROUP, select);
    let selected = select.map(|names| {
        names
            .iter()
            .filter_map(|n| GROUP.prop(n).map(|p| p.name))
            .collect::<Vec<_>>()
    });
    let groups: Vec<usize> = tenant
        .groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.members.contains(&MemberRef::User(user)))
        .map(|(i, _)| i)
        .collect();
    Ok(
        listing.respond(&base, &request, selected, groups.len(), |i| {
            typed(&GROUP, tenant, tenant.groups.get(groups[i]), &props)
        }),
    )
}

pub async fn license_details(
    caller: Caller,
    base: BaseUrl,
    State(state): State<SimState>,
    Path(id): Path<String>,
) -> Result<Response, GraphError> {
    caller.require_any(roles::USERS)?;
    let tenant = &state.tenant();
    let user = &tenant.users[user_index(tenant, &id)? as usize];
    let value: Vec<Value> = user
        .assigned_licenses
        .iter()
        .filter_map(|l| tenant.skus.get(l.sku as usize))
        .map(|sku| {
            json!({
                "id": format!("{}_{}", user.id, sku.sku_id),
                "skuId": sku.sku_id.to_string(),
                "skuPartNumber": sku.part_number,
                "servicePlans": [],
            })
        })
        .collect();
    Ok(Json(json!({
        "@odata.context": base.join(&format!("/v1.0/$metadata#users('{id}')/licenseDetails")),
        "value": value,
    }))
    .into_response())
}
