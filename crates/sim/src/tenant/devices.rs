//! The directory device generator (`/devices`).

use rand::Rng;

use super::device::{Device, DeviceOs};
use super::ids;
use super::preset::PresetSpec;

/// 2019-01-01 .. 2025-06-01.
const REGISTERED_RANGE: std::ops::Range<u64> = 1_546_300_800..1_748_736_000;
/// The simulated "now" that sign-ins are dated against: 2025-06-01.
pub const EPOCH_NOW: u64 = 1_748_736_000;

/// (manufacturer, model) per platform.
const WINDOWS_HARDWARE: &[(&str, &str)] = &[
    ("Dell Inc.", "Latitude 5440"),
    ("Dell Inc.", "OptiPlex 7010"),
    ("LENOVO", "20XW0026GE"),
    ("HP", "HP EliteBook 840 G9"),
    ("Microsoft Corporation", "Surface Laptop 5"),
    ("Microsoft Corporation", "Virtual Machine"),
];
const IOS_HARDWARE: &[(&str, &str)] = &[
    ("Apple", "iPhone 13"),
    ("Apple", "iPhone 15 Pro"),
    ("Apple", "iPad Air (5th generation)"),
];
const ANDROID_HARDWARE: &[(&str, &str)] = &[
    ("samsung", "SM-S911B"),
    ("Google", "Pixel 7a"),
    ("motorola", "moto g54 5G"),
];
const MAC_HARDWARE: &[(&str, &str)] = &[("Apple", "MacBookPro18,3"), ("Apple", "Mac14,2")];

const WINDOWS_VERSIONS: &[&str] = &["10.0.19045.4291", "10.0.22631.3447", "10.0.26100.2314"];
const IOS_VERSIONS: &[&str] = &["16.7.8", "17.4.1", "18.1"];
const ANDROID_VERSIONS: &[&str] = &["12", "13", "14"];
const MAC_VERSIONS: &[&str] = &["13.6.7", "14.4.1", "15.1"];

pub fn hardware(os: DeviceOs) -> &'static [(&'static str, &'static str)] {
    match os {
        DeviceOs::Windows => WINDOWS_HARDWARE,
        DeviceOs::Ios => IOS_HARDWARE,
        DeviceOs::Android => ANDROID_HARDWARE,
        DeviceOs::MacOs => MAC_HARDWARE,
    }
}

pub fn versions(os: DeviceOs) -> &'static [&'static str] {
    match os {
        DeviceOs::Windows => WINDOWS_VERSIONS,
        DeviceOs::Ios => IOS_VERSIONS,
        DeviceOs::Android => ANDROID_VERSIONS,
        DeviceOs::MacOs => MAC_VERSIONS,
    }
}

pub fn random_os(rng: &mut impl Rng) -> DeviceOs {
    match rng.random_range(0..100) {
        0..62 => DeviceOs::Windows,
        62..78 => DeviceOs::Ios,
        78..92 => DeviceOs::Android,
        _ => DeviceOs::MacOs,
    }
}

/// Windows names as OOBE makes them (`DESKTOP-` + 7 characters), others after the model.
pub fn device_name(rng: &mut impl Rng, os: DeviceOs, model: &str) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let tail: String = (0..7)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect();
    match os {
        DeviceOs::Windows if rng.random_ratio(1, 2) => format!("DESKTOP-{tail}"),
        DeviceOs::Windows => format!("LAPTOP-{tail}"),
        DeviceOs::MacOs => format!("MAC-{tail}"),
        _ => format!("{model}-{tail}"),
    }
}

pub fn generate(spec: PresetSpec, seed: u64) -> Vec<Device> {
    let mut rng = ids::rng(seed, ids::Stream::Devices);
    (0..spec.devices)
        .map(|_| {
            let os = random_os(&mut rng);
            let hw = hardware(os);
            let (manufacturer, model) = hw[rng.random_range(0..hw.len())];
            let vs = versions(os);
            let trust_type = match os {
                DeviceOs::Windows => match rng.random_range(0..100) {
                    0..55 => "AzureAd",
                    55..85 => "ServerAd",
                    _ => "Workplace",
                },
                _ => "Workplace",
            };
            let registered = rng.random_range(REGISTERED_RANGE);
            // One in ten has not signed in for months: the stale devices an asset sync must flag.
            let last_sign_in = if rng.random_ratio(1, 30) {
                None
            } else if rng.random_ratio(1, 10) {
                Some(rng.random_range(registered..registered.max(EPOCH_NOW - 180 * 86_400) + 1))
            } else {
                Some(rng.random_range(registered.max(EPOCH_NOW - 30 * 86_400)..=EPOCH_NOW))
            };
            Device {
                id: ids::guid(&mut rng),
                device_id: ids::guid(&mut rng),
                display_name: device_name(&mut rng, os, model),
                os,
                os_version: vs[rng.random_range(0..vs.len())].to_string(),
                trust_type,
                account_enabled: !rng.random_ratio(3, 100),
                // Set from Intune's records once those exist.
                is_compliant: None,
                is_managed: None,
                registered,
                last_sign_in,
                manufacturer,
                model,
            }
        })
        .collect()
}
