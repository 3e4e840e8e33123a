//! `GET importsource/{id}/schema-and-mapping`: the stored schema and mapping as a document, every
//! field spelled out (`label: false`, `externalIdPart: false`) and generated external ids filled in,
//! like the real answer (§2.3). The schema's name and description are the schema's own.

use serde_json::{Value, json};

use super::model::{AttrKind, ObjectType};
use super::store::Store;

pub fn render(store: &Store, source_id: &str) -> Option<Value> {
    let source = store.sources.get(source_id)?;
    let mapping = source.mapping.as_ref()?;
    let schema = store.schemas.get(&source.schema_id)?;
    let roots: Vec<Value> = store
        .types_of(schema.id)
        .into_iter()
        .filter(|t| t.parent.is_none())
        .map(|t| object_type(store, t))
        .collect();
    let mappings: Vec<Value> = mapping
        .iter()
        .map(|m| {
            let t = store.types.get(&m.object_type_id);
            let attributes: Vec<Value> = m
                .attributes
                .iter()
                .map(|am| {
                    let a = store.attributes.get(&am.attribute_id);
                    let mut body = json!({
                        "attributeExternalId": a.and_then(|a| a.external_id.clone()),
                        "attributeName": a.map(|a| a.name.clone()),
                        "attributeLocators": am.locators,
                        "externalIdPart": am.external_id_part,
                    });
                    if let Some(iql) = &am.iql {
                        body["objectMappingIQL"] = json!(iql);
                    }
                    body
                })
                .collect();
            json!({
                "objectTypeExternalId": t.and_then(|t| t.external_id.clone()),
                "objectTypeName": t.map(|t| t.name.clone()),
                "selector": m.selector, "description": m.description,
                "attributesMapping": attributes,
            })
        })
        .collect();
    Some(json!({
        "schema": {"objectSchema": {"name": schema.name, "description": schema.description, "objectTypes": roots}},
        "mapping": {"objectTypeMappings": mappings},
    }))
}

fn object_type(store: &Store, t: &ObjectType) -> Value {
    let attributes: Vec<Value> = store
        .attributes_of(t.id)
        .into_iter()
        .map(|a| {
            let mut body = json!({
                "externalId": a.external_id, "name": a.name, "description": a.description,
                "label": a.label, "minimumCardinality": a.minimum_cardinality,
                "maximumCardinality": a.maximum_cardinality, "unique": a.unique,
            });
            match &a.kind {
                AttrKind::Default(name) => body["type"] = json!(name),
                AttrKind::Reference { target_type } => {
                    body["type"] = json!("referenced_object");
                    if let Some(target) = store.types.get(target_type) {
                        body["referenceObjectTypeExternalId"] = json!(target.external_id);
                        body["referenceObjectTypeName"] = json!(target.name);
                    }
                }
                AttrKind::Status(values) => {
                    body["type"] = json!("status");
                    if !values.is_empty() {
                        body["typeValues"] = json!(values);
                    }
                }
            }
            body
        })
        .collect();
    let children: Vec<Value> = store
        .types_of(t.schema_id)
        .into_iter()
        .filter(|c| c.parent == Some(t.id))
        .map(|c| object_type(store, c))
        .collect();
    let mut body = json!({
        "externalId": t.external_id, "name": t.name, "description": t.description,
        "attributes": attributes,
    });
    if !children.is_empty() {
        body["children"] = json!(children);
    }
    body
}
