//! REST v1 bodies (§3 of the reference): ids as strings, `globalId` = `<workspace>:<id>`, and the
//! attribute type codes of SPEC (`type` 0 Default / 1 Object reference / 7 Status, `defaultType`).

use serde_json::{Value, json};

use super::model::{AttrKind, Attribute, Object, ObjectSchema, ObjectType};
use super::store::Store;

/// SPEC's `defaultTypeId` for an import-schema type name.
fn default_type(name: &str) -> (i64, &'static str) {
    match name {
        "integer" => (1, "Integer"),
        "boolean" => (2, "Boolean"),
        "double" => (3, "Double"),
        "date" => (4, "Date"),
        "time" => (5, "Time"),
        "date_time" => (6, "DateTime"),
        "url" => (7, "URL"),
        "email" => (8, "Email"),
        "textarea" => (9, "Textarea"),
        "select" => (10, "Select"),
        "ipaddress" => (11, "IP Address"),
        _ => (0, "Text"),
    }
}

pub fn schema(store: &Store, s: &ObjectSchema) -> Value {
    let ws = &store.workspace_id;
    let types = store.types_of(s.id);
    let object_count: usize = types.iter().map(|t| store.object_count(t.id)).sum();
    json!({
        "workspaceId": ws, "globalId": format!("{ws}:{}", s.id), "id": s.id.to_string(),
        "name": s.name, "objectSchemaKey": s.key, "description": s.description, "status": "Ok",
        "created": s.created, "updated": s.created, "objectCount": object_count,
        "objectTypeCount": types.len(), "canManage": true,
    })
}

pub fn object_type(store: &Store, t: &ObjectType, base: &str) -> Value {
    let ws = &store.workspace_id;
    let icon = format!(
        "{base}/jsm/assets/workspace/{ws}/v1/objecttype/{}/icon.png",
        t.id
    );
    let mut body = json!({
        "workspaceId": ws, "globalId": format!("{ws}:{}", t.id), "id": t.id.to_string(),
        "name": t.name, "type": 0, "description": t.description,
        "icon": {"id": "1", "name": "Sim", "url16": format!("{icon}?size=16"), "url48": format!("{icon}?size=48")},
        "position": t.position, "created": t.created, "updated": t.created,
        "objectCount": store.object_count(t.id), "objectSchemaId": t.schema_id.to_string(),
        "inherited": false, "abstractObjectType": false, "parentObjectTypeInherited": false,
    });
    if let Some(parent) = t.parent {
        body["parentObjectTypeId"] = json!(parent.to_string());
    }
    body
}

pub fn attribute(store: &Store, a: &Attribute) -> Value {
    let ws = &store.workspace_id;
    let mut body = json!({
        "workspaceId": ws, "globalId": format!("{ws}:{}", a.id), "id": a.id.to_string(),
        "objectType": {"id": a.object_type_id.to_string()},
        "name": a.name, "label": a.label, "description": a.description,
        "editable": true, "system": false, "sortable": true, "summable": false, "indexed": true,
        "minimumCardinality": a.minimum_cardinality, "maximumCardinality": a.maximum_cardinality,
        "removable": true, "hidden": false, "includeChildObjectTypes": false,
        "uniqueAttribute": a.unique, "options": "", "position": a.position,
    });
    match &a.kind {
        AttrKind::Default(name) => {
            let (id, label) = default_type(name);
            body["type"] = json!(0);
            body["defaultType"] = json!({"id": id, "name": label});
        }
        AttrKind::Reference { target_type } => {
            body["type"] = json!(1);
            body["referenceObjectTypeId"] = json!(target_type.to_string());
            body["referenceObjectType"] = match store.types.get(target_type) {
                Some(t) => json!({"id": t.id.to_string(), "name": t.name}),
                None => json!({"id": target_type.to_string()}),
            };
            body["referenceType"] = json!({"id": "4", "name": "Reference"});
        }
        AttrKind::Status(_) => {
            body["type"] = json!(7);
        }
    }
    body
}

/// An object as `GET /object/{id}` and AQL return it; `with_attributes` adds `attributes[]`.
pub fn object(store: &Store, o: &Object, base: &str, with_attributes: bool) -> Value {
    let ws = &store.workspace_id;
    let label = store.label(o);
    let object_type = store
        .types
        .get(&o.object_type_id)
        .map_or(Value::Null, |t| object_type(store, t, base));
    let mut body = json!({
        "workspaceId": ws, "globalId": format!("{ws}:{}", o.id), "id": o.id.to_string(),
        "label": label, "objectKey": store.object_key(o), "name": label,
        "objectType": object_type, "created": o.created, "updated": o.updated,
        "hasAvatar": false, "timestamp": 0,
        "_links": {"self": format!("{base}/jsm/assets/workspace/{ws}/v1/object/{}", o.id)},
    });
    if with_attributes {
        body["attributes"] = Value::Array(object_attributes(store, o));
        body["extendedInfo"] = json!({"openIssuesExists": false, "attachmentsExists": false});
    }
    body
}

fn object_attributes(store: &Store, o: &Object) -> Vec<Value> {
    store
        .attributes_of(o.object_type_id)
        .into_iter()
        .filter_map(|a| {
            let values = o.values.get(&a.id)?;
            let rendered: Vec<Value> = values
                .iter()
                .map(|v| match v {
                    super::model::Value::Text(text) => json!({
                        "value": text, "displayValue": text, "searchValue": text, "referencedType": false,
                    }),
                    super::model::Value::Ref(id) => match store.objects.get(id) {
                        Some(target) => {
                            let key = store.object_key(target);
                            let label = store.label(target);
                            json!({
                                "referencedObject": {"id": target.id.to_string(), "label": label, "objectKey": key,
                                                     "objectType": {"id": target.object_type_id.to_string()}},
                                "displayValue": label, "searchValue": key, "referencedType": true,
                            })
                        }
                        None => json!({"displayValue": id.to_string(), "searchValue": id.to_string(), "referencedType": true}),
                    },
                })
                .collect();
            Some(json!({
                "workspaceId": store.workspace_id, "globalId": format!("{}:{}-{}", store.workspace_id, o.id, a.id),
                "id": format!("{}-{}", o.id, a.id), "objectTypeAttributeId": a.id.to_string(),
                "objectAttributeValues": rendered, "objectId": o.id.to_string(),
            }))
        })
        .collect()
}
