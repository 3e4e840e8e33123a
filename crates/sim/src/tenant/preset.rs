//! Tenant sizes. A preset fixes the shape of a tenant; the seed fixes its contents.

use std::fmt;
use std::str::FromStr;

/// A named tenant shape, each with its own [`PresetSpec`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Preset {
    /// About 300 users: big enough to need several Graph pages at the default page size of 100.
    #[default]
    Demo,
    /// A small company: 2,000 users, quick enough for integration tests.
    Small,
    /// A mid-sized company: 20,000 users; a sync's first real load test.
    Medium,
    /// An enterprise: 100,000 users and a million memberships, to measure the app against its limits.
    Large,
}

/// The numbers a preset stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresetSpec {
    pub users: usize,
    /// Out of every 100 users, how many are B2B guests (`#EXT#` UPNs).
    pub guests_per_100: usize,
    /// Out of every 100 users, how many have `accountEnabled: false`.
    pub disabled_per_100: usize,
    /// Out of every 100 users, how many are room or shared mailboxes without given name and surname.
    pub resource_accounts_per_100: usize,
    pub groups: usize,
    /// Direct memberships over all groups (users, nested groups and devices), exactly.
    pub memberships: usize,
    /// Entra (directory) device objects.
    pub devices: usize,
    /// Intune managed device records, re-enrolment duplicates included.
    pub managed_devices: usize,
    /// Subscribed SKUs (licence products).
    pub skus: usize,
    /// App registrations, Entra Sync's own included.
    pub applications: usize,
    /// Enterprise applications: the tenant's apps', Microsoft's first-party and gallery apps.
    pub service_principals: usize,
}

impl Preset {
    pub const ALL: [Preset; 4] = [Preset::Demo, Preset::Small, Preset::Medium, Preset::Large];

    pub fn name(self) -> &'static str {
        match self {
            Preset::Demo => "demo",
            Preset::Small => "small",
            Preset::Medium => "medium",
            Preset::Large => "large",
        }
    }

    pub fn spec(self) -> PresetSpec {
        // Same proportions of guests, disabled and resource accounts everywhere, so a preset only
        // changes the scale.
        let base = PresetSpec {
            users: 300,
            guests_per_100: 6,
            disabled_per_100: 7,
            resource_accounts_per_100: 2,
            groups: 40,
            memberships: 1_500,
            devices: 360,
            managed_devices: 270,
            skus: 8,
            applications: 20,
            service_principals: 70,
        };
        match self {
            Preset::Demo => base,
            Preset::Small => PresetSpec {
                users: 2_000,
                groups: 200,
                memberships: 12_000,
                devices: 2_400,
                managed_devices: 1_800,
                skus: 12,
                applications: 120,
                service_principals: 350,
                ..base
            },
            Preset::Medium => PresetSpec {
                users: 20_000,
                groups: 2_000,
                memberships: 150_000,
                devices: 25_000,
                managed_devices: 18_000,
                skus: 25,
                applications: 600,
                service_principals: 1_500,
                ..base
            },
            Preset::Large => PresetSpec {
                users: 100_000,
                groups: 10_000,
                memberships: 1_000_000,
                devices: 120_000,
                managed_devices: 90_000,
                skus: 40,
                applications: 2_000,
                service_principals: 5_000,
                ..base
            },
        }
    }
}

impl fmt::Display for Preset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown preset {0:?} (known: demo, small, medium, large)")]
pub struct UnknownPreset(pub String);

impl FromStr for Preset {
    type Err = UnknownPreset;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Preset::ALL
            .into_iter()
            .find(|preset| preset.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownPreset(s.to_string()))
    }
}
