//! Intune managed devices, through `/deviceManagement/managedDevices`: no delta query exists, so
//! every run lists them all (following nextLink; pages of up to 1,000) and what is not listed is gone.
//!
//! One Assets object per machine: records are identified by their serial number where usable
//! ([`crate::model::machine_key`]), so a re-enrolled machine's old and new Intune records claim the
//! same object. Each record's carry is its rank ([`crate::model::managed_device_rank`]: last check-in,
//! then Intune id); the engine keeps, per run, only the best-ranked record of each machine (see
//! `Dataset::ranked` and the engine's plan step) and counts the others as skipped.

use serde_json::Value;

use super::{Item, ItemProblem, ParseContext};
use crate::model::{Carry, ManagedDevice, managed_device_object, managed_device_rank};

super::data_set::data_set!(ManagedDevices);

pub fn parse(item: Value, _context: &ParseContext) -> Result<Vec<Item>, ItemProblem> {
    let device: ManagedDevice = serde_json::from_value(item)?;
    if device.id.trim().is_empty() {
        return Err(ItemProblem::NoId("a managed device"));
    }
    Ok(vec![Item::Upsert {
        object: managed_device_object(&device),
        carry: Some(Carry::Rank(managed_device_rank(&device))),
    }])
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use serde_json::json;

    use super::*;
    use crate::model::{AssetsObject, Rank};

    fn one(item: Value) -> (AssetsObject, Rank) {
        let indexes = HashMap::new();
        let context = ParseContext {
            full: true,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
        };
        match parse(item, &context).expect("item").into_iter().next() {
            Some(Item::Upsert {
                object,
                carry: Some(Carry::Rank(rank)),
            }) => (object, rank),
            other => panic!("expected a ranked upsert, got {other:?}"),
        }
    }

    #[test]
    fn the_documented_example_and_re_enrolled_records_share_one_identity() {
        let example: Value = serde_json::from_str(include_str!(
            "../../../../../fixtures/graph-examples/manageddevices_list.json"
        ))
        .expect("json");
        let (object, _) = one(example["value"][0].clone());
        assert_eq!(object.id, "serial:SERIALNUMBERVALUE");

        let (old, old_rank) = one(json!({
            "id": "11111111-AAAA-0000-0000-000000000000", "serialNumber": "pf1x2y3",
            "deviceName": "PC-1", "lastSyncDateTime": "2024-01-01T00:00:00.0000000Z",
            "azureADDeviceId": "00000000-0000-0000-0000-000000000000",
            "userId": "U-1"
        }));
        let (new, new_rank) = one(json!({
            "id": "22222222-AAAA-0000-0000-000000000000", "serialNumber": "PF1X2Y3",
            "deviceName": "PC-1", "lastSyncDateTime": "2025-05-30T10:00:00.1234567Z",
            "azureADDeviceId": "DDDDDDDD-0000-0000-0000-000000000001",
        }));
        assert_eq!(old.id, new.id, "same machine, same object");
        assert_eq!(new.id, "serial:PF1X2Y3");
        assert!(new_rank > old_rank, "the latest check-in wins");
        assert_eq!(
            old.record["azureADDeviceId"],
            Value::Null,
            "zero GUID: no device"
        );
        assert_eq!(old.record["userId"], "u-1");
        assert_eq!(
            new.record["intuneDeviceId"],
            "22222222-aaaa-0000-0000-000000000000"
        );
        assert_eq!(
            new.record["azureADDeviceId"],
            "dddddddd-0000-0000-0000-000000000001"
        );
        let (vm, _) = one(json!({"id": "VM-1", "serialNumber": ""}));
        assert_eq!(vm.id, "intune:vm-1");
        let indexes = HashMap::new();
        let context = ParseContext {
            full: true,
            indexes: &indexes,
            clock: crate::model::ExpiryClock::default(),
            tenant: None,
        };
        assert!(parse(json!({"serialNumber": "X"}), &context).is_err());
    }
}
