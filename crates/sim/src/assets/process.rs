//! Processing of a completed execution: upsert every entry by external id, then resolve
//! `referenced_object` attributes through their `objectMappingIQL` once *all* chunks are written (so
//! chunk order does not matter), then apply each type's missing-objects policy.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;

use super::aql;
use super::execution::TypeCounters;
use super::mapping::{AttrMapping, TypeMapping};
use super::model::{AttrKind, MissingPolicy, Object, Value};
use super::store::Store;

/// A reference to resolve after all objects are written.
struct PendingRef {
    object_id: u64,
    attribute_id: u64,
    target_type: u64,
    max: i64,
    /// The IQL with `${locator}` placeholders substituted; `None` when the entry had no value.
    query: Option<String>,
}

/// Runs the whole import of execution `exec_id` against the store and records its counters.
pub fn process(store: &mut Store, exec_id: &str) {
    let Some(exec) = store.executions.get(exec_id) else {
        return;
    };
    let chunks = exec.chunks.clone();
    let Some(source) = store.sources.get(&exec.source_id) else {
        return;
    };
    let mappings = source.mapping.clone().unwrap_or_default();
    let policies = source.missing.clone();

    let mut counters: Vec<TypeCounters> = Vec::new();
    let mut changed: BTreeSet<u64> = BTreeSet::new();
    let mut created: BTreeSet<u64> = BTreeSet::new();
    let mut seen: BTreeMap<u64, BTreeSet<u64>> = BTreeMap::new();
    let mut pending = Vec::new();

    for mapping in &mappings {
        let mut count = TypeCounters {
            object_type_id: mapping.object_type_id,
            object_type_name: store
                .types
                .get(&mapping.object_type_id)
                .map(|t| t.name.clone())
                .unwrap_or_default(),
            ..TypeCounters::default()
        };
        let seen_here = seen.entry(mapping.object_type_id).or_default();
        let mut external_ids = BTreeSet::new();
        // One pass over the type's objects instead of one per entry: imports of 100,000 objects.
        let mut existing: BTreeMap<String, u64> = store
            .objects_of(mapping.object_type_id)
            .filter_map(|o| Some((o.external_id.clone()?, o.id)))
            .collect();
        for entry in chunks
            .iter()
            .flat_map(|chunk| select(chunk, &mapping.selector))
        {
            count.entries_in_source += 1;
            let Some(external_id) = external_id_of(store, mapping, entry) else {
                count.empty_external_id += 1;
                continue;
            };
            if !external_ids.insert(external_id.clone()) {
                count.duplicates += 1;
                continue;
            }
            let (object_id, is_new) =
                upsert(store, &mut existing, mapping.object_type_id, &external_id);
            if is_new {
                created.insert(object_id);
            }
            seen_here.insert(object_id);
            if write_plain_values(store, object_id, mapping, entry) {
                changed.insert(object_id);
            }
            if label_is_empty(store, object_id) {
                count.empty_label += 1;
            }
            pending.extend(pending_refs(store, object_id, mapping, entry));
        }
        counters.push(count);
    }

    let mut ref_errors: BTreeMap<u64, Vec<String>> = BTreeMap::new();
    let mut ref_updated: BTreeSet<u64> = BTreeSet::new();
    let mut lookups = Lookups::default();
    for reference in &pending {
        match resolve(store, reference, &mut lookups) {
            Ok(targets) => {
                if set_values(store, reference.object_id, reference.attribute_id, targets) {
                    changed.insert(reference.object_id);
                    ref_updated.insert(reference.object_id);
                }
            }
            Err(message) => {
                if let Some(object) = store.objects.get(&reference.object_id) {
                    ref_errors
                        .entry(object.object_type_id)
                        .or_default()
                        .push(message);
                }
            }
        }
    }

    for count in &mut counters {
        let type_id = count.object_type_id;
        let ids = seen.get(&type_id).cloned().unwrap_or_default();
        for id in &ids {
            if created.contains(id) {
                count.created += 1;
            } else if changed.contains(id) {
                count.updated += 1;
            } else {
                count.identical += 1;
            }
        }
        count.with_updated_references = ids.intersection(&ref_updated).count() as u64;
        count.errors = ref_errors.remove(&type_id).unwrap_or_default();
        let policy = policies.get(&type_id).cloned().unwrap_or_default();
        apply_missing(store, type_id, &ids, &policy, count);
    }

    let now = store.now_iso();
    for id in changed.iter().chain(&created) {
        if let Some(object) = store.objects.get_mut(id) {
            object.updated = now.clone();
        }
    }
    if let Some(exec) = store.executions.get_mut(exec_id) {
        exec.counters = counters;
        exec.ended = Some(now);
    }
}

/// The entries a selector names: `users` is `data.users[*]`, `parent.children` reads arrays inside
/// each parent entry.
fn select<'a>(data: &'a Json, selector: &str) -> Vec<&'a Json> {
    let mut current = vec![data];
    for segment in selector.split('.') {
        let mut next = Vec::new();
        for value in current {
            match value.get(segment) {
                Some(Json::Array(items)) => next.extend(items.iter()),
                Some(item @ Json::Object(_)) => next.push(item),
                _ => {}
            }
        }
        current = next;
    }
    current
}

/// Values a locator (`a.b`) reads from an entry: scalars as text, arrays as several values, nulls and
/// objects as nothing.
fn locate(entry: &Json, locator: &str) -> Vec<String> {
    let mut current = vec![entry];
    for segment in locator.split('.') {
        current = current
            .into_iter()
            .filter_map(|v| v.get(segment))
            .flat_map(|v| match v {
                Json::Array(items) => items.iter().collect::<Vec<_>>(),
                other => vec![other],
            })
            .collect();
    }
    current
        .into_iter()
        .filter_map(|v| match v {
            Json::String(s) => Some(s.clone()),
            Json::Number(n) => Some(n.to_string()),
            Json::Bool(b) => Some(b.to_string()),
            _ => None,
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// Several locators of one attribute are joined with a space (Assets' default concatenator is
/// configurable in the UI; the sim does not model that setting).
fn mapped_values(entry: &Json, attr: &AttrMapping) -> Vec<String> {
    let per_locator: Vec<Vec<String>> = attr.locators.iter().map(|l| locate(entry, l)).collect();
    if per_locator.len() == 1 {
        return per_locator.into_iter().flatten().collect();
    }
    let joined: Vec<String> = per_locator.into_iter().flatten().collect();
    if joined.is_empty() {
        Vec::new()
    } else {
        vec![joined.join(" ")]
    }
}

/// `externalIdPart` values joined by `-`; without any marked part the label value identifies the entry.
fn external_id_of(store: &Store, mapping: &TypeMapping, entry: &Json) -> Option<String> {
    let parts: Vec<&AttrMapping> = mapping
        .attributes
        .iter()
        .filter(|a| a.external_id_part)
        .collect();
    let parts = if parts.is_empty() {
        mapping
            .attributes
            .iter()
            .filter(|a| {
                store
                    .attributes
                    .get(&a.attribute_id)
                    .is_some_and(|x| x.label)
            })
            .collect()
    } else {
        parts
    };
    let mut values = Vec::new();
    for part in parts {
        let found = mapped_values(entry, part);
        if found.is_empty() {
            return None;
        }
        values.push(found.join(" "));
    }
    (!values.is_empty()).then(|| values.join("-"))
}

fn upsert(
    store: &mut Store,
    existing: &mut BTreeMap<String, u64>,
    type_id: u64,
    external_id: &str,
) -> (u64, bool) {
    if let Some(id) = existing.get(external_id) {
        return (*id, false);
    }
    let id = store.next_id();
    existing.insert(external_id.to_string(), id);
    let now = store.now_iso();
    store.insert_object(Object {
        id,
        object_type_id: type_id,
        external_id: Some(external_id.to_string()),
        values: BTreeMap::new(),
        created: now.clone(),
        updated: now,
    });
    (id, true)
}

/// Writes the non-reference attributes; returns whether anything changed.
fn write_plain_values(
    store: &mut Store,
    object_id: u64,
    mapping: &TypeMapping,
    entry: &Json,
) -> bool {
    let mut changed = false;
    for attr in &mapping.attributes {
        let is_ref = store
            .attributes
            .get(&attr.attribute_id)
            .is_none_or(|a| matches!(a.kind, AttrKind::Reference { .. }));
        if is_ref {
            continue;
        }
        let values = mapped_values(entry, attr)
            .into_iter()
            .map(Value::Text)
            .collect();
        changed |= set_values(store, object_id, attr.attribute_id, values);
    }
    changed
}

fn pending_refs(
    store: &Store,
    object_id: u64,
    mapping: &TypeMapping,
    entry: &Json,
) -> Vec<PendingRef> {
    let mut out = Vec::new();
    for attr in &mapping.attributes {
        let Some(definition) = store.attributes.get(&attr.attribute_id) else {
            continue;
        };
        let AttrKind::Reference { target_type } = definition.kind else {
            continue;
        };
        let template = attr.iql.clone().unwrap_or_default();
        out.push(PendingRef {
            object_id,
            attribute_id: attr.attribute_id,
            target_type,
            max: definition.maximum_cardinality,
            query: substitute(&template, entry, &attr.locators),
        });
    }
    out
}

/// `Key = ${managerId}` → `Key = "abc"` (SM: substituted with the quoted value). `None` when a
/// placeholder has no value in the entry: the reference is then cleared, not looked up.
fn substitute(template: &str, entry: &Json, locators: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after.find('}')?;
        let name = &after[..end];
        // An unknown placeholder still reads the entry, and falls back to the first locator.
        let mut values = locate(entry, name);
        if values.is_empty() && !locators.iter().any(|l| l == name) {
            values = locators
                .first()
                .map(|l| locate(entry, l))
                .unwrap_or_default();
        }
        let value = values.into_iter().next()?;
        out.push('"');
        out.push_str(&value.replace('\\', "\\\\").replace('"', "\\\""));
        out.push('"');
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Value indexes for the common reference form `"Attribute" = "value"`, built once per target type
/// and attribute, so resolving N references costs N lookups instead of N scans of every object (a
/// large tenant has 100,000 managers to resolve). Text attributes do not change while references are
/// being resolved, so an index stays valid for the whole pass.
#[derive(Default)]
struct Lookups {
    indexes: BTreeMap<(u64, String), BTreeMap<String, Vec<u64>>>,
}

impl Lookups {
    fn find(&mut self, store: &Store, target_type: u64, attribute: &str, value: &str) -> Vec<u64> {
        let index = self
            .indexes
            .entry((target_type, attribute.to_lowercase()))
            .or_insert_with(|| {
                let attribute_ids: Vec<u64> = store
                    .attributes_of(target_type)
                    .into_iter()
                    .filter(|a| a.name.eq_ignore_ascii_case(attribute))
                    .map(|a| a.id)
                    .collect();
                let mut index: BTreeMap<String, Vec<u64>> = BTreeMap::new();
                for object in store.objects_of(target_type) {
                    for id in &attribute_ids {
                        for value in object.values.get(id).into_iter().flatten() {
                            if let Value::Text(text) = value {
                                index
                                    .entry(text.to_lowercase())
                                    .or_default()
                                    .push(object.id);
                            }
                        }
                    }
                }
                index
            });
        index
            .get(&value.to_lowercase())
            .cloned()
            .unwrap_or_default()
    }
}

/// `"Attribute" = "value"` (both quoted, `\"` escapes), the form Entra Sync's mappings use.
fn simple_equality(text: &str) -> Option<(String, String)> {
    fn quoted(input: &str) -> Option<(String, &str)> {
        let mut chars = input.strip_prefix('"')?.char_indices();
        let mut out = String::new();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => out.push(chars.next()?.1),
                '"' => return Some((out, &input[i + 2..])),
                c => out.push(c),
            }
        }
        None
    }
    let (attribute, rest) = quoted(text.trim())?;
    let rest = rest.trim_start().strip_prefix('=')?.trim_start();
    let (value, rest) = quoted(rest)?;
    rest.trim().is_empty().then_some((attribute, value))
}

fn resolve(
    store: &Store,
    reference: &PendingRef,
    lookups: &mut Lookups,
) -> Result<Vec<Value>, String> {
    let Some(text) = &reference.query else {
        return Ok(Vec::new());
    };
    let mut targets: Vec<Value> = match simple_equality(text) {
        Some((attribute, value)) => lookups
            .find(store, reference.target_type, &attribute, &value)
            .into_iter()
            .map(Value::Ref)
            .collect(),
        None => {
            let query = aql::parse(text).map_err(|err| err.to_string())?;
            store
                .objects_of(reference.target_type)
                .filter(|o| query.matches(store, o))
                .map(|o| Value::Ref(o.id))
                .collect()
        }
    };
    if targets.is_empty() {
        return Err(format!("No object matches objectMappingIQL {text}"));
    }
    if reference.max >= 0 {
        targets.truncate(reference.max.max(1) as usize);
    }
    Ok(targets)
}

/// Replaces an attribute's values; returns whether they differ from before.
fn set_values(store: &mut Store, object_id: u64, attribute_id: u64, values: Vec<Value>) -> bool {
    let Some(object) = store.objects.get_mut(&object_id) else {
        return false;
    };
    let before = object
        .values
        .get(&attribute_id)
        .cloned()
        .unwrap_or_default();
    if before == values {
        return false;
    }
    if values.is_empty() {
        object.values.remove(&attribute_id);
    } else {
        object.values.insert(attribute_id, values);
    }
    store
        .value_indexes
        .get_mut()
        .attribute_changed(attribute_id);
    true
}

fn label_is_empty(store: &Store, object_id: u64) -> bool {
    let Some(object) = store.objects.get(&object_id) else {
        return true;
    };
    store
        .attributes_of(object.object_type_id)
        .into_iter()
        .find(|a| a.label)
        .is_some_and(|a| !object.values.contains_key(&a.id))
}

fn apply_missing(
    store: &mut Store,
    type_id: u64,
    seen: &BTreeSet<u64>,
    policy: &MissingPolicy,
    count: &mut TypeCounters,
) {
    let missing: Vec<u64> = store
        .objects_of(type_id)
        .map(|o| o.id)
        .filter(|id| !seen.contains(id))
        .collect();
    match policy {
        MissingPolicy::Ignore => {}
        MissingPolicy::Remove => {
            for id in missing {
                if store.delete_object(id) {
                    count.missing_deleted += 1;
                }
            }
        }
        MissingPolicy::Update { attribute, value } => {
            let Some(attribute_id) = store
                .attributes_of(type_id)
                .into_iter()
                .find(|a| &a.name == attribute)
                .map(|a| a.id)
            else {
                count.errors.push(format!(
                    "Missing-objects attribute {attribute:?} does not exist"
                ));
                return;
            };
            for id in missing {
                if set_values(store, id, attribute_id, vec![Value::Text(value.clone())]) {
                    count.missing_updated += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod lookup_tests {
    use super::simple_equality;

    #[test]
    fn recognises_the_simple_equality_form_only() {
        assert_eq!(
            simple_equality(r#""Entra Object ID" = "abc""#),
            Some(("Entra Object ID".into(), "abc".into()))
        );
        assert_eq!(
            simple_equality(r#""Name" = "say \"hi\"""#),
            Some(("Name".into(), "say \"hi\"".into()))
        );
        assert_eq!(simple_equality(r#""A" = "b" AND "C" = "d""#), None);
        assert_eq!(simple_equality(r#"Name LIKE "x""#), None);
    }
}
