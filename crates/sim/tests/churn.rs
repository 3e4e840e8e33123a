//! Churn: deterministic, realistic, and consistent with the tenant's own invariants.

use std::collections::HashSet;

use entra_sync_sim::tenant::{MemberRef, RemovalReason};
use entra_sync_sim::{Preset, Tenant};

#[test]
fn churn_is_deterministic_for_a_seed() {
    let mut a = Tenant::generate(Preset::Demo, 7);
    let mut b = Tenant::generate(Preset::Demo, 7);
    let ra = a.churn(10.0, 99);
    let rb = b.churn(10.0, 99);
    assert_eq!(ra, rb);
    assert_eq!(a, b);
    let mut c = Tenant::generate(Preset::Demo, 7);
    assert_ne!(c.churn(10.0, 100), ra, "another seed, other changes");
    // A second round with the same seed still changes something else.
    assert_ne!(a.churn(10.0, 99).users, ra.users);
}

#[test]
fn churn_makes_every_kind_of_change_and_keeps_the_tenant_consistent() {
    let mut tenant = Tenant::generate(Preset::Small, 3);
    let before = tenant.clone();
    let report = tenant.churn(10.0, 1);
    assert_eq!(report.to_version, report.from_version + 1);
    for kind in [
        "user updates",
        "manager changes",
        "licence changes",
        "user creates",
        "user soft deletes",
        "user hard deletes",
        "membership adds",
        "membership removes",
        "device creates",
        "device deletes",
        "Intune re-enrolments",
    ] {
        assert!(
            report.operations.get(kind).copied().unwrap_or(0) > 0,
            "{kind}: {report:?}"
        );
    }
    let ids: HashSet<String> = tenant.users.iter().map(|u| u.id.clone()).collect();
    for (id, reason) in &report.users.removed {
        assert!(!ids.contains(&id.to_string()));
        assert!(before.index.user(&id.to_string()).is_some());
        let _ = matches!(reason, RemovalReason::Changed | RemovalReason::Deleted);
    }
    assert!(
        report
            .users
            .removed
            .iter()
            .any(|r| r.1 == RemovalReason::Changed)
    );
    assert!(
        report
            .users
            .removed
            .iter()
            .any(|r| r.1 == RemovalReason::Deleted)
    );
    for id in &report.users.created {
        assert!(ids.contains(&id.to_string()));
        assert!(before.index.user(&id.to_string()).is_none());
    }
    assert_eq!(
        tenant.users.len(),
        before.users.len() + report.users.created.len() - report.users.removed.len()
    );
    // Index, references and nesting stay valid.
    for (i, user) in tenant.users.iter().enumerate() {
        assert_eq!(tenant.index.user(&user.id), Some(i as u32));
        if let Some(m) = user.manager {
            assert!((m as usize) < i, "managers come first");
        }
    }
    for (i, group) in tenant.groups.iter().enumerate() {
        let mut seen = HashSet::new();
        for member in &group.members {
            assert!(seen.insert(*member), "duplicate member");
            match *member {
                MemberRef::User(u) => assert!((u as usize) < tenant.users.len()),
                MemberRef::Group(g) => {
                    assert!(g as usize > i && (g as usize) < tenant.groups.len())
                }
                MemberRef::Device(d) => assert!((d as usize) < tenant.devices.len()),
            }
        }
    }
    // Licences agree with subscribedSkus' consumed units.
    for (s, sku) in tenant.skus.iter().enumerate() {
        let used = tenant
            .users
            .iter()
            .filter(|u| u.assigned_licenses.iter().any(|l| l.sku as usize == s))
            .count();
        assert_eq!(sku.consumed_units as usize, used, "{}", sku.part_number);
    }
    // Every change went to the log under the new version.
    for id in report.users.changed() {
        assert_eq!(tenant.changes.last_change(id), Some(report.to_version));
    }
}

#[test]
fn re_enrolments_add_a_record_with_the_same_serial() {
    let mut tenant = Tenant::generate(Preset::Small, 5);
    let before = tenant.clone();
    let report = tenant.churn(10.0, 2);
    assert!(!report.managed_devices.re_enrolled.is_empty());
    for (old, new) in &report.managed_devices.re_enrolled {
        let previous = before
            .managed_devices
            .iter()
            .find(|m| m.id == *old)
            .unwrap();
        let current = tenant
            .managed_devices
            .iter()
            .find(|m| m.id == *new)
            .unwrap();
        assert_eq!(previous.serial_number, current.serial_number);
        let old_still_listed = tenant.managed_devices.iter().any(|m| m.id == *old);
        assert_eq!(
            old_still_listed,
            !report.managed_devices.removed.contains(old)
        );
    }
}
