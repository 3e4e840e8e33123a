//! Delta queries: `/users/delta`, `/groups/delta`, `/devices/delta`, `/applications/delta` and
//! `/servicePrincipals/delta`, answered from the tenant's change log.

mod controls;
mod endpoints;
mod options;
mod round;
mod token;

pub use controls::{DeltaControls, DeltaResetMode};
pub use endpoints::{APPLICATIONS, DEVICES, GROUPS, SERVICE_PRINCIPALS, USERS};

/// The fewest Graph requests a client needs to read the whole tenant: every delta round at the page
/// sizes this service chooses (groups emit one item per 20 members), Intune at 1,000 per page and
/// `subscribedSkus` unpaged. Benchmarks compare a full sync against it.
pub fn full_read_pages(
    tenant: &crate::tenant::Tenant,
) -> std::collections::BTreeMap<&'static str, usize> {
    let group_items: usize = tenant
        .groups
        .iter()
        .map(|g| g.members.len().div_ceil(round::MEMBER_CHUNK).max(1))
        .sum();
    std::collections::BTreeMap::from([
        ("users", tenant.users.len().div_ceil(endpoints::USERS_PAGE)),
        ("groups", group_items.div_ceil(endpoints::GROUPS_PAGE)),
        (
            "devices",
            tenant.devices.len().div_ceil(endpoints::DEVICES_PAGE),
        ),
        (
            "managedDevices",
            tenant.managed_devices.len().div_ceil(1000).max(1),
        ),
        ("subscribedSkus", 1),
        (
            "applications",
            tenant
                .applications
                .len()
                .div_ceil(endpoints::APPLICATIONS_PAGE),
        ),
        (
            "servicePrincipals",
            tenant
                .service_principals
                .len()
                .div_ceil(endpoints::SERVICE_PRINCIPALS_PAGE),
        ),
    ])
}
