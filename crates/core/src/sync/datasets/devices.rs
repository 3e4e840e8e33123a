//! Entra devices, through `/devices/delta`. No relationships to carry: every changed device comes
//! with its selected properties.

use serde_json::Value;

use super::{Item, ItemProblem, ParseContext, removed_id};
use crate::model::{Device, ObjectType, device_object};

super::data_set::data_set!(Devices);

pub fn parse(item: Value, _context: &ParseContext) -> Result<Vec<Item>, ItemProblem> {
    if let Some(id) = removed_id(&item) {
        return Ok(vec![Item::Removed {
            object_type: ObjectType::Device,
            id: id?,
        }]);
    }
    let device: Device = serde_json::from_value(item)?;
    let object = device_object(&device).ok_or(ItemProblem::NoId("a device"))?;
    Ok(vec![Item::Upsert {
        object,
        carry: None,
    }])
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::*;

    #[test]
    fn reads_devices_and_removals() {
        let indexes = HashMap::new();
        let context = ParseContext {
            full: false,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
        };
        let items = parse(
            json!({"id": "D1", "deviceId": "AAA", "displayName": "PC", "accountEnabled": true}),
            &context,
        )
        .expect("item");
        let Some(Item::Upsert { object, carry }) = items.into_iter().next() else {
            panic!("expected an upsert");
        };
        assert_eq!((object.id.as_str(), carry), ("d1", None));
        assert_eq!(object.record["deviceId"], "aaa");
        assert_eq!(object.record["status"], "Active");
        assert_eq!(
            parse(
                json!({"id": "D2", "@removed": {"reason": "deleted"}}),
                &context
            )
            .expect("item"),
            vec![Item::Removed {
                object_type: ObjectType::Device,
                id: "d2".into()
            }]
        );
        let example: Value = serde_json::from_str(include_str!(
            "../../../../../fixtures/graph-examples/devices_list.json"
        ))
        .expect("json");
        let error = parse(example["value"][0].clone(), &context).unwrap_err();
        assert_eq!(error, ItemProblem::NoId("a device"), "{error}");
    }
}
