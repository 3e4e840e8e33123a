//! Licences, through `/subscribedSkus`: unpaged, `$select` only, no delta. Every run reads all SKUs,
//! so a SKU the tenant no longer subscribes to is the one indexed but not listed, and is retired.

use serde_json::Value;

use super::{Item, ItemProblem, ParseContext};
use crate::model::{SubscribedSku, licence_object};

super::data_set::data_set!(Licences);

pub fn parse(item: Value, _context: &ParseContext) -> Result<Vec<Item>, ItemProblem> {
    let sku: SubscribedSku = serde_json::from_value(item)?;
    if sku.sku_id.trim().is_empty() {
        return Err(ItemProblem::EmptySkuId);
    }
    Ok(vec![Item::Upsert {
        object: licence_object(&sku),
        carry: None,
    }])
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::*;
    use crate::model::ObjectType;

    #[test]
    fn reads_skus_and_refuses_items_without_an_id() {
        let indexes = HashMap::new();
        let context = ParseContext {
            full: true,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
        };
        let items = parse(
            json!({"skuId": "C7DF2760-2C81-4EF7-B578-5B5392B571DF", "skuPartNumber": "SPE_E3",
                   "consumedUnits": 3, "prepaidUnits": {"enabled": 5, "lockedOut": 0}}),
            &context,
        )
        .expect("sku");
        let [Item::Upsert { object, carry }] = items.as_slice() else {
            panic!("one upsert: {items:?}");
        };
        assert_eq!(object.object_type, ObjectType::Licence);
        assert_eq!(object.id, "c7df2760-2c81-4ef7-b578-5b5392b571df");
        assert_eq!(object.label(), "Microsoft 365 E3");
        assert_eq!(object.record["enabledUnits"], 5);
        assert_eq!(*carry, None);
        assert!(parse(json!({"skuPartNumber": "X"}), &context).is_err());
        assert_eq!(
            parse(json!({"skuId": " "}), &context),
            Err(ItemProblem::EmptySkuId)
        );
    }

    #[test]
    fn assignments_reference_licences_by_their_sku_id() {
        let document = crate::sync::mapping_doc::mapping_document(&[
            ObjectType::User,
            ObjectType::LicenceAssignment,
            ObjectType::Licence,
        ]);
        let mappings = &document["mapping"]["objectTypeMappings"][1]["attributesMapping"];
        let iql = |locator: &str| {
            mappings
                .as_array()
                .expect("array")
                .iter()
                .find(|m| m["attributeLocators"][0] == locator)
                .map(|m| m["objectMappingIQL"].clone())
                .expect("mapped")
        };
        assert_eq!(iql("skuId"), "\"SKU ID\" = ${skuId}");
        assert_eq!(iql("userId"), "\"Entra Object ID\" = ${userId}");
        let licence = &document["schema"]["objectSchema"]["objectTypes"]
            .as_array()
            .expect("types")
            .iter()
            .find(|t| t["name"] == "Licence")
            .expect("the Licence type")["attributes"];
        assert!(
            licence
                .as_array()
                .expect("array")
                .iter()
                .any(|a| a["name"] == "Consumed Units" && a["type"] == "integer")
        );
    }
}
