//! REST v1 (§3): schemas, object types, attributes, AQL search and single objects.

use axum::Json;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::scoped::{JsonBody, Scope, Scoped};
use crate::assets::aql;
use crate::assets::error::AssetsError;
use crate::assets::model::{AttrKind, Object, ObjectType, Value as AttrValue};
use crate::assets::render;
use crate::assets::store::Store;
use crate::http::BaseUrl;

type Reply = Result<Response, AssetsError>;

#[derive(Deserialize)]
pub struct WsPath {
    ws: String,
}

#[derive(Deserialize)]
pub struct IdPath {
    ws: String,
    id: String,
}

impl Scope for WsPath {
    fn workspace(&self) -> &str {
        &self.ws
    }
}

impl Scope for IdPath {
    fn workspace(&self) -> &str {
        &self.ws
    }
}

#[derive(Deserialize)]
pub struct Page {
    #[serde(rename = "startAt")]
    start_at: Option<String>,
    #[serde(rename = "maxResults")]
    max_results: Option<String>,
    #[serde(rename = "includeAttributes")]
    include_attributes: Option<String>,
}

impl Page {
    /// `startAt` and `maxResults` (default 25, at most 1000); garbage is a 400 like Assets' validation.
    fn bounds(&self) -> Result<(usize, usize), AssetsError> {
        let number = |value: &Option<String>, name: &str, default: usize| match value {
            None => Ok(default),
            Some(text) => text.parse::<usize>().map_err(|_| {
                AssetsError::BadRequest(format!("{name} must be a non-negative integer"))
            }),
        };
        let start = number(&self.start_at, "startAt", 0)?;
        let max = number(&self.max_results, "maxResults", 25)?.clamp(1, 1000);
        Ok((start, max))
    }
}

fn numeric_id(text: &str, what: &str) -> Result<u64, AssetsError> {
    text.parse()
        .map_err(|_| AssetsError::NotFound(format!("{what} {text} not found")))
}

pub async fn schema_list(Scoped { state, .. }: Scoped<WsPath>, Query(page): Query<Page>) -> Reply {
    let (start, max) = page.bounds()?;
    let store = state.assets().lock();
    let all: Vec<Value> = store
        .schemas
        .values()
        .map(|s| render::schema(&store, s))
        .collect();
    let total = all.len();
    let values: Vec<Value> = all.into_iter().skip(start).take(max).collect();
    let last = start + values.len() >= total;
    Ok(Json(
        json!({"startAt": start, "maxResults": max, "total": total, "values": values,
                   "isLast": last, "last": last}),
    )
    .into_response())
}

pub async fn schema(Scoped { path: p, state, .. }: Scoped<IdPath>) -> Reply {
    let store = state.assets().lock();
    let schema = store
        .schemas
        .get(&numeric_id(&p.id, "Object schema")?)
        .ok_or_else(|| AssetsError::NotFound(format!("Object schema {} not found", p.id)))?;
    Ok(Json(render::schema(&store, schema)).into_response())
}

/// A bare array, `objecttypes` and `objecttypes/flat` alike (the sim has no abstract types).
pub async fn schema_types(Scoped { path: p, state, .. }: Scoped<IdPath>, base: BaseUrl) -> Reply {
    let store = state.assets().lock();
    let id = numeric_id(&p.id, "Object schema")?;
    if !store.schemas.contains_key(&id) {
        return Err(AssetsError::NotFound(format!(
            "Object schema {} not found",
            p.id
        )));
    }
    let types: Vec<Value> = store
        .types_of(id)
        .into_iter()
        .map(|t| render::object_type(&store, t, &base.0))
        .collect();
    Ok(Json(types).into_response())
}

pub async fn object_type(Scoped { path: p, state, .. }: Scoped<IdPath>, base: BaseUrl) -> Reply {
    let store = state.assets().lock();
    let t = store
        .types
        .get(&numeric_id(&p.id, "Object type")?)
        .ok_or_else(|| AssetsError::NotFound(format!("Object type {} not found", p.id)))?;
    Ok(Json(render::object_type(&store, t, &base.0)).into_response())
}

pub async fn type_attributes(Scoped { path: p, state, .. }: Scoped<IdPath>) -> Reply {
    let store = state.assets().lock();
    let id = numeric_id(&p.id, "Object type")?;
    if !store.types.contains_key(&id) {
        return Err(AssetsError::NotFound(format!(
            "Object type {} not found",
            p.id
        )));
    }
    let attrs: Vec<Value> = store
        .attributes_of(id)
        .into_iter()
        .map(|a| render::attribute(&store, a))
        .collect();
    Ok(Json(attrs).into_response())
}

fn matching(store: &Store, request: &Value) -> Result<Vec<u64>, AssetsError> {
    let text = request
        .get("qlQuery")
        .and_then(Value::as_str)
        .ok_or_else(|| AssetsError::BadRequest("\"qlQuery\" is required".into()))?;
    Ok(aql::parse(text)?.select(store))
}

/// `POST object/aql`: objects in id order; `isLast` is a boolean here (SPEC's example has a string).
pub async fn aql_search(
    Scoped { state, .. }: Scoped<WsPath>,
    base: BaseUrl,
    Query(page): Query<Page>,
    JsonBody(request): JsonBody,
) -> Reply {
    let (start, max) = page.bounds()?;
    let with_attributes = page
        .include_attributes
        .as_deref()
        .is_none_or(|v| !v.eq_ignore_ascii_case("false"));
    let store = state.assets().lock();
    let ids = matching(&store, &request)?;
    let total = ids.len();
    let page_ids: Vec<u64> = ids.into_iter().skip(start).take(max).collect();
    let last = start + page_ids.len() >= total;
    let mut type_ids: Vec<u64> = Vec::new();
    let values: Vec<Value> = page_ids
        .iter()
        .filter_map(|id| store.objects.get(id))
        .map(|o| {
            if !type_ids.contains(&o.object_type_id) {
                type_ids.push(o.object_type_id);
            }
            render::object(&store, o, &base.0, with_attributes)
        })
        .collect();
    let attributes: Vec<Value> = type_ids
        .iter()
        .flat_map(|t| store.attributes_of(*t))
        .map(|a| render::attribute(&store, a))
        .collect();
    Ok(Json(
        json!({"startAt": start, "maxResults": max, "total": total, "isLast": last,
                   "last": last, "values": values, "objectTypeAttributes": attributes}),
    )
    .into_response())
}

pub async fn aql_count(Scoped { state, .. }: Scoped<WsPath>, JsonBody(request): JsonBody) -> Reply {
    let store = state.assets().lock();
    let total = matching(&store, &request)?.len();
    Ok(Json(json!({"totalCount": total})).into_response())
}

pub async fn get_object(Scoped { path: p, state, .. }: Scoped<IdPath>, base: BaseUrl) -> Reply {
    let store = state.assets().lock();
    let object = find_object(&store, &p.id)?;
    Ok(Json(render::object(&store, object, &base.0, true)).into_response())
}

fn find_object<'a>(store: &'a Store, id: &str) -> Result<&'a Object, AssetsError> {
    numeric_id(id, "Object")
        .ok()
        .and_then(|id| store.objects.get(&id))
        .ok_or_else(|| AssetsError::NotFound(format!("Object {id} not found")))
}

pub async fn delete_object(Scoped { path: p, state, .. }: Scoped<IdPath>) -> Reply {
    let mut store = state.assets().lock();
    let id = find_object(&store, &p.id)?.id;
    store.delete_object(id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `PUT object/{id}`: only the listed attributes change (inferred, §3.4).
pub async fn put_object(
    Scoped { path: p, state, .. }: Scoped<IdPath>,
    base: BaseUrl,
    JsonBody(request): JsonBody,
) -> Reply {
    let mut store = state.assets().lock();
    let object = find_object(&store, &p.id)?;
    let (id, type_id) = (object.id, object.object_type_id);
    let values = attribute_values(&store, type_id, &request)?;
    for (attribute, _) in &values {
        store.value_indexes.get_mut().attribute_changed(*attribute);
    }
    let now = store.now_iso();
    if let Some(object) = store.objects.get_mut(&id) {
        for (attribute, values) in values {
            if values.is_empty() {
                object.values.remove(&attribute);
            } else {
                object.values.insert(attribute, values);
            }
        }
        object.updated = now;
    }
    let object = find_object(&store, &p.id)?;
    Ok(Json(render::object(&store, object, &base.0, true)).into_response())
}

/// `POST objecttype/create` (§3.2): an object type made by hand, as an admin does in the Assets
/// UI; required `name`, `iconId`, `objectSchemaId`. A name taken in the schema is refused (names
/// are unique per schema in the Assets UI).
pub async fn create_object_type(
    Scoped { state, .. }: Scoped<WsPath>,
    base: BaseUrl,
    JsonBody(request): JsonBody,
) -> Reply {
    let mut store = state.assets().lock();
    let text = |key: &str| {
        request
            .get(key)
            .and_then(|v| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| id_of(v).map(|n| n.to_string()))
            })
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| AssetsError::BadRequest(format!("\"{key}\" is required")))
    };
    let (name, _icon) = (text("name")?, text("iconId")?);
    let schema_id = text("objectSchemaId")?
        .parse::<u64>()
        .ok()
        .filter(|id| store.schemas.contains_key(id))
        .ok_or_else(|| {
            AssetsError::BadRequest("\"objectSchemaId\" must name an object schema".into())
        })?;
    if store
        .types_of(schema_id)
        .iter()
        .any(|t| t.name.eq_ignore_ascii_case(&name))
    {
        return Err(AssetsError::BadRequest(format!(
            "An object type named \"{name}\" already exists in this schema"
        )));
    }
    let id = store.next_id();
    let position = store.types_of(schema_id).len() as u32;
    let created = store.now_iso();
    let object_type = ObjectType {
        id,
        schema_id,
        parent: None,
        external_id: None,
        name,
        description: request
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        position,
        created,
    };
    let body = render::object_type(&store, &object_type, &base.0);
    store.types.insert(id, object_type);
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// `POST object/create`: 201 with the object, without attributes (SPEC).
pub async fn create_object(
    Scoped { state, .. }: Scoped<WsPath>,
    base: BaseUrl,
    JsonBody(request): JsonBody,
) -> Reply {
    let mut store = state.assets().lock();
    let type_id = request
        .get("objectTypeId")
        .and_then(id_of)
        .filter(|id| store.types.contains_key(id))
        .ok_or_else(|| {
            AssetsError::BadRequest("\"objectTypeId\" must name an object type".into())
        })?;
    let values = attribute_values(&store, type_id, &request)?;
    let id = store.next_id();
    let now = store.now_iso();
    store.insert_object(Object {
        id,
        object_type_id: type_id,
        external_id: None,
        values: values.into_iter().filter(|(_, v)| !v.is_empty()).collect(),
        created: now.clone(),
        updated: now,
    });
    let object = find_object(&store, &id.to_string())?;
    Ok((
        StatusCode::CREATED,
        Json(render::object(&store, object, &base.0, false)),
    )
        .into_response())
}

/// Ids arrive as strings or numbers (SPEC's examples use both).
fn id_of(value: &Value) -> Option<u64> {
    match value {
        Value::String(text) => text.parse().ok(),
        other => other.as_u64(),
    }
}

/// `attributes[]` of a create/update body, checked against the type; references accept an object
/// key or id.
fn attribute_values(
    store: &Store,
    type_id: u64,
    request: &Value,
) -> Result<Vec<(u64, Vec<AttrValue>)>, AssetsError> {
    let mut out = Vec::new();
    for entry in request
        .get("attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let attribute = entry
            .get("objectTypeAttributeId")
            .and_then(id_of)
            .and_then(|id| store.attributes.get(&id))
            .filter(|a| a.object_type_id == type_id)
            .ok_or_else(|| {
                AssetsError::BadRequest(format!("Unknown objectTypeAttributeId in {entry}"))
            })?;
        let mut values = Vec::new();
        for value in entry
            .get("objectAttributeValues")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let text = match value.get("value") {
                Some(Value::String(text)) => text.clone(),
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Bool(b)) => b.to_string(),
                _ => return Err(AssetsError::BadRequest(format!("Invalid value in {entry}"))),
            };
            values.push(match attribute.kind {
                AttrKind::Reference { target_type } => {
                    let target = store
                        .objects_of(target_type)
                        .find(|o| o.id.to_string() == text || store.object_key(o) == text)
                        .ok_or_else(|| {
                            AssetsError::BadRequest(format!("No {text} object to reference"))
                        })?;
                    AttrValue::Ref(target.id)
                }
                _ => AttrValue::Text(text),
            });
        }
        out.push((attribute.id, values));
    }
    Ok(out)
}
