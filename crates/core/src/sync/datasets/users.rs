//! Users, through `/users/delta`. The manager comes as `manager@delta` (or `manager`), and only when
//! it changed: in incremental rounds an absent manager is the one the index remembers.
//!
//! Users also yield their licence assignments (one object per user × SKU, from `assignedLicenses`).
//! Delta rounds repeat `assignedLicenses` only for users that changed, so the index keeps each user's
//! current SKU ids in its carry, next to the manager: when the list shrinks, or the user goes, the
//! assignments that are no longer there are retired.

use serde_json::Value;

use super::{Item, ItemProblem, ParseContext, removed_id};
use crate::model::{
    Carry, DirectoryRef, ObjectType, User, UserCarry, assignment_id, licence_assignment_object,
    user_object,
};

super::data_set::data_set!(Users);

pub fn parse(item: Value, context: &ParseContext) -> Result<Vec<Item>, ItemProblem> {
    if let Some(id) = removed_id(&item) {
        let id = id?;
        let known = known_carry(context, &id);
        let mut items = vec![Item::Removed {
            object_type: ObjectType::User,
            id: id.clone(),
        }];
        items.extend(known.skus.iter().map(|sku| Item::Removed {
            object_type: ObjectType::LicenceAssignment,
            id: assignment_id(&id, sku),
        }));
        return Ok(items);
    }
    let manager = manager_of(&item);
    let mut user: User = serde_json::from_value(item)?;
    let id = user.id.to_ascii_lowercase();
    let known = known_carry(context, &id);
    user.manager = match manager {
        ManagerInfo::Set(id) => Some(DirectoryRef {
            id,
            odata_type: None,
        }),
        ManagerInfo::Cleared => None,
        ManagerInfo::Absent if context.full => None,
        ManagerInfo::Absent => known.manager.clone().map(|id| DirectoryRef {
            id,
            odata_type: None,
        }),
    };
    let mut assignments = Vec::new();
    let skus = match user.assigned_licenses.take() {
        Some(licenses) => {
            let mut skus = Vec::new();
            for license in &licenses {
                let sku = license.sku_id.trim().to_ascii_lowercase();
                // SKU ids are GUIDs: one holding a separator or blank is not one.
                if sku.is_empty() || sku.contains(['|', ',', ' ']) || skus.contains(&sku) {
                    continue;
                }
                skus.push(sku);
                assignments.push(Item::Upsert {
                    object: licence_assignment_object(&id, license),
                    carry: None,
                });
            }
            skus.sort();
            skus
        }
        // A full round lists every user with its licences: absent means none.
        None if context.full => Vec::new(),
        None => known.skus.clone(),
    };
    let mut items = vec![Item::Upsert {
        object: user_object(&user),
        carry: UserCarry {
            manager: user.manager.as_ref().map(|m| m.id.to_ascii_lowercase()),
            skus: skus.clone(),
        }
        .into_carry(),
    }];
    items.extend(assignments);
    // Assignments the index knows that the user no longer has (a full round finds these itself).
    if !context.full {
        items.extend(
            known
                .skus
                .iter()
                .filter(|sku| !skus.contains(sku))
                .map(|sku| Item::Removed {
                    object_type: ObjectType::LicenceAssignment,
                    id: assignment_id(&id, sku),
                }),
        );
    }
    Ok(items)
}

/// The carry the index keeps for a user: its manager and licences as last read.
fn known_carry(context: &ParseContext, id: &str) -> UserCarry {
    context
        .known(ObjectType::User, id)
        .and_then(|entry| entry.carry.as_ref())
        .and_then(Carry::as_user)
        .cloned()
        .unwrap_or_default()
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

    fn user_carry(manager: Option<&str>, skus: &[&str]) -> Option<Carry> {
        UserCarry {
            manager: manager.map(str::to_string),
            skus: skus.iter().map(|s| s.to_string()).collect(),
        }
        .into_carry()
    }

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
                carry: user_carry(Some("boss"), &[]),
            },
        );
        let indexes = HashMap::from([(ObjectType::User, index)]);
        let full = ParseContext {
            full: true,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
        };
        let incremental = ParseContext {
            full: false,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
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

    fn ids(items: &[Item]) -> (Vec<String>, Vec<String>) {
        let mut upserts = Vec::new();
        let mut removed = Vec::new();
        for item in items {
            match item {
                Item::Upsert { object, .. } => {
                    upserts.push(format!("{}:{}", object.object_type.key(), object.id));
                }
                Item::Removed { object_type, id } => {
                    removed.push(format!("{}:{id}", object_type.key()));
                }
            }
        }
        (upserts, removed)
    }

    #[test]
    fn licence_changes_yield_assignments_and_retire_those_gone() {
        let mut index = Index::default();
        index.entries.insert(
            "u1".into(),
            IndexEntry {
                fingerprint: Fingerprint(1),
                carry: user_carry(Some("boss"), &["s1", "s2"]),
            },
        );
        let indexes = HashMap::from([(ObjectType::User, index)]);
        let incremental = ParseContext {
            full: false,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
        };
        let full = ParseContext {
            full: true,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
        };
        let items = parse(
            json!({"id": "U1", "displayName": "A", "assignedLicenses": [
                {"skuId": "S2", "disabledPlans": ["P1"]}, {"skuId": "s3", "disabledPlans": []}]}),
            &incremental,
        )
        .expect("item");
        let (upserts, removed) = ids(&items);
        assert_eq!(
            upserts,
            [
                "user:u1",
                "licenceAssignment:u1:s2",
                "licenceAssignment:u1:s3"
            ]
        );
        assert_eq!(removed, ["licenceAssignment:u1:s1"]);
        let Item::Upsert { object, carry } = &items[0] else {
            panic!("user first");
        };
        assert_eq!(
            carry,
            &user_carry(Some("boss"), &["s2", "s3"]),
            "manager kept, skus now"
        );
        assert_eq!(object.record["managerId"], "boss");

        // Licences not repeated: nothing changes for them, the carry keeps them.
        let items = parse(json!({"id": "U1", "displayName": "B"}), &incremental).expect("item");
        assert_eq!(ids(&items), (vec!["user:u1".to_string()], Vec::new()));
        let Item::Upsert { carry, .. } = &items[0] else {
            panic!("user first");
        };
        assert_eq!(carry, &user_carry(Some("boss"), &["s1", "s2"]));

        // Full rounds retire by absence: no Removed items; absent licences mean none.
        let items = parse(
            json!({"id": "U1", "assignedLicenses": [{"skuId": "s9"}]}),
            &full,
        )
        .expect("item");
        assert_eq!(
            ids(&items),
            (
                vec!["user:u1".to_string(), "licenceAssignment:u1:s9".to_string()],
                Vec::new()
            )
        );
        let Item::Upsert { carry, .. } = &parse(json!({"id": "U1"}), &full).expect("item")[0]
        else {
            panic!("user first");
        };
        assert_eq!(carry, &None);

        // A removed user takes its assignments with it.
        let items = parse(
            json!({"id": "U1", "@removed": {"reason": "deleted"}}),
            &incremental,
        )
        .expect("item");
        assert_eq!(
            ids(&items).1,
            [
                "user:u1",
                "licenceAssignment:u1:s1",
                "licenceAssignment:u1:s2"
            ]
        );
    }

    #[test]
    fn licences_do_not_change_the_users_fingerprint() {
        let indexes = HashMap::new();
        let full = ParseContext {
            full: true,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
        };
        let with = one(parse(
            json!({"id": "U1", "displayName": "A", "assignedLicenses": [{"skuId": "s1"}]}),
            &full,
        )
        .expect("item"));
        let without = one(parse(json!({"id": "U1", "displayName": "A"}), &full).expect("item"));
        assert_eq!(Fingerprint::of(&with), Fingerprint::of(&without));
    }
}
