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
                    AttrKind::Reference(_) | AttrKind::ReferenceBy(..) => "referenced_object",
                },
                "label": a.label,
            });
            if a.identity {
                attribute["unique"] = json!(true);
                attribute["minimumCardinality"] = json!(1);
                attribute["maximumCardinality"] = json!(1);
            }
            if let AttrKind::Reference(target) | AttrKind::ReferenceBy(target, _) = a.kind {
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
            let by = match a.kind {
                AttrKind::Reference(target) => Some(target.identity_name()),
                AttrKind::ReferenceBy(_, attribute) => Some(attribute),
                _ => None,
            };
            if let Some(by) = by {
                mapping["objectMappingIQL"] = json!(format!("\"{by}\" = ${{{}}}", a.locator));
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

/// `types` plus every type they reference, transitively: a reference attribute needs its target
/// type in the same document even when that type's data set is not synced.
fn with_referenced(types: &[ObjectType]) -> Vec<ObjectType> {
    let mut all: Vec<ObjectType> = Vec::new();
    let mut queue: Vec<ObjectType> = types.to_vec();
    while let Some(next) = queue.pop() {
        if all.contains(&next) {
            continue;
        }
        all.push(next);
        for attribute in next.attributes() {
            if let AttrKind::Reference(target) | AttrKind::ReferenceBy(target, _) = attribute.kind {
                queue.push(target);
            }
        }
    }
    all.sort();
    all
}

/// The document for the given object types (and the types they reference).
pub fn mapping_document(types: &[ObjectType]) -> Value {
    // The schema defines referenced types too; only synced types get a mapping, so an unsynced type
    // never looks "missing" to the import's missing-objects policy.
    let schema_types = with_referenced(types);
    json!({
        "schema": {
            "objectSchema": {
                "name": "Entra ID",
                "description": "Microsoft Entra ID and Intune, synced by Entra Sync",
                "objectTypes": schema_types.iter().copied().map(schema_type).collect::<Vec<_>>(),
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

    #[test]
    fn managed_devices_reference_users_by_identity_and_devices_by_device_id() {
        let document = mapping_document(&[
            ObjectType::User,
            ObjectType::Device,
            ObjectType::ManagedDevice,
        ]);
        let managed = &document["mapping"]["objectTypeMappings"][2];
        assert_eq!(managed["objectTypeName"], "Intune Managed Device");
        let iql = |locator: &str| {
            managed["attributesMapping"]
                .as_array()
                .expect("array")
                .iter()
                .find(|m| m["attributeLocators"][0] == locator)
                .map(|m| m["objectMappingIQL"].clone())
                .expect("mapped")
        };
        assert_eq!(iql("userId"), "\"Entra Object ID\" = ${userId}");
        assert_eq!(iql("azureADDeviceId"), "\"Device ID\" = ${azureADDeviceId}");
        let schema = &document["schema"]["objectSchema"]["objectTypes"][2]["attributes"];
        let entra_device = schema
            .as_array()
            .expect("array")
            .iter()
            .find(|a| a["name"] == "Entra Device")
            .expect("attribute");
        assert_eq!(entra_device["type"], "referenced_object");
        assert_eq!(
            entra_device["referenceObjectTypeExternalId"],
            "entra-sync/device"
        );
        // The attribute references resolve by must exist on the target type.
        let device_attributes = &document["schema"]["objectSchema"]["objectTypes"][1]["attributes"];
        assert!(
            device_attributes
                .as_array()
                .expect("array")
                .iter()
                .any(|a| a["name"] == "Device ID")
        );
    }
}

#[cfg(test)]
mod referenced_tests {
    use super::*;

    #[test]
    fn a_referenced_type_is_defined_even_when_not_synced() {
        let document = mapping_document(&[ObjectType::User]);
        let names: Vec<&str> = document["schema"]["objectSchema"]["objectTypes"]
            .as_array()
            .expect("types")
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert!(names.contains(&"Entra User"));
        let licences = mapping_document(&[ObjectType::LicenceAssignment]);
        let names: Vec<&str> = licences["schema"]["objectSchema"]["objectTypes"]
            .as_array()
            .expect("types")
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        assert_eq!(names, vec!["Entra User", "Licence", "Licence Assignment"]);
    }
}
