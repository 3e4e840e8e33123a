//! The destination is the one the admin chose: the import source belongs to the chosen object
//! schema, and that schema holds no object types named like Entra Sync's that this import did not
//! create (Assets would otherwise fill someone else's types). Checked when settings are saved and
//! before every run, before anything is read or written.

use serde_json::Value;

use super::assets::{AssetsClient, AssetsError};
use super::assets_reads::ImportSourceInfo;
use super::mapping_doc::mapping_document;
use crate::clock::Clock;
use crate::http::HttpTransport;
use crate::model::ObjectType;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestinationError {
    #[error(
        "No object schema is chosen in Destination. Choose the schema Entra Sync fills and save."
    )]
    NoSchema,
    #[error(
        "Assets has no import source {id} in this workspace: it was deleted, or it belongs to another site. In the object schema, Import → Create import → Microsoft Entra ID & Intune, then pick that import in Destination and save."
    )]
    ImportNotFound { id: String },
    #[error(
        "The import \"{name}\" belongs to object schema {import_schema}, not to the schema chosen in Destination ({chosen}). Pick an import of the chosen schema in Destination, or choose the import's own schema, and save."
    )]
    WrongSchema {
        name: String,
        import_schema: String,
        chosen: String,
    },
    #[error(
        "Assets has no object schema {0} in this workspace. Choose the schema again in Destination and save."
    )]
    SchemaNotFound(String),
    #[error(
        "Schema error: the object schema already has object types named like Entra Sync's that this import did not create ({}). Use a dedicated object schema: create an empty one (Assets → Object schemas → Create schema), create the Microsoft Entra ID & Intune import in it, choose that import in Destination and save. Nothing was written.",
        names.join(", ")
    )]
    Clash { names: Vec<String> },
    #[error(transparent)]
    Assets(#[from] AssetsError),
}

impl DestinationError {
    /// The settings field the admin fixes (`destination.<field>`), as the page marks it.
    pub fn field(&self) -> &'static str {
        match self {
            DestinationError::NoSchema
            | DestinationError::SchemaNotFound(_)
            | DestinationError::Clash { .. } => "destination.schemaId",
            // Assets not answering is shown by the import, the field that needs Assets.
            DestinationError::ImportNotFound { .. }
            | DestinationError::WrongSchema { .. }
            | DestinationError::Assets(_) => "destination.importSourceId",
        }
    }
}

/// Checks the destination for a run writing `types` (an empty list checks only that the import
/// belongs to `schema_id`, as on save). Returns the import as Assets describes it.
pub async fn check_destination<T: HttpTransport, C: Clock>(
    client: &AssetsClient<'_, T, C>,
    schema_id: &str,
    types: &[ObjectType],
) -> Result<ImportSourceInfo, DestinationError> {
    let schema_id = schema_id.trim();
    if schema_id.is_empty() {
        return Err(DestinationError::NoSchema);
    }
    let import = client
        .import_source()
        .await?
        .ok_or_else(|| DestinationError::ImportNotFound {
            id: client.import_source_id().to_string(),
        })?;
    if import.schema_id != schema_id {
        return Err(DestinationError::WrongSchema {
            name: import.name,
            import_schema: import.schema_id,
            chosen: schema_id.to_string(),
        });
    }
    if types.is_empty() {
        return Ok(import);
    }
    let present = client
        .schema_type_names(schema_id)
        .await?
        .ok_or_else(|| DestinationError::SchemaNotFound(schema_id.to_string()))?;
    let own = client.import_type_names().await?;
    let names = clashes(&ours(types), &present, &own);
    if names.is_empty() {
        Ok(import)
    } else {
        Err(DestinationError::Clash { names })
    }
}

/// Every type name the run's mapping document defines (referenced types included).
fn ours(types: &[ObjectType]) -> Vec<String> {
    let document = mapping_document(types);
    document["schema"]["objectSchema"]["objectTypes"]
        .as_array()
        .map(|types| {
            types
                .iter()
                .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Our names present in the schema but not defined by this import (names compare without case, as
/// Assets refuses two types differing only in case).
fn clashes(ours: &[String], present: &[String], own: &[String]) -> Vec<String> {
    let same = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
    let mut names: Vec<String> = ours
        .iter()
        .filter(|name| present.iter().any(|p| same(p, name)))
        .filter(|name| !own.iter().any(|o| same(o, name)))
        .cloned()
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn a_type_of_ours_made_by_someone_else_clashes_and_ours_do_not() {
        let ours = strings(&["Entra User", "Licence", "Licence Assignment"]);
        let present = strings(&["entra user", "Laptop", "Licence", "Licence Assignment"]);
        let own = strings(&["Licence", "Licence Assignment"]);
        assert_eq!(clashes(&ours, &present, &own), strings(&["Entra User"]));
        assert!(clashes(&ours, &strings(&["Laptop"]), &[]).is_empty());
    }

    #[test]
    fn the_mapping_of_users_defines_users_and_what_they_reference() {
        let names = ours(&[ObjectType::User, ObjectType::LicenceAssignment]);
        assert!(names.contains(&"Entra User".to_string()));
        assert!(names.contains(&"Licence".to_string()), "{names:?}");
    }

    #[test]
    fn each_problem_marks_the_field_the_admin_fixes() {
        assert_eq!(
            DestinationError::Clash { names: Vec::new() }.field(),
            "destination.schemaId"
        );
        let wrong = DestinationError::WrongSchema {
            name: "Entra".into(),
            import_schema: "2".into(),
            chosen: "1".into(),
        };
        assert_eq!(wrong.field(), "destination.importSourceId");
        assert!(
            wrong
                .to_string()
                .contains("Pick an import of the chosen schema")
        );
    }
}
