//! The Intune record generator (`/deviceManagement/managedDevices`). Most records describe a directory
//! device (same name, hardware and OS, `azureADDeviceId` = its `deviceId`); some were never registered
//! in Entra; and some machines were re-enrolled, leaving an older record with the same serial number
//! whose last check-in is months old.

use rand::Rng;
use rand::seq::SliceRandom;

use super::device::{Device, DeviceOs, ManagedDevice};
use super::devices::{self, EPOCH_NOW};
use super::ids;
use super::preset::PresetSpec;
use super::user::{User, UserType};

const GIB: i64 = 1 << 30;

pub fn generate(
    spec: PresetSpec,
    seed: u64,
    users: &[User],
    directory: &mut [Device],
) -> Vec<ManagedDevice> {
    let mut rng = ids::rng(seed, ids::Stream::ManagedDevices);
    let total = spec.managed_devices;
    let stale = total / 50;
    let current = total - stale;
    let registered = (current * 22 / 25).min(directory.len());
    // People who can own a device: enabled members with a name (not rooms, not guests).
    let owners: Vec<u32> = users
        .iter()
        .enumerate()
        .filter(|(_, u)| u.user_type == UserType::Member && u.given_name.is_some())
        .map(|(i, _)| i as u32)
        .collect();

    let mut pool: Vec<u32> = (0..directory.len() as u32).collect();
    pool.shuffle(&mut rng);
    let mut records = Vec::with_capacity(total);
    for slot in 0..current {
        let linked = pool.get(slot).copied().filter(|_| slot < registered);
        let record = match linked {
            Some(index) => {
                let device = &directory[index as usize];
                record(
                    &mut rng,
                    &owners,
                    Some(index),
                    device.os,
                    device.display_name.clone(),
                    (device.manufacturer, device.model),
                    device.os_version.clone(),
                )
            }
            None => {
                let os = devices::random_os(&mut rng);
                let hw = devices::hardware(os);
                let (manufacturer, model) = hw[rng.random_range(0..hw.len())];
                let name = devices::device_name(&mut rng, os, model);
                let vs = devices::versions(os);
                let version = vs[rng.random_range(0..vs.len())].to_string();
                record(
                    &mut rng,
                    &owners,
                    None,
                    os,
                    name,
                    (manufacturer, model),
                    version,
                )
            }
        };
        records.push(record);
    }
    // Re-enrolled hardware: the earlier record keeps the serial and name but stopped syncing. Half
    // still point at the same Entra device, half lost the link.
    let with_serial: Vec<usize> = (0..records.len())
        .filter(|&i| !records[i].serial_number.is_empty())
        .collect();
    for _ in 0..stale {
        let Some(&source) = with_serial.get(rng.random_range(0..with_serial.len().max(1))) else {
            break;
        };
        let mut old = records[source].clone();
        old.id = ids::guid(&mut rng);
        let replaced_at = old.enrolled.0;
        let enrolled = replaced_at.saturating_sub(rng.random_range(200..700) * 86_400);
        old.enrolled = (enrolled, rng.random_range(0..10_000_000));
        // It stopped checking in before its successor was enrolled.
        let synced = (enrolled + rng.random_range(30..400) * 86_400)
            .min(replaced_at - 86_400)
            .min(EPOCH_NOW - 90 * 86_400);
        old.last_sync = (synced, rng.random_range(0..10_000_000));
        if rng.random_ratio(1, 2) {
            old.directory_device = None;
        }
        old.compliance_state = "noncompliant";
        old.hardware_bits = rng.random();
        records.push(old);
    }

    // Entra learns whether a device is managed and compliant from Intune.
    for record in &records[..current] {
        if let Some(index) = record.directory_device {
            if let Some(device) = directory.get_mut(index as usize) {
                device.is_managed = Some(true);
                device.is_compliant = Some(record.compliance_state == "compliant");
            }
        }
    }
    records
}

pub(super) fn record(
    rng: &mut impl Rng,
    owners: &[u32],
    directory_device: Option<u32>,
    os: DeviceOs,
    device_name: String,
    (manufacturer, model): (&'static str, &'static str),
    os_version: String,
) -> ManagedDevice {
    let user = if rng.random_ratio(1, 30) {
        None // shared or kiosk device
    } else {
        owner(rng, owners)
    };
    // An IT technician enrolled it, or the primary user changed after enrolment.
    let enrolled_by = if rng.random_ratio(1, 20) {
        owner(rng, owners)
    } else {
        user
    };
    let serial_number = if model == "Virtual Machine" || rng.random_ratio(1, 40) {
        String::new()
    } else {
        serial(rng, os)
    };
    let enrolled = rng.random_range(1_577_836_800..EPOCH_NOW - 86_400);
    let last_sync = if rng.random_ratio(1, 12) {
        rng.random_range(enrolled..EPOCH_NOW)
    } else {
        rng.random_range(EPOCH_NOW - 7 * 86_400..EPOCH_NOW)
    };
    let total_storage_bytes = [128, 256, 512][rng.random_range(0..3)] * GIB;
    ManagedDevice {
        id: ids::guid(rng),
        device_name,
        os,
        os_version,
        manufacturer,
        model,
        serial_number,
        user,
        enrolled_by,
        directory_device,
        compliance_state: match rng.random_range(0..100) {
            0..84 => "compliant",
            84..94 => "noncompliant",
            94..97 => "inGracePeriod",
            _ => "unknown",
        },
        owner_type: if os != DeviceOs::Windows && rng.random_ratio(1, 4) {
            "personal"
        } else {
            "company"
        },
        enrollment_type: match os {
            DeviceOs::Windows => "windowsAzureADJoin",
            DeviceOs::Ios | DeviceOs::MacOs => "appleBulkWithUser",
            DeviceOs::Android => "androidEnterpriseFullyManaged",
        },
        enrolled: (enrolled, rng.random_range(0..10_000_000)),
        last_sync: (last_sync, rng.random_range(0..10_000_000)),
        is_encrypted: rng.random_ratio(9, 10),
        is_supervised: matches!(os, DeviceOs::Ios) && rng.random_ratio(1, 2),
        total_storage_bytes,
        free_storage_bytes: rng.random_range(0..total_storage_bytes),
        physical_memory_bytes: 0, // Intune reports 0 unless hardware inventory is requested.
        hardware_bits: rng.random(),
    }
}

fn owner(rng: &mut impl Rng, owners: &[u32]) -> Option<u32> {
    owners
        .get(rng.random_range(0..owners.len().max(1)))
        .copied()
}

/// Vendor-shaped serials: Apple's 10–12 characters, Dell's 7-character service tags, Lenovo's `PF…`.
fn serial(rng: &mut impl Rng, os: DeviceOs) -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    let length = match os {
        DeviceOs::Ios | DeviceOs::MacOs => 10,
        DeviceOs::Windows => 7,
        DeviceOs::Android => 11,
    };
    let prefix = match os {
        DeviceOs::Windows => "PF",
        DeviceOs::Ios | DeviceOs::MacOs => "C0",
        DeviceOs::Android => "R5",
    };
    let mut out = prefix.to_string();
    for _ in 0..length {
        out.push(char::from(CHARS[rng.random_range(0..CHARS.len())]));
    }
    out
}
