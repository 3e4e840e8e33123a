//! `/v1.0/users` (user-list), `/users/{id}` (user-get), `/users/{id}/manager` (user-list-manager) and
//! `/users/$count`.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::auth::Caller;
use super::collection::{Keyed, Listing, eventual};
use super::error::GraphError;
use super::filter::Filter;
use super::flat::ListRequest;
use super::query;
use super::roles;
use super::schema::{Object, Prop};
use super::user_schema::USER;
use crate::http::BaseUrl;
use crate::state::SimState;
use crate::tenant::{Collection, Tenant, User};

/// Users a page when the list expands a relationship.
const EXPAND_MAX_TOP: u32 = 100;

fn listing() -> Listing {
    Listing {
        path: "/v1.0/users".into(),
        entity_set: "users",
        default_top: 100,
        max_top: 999,
        clamp_top: false,
        countable: true,
    }
}

pub async fn list(
    ListRequest {
        caller,
        base,
        headers,
        state,
        raw,
    }: ListRequest,
) -> Result<Response, GraphError> {
    caller.require_any(roles::USERS)?;
    let listing = listing();
    let mut request = listing.request(query::parse(raw.as_deref())?, &headers)?;
    let props = USER.resolve(request.select.as_deref())?;
    let expand = request.expand.as_deref().map(Expand::parse).transpose()?;
    if expand.is_some() {
        // "$expand on directory objects returns a maximum of 100 objects" a page, whatever
        // `$top` asks (query-parameters, expand; known issue 13635).
        request.top = request.top.min(EXPAND_MAX_TOP);
    }
    let tenant = &state.tenant();
    let matching = matching(tenant, request.filter.as_deref())?;
    let selected = request
        .select
        .as_ref()
        .map(|_| props.iter().map(|p| p.name).collect::<Vec<_>>());
    let keyed = Keyed {
        tenant,
        collection: Collection::Users,
        positions: &matching,
    };
    Ok(
        listing.respond_keyed(&base, &request, selected, keyed, |p| {
            let user = &tenant.users[p];
            let mut object = USER.render(tenant, user, &props);
            if let Some(expand) = &expand {
                // Graph leaves `manager` out when none is set.
                if let Some(manager) = user.manager.and_then(|m| tenant.users.get(m as usize)) {
                    let mut inner = USER.render(tenant, manager, &expand.props);
                    inner.prepend("@odata.type", Value::String(USER.odata_type.to_string()));
                    object.push(
                        "manager",
                        serde_json::to_value(inner).unwrap_or(Value::Null),
                    );
                }
            }
            object
        }),
    )
}

/// Indexes of the users a `$filter` keeps, in directory order.
fn matching(tenant: &Tenant, filter: Option<&str>) -> Result<Vec<usize>, GraphError> {
    let filter = filter.map(|f| Filter::parse(f, &USER)).transpose()?;
    Ok(tenant
        .users
        .iter()
        .enumerate()
        .filter(|(_, u)| filter.as_ref().is_none_or(|f| f.matches(tenant, u)))
        .map(|(i, _)| i)
        .collect())
}

/// `$expand=manager` or `manager($select=…)`, the only expansion on users the app uses.
struct Expand {
    props: Vec<&'static Prop<User>>,
}

impl Expand {
    fn parse(value: &str) -> Result<Self, GraphError> {
        let (name, options) = match value.split_once('(') {
            Some((name, rest)) => (
                name.trim(),
                Some(rest.strip_suffix(')').ok_or_else(|| bad_expand(value))?),
            ),
            None => (value.trim(), None),
        };
        if !name.eq_ignore_ascii_case("manager") {
            return Err(GraphError::RequestBadRequest(format!(
                "Parsing OData Select and Expand failed: Could not find a property named '{name}' on type 'microsoft.graph.user'."
            )));
        }
        let select = match options {
            Some(options) => {
                let (key, names) = options.split_once('=').ok_or_else(|| bad_expand(value))?;
                if !key.trim().eq_ignore_ascii_case("$select") {
                    return Err(bad_expand(value));
                }
                Some(
                    names
                        .split(',')
                        .map(|n| n.trim().to_string())
                        .collect::<Vec<_>>(),
                )
            }
            None => None,
        };
        Ok(Self {
            props: USER.resolve(select.as_deref())?,
        })
    }
}

fn bad_expand(value: &str) -> GraphError {
    GraphError::RequestBadRequest(format!("Invalid $expand value '{value}'."))
}

/// `/users/$count`: plain text, and only as an advanced query.
pub async fn count(
    caller: Caller,
    headers: HeaderMap,
    State(state): State<SimState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::USERS)?;
    let options = query::parse(raw.as_deref())?;
    if !eventual(&headers) {
        return Err(GraphError::RequestBadRequest(
            "$count is not currently supported.".to_string(),
        ));
    }
    let count = matching(&state.tenant(), options.filter.as_deref())?.len();
    let mut response = (StatusCode::OK, count.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    Ok(response)
}

/// `/users/{id | userPrincipalName}`.
pub async fn get(
    caller: Caller,
    base: BaseUrl,
    State(state): State<SimState>,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::USERS)?;
    let tenant = &state.tenant();
    let user = find(tenant, &key)?;
    let options = single_options(raw.as_deref())?;
    let props = USER.resolve(options.as_deref())?;
    let mut object = USER.render(tenant, user, &props);
    let context = match &options {
        Some(_) => format!(
            "/v1.0/$metadata#users({})/$entity",
            props.iter().map(|p| p.name).collect::<Vec<_>>().join(",")
        ),
        None => "/v1.0/$metadata#users/$entity".to_string(),
    };
    object.prepend("@odata.context", Value::String(base.join(&context)));
    Ok(axum::Json(object).into_response())
}

/// `/users/{id}/manager`: the manager as a directory object, or 404 when none is set.
pub async fn manager(
    caller: Caller,
    base: BaseUrl,
    State(state): State<SimState>,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, GraphError> {
    caller.require_any(roles::USERS)?;
    let tenant = &state.tenant();
    let user = find(tenant, &key)?;
    let manager = user
        .manager
        .and_then(|m| tenant.users.get(m as usize))
        .ok_or_else(|| GraphError::ResourceNotFound("manager".to_string()))?;
    let options = single_options(raw.as_deref())?;
    let props = USER.resolve(options.as_deref())?;
    let mut object: Object = USER.render(tenant, manager, &props);
    object.prepend("@odata.type", Value::String(USER.odata_type.to_string()));
    object.prepend(
        "@odata.context",
        Value::String(base.join("/v1.0/$metadata#directoryObjects/$entity")),
    );
    Ok(axum::Json(object).into_response())
}

fn find<'a>(tenant: &'a Tenant, key: &str) -> Result<&'a User, GraphError> {
    tenant
        .index
        .user(key)
        .and_then(|i| tenant.users.get(i as usize))
        .ok_or_else(|| GraphError::ResourceNotFound(key.to_string()))
}

/// A single object takes `$select` only.
fn single_options(raw: Option<&str>) -> Result<Option<Vec<String>>, GraphError> {
    let options = query::parse(raw)?;
    if options.top.is_some() || options.skiptoken.is_some() || options.filter.is_some() {
        return Err(GraphError::RequestBadRequest(
            "Query option '$top', '$skiptoken' or '$filter' is not allowed on a single object."
                .to_string(),
        ));
    }
    if options.expand.is_some() {
        return Err(GraphError::NotImplemented(
            "The simulator expands only on the users list.".to_string(),
        ));
    }
    Ok(options.select)
}
