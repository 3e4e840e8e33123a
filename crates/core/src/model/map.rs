//! Graph record → Assets object. Pure functions: the same record always gives the same object.

use std::collections::BTreeMap;

use serde_json::Value;

use super::text;

use super::assets::{AssetsObject, ObjectType, Status};
use super::records::User;

pub fn user_object(user: &User) -> AssetsObject {
    let id = user.id.to_ascii_lowercase();
    // accountEnabled absent means we were not allowed to read it; do not guess "Disabled".
    let status = match user.account_enabled {
        Some(false) => Status::Disabled,
        _ => Status::Active,
    };
    let record = BTreeMap::from([
        ("id", Value::String(id.clone())),
        ("displayName", text(user.display_name.as_deref())),
        (
            "userPrincipalName",
            text(user.user_principal_name.as_deref()),
        ),
        ("mail", text(user.mail.as_deref())),
        ("jobTitle", text(user.job_title.as_deref())),
        ("department", text(user.department.as_deref())),
        ("employeeId", text(user.employee_id.as_deref())),
        ("userType", text(user.user_type.as_deref())),
        (
            "accountEnabled",
            user.account_enabled.map_or(Value::Null, Value::Bool),
        ),
        ("status", Value::String(status.label().to_string())),
        (
            "managerId",
            user.manager
                .as_ref()
                .map_or(Value::Null, |m| Value::String(m.id.to_ascii_lowercase())),
        ),
    ]);
    AssetsObject {
        object_type: ObjectType::User,
        id,
        record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::records::DirectoryRef;

    fn user(enabled: Option<bool>) -> User {
        User {
            id: "6EA91A8D-E32E-41A1-B7BD-D2D185EED0E0".into(),
            display_name: Some("Adele Vance".into()),
            user_principal_name: Some("adele@contoso.com".into()),
            mail: Some("  ".into()),
            job_title: None,
            department: Some("Retail".into()),
            employee_id: None,
            user_type: Some("Member".into()),
            account_enabled: enabled,
            manager: Some(DirectoryRef {
                id: "M1".into(),
                odata_type: None,
            }),
            assigned_licenses: None,
        }
    }

    #[test]
    fn maps_a_user_with_status_and_manager() {
        let object = user_object(&user(Some(false)));
        assert_eq!(object.id, "6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0");
        assert_eq!(object.label(), "Adele Vance");
        assert_eq!(object.record["status"], "Disabled");
        assert_eq!(object.record["managerId"], "m1");
        assert_eq!(object.record["mail"], Value::Null, "blank values are empty");
        assert_eq!(user_object(&user(None)).record["status"], "Active");
    }

    #[test]
    fn every_record_key_is_a_declared_attribute() {
        let object = user_object(&user(Some(true)));
        let locators: Vec<&str> = ObjectType::User
            .attributes()
            .iter()
            .map(|a| a.locator)
            .collect();
        for key in object.record.keys() {
            assert!(locators.contains(key), "{key} has no attribute");
        }
    }
}
