//! What Assets must hold for the tenant, one object type at a time, and the assertions that it
//! does. Retired objects (Status "Deleted in Entra") count as absent; every `assert_*` returns
//! their identities so tests can check what was retired. Every reference is compared (Manager,
//! User, Licence, Group, Member User, Member Group, Primary User, Entra Device); not compared are
//! Last Synced, the devices' Registered and Last Sign-In, and the managed devices' Management
//! Agent, Enrolled, Last Sync, IMEI and Wi-Fi MAC.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use entra_sync_core::model::{licence_name, usable_serial};
use entra_sync_sim::tenant::{GroupKind, ManagedDevice, MemberRef, TENANT_DOMAIN, Tenant};

use super::World;
use super::rows::{Rows, actual, assert_rows_equal, some};

/// Every type the engine writes, checked one after the other.
pub fn assert_all_types_equal_tenant(world: &World) {
    assert_users_equal_tenant(world);
    assert_assignments_equal_tenant(world);
    assert_groups_equal_tenant(world);
    assert_memberships_equal_tenant(world);
    assert_licences_equal_tenant(world);
    assert_devices_equal_tenant(world);
    assert_managed_equal_tenant(world);
}

/// Compares the live objects with the tenant; returns the identities marked deleted.
fn check(what: &str, (live, deleted): (Rows, Vec<String>), expected: &Rows) -> Vec<String> {
    assert_rows_equal(what, &live, expected);
    deleted
}

fn user_id(tenant: &Tenant, index: u32) -> Option<String> {
    let user = tenant.users.get(index as usize)?;
    Some(user.id.to_ascii_lowercase())
}

fn active_or_disabled(enabled: bool) -> Option<String> {
    some(if enabled { "Active" } else { "Disabled" })
}

// Users

pub const USER: &[&str] = &[
    "Name",
    "User Principal Name",
    "Mail",
    "Job Title",
    "Department",
    "Employee ID",
    "User Type",
    "Account Enabled",
    "Status",
    "Manager",
];

pub fn expected_users(tenant: &Tenant) -> Rows {
    tenant
        .users
        .iter()
        .map(|u| {
            let row = BTreeMap::from([
                ("Name", some(&u.display_name)),
                ("User Principal Name", some(&u.user_principal_name)),
                ("Mail", u.mail.clone()),
                ("Job Title", u.job_title.clone()),
                ("Department", u.department.clone()),
                ("Employee ID", u.employee_id.clone()),
                ("User Type", some(u.user_type.as_str())),
                ("Account Enabled", Some(u.account_enabled.to_string())),
                ("Status", active_or_disabled(u.account_enabled)),
                ("Manager", u.manager.and_then(|m| user_id(tenant, m))),
            ]);
            (u.id.to_ascii_lowercase(), row)
        })
        .collect()
}

pub fn actual_users(world: &World) -> (Rows, Vec<String>) {
    actual(world, "Entra User", "Entra Object ID", USER)
}

pub fn assert_users_equal_tenant(world: &World) -> Vec<String> {
    let expected = expected_users(&world.server.state().tenant());
    check("user", actual_users(world), &expected)
}

// Licence assignments: one per user × assigned SKU, identified as "{user}:{sku}".

pub const ASSIGNMENT: &[&str] = &["User", "Licence", "Disabled Plans", "Status"];

pub fn expected_assignments(tenant: &Tenant) -> Rows {
    let mut rows = BTreeMap::new();
    for user in &tenant.users {
        let user_id = user.id.to_ascii_lowercase();
        for licence in &user.assigned_licenses {
            // An assignment of a SKU the tenant no longer subscribes to has no Licence to name.
            let Some(sku) = tenant.skus.get(usize::from(licence.sku)) else {
                continue;
            };
            let mut disabled: Vec<String> = licence
                .disabled_plans
                .iter()
                .filter_map(|p| tenant.service_plans.get(usize::from(*p)))
                .map(|p| p.id.to_string())
                .collect();
            disabled.sort();
            let row = BTreeMap::from([
                ("User", Some(user_id.clone())),
                ("Licence", Some(sku.sku_id.to_string())),
                ("Disabled Plans", some(&disabled.join(","))),
                ("Status", some("Active")),
            ]);
            rows.insert(format!("{user_id}:{}", sku.sku_id), row);
        }
    }
    rows
}

pub fn actual_assignments(world: &World) -> (Rows, Vec<String>) {
    actual(world, "Licence Assignment", "Assignment ID", ASSIGNMENT)
}

pub fn assert_assignments_equal_tenant(world: &World) -> Vec<String> {
    let expected = expected_assignments(&world.server.state().tenant());
    check("assignment", actual_assignments(world), &expected)
}

// Groups and their direct memberships, a membership identified as "{group}:{member}".

pub const GROUP: &[&str] = &[
    "Name",
    "Description",
    "Mail",
    "Group Type",
    "Membership Rule",
    "Status",
];

pub fn expected_groups(tenant: &Tenant) -> Rows {
    tenant
        .groups
        .iter()
        .map(|g| {
            let kind = match g.kind {
                GroupKind::Unified => "Microsoft 365",
                GroupKind::Security => "Security",
            };
            let mail = g
                .mail_enabled()
                .then(|| format!("{}@{TENANT_DOMAIN}", g.mail_nickname));
            let row = BTreeMap::from([
                ("Name", some(&g.display_name)),
                ("Description", g.description.clone()),
                ("Mail", mail),
                ("Group Type", some(kind)),
                ("Membership Rule", g.membership_rule.clone()),
                ("Status", some("Active")),
            ]);
            (g.id.to_string(), row)
        })
        .collect()
}

pub fn actual_groups(world: &World) -> (Rows, Vec<String>) {
    actual(world, "Entra Group", "Entra Object ID", GROUP)
}

pub fn assert_groups_equal_tenant(world: &World) -> Vec<String> {
    let expected = expected_groups(&world.server.state().tenant());
    check("group", actual_groups(world), &expected)
}

pub const MEMBERSHIP: &[&str] = &[
    "Group",
    "Member User",
    "Member Group",
    "Member Type",
    "Member ID",
    "Status",
];

pub fn expected_memberships(tenant: &Tenant) -> Rows {
    let mut rows = BTreeMap::new();
    for group in &tenant.groups {
        let group_id = group.id.to_string();
        for member in &group.members {
            let (kind, id) = match *member {
                MemberRef::User(u) => ("user", tenant.users[u as usize].id.to_ascii_lowercase()),
                MemberRef::Group(g) => ("group", tenant.groups[g as usize].id.to_string()),
                MemberRef::Device(d) => ("device", tenant.devices[d as usize].id.to_string()),
            };
            // Devices have no reference attribute yet: only Member ID names them.
            let row = BTreeMap::from([
                ("Group", Some(group_id.clone())),
                ("Member User", (kind == "user").then(|| id.clone())),
                ("Member Group", (kind == "group").then(|| id.clone())),
                ("Member Type", some(kind)),
                ("Member ID", Some(id.clone())),
                ("Status", some("Active")),
            ]);
            assert!(
                rows.insert(format!("{group_id}:{id}"), row).is_none(),
                "the tenant lists {id} twice in {group_id}"
            );
        }
    }
    rows
}

pub fn actual_memberships(world: &World) -> (Rows, Vec<String>) {
    actual(world, "Entra Group Membership", "Membership ID", MEMBERSHIP)
}

pub fn assert_memberships_equal_tenant(world: &World) -> Vec<String> {
    let expected = expected_memberships(&world.server.state().tenant());
    check("membership", actual_memberships(world), &expected)
}

// Licences: one per subscribed SKU.

pub const LICENCE: &[&str] = &[
    "Name",
    "Part Number",
    "Capability Status",
    "Consumed Units",
    "Enabled Units",
    "Suspended Units",
    "Warning Units",
    "Applies To",
    "Status",
];

pub fn expected_licences(tenant: &Tenant) -> Rows {
    tenant
        .skus
        .iter()
        .map(|sku| {
            let row = BTreeMap::from([
                ("Name", some(licence_name(sku.part_number))),
                ("Part Number", some(sku.part_number)),
                ("Capability Status", some(sku.capability_status)),
                ("Consumed Units", Some(sku.consumed_units.to_string())),
                ("Enabled Units", Some(sku.prepaid.enabled.to_string())),
                ("Suspended Units", Some(sku.prepaid.suspended.to_string())),
                ("Warning Units", Some(sku.prepaid.warning.to_string())),
                ("Applies To", some(sku.applies_to)),
                ("Status", some("Active")),
            ]);
            (sku.sku_id.to_string(), row)
        })
        .collect()
}

pub fn actual_licences(world: &World) -> (Rows, Vec<String>) {
    actual(world, "Licence", "SKU ID", LICENCE)
}

pub fn assert_licences_equal_tenant(world: &World) -> Vec<String> {
    let expected = expected_licences(&world.server.state().tenant());
    check("licence", actual_licences(world), &expected)
}

// Entra devices and Intune managed devices.

pub const DEVICE: &[&str] = &[
    "Name",
    "Device ID",
    "Operating System",
    "OS Version",
    "Trust Type",
    "Account Enabled",
    "Compliant",
    "Managed",
    "Manufacturer",
    "Model",
    "Status",
];

pub fn expected_devices(tenant: &Tenant) -> Rows {
    tenant
        .devices
        .iter()
        .map(|d| {
            let row = BTreeMap::from([
                ("Name", some(&d.display_name)),
                ("Device ID", Some(d.device_id.to_string())),
                ("Operating System", some(d.os.directory_name())),
                ("OS Version", some(&d.os_version)),
                ("Trust Type", some(d.trust_type)),
                ("Account Enabled", Some(d.account_enabled.to_string())),
                ("Compliant", d.is_compliant.map(|b| b.to_string())),
                ("Managed", d.is_managed.map(|b| b.to_string())),
                ("Manufacturer", some(d.manufacturer)),
                ("Model", some(d.model)),
                ("Status", active_or_disabled(d.account_enabled)),
            ]);
            (d.id.to_string(), row)
        })
        .collect()
}

pub fn actual_devices(world: &World) -> (Rows, Vec<String>) {
    actual(world, "Entra Device", "Entra Object ID", DEVICE)
}

pub fn assert_devices_equal_tenant(world: &World) -> Vec<String> {
    let expected = expected_devices(&world.server.state().tenant());
    check("Entra Device", actual_devices(world), &expected)
}

pub const MANAGED: &[&str] = &[
    "Device Name",
    "Intune Device ID",
    "Serial Number",
    "Primary User",
    "Entra Device",
    "Operating System",
    "OS Version",
    "Compliance State",
    "Ownership",
    "Encrypted",
    "Manufacturer",
    "Model",
    "Status",
];

/// The machine a record describes, as Entra Sync identifies it.
pub fn machine_key(record: &ManagedDevice) -> String {
    match usable_serial(&record.serial_number) {
        Some(serial) => format!("serial:{serial}"),
        None => format!("intune:{}", record.id),
    }
}

/// Intune keeps a record per enrolment, Assets one object per machine: of the records sharing a
/// serial, the latest check-in (then the higher Intune id) is the one shown.
fn winners(tenant: &Tenant) -> BTreeMap<String, &ManagedDevice> {
    let mut winners: BTreeMap<String, &ManagedDevice> = BTreeMap::new();
    let rank = |r: &ManagedDevice| (r.last_sync, r.id.to_string());
    for record in &tenant.managed_devices {
        let key = machine_key(record);
        match winners.get(&key) {
            Some(held) if rank(held) >= rank(record) => {}
            _ => {
                winners.insert(key, record);
            }
        }
    }
    winners
}

/// How many Intune records lose to a newer record of the same machine (the run's skip count).
pub fn superseded_records(tenant: &Tenant) -> usize {
    tenant.managed_devices.len() - winners(tenant).len()
}

pub fn expected_managed(tenant: &Tenant) -> Rows {
    winners(tenant)
        .into_iter()
        .map(|(key, d)| {
            let device = d
                .directory_device
                .and_then(|i| tenant.devices.get(i as usize))
                .map(|dev| dev.id.to_string());
            let row = BTreeMap::from([
                ("Device Name", some(&d.device_name)),
                ("Intune Device ID", Some(d.id.to_string())),
                ("Serial Number", some(&d.serial_number)),
                ("Primary User", d.user.and_then(|u| user_id(tenant, u))),
                ("Entra Device", device),
                ("Operating System", some(d.os.intune_name())),
                ("OS Version", some(&d.os_version)),
                ("Compliance State", some(d.compliance_state)),
                ("Ownership", some(d.owner_type)),
                ("Encrypted", Some(d.is_encrypted.to_string())),
                ("Manufacturer", some(d.manufacturer)),
                ("Model", some(d.model)),
                ("Status", some("Active")),
            ]);
            (key, row)
        })
        .collect()
}

pub fn actual_managed(world: &World) -> (Rows, Vec<String>) {
    actual(world, "Intune Managed Device", "Machine Key", MANAGED)
}

pub fn assert_managed_equal_tenant(world: &World) -> Vec<String> {
    let expected = expected_managed(&world.server.state().tenant());
    let (live, deleted) = actual_managed(world);
    // Belt and braces over the identity: whatever key a machine got, its serial is live once.
    let serials: Vec<String> = live
        .values()
        .filter_map(|row| usable_serial(row["Serial Number"].as_deref()?))
        .collect();
    let unique: BTreeSet<&String> = serials.iter().collect();
    assert_eq!(serials.len(), unique.len(), "a machine appears twice");
    check("Intune Managed Device", (live, deleted), &expected)
}
