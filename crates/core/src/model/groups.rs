//! Groups and their direct memberships: the Graph record, the two Assets object types ("Entra Group"
//! and "Entra Group Membership", one object per direct group → member edge, since the import API has
//! no multi-value references) and the pure mapping between them.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::text;

use super::assets::{
    AssetsObject, AttrKind, AttributeSpec, IDENTITY_NAME, ObjectType, STATUS, SYNCED, Status, attr,
};
use super::records::DirectoryRef;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default)]
    pub mail_enabled: Option<bool>,
    #[serde(default)]
    pub security_enabled: Option<bool>,
    #[serde(default)]
    pub group_types: Option<Vec<String>>,
    #[serde(default)]
    pub membership_rule: Option<String>,
}

impl Group {
    /// "Microsoft 365", "Security" or "Distribution", as the Entra admin center names them.
    pub fn kind(&self) -> &'static str {
        if self
            .group_types
            .iter()
            .flatten()
            .any(|t| t.eq_ignore_ascii_case("Unified"))
        {
            "Microsoft 365"
        } else if self.security_enabled == Some(true) {
            "Security"
        } else {
            "Distribution"
        }
    }
}

pub const GROUP_ATTRIBUTES: &[AttributeSpec] = &[
    AttributeSpec {
        identity: true,
        ..attr(
            "id",
            IDENTITY_NAME,
            "Microsoft Entra object id (group.id)",
            AttrKind::Text,
        )
    },
    AttributeSpec {
        label: true,
        ..attr("displayName", "Name", "Display name", AttrKind::Text)
    },
    attr("description", "Description", "description", AttrKind::Text),
    attr("mail", "Mail", "Primary SMTP address", AttrKind::Text),
    attr(
        "groupType",
        "Group Type",
        "Microsoft 365, Security or Distribution",
        AttrKind::Text,
    ),
    attr(
        "membershipRule",
        "Membership Rule",
        "Rule of a dynamic group",
        AttrKind::Text,
    ),
    STATUS,
    SYNCED,
];

/// Name of the membership's identity attribute (`"<group id>:<member id>"`).
pub const MEMBERSHIP_ID_NAME: &str = "Membership ID";

pub const MEMBERSHIP_ATTRIBUTES: &[AttributeSpec] = &[
    AttributeSpec {
        identity: true,
        label: true,
        ..attr(
            "id",
            MEMBERSHIP_ID_NAME,
            "<group id>:<member id>, both Entra object ids",
            AttrKind::Text,
        )
    },
    attr(
        "groupId",
        "Group",
        "The group",
        AttrKind::Reference(ObjectType::Group),
    ),
    attr(
        "memberUserId",
        "Member User",
        "The member, when it is a user",
        AttrKind::Reference(ObjectType::User),
    ),
    attr(
        "memberGroupId",
        "Member Group",
        "The member, when it is a nested group",
        AttrKind::Reference(ObjectType::Group),
    ),
    attr(
        "memberType",
        "Member Type",
        "user, group, device or the member's other directory type",
        AttrKind::Text,
    ),
    attr(
        "memberId",
        "Member ID",
        "The member's Entra object id (devices and other members have no reference yet)",
        AttrKind::Text,
    ),
    STATUS,
    SYNCED,
];

pub fn group_object(group: &Group) -> AssetsObject {
    let id = group.id.to_ascii_lowercase();
    let record = BTreeMap::from([
        ("id", Value::String(id.clone())),
        ("displayName", text(group.display_name.as_deref())),
        ("description", text(group.description.as_deref())),
        ("mail", text(group.mail.as_deref())),
        ("groupType", Value::String(group.kind().to_string())),
        ("membershipRule", text(group.membership_rule.as_deref())),
        ("status", Value::String(Status::Active.label().to_string())),
    ]);
    AssetsObject {
        object_type: ObjectType::Group,
        id,
        record,
    }
}

/// The identity of a membership: `"<group id>:<member id>"`, lowercase.
pub fn membership_id(group_id: &str, member_id: &str) -> String {
    format!(
        "{}:{}",
        group_id.to_ascii_lowercase(),
        member_id.to_ascii_lowercase()
    )
}

/// `user`, `group`, `device`, or the member's other type (`orgContact`, …) from `@odata.type`;
/// `unknown` when Graph did not say (the documented members sample omits it).
pub fn member_type(member: &DirectoryRef) -> String {
    let Some(odata) = member.odata_type.as_deref() else {
        return "unknown".into();
    };
    let name = odata.trim_start_matches('#');
    let name = name
        .get(..16)
        .filter(|prefix| prefix.eq_ignore_ascii_case("microsoft.graph."))
        .map_or(name, |_| &name[16..]);
    match name.to_ascii_lowercase().as_str() {
        "user" => "user".into(),
        "group" => "group".into(),
        "device" => "device".into(),
        "" => "unknown".into(),
        _ => name.to_string(),
    }
}

pub fn membership_object(group_id: &str, member: &DirectoryRef) -> AssetsObject {
    let id = membership_id(group_id, &member.id);
    let member_id = Value::String(member.id.to_ascii_lowercase());
    let kind = member_type(member);
    let reference = |wanted: &str| {
        if kind == wanted {
            member_id.clone()
        } else {
            Value::Null
        }
    };
    let record = BTreeMap::from([
        ("id", Value::String(id.clone())),
        ("groupId", Value::String(group_id.to_ascii_lowercase())),
        ("memberUserId", reference("user")),
        ("memberGroupId", reference("group")),
        ("memberId", member_id.clone()),
        ("status", Value::String(Status::Active.label().to_string())),
        ("memberType", Value::String(kind)),
    ]);
    AssetsObject {
        object_type: ObjectType::GroupMembership,
        id,
        record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Fingerprint, LAST_SYNCED};

    fn member(odata: Option<&str>, id: &str) -> DirectoryRef {
        DirectoryRef {
            id: id.into(),
            odata_type: odata.map(str::to_string),
        }
    }

    #[test]
    fn reads_the_documented_groups_and_names_their_kind() {
        #[derive(Deserialize)]
        struct Page {
            value: Vec<Group>,
        }
        let groups: Page = serde_json::from_str(include_str!(
            "../../../../fixtures/graph-examples/groups_list.json"
        ))
        .expect("groups");
        assert!(groups.value.iter().any(|g| g.kind() == "Microsoft 365"));
        let security = Group {
            id: "G".into(),
            display_name: Some("Sec".into()),
            description: None,
            mail: None,
            mail_enabled: Some(false),
            security_enabled: Some(true),
            group_types: Some(vec!["DynamicMembership".into()]),
            membership_rule: Some("(user.department -eq \"Sales\")".into()),
        };
        assert_eq!(security.kind(), "Security");
        let distribution = Group {
            security_enabled: Some(false),
            group_types: None,
            ..security.clone()
        };
        assert_eq!(distribution.kind(), "Distribution");
        let object = group_object(&security);
        assert_eq!(object.id, "g");
        assert_eq!(object.label(), "Sec");
        assert_eq!(object.record["groupType"], "Security");
        assert_eq!(
            object.record["membershipRule"],
            "(user.department -eq \"Sales\")"
        );
        assert_eq!(object.record["status"], "Active");
    }

    #[test]
    fn memberships_reference_users_and_groups_and_keep_device_ids_as_text() {
        let user = membership_object("G1", &member(Some("#microsoft.graph.user"), "U1"));
        assert_eq!(user.id, "g1:u1");
        assert_eq!(user.record["groupId"], "g1");
        assert_eq!(user.record["memberUserId"], "u1");
        assert_eq!(user.record["memberGroupId"], Value::Null);
        assert_eq!(user.record["memberType"], "user");
        let nested = membership_object("g1", &member(Some("#microsoft.graph.group"), "G2"));
        assert_eq!(nested.record["memberGroupId"], "g2");
        assert_eq!(nested.record["memberUserId"], Value::Null);
        let device = membership_object("g1", &member(Some("#microsoft.graph.device"), "D1"));
        assert_eq!(device.record["memberType"], "device");
        assert_eq!(device.record["memberId"], "d1");
        assert_eq!(device.record["memberUserId"], Value::Null);
        assert_eq!(device.record["memberGroupId"], Value::Null);
        let contact = membership_object("g1", &member(Some("#microsoft.graph.orgContact"), "C"));
        assert_eq!(contact.record["memberType"], "orgContact");
        assert_eq!(
            membership_object("g1", &member(None, "x")).record["memberType"],
            "unknown"
        );
        assert_eq!(
            Fingerprint::of(&user),
            Fingerprint::of(&membership_object(
                "g1",
                &member(Some("#microsoft.graph.user"), "u1")
            )),
            "an edge is the same object whatever the case of its ids"
        );
    }

    #[test]
    fn every_record_key_is_a_declared_attribute_and_identities_are_unique() {
        let group = group_object(&Group {
            id: "g".into(),
            display_name: None,
            description: None,
            mail: None,
            mail_enabled: None,
            security_enabled: None,
            group_types: None,
            membership_rule: None,
        });
        let edge = membership_object("g", &member(Some("#microsoft.graph.user"), "u"));
        for object in [group, edge] {
            let attributes = object.object_type.attributes();
            for key in object.record.keys() {
                assert!(
                    attributes.iter().any(|a| a.locator == *key),
                    "{key} has no attribute"
                );
            }
            assert_eq!(attributes.iter().filter(|a| a.identity).count(), 1);
            assert_eq!(attributes.iter().filter(|a| a.label).count(), 1);
            assert!(attributes.iter().any(|a| a.locator == LAST_SYNCED));
        }
        assert_eq!(ObjectType::Group.identity_name(), IDENTITY_NAME);
        assert_eq!(
            ObjectType::GroupMembership.identity_name(),
            MEMBERSHIP_ID_NAME
        );
    }
}
