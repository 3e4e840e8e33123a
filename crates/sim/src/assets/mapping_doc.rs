//! The schema-and-mapping document as typed structs (§2.3 of the reference). Parsed only after the
//! JSON Schema check passed, so serde errors here are rare and reported as 400s.

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MappingDoc {
    pub schema: SchemaPart,
    pub mapping: MappingPart,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaPart {
    pub object_schema: ObjectSchemaDoc,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_schema: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_schema: Option<Value>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectSchemaDoc {
    pub name: String,
    pub description: String,
    pub object_types: Vec<ObjectTypeDoc>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectTypeDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub name: String,
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon_key: Option<String>,
    #[serde(default)]
    pub attributes: Vec<AttributeDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ObjectTypeDoc>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub name: String,
    pub description: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_values: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_object_type_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_object_type_external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_cardinality: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_cardinality: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MappingPart {
    pub object_type_mappings: Vec<ObjectTypeMappingDoc>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectTypeMappingDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object_type_external_id: Option<String>,
    pub object_type_name: String,
    pub selector: String,
    pub description: String,
    #[serde(default)]
    pub attributes_mapping: Vec<AttributeMappingDoc>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttributeMappingDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_external_id: Option<String>,
    pub attribute_name: String,
    #[serde(default)]
    pub external_id_part: Option<bool>,
    pub attribute_locators: Vec<String>,
    #[serde(
        default,
        rename = "objectMappingIQL",
        skip_serializing_if = "Option::is_none"
    )]
    pub object_mapping_iql: Option<String>,
}

impl ObjectSchemaDoc {
    /// Every object type, children included, depth first, with its parent's index in the same list.
    pub fn flattened(&self) -> Vec<(Option<usize>, &ObjectTypeDoc)> {
        fn walk<'a>(
            types: &'a [ObjectTypeDoc],
            parent: Option<usize>,
            out: &mut Vec<(Option<usize>, &'a ObjectTypeDoc)>,
        ) {
            for t in types {
                let index = out.len();
                out.push((parent, t));
                walk(&t.children, Some(index), out);
            }
        }
        let mut out = Vec::new();
        walk(&self.object_types, None, &mut out);
        out
    }
}
