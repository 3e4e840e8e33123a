//! The group generator. Group metadata comes from the groups stream and memberships from their own
//! stream, so changing how members are spread never renames a group.
//!
//! Nesting only ever points from a group to one generated after it, so the membership graph is acyclic
//! by construction (Entra allows cycles, but they are rare and a sync must not need them to terminate).

use std::collections::{HashMap, HashSet};

use rand::Rng;
use rand::seq::{SliceRandom, index};

use super::group::{Group, GroupKind, MemberRef};
use super::group_names::{self, DEVICE_STEMS, PLACES, SECURITY_STEMS, UNIFIED_STEMS};
use super::ids;
use super::names::{DEPARTMENTS, USAGE_LOCATIONS};
use super::preset::PresetSpec;
use super::user::User;

/// 2017-01-01 .. 2025-06-01.
const CREATED_RANGE: std::ops::Range<u64> = 1_483_228_800..1_748_736_000;

/// What a group is for; decides its members.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// Members are users matching `(department, usageLocation)`, indexes into the name pools.
    Dynamic(usize, usize),
    Devices,
    People,
}

pub fn generate(spec: PresetSpec, seed: u64, users: &[User], devices: usize) -> Vec<Group> {
    let mut rng = ids::rng(seed, ids::Stream::Groups);
    let count = spec.groups;
    let purposes = purposes(&mut rng, count, devices);
    let mut nicknames = HashSet::new();
    let mut groups: Vec<Group> = purposes
        .iter()
        .map(|purpose| describe(&mut rng, *purpose, &mut nicknames))
        .collect();
    assign_members(spec, seed, users, devices, &purposes, &mut groups);
    groups
}

/// One dynamic group per distinct rule (at most one per department and location pair), a few device
/// groups, and people groups for the rest.
fn purposes(rng: &mut impl Rng, count: usize, devices: usize) -> Vec<Purpose> {
    let mut rules: Vec<(usize, usize)> = (0..DEPARTMENTS.len())
        .flat_map(|d| (0..USAGE_LOCATIONS.len()).map(move |l| (d, l)))
        .collect();
    rules.shuffle(rng);
    let dynamic = (count / 20)
        .clamp(usize::from(count > 0), rules.len())
        .min(count);
    let mut purposes: Vec<Purpose> = rules[..dynamic]
        .iter()
        .map(|&(d, l)| Purpose::Dynamic(d, l))
        .collect();
    for _ in dynamic..count {
        let device_group = devices > 0 && rng.random_ratio(1, 25);
        purposes.push(if device_group {
            Purpose::Devices
        } else {
            Purpose::People
        });
    }
    purposes.shuffle(rng);
    purposes
}

fn describe(rng: &mut impl Rng, purpose: Purpose, nicknames: &mut HashSet<String>) -> Group {
    let (kind, display_name, description, rule) = match purpose {
        Purpose::Dynamic(d, l) => {
            let department = DEPARTMENTS[d].0;
            let location = USAGE_LOCATIONS[l];
            let kind = if rng.random_ratio(1, 3) {
                GroupKind::Unified
            } else {
                GroupKind::Security
            };
            (
                kind,
                format!("All {department} {location}"),
                Some(format!(
                    "Everyone in {department} with usage location {location}"
                )),
                Some(format!(
                    "(user.department -eq \"{department}\") and (user.usageLocation -eq \"{location}\")"
                )),
            )
        }
        Purpose::Devices => {
            let stem = DEVICE_STEMS[rng.random_range(0..DEVICE_STEMS.len())];
            (GroupKind::Security, stem.to_string(), None, None)
        }
        Purpose::People => {
            let place = PLACES[rng.random_range(0..PLACES.len())];
            if rng.random_ratio(11, 20) {
                let stem = SECURITY_STEMS[rng.random_range(0..SECURITY_STEMS.len())];
                (GroupKind::Security, format!("{stem}-{place}"), None, None)
            } else {
                let stem = UNIFIED_STEMS[rng.random_range(0..UNIFIED_STEMS.len())];
                let description = rng
                    .random_ratio(2, 3)
                    .then(|| format!("Workspace of {stem} ({place})"));
                (
                    GroupKind::Unified,
                    format!("{stem} {place}"),
                    description,
                    None,
                )
            }
        }
    };
    // Display names may repeat in Entra; mail nicknames may not, so clashes get a number.
    let stem = group_names::slug(&display_name);
    let mut mail_nickname = stem.clone();
    let mut n = 2;
    while !nicknames.insert(mail_nickname.clone()) {
        mail_nickname = format!("{stem}{n}");
        n += 1;
    }
    let visibility = (kind == GroupKind::Unified).then(|| {
        if rng.random_ratio(3, 4) {
            "Public"
        } else {
            "Private"
        }
    });
    Group {
        id: ids::guid(rng),
        display_name,
        description,
        mail_nickname,
        kind,
        membership_rule: rule,
        created: rng.random_range(CREATED_RANGE),
        visibility,
        members: Vec::new(),
    }
}

fn assign_members(
    spec: PresetSpec,
    seed: u64,
    users: &[User],
    devices: usize,
    purposes: &[Purpose],
    groups: &mut [Group],
) {
    let mut rng = ids::rng(seed, ids::Stream::Memberships);
    // Dynamic groups hold exactly the users their rule matches, as Entra's rule processing would.
    let mut matching: HashMap<(usize, usize), Vec<u32>> = HashMap::new();
    for (index, user) in users.iter().enumerate() {
        let department = user
            .department
            .as_deref()
            .and_then(|d| DEPARTMENTS.iter().position(|(name, _)| *name == d));
        let location = user
            .usage_location
            .as_deref()
            .and_then(|l| USAGE_LOCATIONS.iter().position(|name| *name == l));
        if let (Some(d), Some(l)) = (department, location) {
            matching.entry((d, l)).or_default().push(index as u32);
        }
    }
    let mut dynamic_total = 0;
    for (group, purpose) in groups.iter_mut().zip(purposes) {
        if let Purpose::Dynamic(d, l) = purpose {
            group.members = matching
                .get(&(*d, *l))
                .map(|found| found.iter().map(|&u| MemberRef::User(u)).collect())
                .unwrap_or_default();
            dynamic_total += group.members.len();
        }
    }

    // The rest of the memberships go to static groups with heavy-tailed sizes: most groups are small,
    // a few hold thousands, as in real tenants.
    let budget = spec.memberships.saturating_sub(dynamic_total);
    let count = groups.len();
    let statics: Vec<usize> = (0..count)
        .filter(|&i| !matches!(purposes[i], Purpose::Dynamic(..)))
        .collect();
    let capacity = |i: usize| match purposes[i] {
        Purpose::Devices => devices,
        _ => users.len() + (count - i - 1),
    };
    let weights: Vec<f64> = statics
        .iter()
        .map(|_| {
            let u: f64 = rng.random_range(0.0..1.0);
            (1.0 - u).powf(-1.0 / 1.3).min(200.0)
        })
        .collect();
    let total_weight: f64 = weights.iter().sum();
    let mut sizes: Vec<usize> = statics
        .iter()
        .zip(&weights)
        .map(|(&i, w)| ((budget as f64 * w / total_weight) as usize).min(capacity(i)))
        .collect();
    // Rounding leaves a remainder; hand it out one by one to groups with room, so the preset's
    // membership count is exact.
    let mut left = budget.saturating_sub(sizes.iter().sum());
    while left > 0 {
        let mut gave = false;
        for (slot, &i) in statics.iter().enumerate() {
            if left == 0 {
                break;
            }
            if sizes[slot] < capacity(i) {
                sizes[slot] += 1;
                left -= 1;
                gave = true;
            }
        }
        if !gave {
            break;
        }
    }

    for (slot, &i) in statics.iter().enumerate() {
        let size = sizes[slot];
        let members = match purposes[i] {
            Purpose::Devices => sample(&mut rng, devices, size)
                .map(MemberRef::Device)
                .collect(),
            _ => {
                let later = count - i - 1;
                let nested = if later > 0 && size > 1 && rng.random_ratio(3, 25) {
                    rng.random_range(1..=3usize).min(later).min(size - 1)
                } else {
                    0
                };
                // Keep sizes exact when a small tenant has fewer users than the group should hold.
                let nested = nested.max(size.saturating_sub(users.len()));
                let mut members: Vec<MemberRef> = sample(&mut rng, later, nested)
                    .map(|j| MemberRef::Group((i + 1) as u32 + j))
                    .collect();
                members.extend(sample(&mut rng, users.len(), size - nested).map(MemberRef::User));
                members
            }
        };
        groups[i].members = members;
    }
}

/// `amount` distinct indexes below `length`, ascending.
fn sample(rng: &mut impl Rng, length: usize, amount: usize) -> impl Iterator<Item = u32> {
    let mut picked: Vec<u32> = if amount == 0 || length == 0 {
        Vec::new()
    } else {
        index::sample(rng, length, amount.min(length))
            .into_iter()
            .map(|i| i as u32)
            .collect()
    };
    picked.sort_unstable();
    picked.into_iter()
}

/// A new static group of people (security or Microsoft 365), as an admin creates one later on.
pub(super) fn people_group(rng: &mut impl Rng, nicknames: &mut HashSet<String>) -> Group {
    describe(rng, Purpose::People, nicknames)
}
