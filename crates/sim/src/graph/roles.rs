//! Least-privilege mapping of endpoints to Application permissions (graph-api.md §3, from each API
//! page's "Permissions" section). Any one listed role allows the call. `Directory.Read.All` covers every
//! directory endpoint but not Intune, which has permissions of its own.

pub const USERS: &[&str] = &[
    "User.Read.All",
    "User.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

pub const GROUPS: &[&str] = &[
    "GroupMember.Read.All",
    "Group.Read.All",
    "GroupMember.ReadWrite.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

/// `/groups/{id}/members` and `/transitiveMembers`.
pub const GROUP_MEMBERS: &[&str] = GROUPS;

pub const DEVICES: &[&str] = &[
    "Device.Read.All",
    "Device.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

pub const MANAGED_DEVICES: &[&str] = &[
    "DeviceManagementManagedDevices.Read.All",
    "DeviceManagementManagedDevices.ReadWrite.All",
];

/// subscribedsku-list: `LicenseAssignment.Read.All` is the narrower permission Graph added for licence reads.
pub const SUBSCRIBED_SKUS: &[&str] = &[
    "LicenseAssignment.Read.All",
    "Organization.Read.All",
    "Organization.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

/// application-list and application-delta: least privileged first.
pub const APPLICATIONS: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.OwnedBy",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

/// serviceprincipal-list and serviceprincipal-delta: least privileged first.
pub const SERVICE_PRINCIPALS: &[&str] = APPLICATIONS;
