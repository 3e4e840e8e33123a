//! What a person does in the Assets UI behind the import's back: deletes objects or edits an
//! attribute, picked by object type (the first `count` in id order) or by object key. Edits stamp
//! `updated` on the sim clock, as Assets does, so `Updated > …` finds them.

use super::error::AssetsError;
use super::handle::AssetsState;
use super::model::{AttrKind, Value};
use super::store::Store;

/// Which objects a person touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    Type { object_type: String, count: usize },
    Keys(Vec<String>),
}

impl AssetsState {
    /// Deletes the picked objects; returns their keys.
    pub fn delete_by_hand(&self, pick: &Pick) -> Result<Vec<String>, AssetsError> {
        let mut store = self.lock();
        let picked = picked(&store, pick)?;
        for (id, _) in &picked {
            store.delete_object(*id);
        }
        Ok(picked.into_iter().map(|(_, key)| key).collect())
    }

    /// Sets `attribute` (default: the label attribute) of the picked objects to `value` (default:
    /// the old value with " (edited)" appended); returns their keys.
    pub fn edit_by_hand(
        &self,
        pick: &Pick,
        attribute: Option<&str>,
        value: Option<&str>,
    ) -> Result<Vec<String>, AssetsError> {
        let mut store = self.lock();
        let picked = picked(&store, pick)?;
        let now = store.now_iso();
        for (id, _) in &picked {
            let Some(type_id) = store.objects.get(id).map(|o| o.object_type_id) else {
                continue;
            };
            let target = store
                .attributes_of(type_id)
                .into_iter()
                .find(|a| match attribute {
                    Some(name) => a.name.eq_ignore_ascii_case(name),
                    None => a.label,
                })
                .filter(|a| !matches!(a.kind, AttrKind::Reference { .. }))
                .map(|a| a.id)
                .ok_or_else(|| {
                    AssetsError::BadRequest(format!(
                        "no text attribute {} on the object type",
                        attribute.unwrap_or("marked as label")
                    ))
                })?;
            store.value_indexes.get_mut().attribute_changed(target);
            if let Some(object) = store.objects.get_mut(id) {
                let old = match object.values.get(&target).and_then(|v| v.first()) {
                    Some(Value::Text(text)) => text.clone(),
                    _ => String::new(),
                };
                let new = value.map_or_else(|| format!("{old} (edited)"), str::to_string);
                object.values.insert(target, vec![Value::Text(new)]);
                object.updated = now.clone();
            }
        }
        Ok(picked.into_iter().map(|(_, key)| key).collect())
    }
}

/// `(id, key)` of the picked objects; an unknown type or key is a 400 naming it.
fn picked(store: &Store, pick: &Pick) -> Result<Vec<(u64, String)>, AssetsError> {
    match pick {
        Pick::Type { object_type, count } => {
            let type_id = store
                .types
                .values()
                .find(|t| t.name.eq_ignore_ascii_case(object_type))
                .map(|t| t.id)
                .ok_or_else(|| {
                    AssetsError::BadRequest(format!("no object type named {object_type:?}"))
                })?;
            Ok(store
                .objects_of(type_id)
                .take(*count)
                .map(|o| (o.id, store.object_key(o)))
                .collect())
        }
        Pick::Keys(keys) => keys
            .iter()
            .map(|key| {
                store
                    .objects
                    .values()
                    .find(|o| store.object_key(o).eq_ignore_ascii_case(key))
                    .map(|o| (o.id, store.object_key(o)))
                    .ok_or_else(|| AssetsError::BadRequest(format!("no object {key}")))
            })
            .collect(),
    }
}
