//! Licences: the tenant's subscribed SKUs (`/subscribedSkus`) and, per user, the SKUs assigned to it
//! (`user.assignedLicenses`). A SKU becomes a "Licence" object identified by its `skuId`; each user ×
//! SKU pair becomes a "Licence Assignment" identified by `"<user id>:<sku id>"`, since the import API
//! has no multi-value references.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::text;

use super::assets::{
    AssetsObject, AttrKind, AttributeSpec, ObjectType, STATUS, SYNCED, Status, attr,
};

/// One entry of `/subscribedSkus` (subscribedSku resource), with what Entra Sync maps.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscribedSku {
    pub sku_id: String,
    #[serde(default)]
    pub sku_part_number: Option<String>,
    #[serde(default)]
    pub applies_to: Option<String>,
    #[serde(default)]
    pub capability_status: Option<String>,
    #[serde(default)]
    pub consumed_units: Option<i64>,
    #[serde(default)]
    pub prepaid_units: Option<PrepaidUnits>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrepaidUnits {
    #[serde(default)]
    pub enabled: Option<i64>,
    #[serde(default)]
    pub suspended: Option<i64>,
    #[serde(default)]
    pub warning: Option<i64>,
    #[serde(default)]
    pub locked_out: Option<i64>,
}

/// One entry of `user.assignedLicenses`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignedLicense {
    pub sku_id: String,
    #[serde(default)]
    pub disabled_plans: Vec<String>,
}

/// Friendly product names for a few well-known part numbers (Microsoft's "Product names and service
/// plan identifiers for licensing" list); any other SKU is named by its part number.
const FRIENDLY_NAMES: &[(&str, &str)] = &[
    ("SPE_E3", "Microsoft 365 E3"),
    ("SPE_E5", "Microsoft 365 E5"),
    ("SPE_F1", "Microsoft 365 F3"),
    ("SPB", "Microsoft 365 Business Premium"),
    ("O365_BUSINESS_ESSENTIALS", "Microsoft 365 Business Basic"),
    ("O365_BUSINESS_PREMIUM", "Microsoft 365 Business Standard"),
    ("STANDARDPACK", "Office 365 E1"),
    ("ENTERPRISEPACK", "Office 365 E3"),
    ("ENTERPRISEPREMIUM", "Office 365 E5"),
    ("DESKLESSPACK", "Office 365 F3"),
    ("EMS", "Enterprise Mobility + Security E3"),
    ("EMSPREMIUM", "Enterprise Mobility + Security E5"),
    ("AAD_PREMIUM", "Microsoft Entra ID P1"),
    ("AAD_PREMIUM_P2", "Microsoft Entra ID P2"),
    ("INTUNE_A", "Microsoft Intune Plan 1"),
    ("EXCHANGESTANDARD", "Exchange Online (Plan 1)"),
    ("EXCHANGEENTERPRISE", "Exchange Online (Plan 2)"),
    ("POWER_BI_PRO", "Power BI Pro"),
    ("POWER_BI_STANDARD", "Microsoft Fabric (Free)"),
    ("FLOW_FREE", "Microsoft Power Automate Free"),
    ("VISIOCLIENT", "Visio Plan 2"),
    ("PROJECTPROFESSIONAL", "Project Plan 3"),
    ("PROJECTPREMIUM", "Project Plan 5"),
];

/// The name shown for a SKU: a friendly product name where known, else the part number.
pub fn licence_name(part_number: &str) -> &str {
    FRIENDLY_NAMES
        .iter()
        .find(|(part, _)| *part == part_number)
        .map_or(part_number, |(_, name)| name)
}

/// Identity of one user's assignment of one SKU.
pub fn assignment_id(user_id: &str, sku_id: &str) -> String {
    format!(
        "{}:{}",
        user_id.to_ascii_lowercase(),
        sku_id.to_ascii_lowercase()
    )
}

pub(super) const LICENCE_ATTRIBUTES: &[AttributeSpec] = &[
    AttributeSpec {
        identity: true,
        ..attr(
            "skuId",
            "SKU ID",
            "The product's id (subscribedSku.skuId)",
            AttrKind::Text,
        )
    },
    AttributeSpec {
        label: true,
        ..attr(
            "name",
            "Name",
            "Product name (or part number)",
            AttrKind::Text,
        )
    },
    attr(
        "skuPartNumber",
        "Part Number",
        "skuPartNumber, e.g. ENTERPRISEPACK",
        AttrKind::Text,
    ),
    attr(
        "capabilityStatus",
        "Capability Status",
        "Enabled, Warning, Suspended, Deleted or LockedOut",
        AttrKind::Text,
    ),
    attr(
        "consumedUnits",
        "Consumed Units",
        "Licences assigned",
        AttrKind::Integer,
    ),
    attr(
        "enabledUnits",
        "Enabled Units",
        "Licences purchased and active (prepaidUnits.enabled)",
        AttrKind::Integer,
    ),
    attr(
        "suspendedUnits",
        "Suspended Units",
        "prepaidUnits.suspended",
        AttrKind::Integer,
    ),
    attr(
        "warningUnits",
        "Warning Units",
        "prepaidUnits.warning",
        AttrKind::Integer,
    ),
    attr("appliesTo", "Applies To", "User or Company", AttrKind::Text),
    STATUS,
    SYNCED,
];

pub(super) const LICENCE_ASSIGNMENT_ATTRIBUTES: &[AttributeSpec] = &[
    // The identity is also the label: the User and Licence columns name the two sides.
    AttributeSpec {
        identity: true,
        label: true,
        ..attr("id", "Assignment ID", "<user id>:<SKU id>", AttrKind::Text)
    },
    attr(
        "userId",
        "User",
        "The licensed user",
        AttrKind::Reference(ObjectType::User),
    ),
    attr(
        "skuId",
        "Licence",
        "The assigned licence",
        AttrKind::Reference(ObjectType::Licence),
    ),
    attr(
        "disabledPlans",
        "Disabled Plans",
        "Comma-separated ids of the service plans turned off for this user",
        AttrKind::Text,
    ),
    STATUS,
    SYNCED,
];

fn number(value: Option<i64>) -> Value {
    value.map_or(Value::Null, Value::from)
}

pub fn licence_object(sku: &SubscribedSku) -> AssetsObject {
    let id = sku.sku_id.trim().to_ascii_lowercase();
    let part = sku.sku_part_number.as_deref().map(str::trim);
    let prepaid = sku.prepaid_units.unwrap_or_default();
    let record = BTreeMap::from([
        ("skuId", Value::String(id.clone())),
        ("name", text(Some(part.map_or(id.as_str(), licence_name)))),
        ("skuPartNumber", text(part)),
        ("capabilityStatus", text(sku.capability_status.as_deref())),
        ("consumedUnits", number(sku.consumed_units)),
        ("enabledUnits", number(prepaid.enabled)),
        ("suspendedUnits", number(prepaid.suspended)),
        ("warningUnits", number(prepaid.warning)),
        ("appliesTo", text(sku.applies_to.as_deref())),
        ("status", Value::String(Status::Active.label().to_string())),
    ]);
    AssetsObject {
        object_type: ObjectType::Licence,
        id,
        record,
    }
}

/// The assignment of `license` to the user `user_id`.
pub fn licence_assignment_object(user_id: &str, license: &AssignedLicense) -> AssetsObject {
    let user_id = user_id.to_ascii_lowercase();
    let sku_id = license.sku_id.trim().to_ascii_lowercase();
    let id = assignment_id(&user_id, &sku_id);
    let mut disabled: Vec<String> = license
        .disabled_plans
        .iter()
        .map(|p| p.trim().to_ascii_lowercase())
        .filter(|p| !p.is_empty())
        .collect();
    disabled.sort();
    disabled.dedup();
    let record = BTreeMap::from([
        ("id", Value::String(id.clone())),
        ("userId", Value::String(user_id)),
        ("skuId", Value::String(sku_id)),
        ("disabledPlans", text(Some(&disabled.join(",")))),
        ("status", Value::String(Status::Active.label().to_string())),
    ]);
    AssetsObject {
        object_type: ObjectType::LicenceAssignment,
        id,
        record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Page<T> {
        value: Vec<T>,
    }

    #[test]
    fn reads_the_documented_subscribed_skus() {
        let page: Page<SubscribedSku> = serde_json::from_str(include_str!(
            "../../../../fixtures/graph-examples/subscribedskus_list.json"
        ))
        .expect("skus");
        assert_eq!(page.value.len(), 2);
        let object = licence_object(&page.value[0]);
        assert_eq!(object.id, "c7df2760-2c81-4ef7-b578-5b5392b571df");
        assert_eq!(object.label(), "Office 365 E5");
        assert_eq!(object.record["skuPartNumber"], "ENTERPRISEPREMIUM");
        assert_eq!(object.record["consumedUnits"], 14);
        assert_eq!(object.record["enabledUnits"], 25);
        assert_eq!(object.record["status"], "Active");
        let suspended = licence_object(&page.value[1]);
        assert_eq!(suspended.record["capabilityStatus"], "Suspended");
        assert_eq!(suspended.record["suspendedUnits"], 25);
        assert_eq!(
            suspended.label(),
            "CRMSTANDARD",
            "unknown part numbers name themselves"
        );
    }

    #[test]
    fn maps_an_assignment_with_sorted_disabled_plans() {
        let license = AssignedLicense {
            sku_id: "SKU-1".into(),
            disabled_plans: vec!["P2".into(), "p1".into()],
        };
        let object = licence_assignment_object("U1", &license);
        assert_eq!(object.id, "u1:sku-1");
        assert_eq!(object.record["userId"], "u1");
        assert_eq!(object.record["skuId"], "sku-1");
        assert_eq!(object.record["disabledPlans"], "p1,p2");
        let none = AssignedLicense {
            sku_id: "sku-1".into(),
            disabled_plans: Vec::new(),
        };
        assert_eq!(
            licence_assignment_object("u1", &none).record["disabledPlans"],
            Value::Null
        );
    }

    #[test]
    fn every_record_key_is_a_declared_attribute_and_references_use_the_target_identity() {
        let sku = SubscribedSku {
            sku_id: "s".into(),
            sku_part_number: None,
            applies_to: None,
            capability_status: None,
            consumed_units: None,
            prepaid_units: None,
        };
        let license = AssignedLicense {
            sku_id: "s".into(),
            disabled_plans: Vec::new(),
        };
        for object in [
            licence_object(&sku),
            licence_assignment_object("u", &license),
        ] {
            let attributes = object.object_type.attributes();
            let locators: Vec<&str> = attributes.iter().map(|a| a.locator).collect();
            for key in object.record.keys() {
                assert!(locators.contains(key), "{key} has no attribute");
            }
            assert_eq!(attributes.iter().filter(|a| a.identity).count(), 1);
        }
        assert_eq!(ObjectType::Licence.identity_name(), "SKU ID");
        assert_eq!(
            ObjectType::LicenceAssignment.identity_name(),
            "Assignment ID"
        );
    }
}
