//! Removing objects from the tenant. Objects refer to each other by index (managers, members, Intune
//! links), so removal renumbers the survivors and rewrites every reference in one pass.

use std::collections::HashSet;

use crate::tenant::{Collection, MemberRef, Tenant, TenantIndex};

/// Which indexes to drop, per vector.
#[derive(Default)]
pub struct Doomed {
    pub users: HashSet<u32>,
    pub groups: HashSet<u32>,
    pub devices: HashSet<u32>,
    pub managed_devices: HashSet<u32>,
}

pub fn remove(tenant: &mut Tenant, doomed: &Doomed) {
    let users = renumbering(tenant.users.len(), &doomed.users);
    let groups = renumbering(tenant.groups.len(), &doomed.groups);
    let devices = renumbering(tenant.devices.len(), &doomed.devices);
    let at = |map: &[Option<u32>], i: u32| map.get(i as usize).copied().flatten();

    for (collection, positions) in [
        (Collection::Users, &doomed.users),
        (Collection::Groups, &doomed.groups),
        (Collection::Devices, &doomed.devices),
        (Collection::ManagedDevices, &doomed.managed_devices),
    ] {
        tenant
            .removals
            .record(collection, positions.iter().copied().collect());
    }
    retain(&mut tenant.users, &doomed.users);
    retain(&mut tenant.groups, &doomed.groups);
    retain(&mut tenant.devices, &doomed.devices);
    retain(&mut tenant.managed_devices, &doomed.managed_devices);

    for user in &mut tenant.users {
        user.manager = user.manager.and_then(|m| at(&users, m));
    }
    for group in &mut tenant.groups {
        group.members = group
            .members
            .iter()
            .filter_map(|member| match *member {
                MemberRef::User(u) => at(&users, u).map(MemberRef::User),
                MemberRef::Group(g) => at(&groups, g).map(MemberRef::Group),
                MemberRef::Device(d) => at(&devices, d).map(MemberRef::Device),
            })
            .collect();
    }
    for record in &mut tenant.managed_devices {
        record.user = record.user.and_then(|u| at(&users, u));
        record.enrolled_by = record.enrolled_by.and_then(|u| at(&users, u));
        record.directory_device = record.directory_device.and_then(|d| at(&devices, d));
    }
    tenant.index = TenantIndex::build(&tenant.users, &tenant.groups, &tenant.devices);
}

/// Old index to new index; `None` for removed ones. Order is kept, so nesting stays acyclic
/// (a group only ever contains groups after it).
fn renumbering(len: usize, doomed: &HashSet<u32>) -> Vec<Option<u32>> {
    let mut next = 0u32;
    (0..len as u32)
        .map(|i| {
            if doomed.contains(&i) {
                None
            } else {
                next += 1;
                Some(next - 1)
            }
        })
        .collect()
}

fn retain<T>(items: &mut Vec<T>, doomed: &HashSet<u32>) {
    if doomed.is_empty() {
        return;
    }
    let mut i = 0u32;
    items.retain(|_| {
        i += 1;
        !doomed.contains(&(i - 1))
    });
}
