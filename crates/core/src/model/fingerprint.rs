//! A short, stable digest of an object as it should be in Assets. The committed index keeps one per
//! external id; a changed fingerprint means the object must be written again.

use std::fmt;

use super::assets::AssetsObject;

/// XXH3-64 over the object's canonical JSON. The algorithm is fixed by its specification, so
/// fingerprints stay comparable across builds and platforms (wasm and native alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    pub fn of(object: &AssetsObject) -> Self {
        // Serialising plain data with ordered maps cannot fail.
        let canonical = serde_json::to_vec(object).unwrap_or_default();
        Fingerprint(xxhash_rust::xxh3::xxh3_64(&canonical))
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::{AttrValue, ObjectType};

    fn object(department: &str) -> AssetsObject {
        let mut attributes = BTreeMap::new();
        attributes.insert("Department", AttrValue::Text(department.into()));
        AssetsObject {
            object_type: ObjectType::User,
            external_id: "entra-user:1".into(),
            label: "A".into(),
            attributes,
        }
    }

    #[test]
    fn equal_objects_equal_fingerprints_and_changes_show() {
        assert_eq!(
            Fingerprint::of(&object("Sales")),
            Fingerprint::of(&object("Sales"))
        );
        assert_ne!(
            Fingerprint::of(&object("Sales")),
            Fingerprint::of(&object("Retail"))
        );
        // Pinned: a change here would make every installed index look stale.
        assert_eq!(
            Fingerprint::of(&object("Sales")).to_string(),
            "fe1ccb0dbc6374df"
        );
    }
}
