//! The identity rules that keep one Assets object per machine (docs/graph-notes.md, "Device
//! identity"). Intune makes a *new* record (new `id`) when a machine is wiped and re-enrolled, and
//! the old record may linger, stale. The hardware serial number is what stays, so a managed device
//! is identified by `serial:<normalised serial>` when its serial is usable, and by
//! `intune:<Intune id>` otherwise (empty serials of virtual machines, placeholder strings firmware
//! writes when the vendor left the field blank). The prefixes keep the two id spaces apart. Records
//! sharing a serial are ranked by [`managed_device_rank`]; the engine keeps the best one per run.

use super::carry::Rank;
use super::devices::ManagedDevice;
use crate::time::utc_ticks;

/// Serial numbers that firmware or Intune report when there is no real one. Compared after
/// [`normalise_serial`] with all whitespace removed, so "To Be Filled By O.E.M." matches in any
/// case and spacing. Besides this list, a serial made of one repeated character ("0", "000000",
/// "XXXXXXXX", "FFFFFFFF") or shorter than 3 characters is a placeholder.
pub const PLACEHOLDER_SERIALS: &[&str] = &[
    "DEFAULT STRING",
    "TO BE FILLED BY O.E.M.",
    "TO BE FILLED BY OEM",
    "SYSTEM SERIAL NUMBER",
    "CHASSIS SERIAL NUMBER",
    "BASE BOARD SERIAL NUMBER",
    "SERIAL NUMBER",
    "SERIALNUMBER",
    "NOT SPECIFIED",
    "NOT APPLICABLE",
    "NOT AVAILABLE",
    "NONE",
    "NULL",
    "N/A",
    "NA",
    "UNKNOWN",
    "INVALID",
    "OEM",
    "O.E.M.",
    "123456789",
    "0123456789",
    "1234567890",
];

/// Upper case, whitespace removed: the form serials are compared in.
pub fn normalise_serial(serial: &str) -> String {
    serial
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The normalised serial if it can identify hardware, else `None`.
pub fn usable_serial(serial: &str) -> Option<String> {
    let normal = normalise_serial(serial);
    let mut chars = normal.chars();
    let first = chars.next()?;
    if normal.chars().count() < 3 || chars.all(|c| c == first) {
        return None;
    }
    let placeholder = PLACEHOLDER_SERIALS
        .iter()
        .any(|p| normalise_serial(p) == normal);
    (!placeholder).then_some(normal)
}

/// The Assets identity of a managed device (see the module documentation).
pub fn machine_key(device: &ManagedDevice) -> String {
    match device.serial_number.as_deref().and_then(usable_serial) {
        Some(serial) => format!("serial:{serial}"),
        None => format!("intune:{}", device.id.trim().to_ascii_lowercase()),
    }
}

/// How strongly a record claims its machine: the latest check-in wins; equal check-ins fall back to
/// the Intune id, so the choice never depends on the order records arrive in. Compared as text:
/// the canonical UTC form sorts chronologically. Records without a readable check-in rank lowest.
pub fn managed_device_rank(device: &ManagedDevice) -> Rank {
    let synced = device
        .last_sync_date_time
        .as_deref()
        .and_then(utc_ticks)
        .unwrap_or_else(|| "0000-00-00T00:00:00.0000000Z".to_string());
    Rank {
        at: synced,
        id: device.id.trim().to_ascii_lowercase(),
    }
}
