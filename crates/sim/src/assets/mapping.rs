//! `PUT`/`PATCH importsource/{id}/mapping`: checks a schema-and-mapping document (JSON Schema first,
//! then the rules the schema cannot express), creates or updates the object types and attributes it
//! describes, and stores the mapping on the import source. Types and attributes are matched by
//! external id, else by name; nothing is ever deleted, as in Assets (SM: no deletes through PATCH).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use uuid::Uuid;

use super::error::AssetsError;
use super::json_schema;
use super::mapping_doc::{AttributeDoc, MappingDoc, ObjectTypeDoc};
use super::model::{AttrKind, Attribute, ObjectType};
use super::store::Store;

/// One object type mapping, resolved to ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeMapping {
    pub object_type_id: u64,
    pub selector: String,
    pub description: String,
    pub attributes: Vec<AttrMapping>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrMapping {
    pub attribute_id: u64,
    pub locators: Vec<String>,
    pub external_id_part: bool,
    pub iql: Option<String>,
}

/// Validates `document` and applies it to the schema of `source_id`.
pub fn apply(store: &mut Store, source_id: &str, document: &Value) -> Result<(), AssetsError> {
    let violations = json_schema::validate(json_schema::schema_for(document), document);
    if !violations.is_empty() {
        return Err(AssetsError::Invalid(
            violations.iter().map(ToString::to_string).collect(),
        ));
    }
    let doc: MappingDoc = serde_json::from_value(document.clone())
        .map_err(|err| AssetsError::BadRequest(format!("Invalid mapping document: {err}")))?;
    let schema_id = store
        .sources
        .get(source_id)
        .map(|s| s.schema_id)
        .ok_or_else(|| AssetsError::NotFound(format!("Import source {source_id} not found")))?;

    let flat = doc.schema.object_schema.flattened();
    let mut problems = check_document(&flat);
    let existing = match_existing(store, schema_id, &flat, &mut problems);
    if !problems.is_empty() {
        return Err(AssetsError::Invalid(problems));
    }

    // Checks that need ids run while writing; a failure restores the types and attributes, so a
    // rejected document leaves the schema as it was.
    let backup = (store.types.clone(), store.attributes.clone());
    let type_ids = write_types(store, schema_id, &flat, &existing);
    let attr_ids = write_attributes(store, &flat, &type_ids, &mut problems);
    let mappings = if problems.is_empty() {
        resolve_mappings(store, &doc, &flat, &type_ids, &attr_ids)
    } else {
        Err(AssetsError::Invalid(problems))
    };
    let mappings = match mappings {
        Ok(mappings) => mappings,
        Err(err) => {
            (store.types, store.attributes) = backup;
            return Err(err);
        }
    };
    if let Some(source) = store.sources.get_mut(source_id) {
        source.mapping = Some(mappings);
    }
    Ok(())
}

/// Rules the JSON Schema states in prose only (SM): external ids all-or-none and unique, unique
/// names, and references that name a type.
fn check_document(flat: &[(Option<usize>, &ObjectTypeDoc)]) -> Vec<String> {
    let mut problems = Vec::new();
    let with_ids = flat.iter().any(|(_, t)| {
        t.external_id.is_some() || t.attributes.iter().any(|a| a.external_id.is_some())
    });
    let mut seen_ids = BTreeSet::new();
    let mut type_names = BTreeSet::new();
    for (_, t) in flat {
        if with_ids && t.external_id.is_none() {
            problems.push(format!(
                "Object type {:?} has no externalId; external ids are all-or-none",
                t.name
            ));
        }
        if let Some(id) = &t.external_id {
            if !seen_ids.insert(id.clone()) {
                problems.push(format!("externalId {id:?} is used more than once"));
            }
        }
        if !type_names.insert(t.name.clone()) {
            problems.push(format!(
                "Object type name {:?} is used more than once",
                t.name
            ));
        }
        let mut attr_names = BTreeSet::new();
        for a in &t.attributes {
            if with_ids && a.external_id.is_none() {
                problems.push(format!(
                    "Attribute {:?} of {:?} has no externalId; external ids are all-or-none",
                    a.name, t.name
                ));
            }
            if let Some(id) = &a.external_id {
                if !seen_ids.insert(id.clone()) {
                    problems.push(format!("externalId {id:?} is used more than once"));
                }
            }
            if !attr_names.insert(a.name.clone()) {
                problems.push(format!(
                    "Attribute name {:?} is used more than once in {:?}",
                    a.name, t.name
                ));
            }
            if a.kind == "referenced_object" && reference_target(flat, a).is_none() {
                problems.push(format!(
                    "Attribute {:?} of {:?} is a referenced_object without a known referenceObjectTypeExternalId or referenceObjectTypeName",
                    a.name, t.name
                ));
            }
        }
    }
    problems
}

/// Index (in `flat`) of the type a reference attribute points at.
fn reference_target(
    flat: &[(Option<usize>, &ObjectTypeDoc)],
    attr: &AttributeDoc,
) -> Option<usize> {
    if let Some(ext) = &attr.reference_object_type_external_id {
        return flat
            .iter()
            .position(|(_, t)| t.external_id.as_ref() == Some(ext));
    }
    let name = attr.reference_object_type_name.as_ref()?;
    flat.iter().position(|(_, t)| &t.name == name)
}

/// For each document type, the existing type it updates; reports renames and foreign external ids.
fn match_existing(
    store: &Store,
    schema_id: u64,
    flat: &[(Option<usize>, &ObjectTypeDoc)],
    problems: &mut Vec<String>,
) -> Vec<Option<u64>> {
    flat.iter()
        .map(|(_, doc)| {
            let by_ext = doc.external_id.as_ref().and_then(|ext| {
                store
                    .types
                    .values()
                    .find(|t| t.external_id.as_ref() == Some(ext))
            });
            if let Some(found) = by_ext {
                if found.schema_id != schema_id {
                    problems.push(format!(
                        "externalId {:?} already belongs to another object schema",
                        found.external_id.as_deref().unwrap_or_default()
                    ));
                    return None;
                }
                if found.name != doc.name {
                    problems.push(format!(
                        "Object type {:?} cannot be renamed to {:?}",
                        found.name, doc.name
                    ));
                }
                return Some(found.id);
            }
            let by_name = store
                .types
                .values()
                .find(|t| t.schema_id == schema_id && t.name == doc.name);
            if let (Some(found), Some(_)) = (by_name, &doc.external_id) {
                if found.external_id.is_some() {
                    problems.push(format!(
                        "Object type {:?} already exists with another externalId",
                        doc.name
                    ));
                }
            }
            by_name.map(|t| t.id)
        })
        .collect()
}

fn write_types(
    store: &mut Store,
    schema_id: u64,
    flat: &[(Option<usize>, &ObjectTypeDoc)],
    existing: &[Option<u64>],
) -> Vec<u64> {
    let mut ids: Vec<u64> = Vec::with_capacity(flat.len());
    for (index, (parent, doc)) in flat.iter().enumerate() {
        let parent_id = parent.and_then(|p| ids.get(p).copied());
        let id = match existing.get(index).copied().flatten() {
            Some(id) => {
                if let Some(t) = store.types.get_mut(&id) {
                    t.description = doc.description.clone();
                    t.parent = parent_id.or(t.parent);
                }
                id
            }
            None => {
                let id = store.next_id();
                let position = store.types_of(schema_id).len() as u32;
                store.types.insert(
                    id,
                    ObjectType {
                        id,
                        schema_id,
                        parent: parent_id,
                        external_id: Some(doc.external_id.clone().unwrap_or_else(generated_id)),
                        name: doc.name.clone(),
                        description: doc.description.clone(),
                        position,
                        created: store.now_iso(),
                    },
                );
                id
            }
        };
        ids.push(id);
    }
    ids
}

/// Creates or updates attributes; returns, per document type, attribute name → attribute id.
fn write_attributes(
    store: &mut Store,
    flat: &[(Option<usize>, &ObjectTypeDoc)],
    type_ids: &[u64],
    problems: &mut Vec<String>,
) -> Vec<BTreeMap<String, u64>> {
    let mut out = Vec::with_capacity(flat.len());
    for ((_, doc), &type_id) in flat.iter().zip(type_ids) {
        let mut names = BTreeMap::new();
        for attr in &doc.attributes {
            let kind = match attr.kind.as_str() {
                "referenced_object" => {
                    match reference_target(flat, attr).and_then(|i| type_ids.get(i)) {
                        Some(&target_type) => AttrKind::Reference { target_type },
                        None => continue, // already reported by check_document
                    }
                }
                "status" => AttrKind::Status(attr.type_values.clone().unwrap_or_default()),
                other => AttrKind::Default(other.to_string()),
            };
            let found = store
                .attributes_of(type_id)
                .into_iter()
                .find(|a| {
                    (attr.external_id.is_some() && a.external_id == attr.external_id)
                        || a.name == attr.name
                })
                .map(|a| (a.id, a.name.clone(), a.kind.clone()));
            let id = match found {
                Some((id, name, old_kind)) => {
                    if name != attr.name {
                        problems.push(format!(
                            "Attribute {name:?} cannot be renamed to {:?}",
                            attr.name
                        ));
                    }
                    let same_kind = match (&old_kind, &kind) {
                        (AttrKind::Default(a), AttrKind::Default(b)) => a == b,
                        (
                            AttrKind::Reference { target_type: a },
                            AttrKind::Reference { target_type: b },
                        ) => a == b,
                        (AttrKind::Status(_), AttrKind::Status(_)) => true,
                        _ => false,
                    };
                    if !same_kind {
                        problems.push(format!(
                            "Attribute {:?} of {:?} cannot change its type or referenced type",
                            attr.name, doc.name
                        ));
                        continue;
                    }
                    if let Some(a) = store.attributes.get_mut(&id) {
                        update_attribute(a, attr, kind);
                    }
                    id
                }
                None => {
                    let id = store.next_id();
                    let position = store.attributes_of(type_id).len() as u32;
                    let mut created = Attribute {
                        id,
                        object_type_id: type_id,
                        external_id: Some(attr.external_id.clone().unwrap_or_else(generated_id)),
                        name: attr.name.clone(),
                        description: String::new(),
                        kind: kind.clone(),
                        label: false,
                        minimum_cardinality: 0,
                        maximum_cardinality: 1,
                        unique: false,
                        position,
                    };
                    update_attribute(&mut created, attr, kind);
                    store.attributes.insert(id, created);
                    id
                }
            };
            names.insert(attr.name.clone(), id);
        }
        out.push(names);
    }
    out
}

fn update_attribute(a: &mut Attribute, doc: &AttributeDoc, kind: AttrKind) {
    a.description = doc.description.clone();
    a.kind = kind;
    a.label = doc.label.unwrap_or(a.label);
    a.minimum_cardinality = doc.minimum_cardinality.unwrap_or(a.minimum_cardinality);
    a.maximum_cardinality = doc.maximum_cardinality.unwrap_or(a.maximum_cardinality);
    a.unique = doc.unique.unwrap_or(a.unique);
}

fn resolve_mappings(
    store: &Store,
    doc: &MappingDoc,
    flat: &[(Option<usize>, &ObjectTypeDoc)],
    type_ids: &[u64],
    attr_ids: &[BTreeMap<String, u64>],
) -> Result<Vec<TypeMapping>, AssetsError> {
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for m in &doc.mapping.object_type_mappings {
        let index = flat
            .iter()
            .position(|(_, t)| match &m.object_type_external_id {
                Some(ext) => t.external_id.as_ref() == Some(ext),
                None => t.name == m.object_type_name,
            });
        let Some(index) = index else {
            problems.push(format!(
                "Mapping {:?} names an object type that is not in the schema",
                m.object_type_name
            ));
            continue;
        };
        let (_, type_doc) = flat[index];
        let mut attributes = Vec::new();
        for am in &m.attributes_mapping {
            let name = match &am.attribute_external_id {
                Some(ext) => type_doc
                    .attributes
                    .iter()
                    .find(|a| a.external_id.as_ref() == Some(ext))
                    .map(|a| a.name.clone()),
                None => Some(am.attribute_name.clone()),
            };
            let Some(&attribute_id) = name.as_ref().and_then(|n| attr_ids[index].get(n)) else {
                problems.push(format!(
                    "Mapping of {:?} names attribute {:?}, which {:?} does not have",
                    m.object_type_name, am.attribute_name, type_doc.name
                ));
                continue;
            };
            let is_reference = store
                .attributes
                .get(&attribute_id)
                .is_some_and(|a| matches!(a.kind, AttrKind::Reference { .. }));
            if is_reference && am.object_mapping_iql.is_none() {
                problems.push(format!("Attribute mapping {:?} of {:?} maps a referenced_object without objectMappingIQL", am.attribute_name, m.object_type_name));
            }
            attributes.push(AttrMapping {
                attribute_id,
                locators: am.attribute_locators.clone(),
                external_id_part: am.external_id_part.unwrap_or(false),
                iql: am.object_mapping_iql.clone(),
            });
        }
        out.push(TypeMapping {
            object_type_id: type_ids[index],
            selector: m.selector.clone(),
            description: m.description.clone(),
            attributes,
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(AssetsError::Invalid(problems))
    }
}

/// Assets' form for ids it makes up for documents that brought none.
fn generated_id() -> String {
    format!("cmdb::externalId/{}", Uuid::new_v4())
}
