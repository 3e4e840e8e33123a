//! The tenant generator: deterministic per seed, and varied enough to exercise a sync.

use std::collections::HashSet;

use entra_sync_sim::tenant::UserType;
use entra_sync_sim::{Preset, Tenant};

#[test]
fn same_seed_gives_the_same_tenant() {
    assert_eq!(
        Tenant::generate(Preset::Demo, 42),
        Tenant::generate(Preset::Demo, 42)
    );
}

#[test]
fn different_seeds_give_different_tenants() {
    let a = Tenant::generate(Preset::Demo, 1);
    let b = Tenant::generate(Preset::Demo, 2);
    assert_ne!(a.id, b.id);
    assert_ne!(a.app.client_id, b.app.client_id);
    assert_ne!(a.app.secret.value, b.app.secret.value);
    assert_ne!(a.app.secret.key_id, b.app.secret.key_id);
    let ids_a: HashSet<_> = a.users.iter().map(|u| &u.id).collect();
    assert!(b.users.iter().all(|u| !ids_a.contains(&u.id)));
    let names_a: Vec<_> = a.users.iter().map(|u| &u.display_name).collect();
    let names_b: Vec<_> = b.users.iter().map(|u| &u.display_name).collect();
    assert_ne!(names_a, names_b);
}

#[test]
fn demo_tenant_has_the_documented_shape() {
    let tenant = Tenant::generate(Preset::Demo, 42);
    assert_eq!(tenant.users.len(), 300);
    assert_eq!(tenant.domain, "contoso-sim.onmicrosoft.com");
    assert!(tenant.answers_to(&tenant.id.to_string().to_uppercase()));
    assert!(tenant.answers_to("CONTOSO-SIM.onmicrosoft.com"));
    assert!(!tenant.answers_to("fabrikam.onmicrosoft.com"));

    let ids: HashSet<_> = tenant.users.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(ids.len(), 300, "ids are unique");
    let upns: HashSet<_> = tenant
        .users
        .iter()
        .map(|u| u.user_principal_name.to_lowercase())
        .collect();
    assert_eq!(upns.len(), 300, "UPNs are unique");

    for user in &tenant.users {
        assert!(uuid::Uuid::parse_str(&user.id).is_ok(), "{user:?}");
        assert!(user.user_principal_name.is_ascii(), "{user:?}");
        assert!(
            user.user_principal_name
                .ends_with("@contoso-sim.onmicrosoft.com"),
            "{user:?}"
        );
        assert!(!user.display_name.is_empty());
        assert_eq!(user.created_date_time.len(), "2019-03-14T09:21:07Z".len());
        assert!(user.created_date_time.ends_with('Z'));
        match user.user_type {
            UserType::Guest => {
                // B2B: `name@home` becomes `name_home#EXT#@tenant`.
                let mail = user
                    .mail
                    .as_deref()
                    .expect("guests have their home address as mail");
                assert_eq!(
                    user.user_principal_name,
                    format!(
                        "{}#EXT#@contoso-sim.onmicrosoft.com",
                        mail.replace('@', "_")
                    ),
                );
            }
            UserType::Member => assert!(!user.user_principal_name.contains("#EXT#")),
        }
    }

    let guests = tenant
        .users
        .iter()
        .filter(|u| u.user_type == UserType::Guest)
        .count();
    let disabled = tenant.users.iter().filter(|u| !u.account_enabled).count();
    let unicode = tenant
        .users
        .iter()
        .filter(|u| !u.display_name.is_ascii())
        .count();
    let nameless = tenant
        .users
        .iter()
        .filter(|u| u.given_name.is_none())
        .count();
    assert!((5..=40).contains(&guests), "guests: {guests}");
    assert!((5..=40).contains(&disabled), "disabled: {disabled}");
    assert!(unicode >= 20, "unicode display names: {unicode}");
    assert!(nameless >= 1, "room accounts without given name");
}

#[test]
fn app_credentials_look_like_entras() {
    let tenant = Tenant::generate(Preset::Demo, 42);
    let secret = &tenant.app.secret.value;
    assert_eq!(secret.len(), 40);
    assert_eq!(&secret[3..6], "8Q~");
    assert!(
        secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
    );
    // The secret id is a GUID and never equals the value: that is the classic admin mistake.
    assert_ne!(tenant.app.secret.key_id.to_string(), *secret);
    assert_ne!(tenant.app.client_id, tenant.id);
}

#[test]
fn presets_parse_by_name() {
    assert_eq!("demo".parse::<Preset>(), Ok(Preset::Demo));
    assert_eq!("DEMO".parse::<Preset>(), Ok(Preset::Demo));
    assert!("huge".parse::<Preset>().is_err());
    assert_eq!(Preset::Demo.to_string(), "demo");
}

mod parts {
    //! Groups, memberships, managers, devices and licences.

    use std::collections::{HashMap, HashSet};

    use entra_sync_sim::tenant::{GroupKind, MemberRef, UserType};
    use entra_sync_sim::{Preset, Tenant};

    fn memberships(tenant: &Tenant) -> usize {
        tenant.groups.iter().map(|g| g.members.len()).sum()
    }

    #[test]
    fn presets_have_their_documented_sizes() {
        for preset in [Preset::Demo, Preset::Small] {
            let spec = preset.spec();
            let tenant = Tenant::generate(preset, 7);
            assert_eq!(tenant.users.len(), spec.users, "{preset}");
            assert_eq!(tenant.groups.len(), spec.groups, "{preset}");
            assert_eq!(memberships(&tenant), spec.memberships, "{preset}");
            assert_eq!(tenant.devices.len(), spec.devices, "{preset}");
            assert_eq!(
                tenant.managed_devices.len(),
                spec.managed_devices,
                "{preset}"
            );
            assert_eq!(tenant.skus.len(), spec.skus, "{preset}");
        }
        let large = Preset::Large.spec();
        assert_eq!(
            (large.users, large.groups, large.memberships, large.devices),
            (100_000, 10_000, 1_000_000, 120_000)
        );
        assert_eq!((large.managed_devices, large.skus), (90_000, 40));
        let medium = Preset::Medium.spec();
        assert_eq!(
            (medium.users, medium.groups, medium.memberships),
            (20_000, 2_000, 150_000)
        );
        assert_eq!((medium.devices, medium.managed_devices), (25_000, 18_000));
        assert_eq!("LARGE".parse::<Preset>(), Ok(Preset::Large));
    }

    #[test]
    fn generation_is_deterministic_and_new_parts_leave_users_alone() {
        assert_eq!(
            Tenant::generate(Preset::Small, 3),
            Tenant::generate(Preset::Small, 3)
        );
        // Pinned before groups, devices and licences existed: adding parts must not move them.
        let demo = Tenant::generate(Preset::Demo, 42);
        let small = Tenant::generate(Preset::Small, 42);
        assert_eq!(demo.app, small.app);
        assert_eq!(demo.id, small.id);
        assert_eq!(demo.users[0].id, PINNED_FIRST_USER_ID);
        assert_eq!(demo.app.secret.value, PINNED_SECRET);
    }

    const PINNED_FIRST_USER_ID: &str = "2b7d375d-cade-4353-876a-320ede2076ca";
    const PINNED_SECRET: &str = "Zot8Q~XeT108.8HylIn4wqKgQLSadnyrstf7q29M";

    #[test]
    fn groups_mix_kinds_and_dynamic_rules_match_their_members() {
        let tenant = Tenant::generate(Preset::Small, 42);
        let unified = tenant
            .groups
            .iter()
            .filter(|g| g.kind == GroupKind::Unified)
            .count();
        let dynamic: Vec<_> = tenant.groups.iter().filter(|g| g.is_dynamic()).collect();
        assert!(unified > 20 && unified < 180, "unified: {unified}");
        assert!(!dynamic.is_empty());
        assert!(tenant.groups.iter().any(|g| !g.display_name.is_ascii()));
        for group in dynamic {
            let rule = group.membership_rule.as_deref().unwrap();
            for member in &group.members {
                let MemberRef::User(u) = *member else {
                    panic!("dynamic user groups hold users only");
                };
                let user = &tenant.users[u as usize];
                let department = user.department.as_deref().unwrap();
                let location = user.usage_location.as_deref().unwrap();
                assert!(rule.contains(&format!("\"{department}\"")), "{rule}");
                assert!(rule.contains(&format!("\"{location}\"")), "{rule}");
            }
        }
        let nicknames: HashSet<_> = tenant.groups.iter().map(|g| &g.mail_nickname).collect();
        assert_eq!(
            nicknames.len(),
            tenant.groups.len(),
            "mail nicknames are unique"
        );
    }

    #[test]
    fn nesting_is_acyclic_and_members_are_distinct_and_exist() {
        let tenant = Tenant::generate(Preset::Small, 42);
        let mut nested = 0;
        for (i, group) in tenant.groups.iter().enumerate() {
            let distinct: HashSet<_> = group.members.iter().collect();
            assert_eq!(
                distinct.len(),
                group.members.len(),
                "{}",
                group.display_name
            );
            for member in &group.members {
                match *member {
                    MemberRef::User(u) => assert!((u as usize) < tenant.users.len()),
                    MemberRef::Device(d) => assert!((d as usize) < tenant.devices.len()),
                    MemberRef::Group(g) => {
                        nested += 1;
                        assert!(g as usize > i, "a group only contains later groups");
                        assert!((g as usize) < tenant.groups.len());
                    }
                }
            }
        }
        assert!(nested >= 5, "nested groups: {nested}");
        // Independent of the ordering argument: a depth-first search finds no back edge.
        fn visit(tenant: &Tenant, g: usize, state: &mut [u8]) {
            assert_ne!(state[g], 1, "cycle through group {g}");
            if state[g] == 2 {
                return;
            }
            state[g] = 1;
            for member in &tenant.groups[g].members {
                if let MemberRef::Group(child) = *member {
                    visit(tenant, child as usize, state);
                }
            }
            state[g] = 2;
        }
        let mut state = vec![0u8; tenant.groups.len()];
        for g in 0..tenant.groups.len() {
            visit(&tenant, g, &mut state);
        }
        assert!(
            tenant
                .groups
                .iter()
                .any(|g| g.members.iter().any(|m| matches!(m, MemberRef::Device(_))))
        );
    }

    #[test]
    fn managers_form_a_tree_of_members() {
        let tenant = Tenant::generate(Preset::Small, 42);
        let with_manager = tenant.users.iter().filter(|u| u.manager.is_some()).count();
        assert!(with_manager > 1_500, "{with_manager}");
        assert!(tenant.users.iter().any(|u| u.user_type == UserType::Member
            && u.given_name.is_some()
            && u.manager.is_none()));
        for (i, user) in tenant.users.iter().enumerate() {
            if let Some(m) = user.manager {
                assert!((m as usize) < i, "managers come first, so no cycles");
                let manager = &tenant.users[m as usize];
                assert_eq!(manager.user_type, UserType::Member);
                assert!(manager.given_name.is_some());
            }
            if user.user_type == UserType::Guest {
                assert!(user.manager.is_none());
                assert!(user.assigned_licenses.is_empty());
            }
        }
    }

    #[test]
    fn managed_devices_link_to_existing_users_and_devices() {
        let tenant = Tenant::generate(Preset::Small, 42);
        let mut linked = HashMap::new();
        let mut unregistered = 0;
        let mut other_enroller = 0;
        for record in &tenant.managed_devices {
            if let Some(u) = record.user {
                assert!((u as usize) < tenant.users.len());
            }
            if record.user != record.enrolled_by {
                other_enroller += 1;
            }
            match record.directory_device {
                Some(d) => {
                    let device = &tenant.devices[d as usize];
                    assert_eq!(device.display_name, record.device_name);
                    assert_eq!(device.is_managed, Some(true));
                    *linked.entry(d).or_insert(0) += 1;
                }
                None => unregistered += 1,
            }
        }
        assert!(unregistered > 50, "{unregistered}");
        assert!(other_enroller > 20, "{other_enroller}");
        assert!(linked.len() > 1_000);
        assert!(tenant.devices.iter().any(|d| d.is_managed.is_none()));
        assert!(
            tenant
                .managed_devices
                .iter()
                .any(|m| m.serial_number.is_empty())
        );

        // Re-enrolled hardware: two records share a serial, and the older one stopped syncing first.
        let mut by_serial: HashMap<&str, Vec<_>> = HashMap::new();
        for record in tenant
            .managed_devices
            .iter()
            .filter(|m| !m.serial_number.is_empty())
        {
            by_serial
                .entry(&record.serial_number)
                .or_default()
                .push(record);
        }
        let duplicated: Vec<_> = by_serial.values().filter(|v| v.len() > 1).collect();
        assert!(duplicated.len() >= 20, "{}", duplicated.len());
        for records in duplicated {
            let newest = records.iter().max_by_key(|r| r.enrolled).unwrap();
            for older in records.iter().filter(|r| r.id != newest.id) {
                assert!(older.last_sync < newest.last_sync);
                assert!(older.last_sync.0 < newest.enrolled.0);
                assert_eq!(older.device_name, newest.device_name);
            }
        }
    }

    #[test]
    fn consumed_units_match_assigned_licences() {
        let tenant = Tenant::generate(Preset::Small, 42);
        let mut counts = vec![0u32; tenant.skus.len()];
        for user in &tenant.users {
            let skus: HashSet<_> = user.assigned_licenses.iter().map(|l| l.sku).collect();
            assert_eq!(skus.len(), user.assigned_licenses.len(), "no SKU twice");
            for license in &user.assigned_licenses {
                counts[license.sku as usize] += 1;
                let plans: Vec<_> = tenant.skus[license.sku as usize]
                    .service_plans
                    .iter()
                    .map(|p| p.plan)
                    .collect();
                assert!(license.disabled_plans.iter().all(|p| plans.contains(p)));
            }
        }
        for (sku, count) in tenant.skus.iter().zip(counts) {
            assert_eq!(sku.consumed_units, count, "{}", sku.part_number);
        }
        let statuses: HashSet<_> = tenant.skus.iter().map(|s| s.capability_status).collect();
        assert!(statuses.contains("Enabled") && statuses.contains("Suspended"));
        let ids: HashSet<_> = tenant.skus.iter().map(|s| s.sku_id).collect();
        assert_eq!(ids.len(), tenant.skus.len());
    }
}
