//! The data sets Entra Sync reads, and how one Graph item becomes an object to write or an id to
//! retire. Users come through delta queries; the others follow the same shape as they are added.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::index::IndexEntry;
use crate::endpoints;
use crate::model::{AssetsObject, DirectoryRef, ObjectType, User, user_object};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Dataset {
    Users,
}

/// What one Graph item means for Assets.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Upsert {
        object: AssetsObject,
        /// State to keep in the index that later delta rounds may not repeat.
        carry: Option<String>,
    },
    Removed {
        id: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Microsoft Graph returned a {dataset:?} item Entra Sync cannot read: {detail}")]
pub struct ItemError {
    pub dataset: Dataset,
    pub detail: String,
}

impl Dataset {
    pub const ALL: [Dataset; 1] = [Dataset::Users];

    pub fn key(self) -> &'static str {
        match self {
            Dataset::Users => "users",
        }
    }

    pub fn object_type(self) -> ObjectType {
        match self {
            Dataset::Users => ObjectType::User,
        }
    }

    /// First request of a full (initial) delta round.
    pub fn initial_url(self) -> String {
        match self {
            Dataset::Users => format!(
                "{}/v1.0/users/delta?$select={}",
                endpoints::GRAPH,
                User::SELECT
            ),
        }
    }

    /// Reads one item of a page. `known` is the committed index entry of the same id; `full` says
    /// whether this is a full round (where an absent relationship means "none") or an incremental
    /// one (where it means "unchanged").
    pub fn parse(
        self,
        item: Value,
        known: Option<&IndexEntry>,
        full: bool,
    ) -> Result<Item, ItemError> {
        let error = |detail: String| ItemError {
            dataset: self,
            detail,
        };
        if item.get("@removed").is_some() {
            let id = item
                .get("id")
                .and_then(Value::as_str)
                .ok_or_else(|| error("a removed item has no id".into()))?;
            return Ok(Item::Removed {
                id: id.to_ascii_lowercase(),
            });
        }
        match self {
            Dataset::Users => {
                let manager = manager_of(&item);
                let mut user: User =
                    serde_json::from_value(item).map_err(|e| error(e.to_string()))?;
                user.manager = match manager {
                    ManagerInfo::Set(id) => Some(DirectoryRef {
                        id,
                        odata_type: None,
                    }),
                    ManagerInfo::Cleared => None,
                    ManagerInfo::Absent if full => None,
                    ManagerInfo::Absent => {
                        known
                            .and_then(|entry| entry.carry.clone())
                            .map(|id| DirectoryRef {
                                id,
                                odata_type: None,
                            })
                    }
                };
                let carry = user.manager.as_ref().map(|m| m.id.to_ascii_lowercase());
                Ok(Item::Upsert {
                    object: user_object(&user),
                    carry,
                })
            }
        }
    }
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
    use serde_json::json;

    use super::*;
    use crate::model::Fingerprint;

    fn upsert(item: Item) -> (AssetsObject, Option<String>) {
        match item {
            Item::Upsert { object, carry } => (object, carry),
            Item::Removed { id } => panic!("unexpected removal of {id}"),
        }
    }

    #[test]
    fn reads_users_with_manager_forms_and_removals() {
        let known = IndexEntry {
            fingerprint: Fingerprint(1),
            carry: Some("boss".into()),
        };
        let (object, carry) = upsert(
            Dataset::Users
                .parse(
                    json!({"id": "U1", "displayName": "A", "manager@delta": [{"id": "M2"}]}),
                    None,
                    true,
                )
                .expect("item"),
        );
        assert_eq!(object.record["managerId"], "m2");
        assert_eq!(carry.as_deref(), Some("m2"));
        let (object, _) = upsert(
            Dataset::Users
                .parse(json!({"id": "U1", "displayName": "A"}), Some(&known), false)
                .expect("item"),
        );
        assert_eq!(
            object.record["managerId"], "boss",
            "incremental: unchanged manager kept"
        );
        let (object, _) = upsert(
            Dataset::Users
                .parse(json!({"id": "U1", "displayName": "A"}), Some(&known), true)
                .expect("item"),
        );
        assert_eq!(
            object.record["managerId"],
            Value::Null,
            "full round: no manager"
        );
        let (object, _) = upsert(
            Dataset::Users
                .parse(json!({"id": "U1", "manager@delta": [{"id": "M2", "@removed": {"reason": "deleted"}}]}), Some(&known), false)
                .expect("item"),
        );
        assert_eq!(object.record["managerId"], Value::Null);
        assert_eq!(
            Dataset::Users
                .parse(
                    json!({"id": "U9", "@removed": {"reason": "changed"}}),
                    None,
                    false
                )
                .expect("item"),
            Item::Removed { id: "u9".into() }
        );
        assert!(
            Dataset::Users
                .parse(json!({"displayName": "no id"}), None, true)
                .is_err()
        );
    }
}
