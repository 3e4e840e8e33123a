//! What the index keeps for an object besides its fingerprint: state that delta rounds do not
//! repeat. Typed here, one shape per kind, so the engine never splits text; the text forms earlier
//! versions stored are read by [`Carry::from_legacy`], so installed sites keep their index.

use serde::{Deserialize, Serialize};

use super::applications::AppCarry;
use super::assets::ObjectType;

/// An index entry's carry. Stored untagged: a user's carry is a JSON object, a rank a JSON list,
/// so the two shapes cannot be mistaken for each other and no tag costs space in every entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Carry {
    User(UserCarry),
    Rank(Rank),
    /// An application's credentials; an object with a `c` list, which a user's carry never has.
    App(AppCarry),
}

/// A user's manager and the ids of the SKUs assigned to it (sorted): delta rounds repeat neither
/// unless it changed, and the assignments that disappear must be retired.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserCarry {
    #[serde(rename = "m", default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    #[serde(rename = "s", default, skip_serializing_if = "Vec::is_empty")]
    pub skus: Vec<String>,
}

/// How strongly a record claims a ranked object (see `datasets::ranked`): the later check-in wins,
/// then the higher record id. `at` is a fixed-width UTC form, so comparing field by field (the
/// derived order) is comparing in time. Stored as a two-element list, the compact form.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "(String, String)", into = "(String, String)")]
pub struct Rank {
    pub at: String,
    pub id: String,
}

/// A carry of the text form earlier versions stored that does not fit its object type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{object_type:?} entries carry nothing, but this one carries \"{text}\"")]
pub struct LegacyCarryError {
    pub object_type: ObjectType,
    pub text: String,
}

impl Carry {
    /// Reads the text form of earlier versions: a user's `"<manager>"` or
    /// `"<manager or empty>|<sku>,<sku>"`, a ranked record's `"<at>|<id>"`.
    pub fn from_legacy(object_type: ObjectType, text: &str) -> Result<Self, LegacyCarryError> {
        match object_type {
            ObjectType::User => Ok(Carry::User(UserCarry::from_legacy(text))),
            ObjectType::ManagedDevice => Ok(Carry::Rank(Rank::from_legacy(text))),
            _ => Err(LegacyCarryError {
                object_type,
                text: text.to_string(),
            }),
        }
    }

    pub fn as_user(&self) -> Option<&UserCarry> {
        match self {
            Carry::User(user) => Some(user),
            _ => None,
        }
    }

    pub fn as_rank(&self) -> Option<&Rank> {
        match self {
            Carry::Rank(rank) => Some(rank),
            _ => None,
        }
    }

    pub fn as_app(&self) -> Option<&AppCarry> {
        match self {
            Carry::App(app) => Some(app),
            _ => None,
        }
    }
}

impl UserCarry {
    fn from_legacy(text: &str) -> Self {
        let (manager, skus) = text.split_once('|').unwrap_or((text, ""));
        UserCarry {
            manager: Some(manager.to_string()).filter(|m| !m.is_empty()),
            skus: skus
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }

    /// The carry to keep: none when there is nothing to remember.
    pub fn into_carry(self) -> Option<Carry> {
        (self.manager.is_some() || !self.skus.is_empty()).then_some(Carry::User(self))
    }
}

impl From<(String, String)> for Rank {
    fn from((at, id): (String, String)) -> Self {
        Rank { at, id }
    }
}

impl From<Rank> for (String, String) {
    fn from(rank: Rank) -> Self {
        (rank.at, rank.id)
    }
}

impl Rank {
    /// Reads the text form of earlier versions, `"<at>|<id>"`.
    pub fn from_legacy(text: &str) -> Self {
        let (at, id) = text.split_once('|').unwrap_or((text, ""));
        Rank {
            at: at.to_string(),
            id: id.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_legacy_text_forms_read_as_typed_carries() {
        let user = |text| Carry::from_legacy(ObjectType::User, text).expect("user");
        assert_eq!(
            user("boss"),
            Carry::User(UserCarry {
                manager: Some("boss".into()),
                skus: vec![],
            })
        );
        assert_eq!(
            user("|s1,s2"),
            Carry::User(UserCarry {
                manager: None,
                skus: vec!["s1".into(), "s2".into()],
            })
        );
        assert_eq!(
            Carry::from_legacy(ObjectType::ManagedDevice, "2025-01-02T00:00:00.0000000Z|x"),
            Ok(Carry::Rank(Rank {
                at: "2025-01-02T00:00:00.0000000Z".into(),
                id: "x".into(),
            }))
        );
        let error = Carry::from_legacy(ObjectType::Group, "x").expect_err("no carry");
        assert!(error.to_string().contains("carry nothing"), "{error}");
    }

    #[test]
    fn the_two_shapes_round_trip_untagged() {
        let user = Carry::User(UserCarry {
            manager: Some("boss".into()),
            skus: vec!["s1".into()],
        });
        let rank = Carry::Rank(Rank {
            at: "t".into(),
            id: "i".into(),
        });
        assert_eq!(
            serde_json::to_value(&user).expect("json"),
            json!({"m": "boss", "s": ["s1"]})
        );
        assert_eq!(
            serde_json::to_value(&rank).expect("json"),
            json!(["t", "i"])
        );
        for carry in [user, rank] {
            let text = serde_json::to_string(&carry).expect("json");
            assert_eq!(serde_json::from_str::<Carry>(&text).expect("read"), carry);
        }
    }

    #[test]
    fn ranks_order_by_time_then_id() {
        let rank = |at: &str, id: &str| Rank {
            at: at.into(),
            id: id.into(),
        };
        assert!(rank("2025-01-02", "a") > rank("2025-01-01", "z"));
        assert!(rank("2025-01-01", "b") > rank("2025-01-01", "a"));
    }
}
