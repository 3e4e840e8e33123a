//! Users, through `/users/delta`. The manager comes as `manager@delta` (or `manager`), and only when
//! it changed: in incremental rounds an absent manager is the one the index remembers.

use serde_json::Value;

use super::{Item, ParseContext, removed_id};
use crate::endpoints;
use crate::model::{DirectoryRef, ObjectType, User, user_object};

pub fn initial_url() -> String {
    format!(
        "{}/v1.0/users/delta?$select={}",
        endpoints::GRAPH,
        User::SELECT
    )
}

pub fn parse(item: Value, context: &ParseContext) -> Result<Vec<Item>, String> {
    if let Some(id) = removed_id(&item) {
        return Ok(vec![Item::Removed {
            object_type: ObjectType::User,
            id: id?,
        }]);
    }
    let manager = manager_of(&item);
    let mut user: User = serde_json::from_value(item).map_err(|e| e.to_string())?;
    let id = user.id.to_ascii_lowercase();
    user.manager = match manager {
        ManagerInfo::Set(id) => Some(DirectoryRef {
            id,
            odata_type: None,
        }),
        ManagerInfo::Cleared => None,
        ManagerInfo::Absent if context.full => None,
        ManagerInfo::Absent => context
            .known(ObjectType::User, &id)
            .and_then(|entry| entry.carry.clone())
            .map(|id| DirectoryRef {
                id,
                odata_type: None,
            }),
    };
    let carry = user.manager.as_ref().map(|m| m.id.to_ascii_lowercase());
    Ok(vec![Item::Upsert {
        object: user_object(&user),
        carry,
    }])
}

enum ManagerInfo {
    Set(String),
    Cleared,
    Absent,
}

/// Graph reports the manager either as a `manager` object or, in delta rounds, as `manager@delta`
/// (a one-element list whose entry carries `@removed` when the manager was taken away).
fn manager_of(item: &Value) -> ManagerInfo {
    if let Some(list) = item.get("manager@delta").and_then(Value::as_array) {
        return match list.iter().find(|m| m.get("@removed").is_none()) {
            Some(m) => m
                .get("id")
                .and_then(Value::as_str)
                .map_or(ManagerInfo::Cleared, |id| ManagerInfo::Set(id.to_string())),
            None => ManagerInfo::Cleared,
        };
    }
    match item.get("manager") {
        Some(Value::Null) => ManagerInfo::Cleared,
        Some(m) => m
            .get("id")
            .and_then(Value::as_str)
            .map_or(ManagerInfo::Cleared, |id| ManagerInfo::Set(id.to_string())),
        None => ManagerInfo::Absent,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::*;
    use crate::model::{AssetsObject, Fingerprint};
    use crate::sync::index::{Index, IndexEntry};

    fn one(items: Vec<Item>) -> AssetsObject {
        match items.into_iter().next() {
            Some(Item::Upsert { object, .. }) => object,
            other => panic!("expected one upsert, got {other:?}"),
        }
    }

    #[test]
    fn reads_users_with_manager_forms_and_removals() {
        let mut index = Index::default();
        index.entries.insert(
            "u1".into(),
            IndexEntry {
                fingerprint: Fingerprint(1),
                carry: Some("boss".into()),
            },
        );
        let indexes = HashMap::from([(ObjectType::User, index)]);
        let full = ParseContext {
            full: true,
            indexes: &indexes,
        };
        let incremental = ParseContext {
            full: false,
            indexes: &indexes,
        };
        let object = one(parse(
            json!({"id": "U1", "displayName": "A", "manager@delta": [{"id": "M2"}]}),
            &full,
        )
        .expect("item"));
        assert_eq!(object.record["managerId"], "m2");
        let object =
            one(parse(json!({"id": "U1", "displayName": "A"}), &incremental).expect("item"));
        assert_eq!(
            object.record["managerId"], "boss",
            "incremental: unchanged manager kept"
        );
        let object = one(parse(json!({"id": "U1", "displayName": "A"}), &full).expect("item"));
        assert_eq!(
            object.record["managerId"],
            Value::Null,
            "full round: no manager"
        );
        let object = one(parse(
            json!({"id": "U1", "manager@delta": [{"id": "M2", "@removed": {"reason": "deleted"}}]}),
            &incremental,
        )
        .expect("item"));
        assert_eq!(object.record["managerId"], Value::Null);
        assert_eq!(
            parse(
                json!({"id": "U9", "@removed": {"reason": "changed"}}),
                &incremental
            )
            .expect("item"),
            vec![Item::Removed {
                object_type: ObjectType::User,
                id: "u9".into()
            }]
        );
        assert!(parse(json!({"displayName": "no id"}), &full).is_err());
    }
}
