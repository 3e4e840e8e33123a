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

pub const SUBSCRIBED_SKUS: &[&str] = &[
    "Organization.Read.All",
    "Organization.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];
