//! One index entry as stored. Version 2 (this one) stores typed values: a bare fingerprint, or a
//! `[fingerprint, carry]` pair. Version 1 stored text, `"<fingerprint>[ <carry text>]"`, whose
//! carry only the object type tells how to read ([`IndexEntry::from_legacy`]).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::model::{Carry, Fingerprint, ObjectType};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub fingerprint: Fingerprint,
    /// State that delta rounds do not repeat (a user's manager and licences, a ranked record's rank).
    pub carry: Option<Carry>,
}

/// Why a stored entry cannot be read; the index names the key and id it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("\"{0}\" is not a fingerprint")]
    Fingerprint(String),
    #[error(transparent)]
    Carry(#[from] crate::model::LegacyCarryError),
    #[error("{0}")]
    Shape(String),
}

impl IndexEntry {
    /// An object Assets holds whose committed entry was lost with a damaged index value: its
    /// fingerprint matches no record read, so a full round writes it again if Entra still has it
    /// and retires it if not.
    pub fn unknown() -> Self {
        IndexEntry {
            fingerprint: Fingerprint(0),
            carry: None,
        }
    }

    /// Reads an entry of either stored version: text is the version 1 form.
    pub fn from_stored(object_type: ObjectType, value: Value) -> Result<Self, EntryError> {
        match value {
            Value::String(text) => Self::from_legacy(object_type, &text),
            value => serde_json::from_value(value).map_err(|e| EntryError::Shape(e.to_string())),
        }
    }

    fn from_legacy(object_type: ObjectType, text: &str) -> Result<Self, EntryError> {
        let (fp, carry) = match text.split_once(' ') {
            Some((fp, carry)) => (fp, Some(Carry::from_legacy(object_type, carry)?)),
            None => (text, None),
        };
        Ok(IndexEntry {
            fingerprint: parse_fingerprint(fp)?,
            carry,
        })
    }

    /// An upper bound of the stored form's length, without building it (shards are sized by it).
    pub fn stored_len(&self) -> usize {
        // `["<16 hex>",…]`, and per text the quotes, a comma and room for escapes.
        let text = |s: &str| s.len() + 4;
        20 + match &self.carry {
            None => 0,
            Some(Carry::User(user)) => {
                16 + user.manager.as_deref().map_or(0, text)
                    + user.skus.iter().map(|s| text(s)).sum::<usize>()
            }
            Some(Carry::Rank(rank)) => 4 + text(&rank.at) + text(&rank.id),
            // `{"n":…,"c":[{"k":…,"t":"s","d":…,"e":<13 digits>},…]}`
            Some(Carry::App(app)) => {
                16 + app.name.as_deref().map_or(0, text)
                    + app
                        .credentials
                        .iter()
                        .map(|c| 40 + text(&c.key_id) + c.description.as_deref().map_or(0, text))
                        .sum::<usize>()
            }
        }
    }
}

fn parse_fingerprint(text: &str) -> Result<Fingerprint, EntryError> {
    text.parse()
        .map_err(|_| EntryError::Fingerprint(text.to_string()))
}

impl Serialize for IndexEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fingerprint = self.fingerprint.to_string();
        match &self.carry {
            None => fingerprint.serialize(serializer),
            Some(carry) => (fingerprint, carry).serialize(serializer),
        }
    }
}

/// The stored shapes of version 2. A bare string is the same in both versions (no carry).
#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Bare(String),
    Carried(String, Carry),
}

impl<'de> Deserialize<'de> for IndexEntry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (fp, carry) = match Stored::deserialize(deserializer)? {
            Stored::Bare(fp) => (fp, None),
            Stored::Carried(fp, carry) => (fp, Some(carry)),
        };
        let fingerprint = parse_fingerprint(&fp).map_err(serde::de::Error::custom)?;
        Ok(IndexEntry { fingerprint, carry })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{Rank, UserCarry};

    #[test]
    fn both_versions_read_and_the_new_one_round_trips() {
        let user = IndexEntry {
            fingerprint: Fingerprint(7),
            carry: Some(Carry::User(UserCarry {
                manager: Some("boss".into()),
                skus: vec!["s1".into(), "s2".into()],
            })),
        };
        let old = json!(format!("{} boss|s1,s2", Fingerprint(7)));
        assert_eq!(
            IndexEntry::from_stored(ObjectType::User, old).expect("v1"),
            user
        );
        let stored = serde_json::to_value(&user).expect("json");
        assert_eq!(
            stored,
            json!(["0000000000000007", {"m": "boss", "s": ["s1", "s2"]}])
        );
        assert!(stored.to_string().len() <= user.stored_len());
        assert_eq!(
            IndexEntry::from_stored(ObjectType::User, stored).expect("v2"),
            user
        );
        let rank = IndexEntry {
            fingerprint: Fingerprint(1),
            carry: Some(Carry::Rank(Rank {
                at: "t".into(),
                id: "i".into(),
            })),
        };
        let stored = serde_json::to_value(&rank).expect("json");
        assert!(stored.to_string().len() <= rank.stored_len());
        assert_eq!(
            IndexEntry::from_stored(ObjectType::ManagedDevice, stored).expect("v2"),
            rank
        );
        let bare = IndexEntry {
            fingerprint: Fingerprint(3),
            carry: None,
        };
        assert_eq!(
            serde_json::to_value(&bare).expect("json"),
            json!("0000000000000003")
        );
    }

    #[test]
    fn unreadable_entries_say_what_is_wrong() {
        let error = IndexEntry::from_stored(ObjectType::User, json!("zz boss")).expect_err("bad");
        assert!(
            error.to_string().contains("\"zz\" is not a fingerprint"),
            "{error}"
        );
        let error = IndexEntry::from_stored(ObjectType::User, json!(5)).expect_err("bad");
        assert!(matches!(error, EntryError::Shape(_)), "{error}");
    }
}
