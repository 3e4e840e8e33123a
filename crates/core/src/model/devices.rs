//! Devices: the Entra directory object (`microsoft.graph.device`, "Entra Device") and the Intune
//! record (`microsoft.graph.managedDevice`, "Intune Managed Device") and their attributes. A
//! managed device's Assets identity is its machine's ([`super::machine`]).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::machine::machine_key;
use super::text;
use crate::time::utc_ticks;

use super::assets::{
    AssetsObject, AttrKind, AttributeSpec, IDENTITY_NAME, ObjectType, STATUS, STATUS_DISABLEABLE,
    SYNCED, Status, attr,
};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// Directory object id; absent only in the docs example, which a parse then rejects.
    #[serde(default)]
    pub id: Option<String>,
    /// Registration id: the join key with `managedDevice.azureADDeviceId`.
    #[serde(default)]
    pub device_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub operating_system: Option<String>,
    #[serde(default)]
    pub operating_system_version: Option<String>,
    #[serde(default)]
    pub trust_type: Option<String>,
    #[serde(default)]
    pub is_compliant: Option<bool>,
    #[serde(default)]
    pub is_managed: Option<bool>,
    #[serde(default)]
    pub account_enabled: Option<bool>,
    #[serde(default)]
    pub approximate_last_sign_in_date_time: Option<String>,
    #[serde(default)]
    pub registration_date_time: Option<String>,
    /// `devices_list.json` capitalises these two (a docs artefact); Graph does not.
    #[serde(default, alias = "Manufacturer")]
    pub manufacturer: Option<String>,
    #[serde(default, alias = "Model")]
    pub model: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedDevice {
    pub id: String,
    #[serde(default)]
    pub device_name: Option<String>,
    /// The primary user's Entra object id; empty for shared devices.
    #[serde(default)]
    pub user_id: Option<String>,
    /// `device.deviceId` of the Entra registration; the all-zero GUID when there is none.
    #[serde(default, rename = "azureADDeviceId")]
    pub azure_ad_device_id: Option<String>,
    #[serde(default)]
    pub operating_system: Option<String>,
    #[serde(default)]
    pub os_version: Option<String>,
    #[serde(default)]
    pub manufacturer: Option<String>,
    #[serde(default)]
    pub model: Option<String>,
    #[serde(default)]
    pub serial_number: Option<String>,
    #[serde(default)]
    pub imei: Option<String>,
    #[serde(default)]
    pub wi_fi_mac_address: Option<String>,
    #[serde(default)]
    pub compliance_state: Option<String>,
    #[serde(default)]
    pub management_agent: Option<String>,
    #[serde(default)]
    pub managed_device_owner_type: Option<String>,
    #[serde(default)]
    pub enrolled_date_time: Option<String>,
    #[serde(default)]
    pub last_sync_date_time: Option<String>,
    #[serde(default)]
    pub is_encrypted: Option<bool>,
}

/// Name of the Entra Device attribute holding `deviceId`; Intune records reference devices by it.
pub const DEVICE_ID_NAME: &str = "Device ID";

pub const DEVICE_ATTRIBUTES: &[AttributeSpec] = &[
    AttributeSpec {
        identity: true,
        ..attr(
            "id",
            IDENTITY_NAME,
            "Microsoft Entra object id (device.id)",
            AttrKind::Text,
        )
    },
    AttributeSpec {
        label: true,
        ..attr("displayName", "Name", "Display name", AttrKind::Text)
    },
    attr(
        "deviceId",
        DEVICE_ID_NAME,
        "Registration id (device.deviceId); Intune's azureADDeviceId",
        AttrKind::Text,
    ),
    attr(
        "operatingSystem",
        "Operating System",
        "operatingSystem",
        AttrKind::Text,
    ),
    attr(
        "operatingSystemVersion",
        "OS Version",
        "operatingSystemVersion",
        AttrKind::Text,
    ),
    attr(
        "trustType",
        "Trust Type",
        "AzureAd (joined), ServerAd (hybrid joined) or Workplace (registered)",
        AttrKind::Text,
    ),
    attr("isCompliant", "Compliant", "isCompliant", AttrKind::Boolean),
    attr("isManaged", "Managed", "isManaged", AttrKind::Boolean),
    attr(
        "accountEnabled",
        "Account Enabled",
        "accountEnabled",
        AttrKind::Boolean,
    ),
    attr(
        "registrationDateTime",
        "Registered",
        "registrationDateTime",
        AttrKind::DateTime,
    ),
    attr(
        "approximateLastSignInDateTime",
        "Last Sign-In",
        "approximateLastSignInDateTime",
        AttrKind::DateTime,
    ),
    attr(
        "manufacturer",
        "Manufacturer",
        "manufacturer",
        AttrKind::Text,
    ),
    attr("model", "Model", "model", AttrKind::Text),
    STATUS_DISABLEABLE,
    SYNCED,
];

pub const MANAGED_DEVICE_ATTRIBUTES: &[AttributeSpec] = &[
    AttributeSpec {
        identity: true,
        ..attr(
            "machineKey",
            "Machine Key",
            "serial:<serial number> for machines with a usable serial, else intune:<Intune id>",
            AttrKind::Text,
        )
    },
    AttributeSpec {
        label: true,
        ..attr("deviceName", "Device Name", "deviceName", AttrKind::Text)
    },
    attr(
        "intuneDeviceId",
        "Intune Device ID",
        "Id of the Intune record shown (the latest check-in among records of this machine)",
        AttrKind::Text,
    ),
    attr(
        "serialNumber",
        "Serial Number",
        "serialNumber as Intune reports it",
        AttrKind::Text,
    ),
    attr(
        "userId",
        "Primary User",
        "The primary user (userId)",
        AttrKind::Reference(ObjectType::User),
    ),
    attr(
        "azureADDeviceId",
        "Entra Device",
        "The Entra registration (azureADDeviceId = the device's Device ID)",
        AttrKind::ReferenceBy(ObjectType::Device, DEVICE_ID_NAME),
    ),
    attr(
        "operatingSystem",
        "Operating System",
        "operatingSystem",
        AttrKind::Text,
    ),
    attr("osVersion", "OS Version", "osVersion", AttrKind::Text),
    attr(
        "complianceState",
        "Compliance State",
        "complianceState",
        AttrKind::Text,
    ),
    attr(
        "managementAgent",
        "Management Agent",
        "managementAgent",
        AttrKind::Text,
    ),
    attr(
        "managedDeviceOwnerType",
        "Ownership",
        "company or personal",
        AttrKind::Text,
    ),
    attr(
        "enrolledDateTime",
        "Enrolled",
        "enrolledDateTime (UTC)",
        AttrKind::DateTime,
    ),
    attr(
        "lastSyncDateTime",
        "Last Sync",
        "lastSyncDateTime (UTC): the last Intune check-in",
        AttrKind::DateTime,
    ),
    attr("isEncrypted", "Encrypted", "isEncrypted", AttrKind::Boolean),
    attr(
        "manufacturer",
        "Manufacturer",
        "manufacturer",
        AttrKind::Text,
    ),
    attr("model", "Model", "model", AttrKind::Text),
    attr("imei", "IMEI", "imei", AttrKind::Text),
    attr(
        "wiFiMacAddress",
        "Wi-Fi MAC",
        "wiFiMacAddress",
        AttrKind::Text,
    ),
    STATUS,
    SYNCED,
];

fn flag(value: Option<bool>) -> Value {
    value.map_or(Value::Null, Value::Bool)
}

/// A GUID reference in lower case, or empty for blanks and the all-zero GUID ("none").
fn guid(value: &Option<String>) -> Value {
    let id = value.as_deref().map(str::trim).unwrap_or_default();
    if id.is_empty() || id.chars().all(|c| c == '0' || c == '-') {
        Value::Null
    } else {
        Value::String(id.to_ascii_lowercase())
    }
}

/// A timestamp in canonical UTC, or empty for blanks and Intune's "never" (`0001-01-01…`).
fn moment(value: &Option<String>) -> Value {
    match value.as_deref().and_then(utc_ticks) {
        Some(canonical) if !canonical.starts_with("0001-01-01") => Value::String(canonical),
        _ => Value::Null,
    }
}

/// The Entra device as an Assets object. `None` when Graph sent no id.
pub fn device_object(device: &Device) -> Option<AssetsObject> {
    let id = device
        .id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())?
        .to_ascii_lowercase();
    let status = match device.account_enabled {
        Some(false) => Status::Disabled,
        _ => Status::Active,
    };
    let record = BTreeMap::from([
        ("id", Value::String(id.clone())),
        ("displayName", text(device.display_name.as_deref())),
        ("deviceId", guid(&device.device_id)),
        ("operatingSystem", text(device.operating_system.as_deref())),
        (
            "operatingSystemVersion",
            text(device.operating_system_version.as_deref()),
        ),
        ("trustType", text(device.trust_type.as_deref())),
        ("isCompliant", flag(device.is_compliant)),
        ("isManaged", flag(device.is_managed)),
        ("accountEnabled", flag(device.account_enabled)),
        (
            "registrationDateTime",
            text(device.registration_date_time.as_deref()),
        ),
        (
            "approximateLastSignInDateTime",
            text(device.approximate_last_sign_in_date_time.as_deref()),
        ),
        ("manufacturer", text(device.manufacturer.as_deref())),
        ("model", text(device.model.as_deref())),
        ("status", Value::String(status.label().to_string())),
    ]);
    Some(AssetsObject {
        object_type: ObjectType::Device,
        id,
        record,
    })
}

/// The Intune record as an Assets object (its identity is [`machine_key`]).
pub fn managed_device_object(device: &ManagedDevice) -> AssetsObject {
    let key = machine_key(device);
    let record = BTreeMap::from([
        ("machineKey", Value::String(key.clone())),
        ("deviceName", text(device.device_name.as_deref())),
        (
            "intuneDeviceId",
            Value::String(device.id.trim().to_ascii_lowercase()),
        ),
        ("serialNumber", text(device.serial_number.as_deref())),
        ("userId", guid(&device.user_id)),
        ("azureADDeviceId", guid(&device.azure_ad_device_id)),
        ("operatingSystem", text(device.operating_system.as_deref())),
        ("osVersion", text(device.os_version.as_deref())),
        ("complianceState", text(device.compliance_state.as_deref())),
        ("managementAgent", text(device.management_agent.as_deref())),
        (
            "managedDeviceOwnerType",
            text(device.managed_device_owner_type.as_deref()),
        ),
        ("enrolledDateTime", moment(&device.enrolled_date_time)),
        ("lastSyncDateTime", moment(&device.last_sync_date_time)),
        ("isEncrypted", flag(device.is_encrypted)),
        ("manufacturer", text(device.manufacturer.as_deref())),
        ("model", text(device.model.as_deref())),
        ("imei", text(device.imei.as_deref())),
        ("wiFiMacAddress", text(device.wi_fi_mac_address.as_deref())),
        ("status", Value::String(Status::Active.label().to_string())),
    ]);
    AssetsObject {
        object_type: ObjectType::ManagedDevice,
        id: key,
        record,
    }
}

#[cfg(test)]
#[path = "devices_tests.rs"]
mod tests;
