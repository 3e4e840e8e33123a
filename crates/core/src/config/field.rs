//! The settings fields a problem can name, spelled as the admin page names them, and the problem.

use std::fmt;

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConfigField {
    /// The Destination section as a whole (when it is not an object).
    Destination,
    WorkspaceId,
    SchemaId,
    ImportSourceId,
    Datasets,
    /// The Filters section as a whole (when it is not an object).
    Filters,
    /// The filter of the data set with this key.
    Filter(String),
    /// The Schedule section as a whole (when it is not an object).
    Schedule,
    ScheduleInterval,
    ScheduleEnabled,
    /// The Deletion policy section as a whole (when it is not an object).
    Deletion,
    DeletionPolicy,
    DeletionPercent,
    DeletionMinimum,
    /// The Credential expiry section as a whole (when it is not an object).
    Expiry,
    ExpiryWarnDays,
    /// The requester panel's section as a whole (when it is not an object).
    Panel,
    PanelProjects,
    PanelSections,
    PanelAffectedUserField,
}

impl ConfigField {
    /// What a well-formed section looks like, for the message on a section of the wrong type.
    pub(super) fn example(&self) -> &'static str {
        match self {
            ConfigField::Destination => {
                r#"{"workspaceId": "…", "schemaId": "1", "importSourceId": "…"}"#
            }
            ConfigField::Datasets => r#"{"users": true, "groups": false}"#,
            ConfigField::Filters => r#"{"users": "accountEnabled eq true"}"#,
            ConfigField::Schedule => r#"{"interval": "day", "enabled": true}"#,
            ConfigField::Deletion => r#"{"policy": "retire", "percent": 5, "minimum": 500}"#,
            ConfigField::Expiry => r#"{"warnDays": 30}"#,
            ConfigField::Panel => {
                r#"{"projects": ["SD"], "sections": {"devices": true, "groups": true, "licences": true}}"#
            }
            _ => "the value the page sends",
        }
    }
}

impl fmt::Display for ConfigField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            ConfigField::Destination => "destination",
            ConfigField::WorkspaceId => "destination.workspaceId",
            ConfigField::SchemaId => "destination.schemaId",
            ConfigField::ImportSourceId => "destination.importSourceId",
            ConfigField::Datasets => "datasets",
            ConfigField::Filters => "filters",
            ConfigField::Filter(key) => {
                return write!(f, "filters.{}", crate::settings::shown(key));
            }
            ConfigField::Schedule => "schedule",
            ConfigField::ScheduleInterval => "schedule.interval",
            ConfigField::ScheduleEnabled => "schedule.enabled",
            ConfigField::Deletion => "deletion",
            ConfigField::DeletionPolicy => "deletion.policy",
            ConfigField::DeletionPercent => "deletion.percent",
            ConfigField::DeletionMinimum => "deletion.minimum",
            ConfigField::Expiry => "expiry",
            ConfigField::ExpiryWarnDays => "expiry.warnDays",
            ConfigField::Panel => "panel",
            ConfigField::PanelProjects => "panel.projects",
            ConfigField::PanelSections => "panel.sections",
            ConfigField::PanelAffectedUserField => "panel.affectedUserField",
        };
        f.write_str(name)
    }
}

impl Serialize for ConfigField {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl PartialEq<str> for ConfigField {
    fn eq(&self, other: &str) -> bool {
        match self {
            ConfigField::Filter(key) => other.strip_prefix("filters.") == Some(key.as_str()),
            _ => self.to_string().as_str() == other,
        }
    }
}

impl PartialEq<&str> for ConfigField {
    fn eq(&self, other: &&str) -> bool {
        self == *other
    }
}

/// One problem, with the field as the admin page names it (`destination.workspaceId`, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigProblem {
    pub field: ConfigField,
    pub message: String,
}

pub(super) fn problem(field: ConfigField, message: impl Into<String>) -> ConfigProblem {
    ConfigProblem {
        field,
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_named_as_the_page_names_them() {
        assert_eq!(ConfigField::WorkspaceId, "destination.workspaceId");
        assert_eq!(ConfigField::Filter("users".into()), "filters.users");
        assert_ne!(ConfigField::Filter("users".into()), "filters.groups");
        let json = serde_json::to_value(ConfigField::DeletionPercent).expect("serialisable");
        assert_eq!(json, "deletion.percent");
    }
}
