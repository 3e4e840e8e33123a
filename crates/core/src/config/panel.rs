//! The requester panel's settings ("Entra & Intune" in the issue view): the projects it shows in,
//! the sections agents may see, and an optional "affected user" field. Stored apart from the sync
//! settings (`settings:panel`), so the panel reads one small value per request and a save here
//! never touches a run's settings. Off everywhere until an admin names a project.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::field::{ConfigField, ConfigProblem, problem};
use super::input::{flag, section, text};
use crate::settings::{kind_of, shown};

/// More projects than any service desk site switches on by hand; bounds what is stored.
const MAX_PROJECTS: usize = 200;
/// Jira Cloud project keys are at most 10 characters by default; admins can raise that a little.
const MAX_KEY_CHARS: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelConfig {
    /// Project keys, upper case, sorted, without duplicates.
    pub projects: Vec<String>,
    pub sections: PanelSections,
    /// A user-picker custom field (`customfield_10050`) naming the person a request is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affected_user_field: Option<String>,
}

/// Which parts of the panel agents may see; the account itself is always shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelSections {
    pub devices: bool,
    pub groups: bool,
    pub licences: bool,
}

impl Default for PanelConfig {
    fn default() -> Self {
        PanelConfig {
            projects: Vec::new(),
            sections: PanelSections {
                devices: true,
                groups: true,
                licences: true,
            },
            affected_user_field: None,
        }
    }
}

impl PanelConfig {
    pub fn shows_in(&self, project_key: &str) -> bool {
        self.projects
            .iter()
            .any(|p| p.eq_ignore_ascii_case(project_key))
    }
}

/// A Jira project key as Jira spells them: a capital letter, then capitals, digits or `_`.
pub fn is_project_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && key.len() <= MAX_KEY_CHARS
}

/// Validates the panel section as the admin page sends it (or as stored): every problem at once.
pub fn validate_panel(value: Option<&Value>) -> Result<PanelConfig, Vec<ConfigProblem>> {
    let mut problems = Vec::new();
    let Some(map) = section(value, ConfigField::Panel, &mut problems) else {
        return Err(problems);
    };
    let projects = projects_of(map.get("projects"), &mut problems);
    let sections = sections_of(map.get("sections"), &mut problems);
    let field = affected_field_of(map.get("affectedUserField"), &mut problems);
    match (projects, sections, field) {
        (Some(projects), Some(sections), Some(affected_user_field)) if problems.is_empty() => {
            Ok(PanelConfig {
                projects,
                sections,
                affected_user_field,
            })
        }
        _ => Err(problems),
    }
}

/// A list of keys, or the text of a field ("SD, HR" or "SD HR").
fn projects_of(value: Option<&Value>, problems: &mut Vec<ConfigProblem>) -> Option<Vec<String>> {
    let field = ConfigField::PanelProjects;
    let raw: Vec<String> = match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|k| !k.is_empty())
            .map(str::to_string)
            .collect(),
        Some(Value::Array(items)) if items.len() <= MAX_PROJECTS => {
            let mut keys = Vec::new();
            for item in items {
                match item {
                    Value::String(s) => keys.push(s.trim().to_string()),
                    other => {
                        problems.push(problem(
                            field.clone(),
                            format!(
                                "Each project must be a project key such as SD, not {}.",
                                kind_of(other)
                            ),
                        ));
                        return None;
                    }
                }
            }
            keys
        }
        Some(Value::Array(_)) => {
            problems.push(too_many());
            return None;
        }
        Some(other) => {
            problems.push(problem(
                field.clone(),
                format!(
                    "panel.projects must be a list of project keys such as [\"SD\"], not {}.",
                    kind_of(other)
                ),
            ));
            return None;
        }
    };
    if raw.len() > MAX_PROJECTS {
        problems.push(too_many());
        return None;
    }
    let mut keys: Vec<String> = Vec::new();
    for key in raw {
        let upper = key.to_ascii_uppercase();
        if !is_project_key(&upper) {
            problems.push(problem(
                field.clone(),
                format!("\"{}\" is not a Jira project key. Use the key shown in the project's settings (capital letters and digits, such as SD or HELPDESK2), separated by commas.", shown(&key)),
            ));
            return None;
        }
        if !keys.contains(&upper) {
            keys.push(upper);
        }
    }
    keys.sort();
    Some(keys)
}

fn too_many() -> ConfigProblem {
    problem(
        ConfigField::PanelProjects,
        format!(
            "The panel can be switched on in at most {MAX_PROJECTS} projects. Name fewer projects."
        ),
    )
}

fn sections_of(value: Option<&Value>, problems: &mut Vec<ConfigProblem>) -> Option<PanelSections> {
    let map = section(value, ConfigField::PanelSections, problems)?;
    let mut read = |name: &str| match map.get(name) {
        None | Some(Value::Null) => Some(true),
        other => flag(other).or_else(|| {
            problems.push(problem(
                ConfigField::PanelSections,
                format!("panel.sections.{name} must be switched on or off (true or false)."),
            ));
            None
        }),
    };
    Some(PanelSections {
        devices: read("devices")?,
        groups: read("groups")?,
        licences: read("licences")?,
    })
}

fn affected_field_of(
    value: Option<&Value>,
    problems: &mut Vec<ConfigProblem>,
) -> Option<Option<String>> {
    let field = ConfigField::PanelAffectedUserField;
    let raw = text(value, &field, problems)?;
    if raw.is_empty() {
        return Some(None);
    }
    let digits = raw.strip_prefix("customfield_").unwrap_or("");
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        problems.push(problem(
            field,
            format!("\"{}\" is not a custom field id. Enter the user picker field's id, such as customfield_10050 (Jira settings → Issues → Custom fields → the field's ⋯ → the id in the address), or leave it empty.", shown(&raw)),
        ));
        return None;
    }
    Some(Some(raw))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_upper_cased_sorted_and_unique_and_sections_default_on() {
        let config = validate_panel(Some(&json!({"projects": "sd, HR sd"}))).expect("valid");
        assert_eq!(config.projects, ["HR", "SD"]);
        assert_eq!(config.sections, PanelConfig::default().sections);
        assert!(config.shows_in("SD") && config.shows_in("sd") && !config.shows_in("IT"));
        assert_eq!(config.affected_user_field, None);
    }

    #[test]
    fn nothing_switched_on_by_default() {
        let config = validate_panel(None).expect("an empty section is valid");
        assert!(config.projects.is_empty());
        assert!(!config.shows_in("SD"));
    }

    #[test]
    fn every_problem_names_its_field() {
        let problems = validate_panel(Some(&json!({
            "projects": ["SD", "not a key"],
            "sections": {"devices": "maybe"},
            "affectedUserField": "Affected user",
        })))
        .expect_err("invalid");
        let fields: Vec<String> = problems.iter().map(|p| p.field.to_string()).collect();
        assert_eq!(
            fields,
            [
                "panel.projects",
                "panel.sections",
                "panel.affectedUserField"
            ]
        );
        assert!(problems[0].message.contains("not a Jira project key"));
        assert!(problems[2].message.contains("customfield_10050"));
        let problems = validate_panel(Some(&json!([1]))).expect_err("not an object");
        assert_eq!(problems[0].field.to_string(), "panel");
        let problems = validate_panel(Some(&json!({"projects": [1]}))).expect_err("a number");
        assert!(problems[0].message.contains("not a number"));
    }

    #[test]
    fn bounded() {
        let many: Vec<String> = (0..=MAX_PROJECTS).map(|i| format!("P{i}")).collect();
        assert!(validate_panel(Some(&json!({"projects": many}))).is_err());
        assert!(validate_panel(Some(&json!({"projects": ["A".repeat(33)]}))).is_err());
        let field = validate_panel(Some(&json!({"affectedUserField": "customfield_10050"})))
            .expect("valid");
        assert_eq!(
            field.affected_user_field.as_deref(),
            Some("customfield_10050")
        );
        assert!(
            validate_panel(Some(
                &json!({"affectedUserField": format!("customfield_{}", "1".repeat(19))})
            ))
            .is_err()
        );
    }
}
