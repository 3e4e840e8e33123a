//! Churn: a day in the life of a tenant. `churn(percent, seed)` applies about `percent`% of the user
//! count in changes of the kinds a directory sync meets: joiners, leavers (soft and hard deletes),
//! attribute and manager updates, licence changes, group and membership changes (nesting kept acyclic),
//! new and deleted devices, and Intune re-enrolments. Every directory change goes to the change log,
//! under one new version, so delta queries see it. Deterministic for a tenant, its history and `seed`.

mod apps;
mod compact;
mod ops;
mod report;

use std::collections::{BTreeMap, HashSet};

use rand::Rng;
use rand_chacha::ChaCha20Rng;
use uuid::Uuid;

pub use report::{ChurnReport, ManagedDeviceChanges, ObjectChanges};

use super::changes::{Change, NetChange, ObjectKind, ObjectRef, RemovalReason};
use super::devices::EPOCH_NOW;
use super::{MemberRef, Tenant, ids};
use compact::Doomed;

/// The kinds of change, with their share of all operations (out of 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    UserUpdate,
    AccountToggle,
    ManagerChange,
    LicenceChange,
    UserCreate,
    UserSoftDelete,
    UserHardDelete,
    MemberAdd,
    MemberRemove,
    GroupCreate,
    GroupUpdate,
    GroupDelete,
    DeviceCreate,
    DeviceUpdate,
    DeviceDelete,
    ReEnrol,
}

const MIX: [(Op, u32, &str); 16] = [
    (Op::UserUpdate, 22, "user updates"),
    (Op::AccountToggle, 5, "account toggles"),
    (Op::ManagerChange, 7, "manager changes"),
    (Op::LicenceChange, 7, "licence changes"),
    (Op::UserCreate, 8, "user creates"),
    (Op::UserSoftDelete, 3, "user soft deletes"),
    (Op::UserHardDelete, 2, "user hard deletes"),
    (Op::MemberAdd, 14, "membership adds"),
    (Op::MemberRemove, 9, "membership removes"),
    (Op::GroupCreate, 2, "group creates"),
    (Op::GroupUpdate, 3, "group updates"),
    (Op::GroupDelete, 1, "group deletes"),
    (Op::DeviceCreate, 6, "device creates"),
    (Op::DeviceUpdate, 5, "device updates"),
    (Op::DeviceDelete, 2, "device deletes"),
    (Op::ReEnrol, 4, "Intune re-enrolments"),
];

/// Working state of one churn call.
pub(super) struct Churn<'a> {
    pub tenant: &'a mut Tenant,
    pub rng: ChaCha20Rng,
    /// The churn's clock: each version is a day after the generated tenant's "now".
    pub now: u64,
    /// Objects already changed by this call (kind, index); not picked again, so each gets one story.
    pub touched: HashSet<(ObjectKind, u32)>,
    pub doomed: Doomed,
    pub created: HashSet<Uuid>,
    pub managed: ManagedDeviceChanges,
}

impl Tenant {
    /// Applies about `percent`% of the user count in changes (at least one when `percent > 0`) and
    /// reports their net effect. See the module docs of `tenant::churn`.
    pub fn churn(&mut self, percent: f64, seed: u64) -> ChurnReport {
        let from_version = self.changes.version();
        let count = if percent > 0.0 {
            ((self.users.len() as f64 * percent / 100.0).round() as usize).max(1)
        } else {
            0
        };
        if count == 0 {
            return ChurnReport {
                from_version,
                to_version: from_version,
                ..ChurnReport::default()
            };
        }
        let version = self.changes.begin();
        // Same seed, same changes; a later call with the same seed still differs, by version.
        let mut rng = ids::rng(
            seed ^ version.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            ids::Stream::Churn,
        );
        let ops: Vec<Op> = (0..count).map(|_| pick_op(&mut rng)).collect();
        let mut churn = Churn {
            tenant: self,
            rng,
            now: EPOCH_NOW + version * 86_400,
            touched: HashSet::new(),
            doomed: Doomed::default(),
            created: HashSet::new(),
            managed: ManagedDeviceChanges::default(),
        };
        let mut operations: BTreeMap<&'static str, usize> = BTreeMap::new();
        for op in ops {
            if churn.apply(op) {
                let name = MIX.iter().find(|(o, _, _)| *o == op).map_or("", |m| m.2);
                *operations.entry(name).or_default() += 1;
            }
        }
        churn.finish();
        let Churn {
            mut created,
            managed,
            rng,
            now,
            ..
        } = churn;
        apps::AppChurn {
            tenant: self,
            rng,
            now,
            created: &mut created,
        }
        .run(percent, &mut operations);
        report(self, from_version, created, managed, operations)
    }
}

fn pick_op(rng: &mut impl Rng) -> Op {
    let total: u32 = MIX.iter().map(|m| m.1).sum();
    let mut roll = rng.random_range(0..total);
    for (op, weight, _) in MIX {
        if roll < weight {
            return op;
        }
        roll -= weight;
    }
    Op::UserUpdate
}

impl Churn<'_> {
    fn apply(&mut self, op: Op) -> bool {
        match op {
            Op::UserUpdate => self.update_user(),
            Op::AccountToggle => self.toggle_account(),
            Op::ManagerChange => self.change_manager(),
            Op::LicenceChange => self.change_licence(),
            Op::UserCreate => self.create_user(),
            Op::UserSoftDelete => self.delete_user(RemovalReason::Changed),
            Op::UserHardDelete => self.delete_user(RemovalReason::Deleted),
            Op::MemberAdd => self.add_member(),
            Op::MemberRemove => self.remove_member(),
            Op::GroupCreate => self.create_group(),
            Op::GroupUpdate => self.update_group(),
            Op::GroupDelete => self.delete_group(),
            Op::DeviceCreate => self.create_device(),
            Op::DeviceUpdate => self.update_device(),
            Op::DeviceDelete => self.delete_device(),
            Op::ReEnrol => self.re_enrol(),
        }
    }

    /// A random index below `len` that nothing in this call changed yet and `ok` accepts; gives up
    /// after a few tries rather than scanning, so a tiny tenant just gets fewer changes.
    pub fn pick(
        &mut self,
        kind: ObjectKind,
        len: usize,
        ok: impl Fn(&Tenant, u32) -> bool,
    ) -> Option<u32> {
        if len == 0 {
            return None;
        }
        for _ in 0..32 {
            let i = self.rng.random_range(0..len) as u32;
            if !self.touched.contains(&(kind, i)) && !self.is_doomed(kind, i) && ok(self.tenant, i)
            {
                return Some(i);
            }
        }
        None
    }

    pub fn is_doomed(&self, kind: ObjectKind, i: u32) -> bool {
        match kind {
            ObjectKind::User => self.doomed.users.contains(&i),
            ObjectKind::Group => self.doomed.groups.contains(&i),
            ObjectKind::Device => self.doomed.devices.contains(&i),
            ObjectKind::Application | ObjectKind::ServicePrincipal => false,
        }
    }

    pub fn object(&self, kind: ObjectKind, i: u32) -> Option<ObjectRef> {
        let id = match kind {
            ObjectKind::User => Uuid::parse_str(&self.tenant.users.get(i as usize)?.id).ok()?,
            ObjectKind::Group => self.tenant.groups.get(i as usize)?.id,
            ObjectKind::Device => self.tenant.devices.get(i as usize)?.id,
            ObjectKind::Application => self.tenant.applications.get(i as usize)?.id,
            ObjectKind::ServicePrincipal => self.tenant.service_principals.get(i as usize)?.id,
        };
        Some(ObjectRef { kind, id })
    }

    pub fn member_object(&self, member: MemberRef) -> Option<ObjectRef> {
        match member {
            MemberRef::User(u) => self.object(ObjectKind::User, u),
            MemberRef::Group(g) => self.object(ObjectKind::Group, g),
            MemberRef::Device(d) => self.object(ObjectKind::Device, d),
        }
    }

    /// Logs a create or update of the object and keeps it from being picked again.
    pub fn upserted(&mut self, kind: ObjectKind, i: u32) {
        self.touched.insert((kind, i));
        if let Some(object) = self.object(kind, i) {
            self.tenant.changes.record(Change::Upserted(object));
        }
    }

    pub fn created(&mut self, kind: ObjectKind, i: u32) {
        if let Some(object) = self.object(kind, i) {
            self.created.insert(object.id);
        }
        self.upserted(kind, i);
    }

    /// Logs the removal now; the object leaves the vectors in [`Self::finish`], with its references.
    pub fn doom(&mut self, kind: ObjectKind, i: u32, reason: RemovalReason) {
        self.touched.insert((kind, i));
        if let Some(object) = self.object(kind, i) {
            self.tenant.changes.record(Change::Removed(object, reason));
        }
        match kind {
            ObjectKind::User => self.doomed.users.insert(i),
            ObjectKind::Group => self.doomed.groups.insert(i),
            ObjectKind::Device => self.doomed.devices.insert(i),
            ObjectKind::Application | ObjectKind::ServicePrincipal => false,
        };
    }

    /// Logs a membership change of group `g` (a group being removed reports none).
    pub fn membership(&mut self, g: u32, member: MemberRef, added: bool) {
        if self.doomed.groups.contains(&g) {
            return;
        }
        let (Some(group), Some(member)) = (
            self.object(ObjectKind::Group, g),
            self.member_object(member),
        ) else {
            return;
        };
        self.tenant.changes.record(Change::Member {
            group: group.id,
            member,
            added,
        });
    }

    /// Cascades of the removals, dynamic-rule processing, then the removals themselves.
    fn finish(&mut self) {
        self.reprocess_dynamic_groups();
        self.drop_references_to_doomed();
        let doomed = std::mem::take(&mut self.doomed);
        compact::remove(self.tenant, &doomed);
    }

    fn drop_references_to_doomed(&mut self) {
        if self.doomed.users.is_empty()
            && self.doomed.groups.is_empty()
            && self.doomed.devices.is_empty()
        {
            return;
        }
        // Leavers leave their groups, and their reports lose their manager.
        for g in 0..self.tenant.groups.len() as u32 {
            let gone: Vec<MemberRef> = self.tenant.groups[g as usize]
                .members
                .iter()
                .copied()
                .filter(|m| match *m {
                    MemberRef::User(u) => self.doomed.users.contains(&u),
                    MemberRef::Group(x) => self.doomed.groups.contains(&x),
                    MemberRef::Device(d) => self.doomed.devices.contains(&d),
                })
                .collect();
            for member in gone {
                self.membership(g, member, false);
            }
        }
        for u in 0..self.tenant.users.len() as u32 {
            let manager = self.tenant.users[u as usize].manager;
            if manager.is_some_and(|m| self.doomed.users.contains(&m))
                && !self.doomed.users.contains(&u)
            {
                self.tenant.users[u as usize].manager = None;
                self.upserted(ObjectKind::User, u);
            }
        }
        // Licences of removed users are freed.
        for &u in &self.doomed.users {
            if let Some(user) = self.tenant.users.get(u as usize) {
                for licence in &user.assigned_licenses {
                    if let Some(sku) = self.tenant.skus.get_mut(licence.sku as usize) {
                        sku.consumed_units = sku.consumed_units.saturating_sub(1);
                    }
                }
            }
        }
    }

    /// Dynamic groups follow their rule: changed and new users join or leave them.
    fn reprocess_dynamic_groups(&mut self) {
        let changed: Vec<u32> = self
            .touched
            .iter()
            .filter(|(kind, i)| *kind == ObjectKind::User && !self.doomed.users.contains(i))
            .map(|(_, i)| *i)
            .collect::<std::collections::BTreeSet<u32>>()
            .into_iter()
            .collect();
        for g in 0..self.tenant.groups.len() as u32 {
            let Some((department, location)) = self.tenant.groups[g as usize]
                .membership_rule
                .as_deref()
                .and_then(rule_values)
            else {
                continue;
            };
            for &u in &changed {
                let user = &self.tenant.users[u as usize];
                let wanted = user.department.as_deref() == Some(department.as_str())
                    && user.usage_location.as_deref() == Some(location.as_str());
                let members = &mut self.tenant.groups[g as usize].members;
                let at = members.iter().position(|m| *m == MemberRef::User(u));
                match (wanted, at) {
                    (true, None) => {
                        members.push(MemberRef::User(u));
                        self.membership(g, MemberRef::User(u), true);
                    }
                    (false, Some(at)) => {
                        members.remove(at);
                        self.membership(g, MemberRef::User(u), false);
                    }
                    _ => {}
                }
            }
        }
    }
}

/// `(department, usageLocation)` of the generator's rule shape
/// `(user.department -eq "Sales") and (user.usageLocation -eq "DE")`.
fn rule_values(rule: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = rule.split('"').collect();
    match parts.as_slice() {
        [_, department, _, location, _] => Some((department.to_string(), location.to_string())),
        _ => None,
    }
}

/// The net effect, read back from the change log so it matches what delta rounds will report.
fn report(
    tenant: &Tenant,
    from_version: u64,
    created: HashSet<Uuid>,
    managed: ManagedDeviceChanges,
    operations: BTreeMap<&'static str, usize>,
) -> ChurnReport {
    let to_version = tenant.changes.version();
    let objects = |kind: ObjectKind| {
        let mut changes = ObjectChanges::default();
        for (id, net) in tenant.changes.net_objects(kind, from_version, to_version) {
            match net {
                NetChange::Removed(reason) => changes.removed.push((id, reason)),
                NetChange::Upserted if created.contains(&id) => changes.created.push(id),
                NetChange::Upserted => changes.updated.push(id),
            }
        }
        changes
    };
    let groups = objects(ObjectKind::Group);
    let removed: HashSet<Uuid> = groups.removed.iter().map(|(id, _)| *id).collect();
    let memberships = tenant
        .changes
        .net_members(from_version, to_version)
        .into_iter()
        .filter(|(group, _)| !removed.contains(group))
        .collect();
    ChurnReport {
        from_version,
        to_version,
        users: objects(ObjectKind::User),
        groups,
        devices: objects(ObjectKind::Device),
        applications: objects(ObjectKind::Application),
        service_principals: objects(ObjectKind::ServicePrincipal),
        memberships,
        managed_devices: managed,
        operations,
    }
}
