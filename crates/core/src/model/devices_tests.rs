use super::*;
use crate::model::machine::{managed_device_rank, usable_serial};

#[derive(Deserialize)]
struct Page<T> {
    value: Vec<T>,
}

#[test]
fn reads_the_documented_devices_and_managed_devices() {
    let devices: Page<Device> = serde_json::from_str(include_str!(
        "../../../../fixtures/graph-examples/devices_list.json"
    ))
    .expect("devices");
    let device = &devices.value[0];
    assert_eq!(device.manufacturer.as_deref(), Some("Google"), "alias");
    assert_eq!(device.model.as_deref(), Some("Pixel 3a"));
    assert_eq!(device.id, None, "the docs example has no id");
    assert!(device_object(device).is_none(), "no id, no object");

    let managed: Page<ManagedDevice> = serde_json::from_str(include_str!(
        "../../../../fixtures/graph-examples/manageddevices_list.json"
    ))
    .expect("managed devices");
    let record = &managed.value[0];
    assert_eq!(record.id, "705c034c-034c-705c-4c03-5c704c035c70");
    let object = managed_device_object(record);
    assert_eq!(object.id, "serial:SERIALNUMBERVALUE");
    assert_eq!(object.label(), "Device Name value");
    assert_eq!(
        object.record["lastSyncDateTime"], "2017-01-01T08:02:49.3205976Z",
        "offset timestamps become UTC"
    );
    assert_eq!(object.record["intuneDeviceId"], record.id.as_str());
    for (object_type, object) in [
        (ObjectType::ManagedDevice, object),
        (
            ObjectType::Device,
            device_object(&Device {
                id: Some("D1".into()),
                ..device.clone()
            })
            .expect("device"),
        ),
    ] {
        let locators: Vec<&str> = object_type.attributes().iter().map(|a| a.locator).collect();
        for key in object.record.keys() {
            assert!(locators.contains(key), "{key} has no attribute");
        }
        assert_eq!(
            object.record.len() + 1,
            locators.len(),
            "all but lastSynced"
        );
    }
}

#[test]
fn devices_map_status_and_the_join_key() {
    let device = Device {
        id: Some("AB-1".into()),
        device_id: Some("00000000-0000-0000-0000-000000000000".into()),
        display_name: Some("PC-1".into()),
        operating_system: None,
        operating_system_version: None,
        trust_type: Some("AzureAd".into()),
        is_compliant: None,
        is_managed: Some(true),
        account_enabled: Some(false),
        approximate_last_sign_in_date_time: None,
        registration_date_time: None,
        manufacturer: None,
        model: None,
    };
    let object = device_object(&device).expect("object");
    assert_eq!(object.id, "ab-1");
    assert_eq!(object.record["status"], "Disabled");
    assert_eq!(object.record["deviceId"], Value::Null, "all-zero is none");
    assert_eq!(object.record["isCompliant"], Value::Null);
}

#[test]
fn serials_normalise_and_placeholders_are_not_identities() {
    assert_eq!(usable_serial(" pf1a 2b3c "), Some("PF1A2B3C".into()));
    for placeholder in [
        "",
        "   ",
        "0",
        "00000000",
        "XXXXXXXXXX",
        "Default string",
        "To Be Filled By O.E.M.",
        "to be filled by o.e.m.",
        "System Serial Number",
        "N/A",
        "None",
        "123456789",
        "ab",
    ] {
        assert_eq!(usable_serial(placeholder), None, "{placeholder:?}");
    }
    let mut record: ManagedDevice = serde_json::from_value(serde_json::json!({
        "id": "ABC-1", "serialNumber": "Default string"
    }))
    .expect("record");
    assert_eq!(machine_key(&record), "intune:abc-1");
    record.serial_number = Some("c02xk1".into());
    assert_eq!(machine_key(&record), "serial:C02XK1");
}

#[test]
fn the_latest_check_in_wins_and_ties_are_broken_by_id() {
    let record = |id: &str, synced: &str| -> ManagedDevice {
        serde_json::from_value(serde_json::json!({
            "id": id, "serialNumber": "C02XK1", "lastSyncDateTime": synced
        }))
        .expect("record")
    };
    // 09:00 at -08:00 is 17:00 UTC: later than 16:00Z although its text sorts first.
    let pacific = managed_device_rank(&record("b", "2025-05-01T09:00:00-08:00"));
    let utc = managed_device_rank(&record("a", "2025-05-01T16:00:00.1234567Z"));
    assert!(pacific > utc, "{pacific:?} vs {utc:?}");
    let tie_a = managed_device_rank(&record("a", "2025-05-01T16:00:00Z"));
    let tie_b = managed_device_rank(&record("b", "2025-05-01T16:00:00.0000000+00:00"));
    assert!(tie_b > tie_a);
    let never = managed_device_rank(&record("z", "garbage"));
    assert!(never < tie_a, "unreadable check-ins rank lowest");
}
