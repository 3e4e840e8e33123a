//! Graph record → Assets object. Pure functions: the same record always gives the same object.

use std::collections::BTreeMap;

use super::assets::{AssetsObject, AttrValue, ObjectType, Status};
use super::records::{Group, User};

fn text(
    attributes: &mut BTreeMap<&'static str, AttrValue>,
    name: &'static str,
    value: &Option<String>,
) {
    if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        attributes.insert(name, AttrValue::Text(value.to_string()));
    }
}

pub fn user_object(user: &User) -> AssetsObject {
    let mut attributes = BTreeMap::new();
    text(
        &mut attributes,
        "User Principal Name",
        &user.user_principal_name,
    );
    text(&mut attributes, "Mail", &user.mail);
    text(&mut attributes, "Job Title", &user.job_title);
    text(&mut attributes, "Department", &user.department);
    text(&mut attributes, "Employee ID", &user.employee_id);
    text(&mut attributes, "User Type", &user.user_type);
    attributes.insert(
        "Entra Object ID",
        AttrValue::Text(user.id.to_ascii_lowercase()),
    );
    // accountEnabled absent means we were not allowed to read it; do not guess "Disabled".
    let status = match user.account_enabled {
        Some(false) => Status::Disabled,
        _ => Status::Active,
    };
    attributes.insert("Status", AttrValue::Text(status.label().to_string()));
    if let Some(manager) = &user.manager {
        attributes.insert(
            "Manager",
            AttrValue::Refs(
                ObjectType::User,
                vec![ObjectType::User.external_id(&manager.id)],
            ),
        );
    }
    AssetsObject {
        object_type: ObjectType::User,
        external_id: ObjectType::User.external_id(&user.id),
        label: user
            .display_name
            .clone()
            .or_else(|| user.user_principal_name.clone())
            .unwrap_or_else(|| user.id.clone()),
        attributes,
    }
}

/// `members` are the group's direct members by Graph id and type (users and nested groups).
pub fn group_object(group: &Group, members: &[(ObjectType, String)]) -> AssetsObject {
    let mut attributes = BTreeMap::new();
    text(&mut attributes, "Description", &group.description);
    text(&mut attributes, "Mail", &group.mail);
    attributes.insert("Group Type", AttrValue::Text(group.kind().to_string()));
    attributes.insert(
        "Entra Object ID",
        AttrValue::Text(group.id.to_ascii_lowercase()),
    );
    attributes.insert(
        "Status",
        AttrValue::Text(Status::Active.label().to_string()),
    );
    for (object_type, name) in [
        (ObjectType::User, "Member Users"),
        (ObjectType::Group, "Member Groups"),
    ] {
        let mut ids: Vec<String> = members
            .iter()
            .filter(|(t, _)| *t == object_type)
            .map(|(_, id)| object_type.external_id(id))
            .collect();
        // Membership order in Graph is arbitrary; sorting keeps the fingerprint stable.
        ids.sort();
        ids.dedup();
        if !ids.is_empty() {
            attributes.insert(name, AttrValue::Refs(object_type, ids));
        }
    }
    AssetsObject {
        object_type: ObjectType::Group,
        external_id: ObjectType::Group.external_id(&group.id),
        label: group
            .display_name
            .clone()
            .unwrap_or_else(|| group.id.clone()),
        attributes,
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
                id: "m1".into(),
                odata_type: None,
            }),
        }
    }

    #[test]
    fn maps_a_user_with_status_and_manager() {
        let object = user_object(&user(Some(false)));
        assert_eq!(
            object.external_id,
            "entra-user:6ea91a8d-e32e-41a1-b7bd-d2d185eed0e0"
        );
        assert_eq!(object.label, "Adele Vance");
        assert_eq!(
            object.attributes["Status"],
            AttrValue::Text("Disabled".into())
        );
        assert_eq!(
            object.attributes["Manager"],
            AttrValue::Refs(ObjectType::User, vec!["entra-user:m1".into()])
        );
        assert!(
            !object.attributes.contains_key("Mail"),
            "blank values are left out"
        );
        assert_eq!(
            user_object(&user(None)).attributes["Status"],
            AttrValue::Text("Active".into())
        );
    }

    #[test]
    fn group_members_are_sorted_and_split_by_type() {
        let group = Group {
            id: "g1".into(),
            display_name: Some("Sales".into()),
            description: None,
            mail: None,
            security_enabled: Some(true),
            group_types: vec![],
        };
        let a = group_object(
            &group,
            &[
                (ObjectType::User, "b".into()),
                (ObjectType::Group, "g2".into()),
                (ObjectType::User, "a".into()),
            ],
        );
        let b = group_object(
            &group,
            &[
                (ObjectType::User, "a".into()),
                (ObjectType::User, "b".into()),
                (ObjectType::Group, "g2".into()),
            ],
        );
        assert_eq!(a, b);
        assert_eq!(
            a.attributes["Member Users"],
            AttrValue::Refs(
                ObjectType::User,
                vec!["entra-user:a".into(), "entra-user:b".into()]
            )
        );
        assert_eq!(
            a.attributes["Group Type"],
            AttrValue::Text("Security".into())
        );
    }
}
