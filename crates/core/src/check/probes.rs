//! What "Check connection" asks Graph for each data set, and the permissions that allow it
//! (least-privileged first, per graph-api.md §3).

use crate::endpoints;

pub struct Probe {
    /// The data set's key, as the settings name it.
    pub dataset: &'static str,
    /// How the admin page names it.
    pub label: &'static str,
    pub path: &'static str,
    /// Application permissions any one of which allows the read; the first is the one to ask for.
    pub permissions: &'static [&'static str],
}

pub const PROBES: &[Probe] = &[
    Probe {
        dataset: "users",
        label: "users",
        path: "/v1.0/users?$select=id&$top=1",
        permissions: &[
            "User.Read.All",
            "User.ReadWrite.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
    },
    Probe {
        dataset: "groups",
        label: "groups",
        path: "/v1.0/groups?$select=id&$top=1",
        permissions: &[
            "GroupMember.Read.All",
            "Group.Read.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
    },
    Probe {
        dataset: "devices",
        label: "devices",
        path: "/v1.0/devices?$select=id&$top=1",
        permissions: &[
            "Device.Read.All",
            "Directory.Read.All",
            "Directory.ReadWrite.All",
        ],
    },
    Probe {
        dataset: "managedDevices",
        label: "Intune managed devices",
        path: "/v1.0/deviceManagement/managedDevices?$select=id&$top=1",
        permissions: &[
            "DeviceManagementManagedDevices.Read.All",
            "DeviceManagementManagedDevices.ReadWrite.All",
        ],
    },
    Probe {
        dataset: "licences",
        label: "licences",
        path: "/v1.0/subscribedSkus?$select=skuId",
        permissions: &[
            "Organization.Read.All",
            "Directory.Read.All",
            "Organization.ReadWrite.All",
        ],
    },
];

impl Probe {
    pub fn url(&self) -> String {
        format!("{}{}", endpoints::GRAPH, self.path)
    }

    /// Whether a token with `roles` may read this data set (`None`: roles unknown, assume yes).
    pub fn allowed(&self, roles: Option<&[String]>) -> bool {
        roles.is_none_or(|roles| {
            self.permissions
                .iter()
                .any(|p| roles.iter().any(|r| r == p))
        })
    }
}
