//! The individual changes churn makes. Each returns whether it found something to change.

use std::collections::HashSet;

use rand::Rng;

use super::Churn;
use crate::tenant::changes::{ObjectKind, RemovalReason};
use crate::tenant::device::{Device, DeviceOs};
use crate::tenant::names::{DEPARTMENTS, OFFICES, SURNAMES};
use crate::tenant::user::UserType;
use crate::tenant::{Group, MemberRef, Tenant, devices, groups, ids, managed_devices, skus, users};
use crate::time::UtcTime;

const USER: ObjectKind = ObjectKind::User;
const GROUP: ObjectKind = ObjectKind::Group;
const DEVICE: ObjectKind = ObjectKind::Device;

/// A person (not a guest, room or shared mailbox).
fn staff(tenant: &Tenant, u: u32) -> bool {
    let user = &tenant.users[u as usize];
    user.user_type == UserType::Member && user.given_name.is_some()
}

/// A group whose members an admin edits: not dynamic.
fn editable(tenant: &Tenant, g: u32) -> bool {
    !tenant.groups[g as usize].is_dynamic()
}

impl Churn<'_> {
    pub(super) fn update_user(&mut self) -> bool {
        let Some(u) = self.pick(USER, self.tenant.users.len(), staff) else {
            return false;
        };
        let choice = self.rng.random_range(0..4);
        let rng = &mut self.rng;
        let user = &mut self.tenant.users[u as usize];
        match choice {
            // A move to another department brings a new title (and may change dynamic groups).
            0 => {
                let (department, titles) = DEPARTMENTS[rng.random_range(0..DEPARTMENTS.len())];
                user.department = Some(department.to_string());
                user.job_title = Some(titles[rng.random_range(0..titles.len())].to_string());
            }
            // A promotion within the department.
            1 => {
                let titles = user
                    .department
                    .as_deref()
                    .and_then(|d| DEPARTMENTS.iter().find(|(name, _)| *name == d))
                    .map_or(DEPARTMENTS[0].1, |(_, titles)| *titles);
                user.job_title = Some(titles[rng.random_range(0..titles.len())].to_string());
            }
            // A new surname; the UPN stays, as it usually does.
            2 => {
                let surname = &SURNAMES[rng.random_range(0..SURNAMES.len())];
                let given = user.given_name.clone().unwrap_or_default();
                user.surname = Some(surname.display.to_string());
                user.display_name = format!("{given} {}", surname.display);
            }
            _ => {
                user.office_location = Some(OFFICES[rng.random_range(0..OFFICES.len())].to_string())
            }
        }
        self.upserted(USER, u);
        true
    }

    pub(super) fn toggle_account(&mut self) -> bool {
        let Some(u) = self.pick(USER, self.tenant.users.len(), |t, u| {
            t.users[u as usize].given_name.is_some()
        }) else {
            return false;
        };
        let user = &mut self.tenant.users[u as usize];
        user.account_enabled = !user.account_enabled;
        self.upserted(USER, u);
        true
    }

    pub(super) fn change_manager(&mut self) -> bool {
        let Some(u) = self.pick(USER, self.tenant.users.len(), |t, u| u > 0 && staff(t, u)) else {
            return false;
        };
        // Managers come before their reports in the vector, so the org chart stays a tree.
        let manager = if self.rng.random_ratio(1, 10) {
            None
        } else {
            let candidate = self.rng.random_range(0..u);
            (staff(self.tenant, candidate) && !self.doomed.users.contains(&candidate))
                .then_some(candidate)
        };
        let user = &mut self.tenant.users[u as usize];
        if user.manager == manager {
            return false;
        }
        user.manager = manager;
        self.upserted(USER, u);
        true
    }

    pub(super) fn change_licence(&mut self) -> bool {
        let Some(u) = self.pick(USER, self.tenant.users.len(), staff) else {
            return false;
        };
        let skus_len = self.tenant.skus.len();
        let user = &self.tenant.users[u as usize];
        if !user.assigned_licenses.is_empty() && self.rng.random_ratio(1, 2) {
            let at = self.rng.random_range(0..user.assigned_licenses.len());
            let licence = self.tenant.users[u as usize].assigned_licenses.remove(at);
            if let Some(sku) = self.tenant.skus.get_mut(licence.sku as usize) {
                sku.consumed_units = sku.consumed_units.saturating_sub(1);
            }
        } else {
            if skus_len == 0 {
                return false;
            }
            let sku = self.rng.random_range(0..skus_len);
            if user.assigned_licenses.iter().any(|l| l.sku as usize == sku) {
                return false;
            }
            let licence = skus::license(&mut self.rng, &self.tenant.skus, sku);
            self.tenant.users[u as usize]
                .assigned_licenses
                .push(licence);
            self.tenant.skus[sku].consumed_units += 1;
        }
        self.upserted(USER, u);
        true
    }

    pub(super) fn create_user(&mut self) -> bool {
        let mut upns: HashSet<String> = self
            .tenant
            .users
            .iter()
            .map(|u| {
                let local = u.user_principal_name.split('@').next().unwrap_or_default();
                local.to_ascii_lowercase()
            })
            .collect();
        let index = self.tenant.users.len();
        let domain = self.tenant.domain.clone();
        let mut user = users::member(&mut self.rng, &domain, &mut upns, index);
        user.created_date_time = UtcTime::from_unix(self.now).iso8601();
        if index > 0 {
            let manager = self.rng.random_range(0..index as u32);
            user.manager = (staff(self.tenant, manager) && !self.doomed.users.contains(&manager))
                .then_some(manager);
        }
        if !self.tenant.skus.is_empty() {
            let licence = skus::license(&mut self.rng, &self.tenant.skus, 0);
            self.tenant.skus[0].consumed_units += 1;
            user.assigned_licenses.push(licence);
        }
        self.tenant.users.push(user);
        self.created(USER, index as u32);
        true
    }

    pub(super) fn delete_user(&mut self, reason: RemovalReason) -> bool {
        let Some(u) = self.pick(USER, self.tenant.users.len(), |_, _| true) else {
            return false;
        };
        self.doom(USER, u, reason);
        true
    }

    pub(super) fn add_member(&mut self) -> bool {
        let count = self.tenant.groups.len();
        let Some(g) = self.pick(GROUP, count, editable) else {
            return false;
        };
        let group = &self.tenant.groups[g as usize];
        let device_group = group
            .members
            .iter()
            .any(|m| matches!(m, MemberRef::Device(_)));
        let member = if device_group {
            let d = self.rng.random_range(0..self.tenant.devices.len().max(1)) as u32;
            (!self.doomed.devices.contains(&d) && (d as usize) < self.tenant.devices.len())
                .then_some(MemberRef::Device(d))
        } else if (g as usize) + 1 < count && self.rng.random_ratio(1, 8) {
            // Only a later group may be nested, which keeps nesting acyclic.
            let n = self.rng.random_range(g + 1..count as u32);
            (!self.doomed.groups.contains(&n)).then_some(MemberRef::Group(n))
        } else {
            let u = self.rng.random_range(0..self.tenant.users.len().max(1)) as u32;
            (!self.doomed.users.contains(&u) && (u as usize) < self.tenant.users.len())
                .then_some(MemberRef::User(u))
        };
        let Some(member) = member else {
            return false;
        };
        let members = &mut self.tenant.groups[g as usize].members;
        if members.contains(&member) {
            return false;
        }
        members.push(member);
        self.membership(g, member, true);
        true
    }

    pub(super) fn remove_member(&mut self) -> bool {
        let Some(g) = self.pick(GROUP, self.tenant.groups.len(), |t, g| {
            editable(t, g) && !t.groups[g as usize].members.is_empty()
        }) else {
            return false;
        };
        let members = &mut self.tenant.groups[g as usize].members;
        let member = members.remove(self.rng.random_range(0..members.len()));
        self.membership(g, member, false);
        true
    }

    pub(super) fn create_group(&mut self) -> bool {
        let mut nicknames: HashSet<String> = self
            .tenant
            .groups
            .iter()
            .map(|g| g.mail_nickname.clone())
            .collect();
        let mut group: Group = groups::people_group(&mut self.rng, &mut nicknames);
        group.created = self.now;
        let g = self.tenant.groups.len() as u32;
        let users = self.tenant.users.len();
        let size = self.rng.random_range(2..8usize).min(users);
        let mut members: Vec<MemberRef> = Vec::new();
        for _ in 0..size {
            let u = self.rng.random_range(0..users) as u32;
            let member = MemberRef::User(u);
            if !self.doomed.users.contains(&u) && !members.contains(&member) {
                members.push(member);
            }
        }
        self.tenant.groups.push(group);
        self.created(GROUP, g);
        for member in members {
            self.tenant.groups[g as usize].members.push(member);
            self.membership(g, member, true);
        }
        true
    }

    pub(super) fn update_group(&mut self) -> bool {
        let Some(g) = self.pick(GROUP, self.tenant.groups.len(), |_, _| true) else {
            return false;
        };
        let date = UtcTime::from_unix(self.now);
        let group = &mut self.tenant.groups[g as usize];
        group.description = Some(format!(
            "{} (reviewed {:04}-{:02}-{:02})",
            group.display_name, date.year, date.month, date.day
        ));
        self.upserted(GROUP, g);
        true
    }

    pub(super) fn delete_group(&mut self) -> bool {
        let Some(g) = self.pick(GROUP, self.tenant.groups.len(), |_, _| true) else {
            return false;
        };
        // Microsoft 365 groups go to the recycle bin; security groups are deleted for good.
        let reason = if self.tenant.groups[g as usize].mail_enabled() {
            RemovalReason::Changed
        } else {
            RemovalReason::Deleted
        };
        self.doom(GROUP, g, reason);
        true
    }

    pub(super) fn create_device(&mut self) -> bool {
        let rng = &mut self.rng;
        let os = devices::random_os(rng);
        let hw = devices::hardware(os);
        let (manufacturer, model) = hw[rng.random_range(0..hw.len())];
        let versions = devices::versions(os);
        let device = Device {
            id: ids::guid(rng),
            device_id: ids::guid(rng),
            display_name: devices::device_name(rng, os, model),
            os,
            os_version: versions[rng.random_range(0..versions.len())].to_string(),
            trust_type: if os == DeviceOs::Windows {
                "AzureAd"
            } else {
                "Workplace"
            },
            account_enabled: true,
            is_compliant: None,
            is_managed: None,
            registered: self.now,
            last_sign_in: Some(self.now),
            manufacturer,
            model,
        };
        let d = self.tenant.devices.len() as u32;
        // Most new devices are enrolled in Intune the same day.
        let enrol = self.rng.random_ratio(7, 10);
        self.tenant.devices.push(device);
        if enrol {
            let owners: Vec<u32> = (0..self.tenant.users.len() as u32)
                .filter(|&u| staff(self.tenant, u) && !self.doomed.users.contains(&u))
                .collect();
            let device = &self.tenant.devices[d as usize];
            let mut record = managed_devices::record(
                &mut self.rng,
                &owners,
                Some(d),
                os,
                device.display_name.clone(),
                (manufacturer, model),
                device.os_version.clone(),
            );
            record.enrolled = (self.now, self.rng.random_range(0..10_000_000));
            record.last_sync = (self.now, self.rng.random_range(0..10_000_000));
            let device = &mut self.tenant.devices[d as usize];
            device.is_managed = Some(true);
            device.is_compliant = Some(record.compliance_state == "compliant");
            self.managed.enrolled.push(record.id);
            self.tenant.managed_devices.push(record);
        }
        self.created(DEVICE, d);
        true
    }

    pub(super) fn update_device(&mut self) -> bool {
        let Some(d) = self.pick(DEVICE, self.tenant.devices.len(), |_, _| true) else {
            return false;
        };
        let choice = self.rng.random_range(0..3);
        let rng = &mut self.rng;
        let device = &mut self.tenant.devices[d as usize];
        match choice {
            0 => device.account_enabled = !device.account_enabled,
            1 => {
                let versions = devices::versions(device.os);
                device.os_version = versions[rng.random_range(0..versions.len())].to_string();
            }
            _ => device.last_sign_in = Some(self.now),
        }
        self.upserted(DEVICE, d);
        true
    }

    pub(super) fn delete_device(&mut self) -> bool {
        let Some(d) = self.pick(DEVICE, self.tenant.devices.len(), |_, _| true) else {
            return false;
        };
        // Device objects have no recycle bin.
        self.doom(DEVICE, d, RemovalReason::Deleted);
        true
    }

    /// A wipe and re-enrolment: Intune makes a new record for the same hardware (same serial). The old
    /// record is either cleaned up or lingers, stale and non-compliant.
    pub(super) fn re_enrol(&mut self) -> bool {
        let len = self.tenant.managed_devices.len();
        if len == 0 {
            return false;
        }
        let k = self.rng.random_range(0..len) as u32;
        let old = &self.tenant.managed_devices[k as usize];
        if old.serial_number.is_empty() || self.doomed.managed_devices.contains(&k) {
            return false;
        }
        let mut new = old.clone();
        new.id = ids::guid(&mut self.rng);
        new.enrolled = (self.now, self.rng.random_range(0..10_000_000));
        new.last_sync = (self.now, self.rng.random_range(0..10_000_000));
        new.compliance_state = "compliant";
        new.hardware_bits = self.rng.random();
        let old_id = old.id;
        if self.rng.random_ratio(1, 2) {
            self.doomed.managed_devices.insert(k);
            self.managed.removed.push(old_id);
        } else {
            self.tenant.managed_devices[k as usize].compliance_state = "noncompliant";
        }
        self.managed.re_enrolled.push((old_id, new.id));
        self.tenant.managed_devices.push(new);
        true
    }
}
