//! Text values of one attribute → the objects holding them, for AQL's `"Attribute" IN (…)`. Assets
//! indexes attributes (its attribute bodies say `"indexed": true`); without this a retirement's
//! lookup of 50 ids scans a million memberships. An index stays valid until the attribute's values
//! change or objects come or go; the store bumps the matching generation on every such write.

use std::collections::HashMap;

use super::model::{Object, Value};

#[derive(Debug, Default)]
pub(crate) struct ValueIndexes {
    /// Bumped when objects are added or removed.
    objects: u64,
    /// Bumped when an attribute's values change on any object.
    attributes: HashMap<u64, u64>,
    built: HashMap<(u64, u64), Built>,
}

#[derive(Debug)]
struct Built {
    objects: u64,
    attribute: u64,
    ids: HashMap<String, Vec<u64>>,
}

impl ValueIndexes {
    pub fn objects_changed(&mut self) {
        self.objects += 1;
    }

    pub fn attribute_changed(&mut self, attribute_id: u64) {
        *self.attributes.entry(attribute_id).or_default() += 1;
    }

    /// Ids of the objects of `type_id` whose `attribute_id` holds one of `wanted` (ASCII lower
    /// case), building the index when it is missing or stale.
    pub fn lookup<'a>(
        &mut self,
        objects: impl Iterator<Item = &'a Object>,
        type_id: u64,
        attribute_id: u64,
        wanted: impl Iterator<Item = &'a String>,
    ) -> Vec<u64> {
        let attribute = self.attributes.get(&attribute_id).copied().unwrap_or(0);
        let current = self
            .built
            .get(&(type_id, attribute_id))
            .is_some_and(|b| b.objects == self.objects && b.attribute == attribute);
        if !current {
            let mut ids: HashMap<String, Vec<u64>> = HashMap::new();
            for object in objects.filter(|o| o.object_type_id == type_id) {
                for value in object.values.get(&attribute_id).into_iter().flatten() {
                    if let Value::Text(text) = value {
                        ids.entry(text.to_ascii_lowercase())
                            .or_default()
                            .push(object.id);
                    }
                }
            }
            self.built.insert(
                (type_id, attribute_id),
                Built {
                    objects: self.objects,
                    attribute,
                    ids,
                },
            );
        }
        let Some(built) = self.built.get(&(type_id, attribute_id)) else {
            return Vec::new();
        };
        wanted
            .filter_map(|value| built.ids.get(value))
            .flatten()
            .copied()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn object(id: u64, type_id: u64, value: &str) -> Object {
        Object {
            id,
            object_type_id: type_id,
            external_id: None,
            values: BTreeMap::from([(7, vec![Value::Text(value.into())])]),
            created: String::new(),
            updated: String::new(),
        }
    }

    #[test]
    fn finds_by_value_and_follows_every_change() {
        let mut objects = vec![
            object(1, 10, "A-1"),
            object(2, 10, "a-2"),
            object(3, 11, "a-1"),
        ];
        let mut index = ValueIndexes::default();
        let wanted = ["a-1".to_string(), "a-2".to_string()];
        let mut found = index.lookup(objects.iter(), 10, 7, wanted.iter());
        found.sort_unstable();
        assert_eq!(found, [1, 2], "case-insensitive, only the asked type");

        objects[0].values.insert(7, vec![Value::Text("b".into())]);
        assert_eq!(
            index.lookup(objects.iter(), 10, 7, wanted.iter()).len(),
            2,
            "stale until told"
        );
        index.attribute_changed(7);
        assert_eq!(index.lookup(objects.iter(), 10, 7, wanted.iter()), [2]);

        objects.push(object(4, 10, "a-1"));
        index.objects_changed();
        let mut found = index.lookup(objects.iter(), 10, 7, wanted.iter());
        found.sort_unstable();
        assert_eq!(found, [2, 4]);
        index.attribute_changed(8);
        assert_eq!(
            index.lookup(objects.iter(), 10, 7, wanted.iter()).len(),
            2,
            "another attribute"
        );
    }
}
