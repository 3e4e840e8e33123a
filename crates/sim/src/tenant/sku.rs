//! Licences: the tenant's subscribed SKUs and what users are assigned.

use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sku {
    pub sku_id: Uuid,
    pub part_number: &'static str,
    /// `User` for per-seat products, `Company` for tenant-wide ones.
    pub applies_to: &'static str,
    /// `Enabled`, `Warning`, `Suspended`, …
    pub capability_status: &'static str,
    /// Users assigned this SKU; consistent with their `assignedLicenses`.
    pub consumed_units: u32,
    pub prepaid: PrepaidUnits,
    pub service_plans: Vec<SkuPlan>,
    pub subscription_id: Uuid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PrepaidUnits {
    pub enabled: u32,
    pub locked_out: u32,
    pub suspended: u32,
    pub warning: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkuPlan {
    /// Index into `Tenant::service_plans`.
    pub plan: u16,
    pub provisioning_status: &'static str,
    pub applies_to: &'static str,
}

/// A service plan (one product inside SKUs), shared by every SKU that bundles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServicePlan {
    pub id: Uuid,
    pub name: &'static str,
}

/// One entry of `user.assignedLicenses`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignedLicense {
    /// Index into `Tenant::skus`.
    pub sku: u16,
    /// Indexes into `Tenant::service_plans`.
    pub disabled_plans: Vec<u16>,
}
