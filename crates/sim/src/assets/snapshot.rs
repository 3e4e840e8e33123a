//! A plain-JSON read of the Assets side for tests and the demo, in-process and free of REST's
//! envelope: `{"workspaceId", "schemas": [{"id", "name", "key", "objectTypes": [{"id", "name",
//! "externalId", "attributes": [names], "objects": [...]}]}]}`. An object is `{"id", "key",
//! "externalId", "label", "attributes": {name: value}}`, where a value is a string, a reference
//! `{"id", "key", "label", "externalId"}`, or an array of those when there are several.

use serde_json::{Map, Value, json};

use super::model::{self, Object};
use super::store::Store;

pub fn snapshot(store: &Store) -> Value {
    let schemas: Vec<Value> = store
        .schemas
        .values()
        .map(|schema| {
            let types: Vec<Value> = store
                .types_of(schema.id)
                .into_iter()
                .map(|t| {
                    let attributes: Vec<&str> = store
                        .attributes_of(t.id)
                        .into_iter()
                        .map(|a| a.name.as_str())
                        .collect();
                    let objects: Vec<Value> =
                        store.objects_of(t.id).map(|o| object(store, o)).collect();
                    json!({"id": t.id, "name": t.name, "externalId": t.external_id,
                           "attributes": attributes, "objects": objects})
                })
                .collect();
            json!({"id": schema.id, "name": schema.name, "key": schema.key, "objectTypes": types})
        })
        .collect();
    json!({"workspaceId": store.workspace_id, "schemas": schemas})
}

pub fn objects_of_type(store: &Store, name: &str) -> Vec<Value> {
    store
        .types
        .values()
        .filter(|t| t.name == name)
        .flat_map(|t| store.objects_of(t.id))
        .map(|o| object(store, o))
        .collect()
}

fn object(store: &Store, object: &Object) -> Value {
    let mut attributes = Map::new();
    for attribute in store.attributes_of(object.object_type_id) {
        let Some(values) = object.values.get(&attribute.id) else {
            continue;
        };
        let mut rendered: Vec<Value> = values.iter().map(|v| value(store, v)).collect();
        let shown = if rendered.len() == 1 {
            rendered.remove(0)
        } else {
            Value::Array(rendered)
        };
        attributes.insert(attribute.name.clone(), shown);
    }
    json!({"id": object.id, "key": store.object_key(object), "externalId": object.external_id,
           "label": store.label(object), "attributes": attributes})
}

fn value(store: &Store, value: &model::Value) -> Value {
    match value {
        model::Value::Text(text) => Value::String(text.clone()),
        model::Value::Ref(id) => match store.objects.get(id) {
            Some(target) => json!({"id": target.id, "key": store.object_key(target),
                                   "label": store.label(target), "externalId": target.external_id}),
            None => json!({"id": id}),
        },
    }
}
