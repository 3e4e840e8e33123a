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
use crate::tenant::Tenant;

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
        let (select, filter, expand, offset, carried_top) = match cursor {
            Some(c) => (
                options.select.or(c.select),
                options.filter.or(c.filter),
                options.expand.or(c.expand),
                c.offset,
                Some(c.top),
            ),
            None => (options.select, options.filter, options.expand, 0, None),
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
        mut render: impl FnMut(usize) -> Object,
    ) -> Response {
        let (range, next_offset) = window(total, request.offset, request.top);
        let next_link = next_offset.map(|offset| {
            let cursor = Cursor {
                resource: self.path.to_string(),
                offset,
                top: request.top,
                select: selected
                    .as_ref()
                    .map(|names| names.iter().map(|n| n.to_string()).collect()),
                filter: request.filter.clone(),
                expand: request.expand.clone(),
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
            value: range.map(&mut render).collect::<Vec<Object>>(),
        };
        Json(page).into_response()
    }
}

/// A flat collection of one resource type: `$select`, `$filter` per the schema, `$count`, paging.
pub fn list_items<T>(
    listing: &Listing,
    schema: &Schema<T>,
    tenant: &Tenant,
    items: &[T],
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
    Ok(
        listing.respond(base, &request, selected, matching.len(), |i| {
            schema.render(tenant, &items[matching[i]], &props)
        }),
    )
}
