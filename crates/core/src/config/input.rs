//! Settings as they arrive from the page or storage: untrusted JSON, read leniently. Every part is a
//! raw value so that a wrong type becomes a field error naming the field, never a rejection of the
//! whole payload; the section validators turn these values into typed settings.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::field::{ConfigField, ConfigProblem, problem};
use crate::settings::kind_of;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigInput {
    #[serde(default)]
    pub destination: Option<Value>,
    #[serde(default)]
    pub datasets: Option<Value>,
    /// Per data set, a Graph `$filter` expression; empty or absent means everything.
    #[serde(default)]
    pub filters: Option<Value>,
    #[serde(default)]
    pub schedule: Option<Value>,
    #[serde(default)]
    pub deletion: Option<Value>,
    /// Credential expiry warnings; absent means the default window.
    #[serde(default)]
    pub expiry: Option<Value>,
}

/// A section that must be an object. Absent or `null` reads as empty (its fields then say what to
/// enter); any other type is a problem on the section.
pub(super) fn section<'a>(
    value: Option<&'a Value>,
    field: ConfigField,
    problems: &mut Vec<ConfigProblem>,
) -> Option<&'a Map<String, Value>> {
    static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    match value {
        None | Some(Value::Null) => Some(EMPTY.get_or_init(Map::new)),
        Some(Value::Object(map)) => Some(map),
        Some(other) => {
            problems.push(problem(
                field.clone(),
                format!(
                    "{field} must be a set of named values (a JSON object), not {}. Send the section as the page does, for example {}.",
                    kind_of(other),
                    field.example()
                ),
            ));
            None
        }
    }
}

/// A text field: text (trimmed) or a number as its digits; absent or `null` is empty. `None` when
/// the value is of another type, after recording the problem.
pub(super) fn text(
    value: Option<&Value>,
    field: &ConfigField,
    problems: &mut Vec<ConfigProblem>,
) -> Option<String> {
    match value {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(s)) => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => {
            problems.push(problem(
                field.clone(),
                format!("{field} must be text, not {}.", kind_of(other)),
            ));
            None
        }
    }
}

/// A switch: a boolean or the text of a form's checkbox.
pub(super) fn flag(value: Option<&Value>) -> Option<bool> {
    match value {
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::String(s)) if s == "true" => Some(true),
        Some(Value::String(s)) if s == "false" => Some(false),
        _ => None,
    }
}

/// A whole number from a JSON number or the text of a form field. `Err` holds what was given, for
/// the message (empty when nothing was).
pub(super) fn whole(value: Option<&Value>) -> Result<u64, String> {
    match value {
        None | Some(Value::Null) => Err(String::new()),
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| n.to_string()),
        Some(Value::String(s)) if s.trim().is_empty() => Err(String::new()),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map_err(|_| crate::settings::shown(s.trim())),
        Some(other) => Err(kind_of(other).to_string()),
    }
}
