//! What one churn did, for tests to compare delta rounds and full lists against.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::tenant::changes::{ObjectRef, RemovalReason};

/// The net effect of one [`crate::Tenant::churn`] call: every object at most once per list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChurnReport {
    /// The change-log version before and after: a delta token issued at `from` sees exactly this.
    pub from_version: u64,
    pub to_version: u64,
    pub users: ObjectChanges,
    pub groups: ObjectChanges,
    pub devices: ObjectChanges,
    pub applications: ObjectChanges,
    pub service_principals: ObjectChanges,
    /// Net direct-membership changes per group id: `(member, true)` joined, `(member, false)` left.
    /// Includes removals caused by deleting the member.
    pub memberships: BTreeMap<Uuid, Vec<(ObjectRef, bool)>>,
    /// Intune records created (new devices and re-enrolments) and removed.
    pub managed_devices: ManagedDeviceChanges,
    /// How many operations of each kind were applied, for logs and sanity checks.
    pub operations: BTreeMap<&'static str, usize>,
}

/// Net changes of one object type. An object is in at most one list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ObjectChanges {
    pub created: Vec<Uuid>,
    /// Existing objects whose properties (or, for groups, members) changed and that still exist.
    pub updated: Vec<Uuid>,
    pub removed: Vec<(Uuid, RemovalReason)>,
}

impl ObjectChanges {
    /// Created and updated ids: what a delta round returns as objects rather than `@removed`.
    pub fn changed(&self) -> Vec<Uuid> {
        self.created.iter().chain(&self.updated).copied().collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ManagedDeviceChanges {
    pub enrolled: Vec<Uuid>,
    /// Re-enrolments: `(old record, new record)`, same serial number. The old one may be gone or stale.
    pub re_enrolled: Vec<(Uuid, Uuid)>,
    pub removed: Vec<Uuid>,
}
