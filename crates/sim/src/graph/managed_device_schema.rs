//! The `microsoft.graph.managedDevice` properties (intune-devices-manageddevice-list), with every key of
//! `manageddevices_list.json`. Intune writes empty strings rather than nulls for most absent text,
//! enums in lower camel case, `jailBroken` as a string and timestamps with seven fractional digits.

use serde_json::{Value, json};

use super::schema::{Prop, Schema, string};
use crate::tenant::{DeviceOs, ManagedDevice, Tenant, User};
use crate::time::UtcTime;

/// The all-zero GUID Intune reports for devices without an Entra registration.
const NO_DEVICE: &str = "00000000-0000-0000-0000-000000000000";
/// Intune's "never" for timestamps that do not apply.
const NEVER: &str = "0001-01-01T00:00:00Z";

const fn p(name: &'static str, get: fn(&Tenant, &ManagedDevice) -> Value) -> Prop<ManagedDevice> {
    Prop { name, get }
}

fn ticks((secs, ticks): (u64, u32)) -> Value {
    Value::String(UtcTime::from_unix(secs).iso8601_ticks(ticks))
}

fn user(tenant: &Tenant, index: Option<u32>) -> Option<&User> {
    index.and_then(|i| tenant.users.get(i as usize))
}

fn user_text(tenant: &Tenant, index: Option<u32>, get: fn(&User) -> Option<&str>) -> Value {
    string(user(tenant, index).and_then(get).unwrap_or_default())
}

fn hex(bits: u64) -> String {
    format!("{:012X}", bits & 0xFFFF_FFFF_FFFF)
}

fn phone(d: &ManagedDevice) -> bool {
    matches!(d.os, DeviceOs::Ios | DeviceOs::Android)
}

const PROPS: &[Prop<ManagedDevice>] = &[
    p("id", |_, d| string(&d.id.to_string())),
    p("userId", |t, d| {
        string(&user(t, d.user).map(|u| u.id.clone()).unwrap_or_default())
    }),
    p("deviceName", |_, d| string(&d.device_name)),
    p("managedDeviceOwnerType", |_, d| string(d.owner_type)),
    p("deviceActionResults", |_, _| json!([])),
    p("enrolledDateTime", |_, d| ticks(d.enrolled)),
    p("lastSyncDateTime", |_, d| ticks(d.last_sync)),
    p("operatingSystem", |_, d| string(d.os.intune_name())),
    p("complianceState", |_, d| string(d.compliance_state)),
    p("jailBroken", |_, d| {
        string(if phone(d) { "False" } else { "Unknown" })
    }),
    p("managementAgent", |_, _| string("mdm")),
    p("osVersion", |_, d| string(&d.os_version)),
    p("easActivated", |_, _| Value::Bool(false)),
    p("easDeviceId", |_, _| string("")),
    p("easActivationDateTime", |_, _| string(NEVER)),
    p("azureADRegistered", |_, d| {
        Value::Bool(d.directory_device.is_some())
    }),
    p("deviceEnrollmentType", |_, d| string(d.enrollment_type)),
    p("activationLockBypassCode", |_, _| Value::Null),
    // The primary user's, like `userId` and `userPrincipalName`. v1.0 has no property for who
    // enrolled the device (`ManagedDevice::enrolled_by`), which is why a sync cannot rely on it.
    p("emailAddress", |t, d| {
        user_text(t, d.user, |u| u.mail.as_deref())
    }),
    p("azureADDeviceId", |t, d| {
        string(
            &d.directory_device
                .and_then(|i| t.devices.get(i as usize))
                .map_or_else(|| NO_DEVICE.to_string(), |dev| dev.device_id.to_string()),
        )
    }),
    p("deviceRegistrationState", |_, d| {
        string(if d.directory_device.is_some() {
            "registered"
        } else {
            "notRegistered"
        })
    }),
    p("deviceCategoryDisplayName", |_, _| string("Unknown")),
    p("isSupervised", |_, d| Value::Bool(d.is_supervised)),
    p("exchangeLastSuccessfulSyncDateTime", |_, _| string(NEVER)),
    p("exchangeAccessState", |_, _| string("none")),
    p("exchangeAccessStateReason", |_, _| string("none")),
    p("remoteAssistanceSessionUrl", |_, _| Value::Null),
    p("remoteAssistanceSessionErrorDetails", |_, _| Value::Null),
    p("isEncrypted", |_, d| Value::Bool(d.is_encrypted)),
    p("userPrincipalName", |t, d| {
        user_text(t, d.user, |u| Some(u.user_principal_name.as_str()))
    }),
    p("model", |_, d| string(d.model)),
    p("manufacturer", |_, d| string(d.manufacturer)),
    p("imei", |_, d| {
        string(&if phone(d) {
            format!("35{:013}", d.hardware_bits % 10_000_000_000_000)
        } else {
            String::new()
        })
    }),
    p("complianceGracePeriodExpirationDateTime", |_, _| {
        string("9999-12-31T23:59:59Z")
    }),
    p("serialNumber", |_, d| string(&d.serial_number)),
    p("phoneNumber", |_, _| string("")),
    p("androidSecurityPatchLevel", |_, d| {
        string(if d.os == DeviceOs::Android {
            "2025-05-01"
        } else {
            ""
        })
    }),
    p("userDisplayName", |t, d| {
        user_text(t, d.user, |u| Some(u.display_name.as_str()))
    }),
    p("configurationManagerClientEnabledFeatures", |_, _| {
        Value::Null
    }),
    p("wiFiMacAddress", |_, d| string(&hex(d.hardware_bits >> 8))),
    p("deviceHealthAttestationState", |_, _| Value::Null),
    p("subscriberCarrier", |_, _| string("")),
    p("meid", |_, _| string("")),
    p("totalStorageSpaceInBytes", |_, d| {
        json!(d.total_storage_bytes)
    }),
    p("freeStorageSpaceInBytes", |_, d| {
        json!(d.free_storage_bytes)
    }),
    p("managedDeviceName", |t, d| {
        let upn = user(t, d.user).map_or("", |u| u.user_principal_name.as_str());
        let local = upn.split('@').next().unwrap_or_default();
        Value::String(format!("{local}_{}", d.os.intune_name()))
    }),
    p("partnerReportedThreatState", |_, _| string("unknown")),
    p("requireUserEnrollmentApproval", |_, _| Value::Null),
    p("managementCertificateExpirationDate", |_, d| {
        ticks((d.enrolled.0 + 365 * 86_400, d.enrolled.1))
    }),
    p("iccid", |_, _| Value::Null),
    p("udid", |_, _| Value::Null),
    p("notes", |_, _| Value::Null),
    p("ethernetMacAddress", |_, d| {
        string(&if d.os == DeviceOs::Windows {
            hex(d.hardware_bits >> 16)
        } else {
            String::new()
        })
    }),
    p("physicalMemoryInBytes", |_, d| {
        json!(d.physical_memory_bytes)
    }),
];

pub const MANAGED_DEVICE: Schema<ManagedDevice> = Schema {
    type_name: "microsoft.graph.managedDevice",
    odata_type: "#microsoft.graph.managedDevice",
    props: PROPS,
    defaults: None,
    filter_eq: &["operatingSystem", "complianceState", "deviceName", "userId"],
    filter_startswith: &["deviceName"],
};
