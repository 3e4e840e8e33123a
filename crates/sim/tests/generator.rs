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
