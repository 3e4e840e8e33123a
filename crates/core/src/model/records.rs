//! Graph records, with exactly the properties Entra Sync maps. Unknown properties are ignored,
//! missing optional ones are `None`: Graph omits nulls under `$select` on some endpoints.

use serde::Deserialize;

use super::licences::AssignedLicense;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default)]
    pub job_title: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub employee_id: Option<String>,
    #[serde(default)]
    pub user_type: Option<String>,
    #[serde(default)]
    pub account_enabled: Option<bool>,
    #[serde(default)]
    pub manager: Option<DirectoryRef>,
    /// Absent when not selected, or in a delta round that does not repeat it.
    #[serde(default)]
    pub assigned_licenses: Option<Vec<AssignedLicense>>,
}

/// A directory object named by id, as in `manager` and `members@delta`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DirectoryRef {
    pub id: String,
    #[serde(rename = "@odata.type", default)]
    pub odata_type: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_documented_users_and_groups() {
        #[derive(Deserialize)]
        struct Page<T> {
            value: Vec<T>,
        }
        let users: Page<User> = serde_json::from_str(include_str!(
            "../../../../fixtures/graph-examples/users_list_default_properties.json"
        ))
        .expect("users");
        assert_eq!(users.value.len(), 2);
        assert_eq!(users.value[0].account_enabled, None);
    }
}
