//! Devices: the Entra directory object (`microsoft.graph.device`) and the Intune record
//! (`microsoft.graph.managedDevice`). They are different objects with different ids; the join key is
//! `managedDevice.azureADDeviceId == device.deviceId`.

use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Directory object id (used in group members and delta).
    pub id: Uuid,
    /// Registration id, the join key with Intune.
    pub device_id: Uuid,
    pub display_name: String,
    pub os: DeviceOs,
    pub os_version: String,
    /// `AzureAd` (joined), `ServerAd` (hybrid joined) or `Workplace` (registered).
    pub trust_type: &'static str,
    pub account_enabled: bool,
    /// `None` (JSON `null`) for devices no MDM reports on.
    pub is_compliant: Option<bool>,
    pub is_managed: Option<bool>,
    /// Unix seconds.
    pub registered: u64,
    /// Unix seconds; `None` for devices never signed in from.
    pub last_sign_in: Option<u64>,
    pub manufacturer: &'static str,
    pub model: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceOs {
    Windows,
    Ios,
    Android,
    MacOs,
}

impl DeviceOs {
    /// `device.operatingSystem`: Entra's spelling (macOS shows as `MacMDM`).
    pub fn directory_name(self) -> &'static str {
        match self {
            DeviceOs::Windows => "Windows",
            DeviceOs::Ios => "iOS",
            DeviceOs::Android => "Android",
            DeviceOs::MacOs => "MacMDM",
        }
    }

    /// `managedDevice.operatingSystem`: Intune's spelling.
    pub fn intune_name(self) -> &'static str {
        match self {
            DeviceOs::Windows => "Windows",
            DeviceOs::Ios => "iOS",
            DeviceOs::Android => "Android",
            DeviceOs::MacOs => "macOS",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedDevice {
    /// Intune record id; a re-enrolment makes a new one for the same hardware.
    pub id: Uuid,
    pub device_name: String,
    pub os: DeviceOs,
    pub os_version: String,
    pub manufacturer: &'static str,
    pub model: &'static str,
    /// Empty for virtual machines and some Autopilot-only records, as Intune reports them.
    pub serial_number: String,
    /// Primary user, an index into `Tenant::users`; `None` for shared (userless) devices.
    pub user: Option<u32>,
    /// Who enrolled the device; usually the primary user, sometimes a technician.
    pub enrolled_by: Option<u32>,
    /// The Entra registration, an index into `Tenant::devices`; `None` renders as the all-zero GUID.
    pub directory_device: Option<u32>,
    pub compliance_state: &'static str,
    pub owner_type: &'static str,
    pub enrollment_type: &'static str,
    /// Unix seconds and 100 ns ticks, because Intune writes seven fractional digits.
    pub enrolled: (u64, u32),
    pub last_sync: (u64, u32),
    pub is_encrypted: bool,
    pub is_supervised: bool,
    pub total_storage_bytes: i64,
    pub free_storage_bytes: i64,
    pub physical_memory_bytes: i64,
    /// Seed for the identifiers nobody keys on (IMEI, MAC addresses), derived when served.
    pub hardware_bits: u64,
}
