//! The Destination section: which Assets workspace, object schema and import source runs write to.

use serde_json::Value;

use super::DestinationConfig;
use super::field::{ConfigField, ConfigProblem, problem};
use super::input::{section, text};
use crate::settings::shown;

/// Longest workspace or import source id accepted: both are GUIDs (36 characters).
const ID_MAX_CHARS: usize = 64;

/// Most digits of an object schema id: Assets ids are 64-bit integers (at most 19 digits, and 18
/// always fit).
const SCHEMA_ID_MAX_DIGITS: usize = 18;

pub(super) fn destination_of(
    value: Option<&Value>,
    problems: &mut Vec<ConfigProblem>,
) -> Option<DestinationConfig> {
    let map = section(value, ConfigField::Destination, problems)?;
    let before = problems.len();
    let workspace_id = required(
        map.get("workspaceId"),
        ConfigField::WorkspaceId,
        "Choose the Assets workspace. If the list is empty, open Assets once in this site so that its workspace exists.",
        problems,
    );
    let schema_id = required(
        map.get("schemaId"),
        ConfigField::SchemaId,
        "Choose the object schema to fill. Create one in Assets (Assets → Object schemas → Create) if there is none.",
        problems,
    );
    if let Some(schema) = &schema_id {
        if !schema.chars().all(|c| c.is_ascii_digit()) {
            problems.push(problem(
                ConfigField::SchemaId,
                format!(
                    "Object schema ID \"{}\" is not a number. Pick the schema from the list.",
                    shown(schema)
                ),
            ));
        } else if schema.len() > SCHEMA_ID_MAX_DIGITS {
            problems.push(problem(
                ConfigField::SchemaId,
                format!(
                    "Object schema ID has {} digits; Assets ids have at most {SCHEMA_ID_MAX_DIGITS}. Pick the schema from the list.",
                    schema.len()
                ),
            ));
        }
    }
    let import_source_id = required(
        map.get("importSourceId"),
        ConfigField::ImportSourceId,
        "Choose the import. If the list is empty: in the object schema, Import → Create import → Microsoft Entra ID & Intune; it is then offered here by name.",
        problems,
    );
    for (id, field, name) in [
        (&workspace_id, ConfigField::WorkspaceId, "Workspace ID"),
        (
            &import_source_id,
            ConfigField::ImportSourceId,
            "Import source ID",
        ),
    ] {
        let length = id.as_deref().map_or(0, |id| id.chars().count());
        if length > ID_MAX_CHARS {
            problems.push(problem(
                field,
                format!(
                    "{name} is {length} characters long; it is a GUID of 36. Pick it from the list."
                ),
            ));
        }
    }
    if problems.len() > before {
        // The GUID checks below would only repeat what is already said about a field.
        let said = |field: ConfigField| problems[before..].iter().any(|p| p.field == field);
        let (workspace_said, source_said) = (
            said(ConfigField::WorkspaceId),
            said(ConfigField::ImportSourceId),
        );
        let config = DestinationConfig {
            workspace_id: workspace_id.unwrap_or_default(),
            schema_id: String::new(),
            import_source_id: import_source_id.unwrap_or_default(),
        };
        guid_problems(&config, !workspace_said, !source_said, problems);
        return None;
    }
    let config = DestinationConfig {
        workspace_id: workspace_id?,
        schema_id: schema_id?,
        import_source_id: import_source_id?,
    };
    let before = problems.len();
    guid_problems(&config, true, true, problems);
    (problems.len() == before).then_some(config)
}

/// A text field that must not be empty; `None` after recording why.
fn required(
    value: Option<&Value>,
    field: ConfigField,
    missing: &str,
    problems: &mut Vec<ConfigProblem>,
) -> Option<String> {
    let value = text(value, &field, problems)?;
    if value.is_empty() {
        problems.push(problem(field, missing));
        return None;
    }
    Some(value)
}

/// The engine's own check of the ids it writes with (`Destination::problems`), so the page and a
/// run agree on what a usable destination is.
fn guid_problems(
    config: &DestinationConfig,
    workspace: bool,
    source: bool,
    problems: &mut Vec<ConfigProblem>,
) {
    for (field, message) in config.destination().problems() {
        let (field, check) = if field == "workspaceId" {
            (ConfigField::WorkspaceId, workspace)
        } else {
            (ConfigField::ImportSourceId, source)
        };
        if check {
            problems.push(problem(field, message));
        }
    }
}

/// The saved destination as Assets sees it, checked before settings are stored: the import
/// belongs to the chosen schema, and the schema holds no types that clash with those the switched
/// on data sets write (`sync/destination.rs`, the same check every run makes first).
pub async fn check_saved_destination<T: crate::http::HttpTransport, C: crate::clock::Clock>(
    transport: &T,
    clock: &C,
    config: &super::AppConfig,
) -> Result<crate::sync::assets_reads::ImportSourceInfo, crate::sync::DestinationError> {
    let types: Vec<crate::model::ObjectType> = crate::sync::datasets::Dataset::ALL
        .iter()
        .filter(|d| config.datasets.get(d.key()).copied().unwrap_or(false))
        .flat_map(|d| d.object_types().iter().copied())
        .collect();
    let destination = config.destination.destination();
    let meter = crate::retry::Meter::default();
    let client = crate::sync::assets::AssetsClient::new(transport, clock, &meter, &destination);
    crate::sync::check_destination(&client, &destination.schema_id, &types).await
}
