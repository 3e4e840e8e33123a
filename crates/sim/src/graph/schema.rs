//! Resource schemas: which properties a resource type has, which come back without `$select`, which
//! `$filter` may name, and how each is read from the tenant. One table per type keeps handlers
//! free of per-property code.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::error::GraphError;
use crate::tenant::Tenant;

/// One property of `T`: its canonical (camelCase) name and how to read it.
pub struct Prop<T: 'static> {
    pub name: &'static str,
    pub get: fn(&Tenant, &T) -> Value,
}

pub struct Schema<T: 'static> {
    /// `microsoft.graph.user`, as error messages name it.
    pub type_name: &'static str,
    /// The `@odata.type` of items in mixed collections, e.g. `#microsoft.graph.user`.
    pub odata_type: &'static str,
    pub props: &'static [Prop<T>],
    /// Returned without `$select`; `None` means every property.
    pub defaults: Option<&'static [&'static str]>,
    /// Properties `$filter` may compare with `eq`.
    pub filter_eq: &'static [&'static str],
    /// Properties `$filter` may test with `startswith(…)`.
    pub filter_startswith: &'static [&'static str],
}

impl<T> Schema<T> {
    pub fn prop(&self, name: &str) -> Option<&'static Prop<T>> {
        self.props
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// The properties to write: the selected ones (canonical spelling, duplicates dropped, unknown
    /// names a 400 naming the property), or the defaults.
    pub fn resolve(&self, select: Option<&[String]>) -> Result<Vec<&'static Prop<T>>, GraphError> {
        match select {
            Some(names) => {
                let mut props: Vec<&'static Prop<T>> = Vec::with_capacity(names.len());
                for name in names {
                    let prop = self
                        .prop(name)
                        .ok_or_else(|| unknown_property(name, self.type_name))?;
                    if !props.iter().any(|p| p.name == prop.name) {
                        props.push(prop);
                    }
                }
                Ok(props)
            }
            None => Ok(match self.defaults {
                Some(names) => names.iter().filter_map(|n| self.prop(n)).collect(),
                None => self.props.iter().collect(),
            }),
        }
    }

    pub fn render(&self, tenant: &Tenant, item: &T, props: &[&'static Prop<T>]) -> Object {
        Object(
            props
                .iter()
                .map(|prop| (prop.name.to_string(), (prop.get)(tenant, item)))
                .collect(),
        )
    }
}

/// A JSON object that keeps its members in insertion order, as Graph writes them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object(pub Vec<(String, Value)>);

impl Object {
    pub fn push(&mut self, name: &str, value: Value) {
        self.0.push((name.to_string(), value));
    }

    pub fn prepend(&mut self, name: &str, value: Value) {
        self.0.insert(0, (name.to_string(), value));
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

pub fn unknown_property(name: &str, type_name: &str) -> GraphError {
    GraphError::RequestBadRequest(format!(
        "Could not find a property named '{name}' on type '{type_name}'."
    ))
}

/// JSON helpers for property tables.
pub fn text(value: &Option<String>) -> Value {
    value.clone().map_or(Value::Null, Value::String)
}

pub fn string(value: &str) -> Value {
    Value::String(value.to_string())
}

pub fn iso(secs: u64) -> Value {
    Value::String(crate::time::UtcTime::from_unix(secs).iso8601())
}
