//! The Filters section: per data set, a Graph `$filter`, each checked the way a run will use it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::datasets::unknown_dataset;
use super::field::{ConfigField, ConfigProblem, problem};
use super::input::section;

/// The admin's filters: each must parse as Graph `$filter` (within its length and nesting bounds)
/// and may only name properties the data set reads (Graph returns nothing else to compare). Empty
/// ones are dropped: no filter means everything.
pub(super) fn filters_of(
    value: Option<&Value>,
    problems: &mut Vec<ConfigProblem>,
) -> Option<BTreeMap<String, String>> {
    let given = section(value, ConfigField::Filters, problems)?;
    let before = problems.len();
    let mut filters = BTreeMap::new();
    for (key, value) in given {
        let field = ConfigField::Filter(key.clone());
        let Some(dataset) = crate::sync::datasets::Dataset::ALL
            .into_iter()
            .find(|d| d.key() == key)
        else {
            problems.push(problem(field, unknown_dataset(key)));
            continue;
        };
        let text = match value {
            Value::Null => continue,
            Value::String(text) => text.trim(),
            _ => {
                problems.push(problem(
                    field,
                    "A filter is text in Microsoft Graph $filter syntax, for example: department eq 'Sales'.",
                ));
                continue;
            }
        };
        if text.is_empty() {
            continue;
        }
        match crate::sync::check_filter(dataset, text) {
            Ok(_) => {
                filters.insert(key.clone(), text.to_string());
            }
            Err(error) => problems.push(problem(field, error.to_string())),
        }
    }
    (problems.len() == before).then_some(filters)
}
