//! What every paged Graph collection shares: merging the query with the `$skiptoken` cursor, page-size
//! rules, `$count` under `ConsistencyLevel: eventual`, and the page envelope with its nextLink.

use std::borrow::Cow;

use axum::Json;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use super::error::GraphError;
use super::filter::Filter;
use super::paging::{Cursor, Page, window};
use super::query::{self, QueryOptions};
use super::schema::{Object, Schema};
use crate::http::BaseUrl;
use crate::tenant::{Collection, Tenant};

/// A collection's URL and page-size rules.
pub struct Listing {
    /// `/v1.0/groups/{id}/members`: where nextLinks point, and what a skiptoken is bound to.
    pub path: Cow<'static, str>,
    /// The entity set named in `@odata.context`, e.g. `groups` or `directoryObjects`.
    pub entity_set: &'static str,
    pub default_top: u32,
    pub max_top: u32,
    /// Intune pages stop at `max_top` whatever `$top` asks for, instead of refusing it.
    pub clamp_top: bool,
    /// Directory objects honour `$count` with `ConsistencyLevel: eventual`; Intune ignores it.
    pub countable: bool,
}

/// The effective options of one page request.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub select: Option<Vec<String>>,
    pub filter: Option<String>,
    pub expand: Option<String>,
    pub top: u32,
    pub offset: usize,
    /// See [`Cursor::pass`].
    pub pass: Option<usize>,
    /// Whether this page carries `@odata.count`.
    pub count: bool,
}

/// Whether the advanced-query header is present (`ConsistencyLevel: eventual`, any case).
pub fn eventual(headers: &HeaderMap) -> bool {
    headers
        .get("consistencylevel")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("eventual"))
}

impl Listing {
    pub fn request(
        &self,
        options: QueryOptions,
        headers: &HeaderMap,
    ) -> Result<PageRequest, GraphError> {
        let cursor = options
            .skiptoken
            .as_deref()
            .map(|token| Cursor::decode(token, &self.path))
            .transpose()?;
        let first = cursor.is_none();
        // Options sent alongside a skiptoken override the ones it carries.
        let (select, filter, expand, offset, pass, carried_top) = match cursor {
            Some(c) => (
                options.select.or(c.select),
                options.filter.or(c.filter),
                options.expand.or(c.expand),
                c.offset,
                c.pass,
                Some(c.top),
            ),
            None => (
                options.select,
                options.filter,
                options.expand,
                0,
                None,
                None,
            ),
        };
        let mut top = options.top.or(carried_top).unwrap_or(self.default_top);
        if self.clamp_top && top > self.max_top {
            top = self.max_top;
        }
        if !(1..=self.max_top).contains(&top) {
            return Err(GraphError::RequestBadRequest(format!(
                "Invalid page size specified: '{top}'. Must be between 1 and {} inclusive.",
                self.max_top
            )));
        }
        Ok(PageRequest {
            select,
            filter,
            expand,
            top,
            offset,
            pass,
            // `$count=true` without the header is silently ignored (aad-advanced-queries).
            count: first && self.countable && options.count && eventual(headers),
        })
    }

    /// One page over `total` items; `render(i)` writes the i-th. `selected` are the canonical names
    /// of a `$select`, for `@odata.context`.
    pub fn respond(
        &self,
        base: &BaseUrl,
        request: &PageRequest,
        selected: Option<Vec<&str>>,
        total: usize,
        render: impl FnMut(usize) -> Object,
    ) -> Response {
        let (range, next_offset) = window(total, request.offset, request.top);
        let next = next_offset.map(|offset| (offset, None));
        self.envelope(
            base,
            request,
            selected,
            total,
            range.map(render).collect(),
            next,
        )
    }

    /// One page of a list over the tenant's vector `keyed.collection`: `keyed.positions` are the
    /// vector positions of the items the query keeps, in order, and `render(p)` writes the item at
    /// position `p`. The skip token resumes after the last item returned, wherever removals
    /// have moved it since.
    pub fn respond_keyed(
        &self,
        base: &BaseUrl,
        request: &PageRequest,
        selected: Option<Vec<&str>>,
        keyed: Keyed,
        render: impl FnMut(usize) -> Object,
    ) -> Response {
        let positions = keyed.positions;
        let start = match request.pass {
            Some(pass) => {
                let at = keyed
                    .tenant
                    .removals
                    .resume(keyed.collection, pass, request.offset);
                positions.partition_point(|&p| p < at)
            }
            None => request.offset.min(positions.len()),
        };
        let end = start
            .saturating_add(request.top as usize)
            .min(positions.len());
        let next = (end < positions.len() && end > start)
            .then(|| (positions[end - 1] + 1, Some(keyed.tenant.removals.passes())));
        let value = positions[start..end].iter().copied().map(render).collect();
        self.envelope(base, request, selected, positions.len(), value, next)
    }

    /// The page envelope; `next` is the next page's offset and removal pass, if there is one.
    fn envelope(
        &self,
        base: &BaseUrl,
        request: &PageRequest,
        selected: Option<Vec<&str>>,
        total: usize,
        value: Vec<Object>,
        next: Option<(usize, Option<usize>)>,
    ) -> Response {
        let next_link = next.map(|(offset, pass)| {
            let cursor = Cursor {
                resource: self.path.to_string(),
                offset,
                top: request.top,
                select: selected
                    .as_ref()
                    .map(|names| names.iter().map(|n| n.to_string()).collect()),
                filter: request.filter.clone(),
                expand: request.expand.clone(),
                pass,
            };
            base.join(&format!("{}?$skiptoken={}", self.path, cursor.encode()))
        });
        let context = match &selected {
            Some(names) => format!("/v1.0/$metadata#{}({})", self.entity_set, names.join(",")),
            None => format!("/v1.0/$metadata#{}", self.entity_set),
        };
        let page = Page {
            context: base.join(&context),
            count: request.count.then_some(total),
            next_link,
            value,
        };
        Json(page).into_response()
    }
}

/// What [`Listing::respond_keyed`] pages over.
pub struct Keyed<'a> {
    pub tenant: &'a Tenant,
    pub collection: Collection,
    pub positions: &'a [usize],
}

/// A flat collection of one resource type: `$select`, `$filter` per the schema, `$count`, paging.
pub fn list_items<T>(
    listing: &Listing,
    schema: &Schema<T>,
    tenant: &Tenant,
    (collection, items): (Collection, &[T]),
    base: &BaseUrl,
    headers: &HeaderMap,
    raw: Option<&str>,
) -> Result<Response, GraphError> {
    let request = listing.request(query::parse(raw)?, headers)?;
    if request.expand.is_some() {
        return Err(GraphError::NotImplemented(format!(
            "The simulator does not expand {}.",
            listing.entity_set
        )));
    }
    let props = schema.resolve(request.select.as_deref())?;
    let filter = request
        .filter
        .as_deref()
        .map(|f| Filter::parse(f, schema))
        .transpose()?;
    let matching: Vec<usize> = match &filter {
        Some(filter) => (0..items.len())
            .filter(|&i| filter.matches(tenant, &items[i]))
            .collect(),
        None => (0..items.len()).collect(),
    };
    let selected = request
        .select
        .as_ref()
        .map(|_| props.iter().map(|p| p.name).collect::<Vec<_>>());
    let keyed = Keyed {
        tenant,
        collection,
        positions: &matching,
    };
    Ok(listing.respond_keyed(base, &request, selected, keyed, |p| {
        schema.render(tenant, &items[p], &props)
    }))
}
