//! Tenant sizes. A preset fixes the shape of a tenant; the seed fixes its contents.

use std::fmt;
use std::str::FromStr;

/// A named tenant shape. New sizes (small, medium, large) are added as variants with their own [`PresetSpec`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Preset {
    /// About 300 users: big enough to need several Graph pages at the default page size of 100.
    #[default]
    Demo,
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
}

impl Preset {
    pub const ALL: [Preset; 1] = [Preset::Demo];

    pub fn name(self) -> &'static str {
        match self {
            Preset::Demo => "demo",
        }
    }

    pub fn spec(self) -> PresetSpec {
        match self {
            Preset::Demo => PresetSpec {
                users: 300,
                guests_per_100: 6,
                disabled_per_100: 7,
                resource_accounts_per_100: 2,
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
#[error("unknown preset {0:?} (known: demo)")]
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
