//! The settings fields a problem can name, spelled as the admin page names them.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ConfigField {
    WorkspaceId,
    SchemaId,
    ImportSourceId,
    Datasets,
    /// The filter of the data set with this key.
    Filter(String),
    ScheduleInterval,
    ScheduleEnabled,
    DeletionPolicy,
    DeletionPercent,
    DeletionMinimum,
}

impl fmt::Display for ConfigField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            ConfigField::WorkspaceId => "destination.workspaceId",
            ConfigField::SchemaId => "destination.schemaId",
            ConfigField::ImportSourceId => "destination.importSourceId",
            ConfigField::Datasets => "datasets",
            ConfigField::Filter(key) => return write!(f, "filters.{key}"),
            ConfigField::ScheduleInterval => "schedule.interval",
            ConfigField::ScheduleEnabled => "schedule.enabled",
            ConfigField::DeletionPolicy => "deletion.policy",
            ConfigField::DeletionPercent => "deletion.percent",
            ConfigField::DeletionMinimum => "deletion.minimum",
        };
        f.write_str(name)
    }
}

impl serde::Serialize for ConfigField {
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
