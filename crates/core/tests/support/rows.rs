//! Reading Assets back as rows of attribute values, and comparing them with what the tenant says.
#![allow(dead_code)]

use std::collections::BTreeMap;

use serde_json::Value;

use super::World;

/// Objects by identity, each as attribute name → value.
pub type Rows = BTreeMap<String, BTreeMap<&'static str, Option<String>>>;

/// An expected value as Assets gives it back: an empty text reads as no value.
pub fn some(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

pub fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(s.clone()),
        // References come back as the referenced object's external id (= its Entra id).
        Value::Object(reference) => reference
            .get("externalId")
            .and_then(Value::as_str)
            .map(str::to_string),
        Value::Array(items) => items.first().and_then(|v| text(Some(v))),
        other => Some(other.to_string()),
    }
}

/// Live objects of a type in Assets, and the identities of those marked deleted.
pub fn actual(
    world: &World,
    type_name: &str,
    identity: &str,
    names: &[&'static str],
) -> (Rows, Vec<String>) {
    let mut live = BTreeMap::new();
    let mut deleted = Vec::new();
    for object in world.server.state().assets().objects_of_type(type_name) {
        let attributes = &object["attributes"];
        let id = text(attributes.get(identity)).expect("every object has its identity");
        if text(attributes.get("Status")).as_deref() == Some("Deleted in Entra") {
            deleted.push(id);
            continue;
        }
        let row = names
            .iter()
            .map(|name| (*name, text(attributes.get(*name))))
            .collect();
        assert!(
            live.insert(id.clone(), row).is_none(),
            "{id} is in Assets twice"
        );
    }
    (live, deleted)
}

pub fn assert_rows_equal(what: &str, actual: &Rows, expected: &Rows) {
    let missing: Vec<&String> = expected
        .keys()
        .filter(|k| !actual.contains_key(*k))
        .collect();
    let extra: Vec<&String> = actual
        .keys()
        .filter(|k| !expected.contains_key(*k))
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing from Assets {missing:?}, live in Assets but not in the tenant {extra:?}"
    );
    for (id, want) in expected {
        assert_eq!(&actual[id], want, "{what} {id}");
    }
}
