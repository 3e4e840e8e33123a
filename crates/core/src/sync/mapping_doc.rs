//! The schema-and-mapping document Entra Sync puts on its import source (2023_10_19 format: every
//! type and attribute has an external id, so later versions can add to it without renaming).

use serde_json::{Value, json};

use crate::model::{AttrKind, ObjectType};

fn attribute_external_id(object_type: ObjectType, locator: &str) -> String {
    format!("{}/{locator}", object_type.external_id())
}

fn schema_type(object_type: ObjectType) -> Value {
    let attributes: Vec<Value> = object_type
        .attributes()
        .iter()
        .map(|a| {
            let mut attribute = json!({
                "externalId": attribute_external_id(object_type, a.locator),
                "name": a.name,
                "description": a.description,
                "type": match a.kind {
                    AttrKind::Text => "text",
                    AttrKind::Boolean => "boolean",
                    AttrKind::DateTime => "date_time",
                    AttrKind::Integer => "integer",
                    AttrKind::Reference(_) => "referenced_object",
                },
                "label": a.label,
            });
            if a.identity {
                attribute["unique"] = json!(true);
                attribute["minimumCardinality"] = json!(1);
                attribute["maximumCardinality"] = json!(1);
            }
            if let AttrKind::Reference(target) = a.kind {
                attribute["referenceObjectTypeExternalId"] = json!(target.external_id());
                attribute["referenceObjectTypeName"] = json!(target.name());
            }
            attribute
        })
        .collect();
    json!({
        "externalId": object_type.external_id(),
        "name": object_type.name(),
        "description": format!("{} synced by Entra Sync", object_type.name()),
        "attributes": attributes,
    })
}

fn type_mapping(object_type: ObjectType) -> Value {
    let attributes: Vec<Value> = object_type
        .attributes()
        .iter()
        .map(|a| {
            let mut mapping = json!({
                "attributeExternalId": attribute_external_id(object_type, a.locator),
                "attributeName": a.name,
                "attributeLocators": [a.locator],
                "externalIdPart": a.identity,
            });
            if let AttrKind::Reference(target) = a.kind {
                mapping["objectMappingIQL"] = json!(format!(
                    "\"{}\" = ${{{}}}",
                    target.identity_name(),
                    a.locator
                ));
            }
            mapping
        })
        .collect();
    json!({
        "objectTypeExternalId": object_type.external_id(),
        "objectTypeName": object_type.name(),
        "selector": object_type.selector(),
        "description": format!("Entra Sync: {}", object_type.name()),
        "attributesMapping": attributes,
    })
}

/// The document for the given object types.
pub fn mapping_document(types: &[ObjectType]) -> Value {
    json!({
        "schema": {
            "objectSchema": {
                "name": "Entra ID",
                "description": "Microsoft Entra ID and Intune, synced by Entra Sync",
                "objectTypes": types.iter().copied().map(schema_type).collect::<Vec<_>>(),
            }
        },
        "mapping": {
            "objectTypeMappings": types.iter().copied().map(type_mapping).collect::<Vec<_>>(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_document_names_every_attribute_once_with_a_reference_query() {
        let document = mapping_document(&[ObjectType::User]);
        let mappings = &document["mapping"]["objectTypeMappings"][0]["attributesMapping"];
        let manager = mappings
            .as_array()
            .expect("array")
            .iter()
            .find(|m| m["attributeLocators"][0] == "managerId")
            .expect("manager mapped");
        assert_eq!(
            manager["objectMappingIQL"],
            "\"Entra Object ID\" = ${managerId}"
        );
        let identity: Vec<&Value> = mappings
            .as_array()
            .expect("array")
            .iter()
            .filter(|m| m["externalIdPart"] == true)
            .collect();
        assert_eq!(identity.len(), 1);
    }
}
