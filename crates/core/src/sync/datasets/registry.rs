//! The one table of data sets: everything the settings, the page, Check connection and a run need
//! to know about a data set is derived from its entry here.

use super::{
    DataSet, Dataset, applications, devices, groups, licences, managed_devices, service_principals,
    users,
};
use crate::endpoints;
use crate::graph::Pages;
use crate::model::ObjectType;

pub struct Spec {
    pub dataset: Dataset,
    /// The key the settings and the page use.
    pub key: &'static str,
    /// How the admin page names it.
    pub label: &'static str,
    /// Application permissions any one of which lets the app read the data set, least privileged
    /// first (the one the page asks for); the rest are those Graph also accepts for the read.
    pub permissions: &'static [&'static str],
    /// The cheapest read that proves the permission (Check connection).
    pub probe: &'static str,
    /// The path of a full round's first request.
    pub path: &'static str,
    /// The properties a run reads (`$select`); also the only ones a filter may name.
    pub select: &'static [&'static str],
    /// Whether the data set has delta queries; without, every run is a full round.
    pub delta: bool,
    /// The collection a full round lists, in pages of [`LIST_TOP`], after taking its deltaLink
    /// "from now" (`$deltatoken=latest`); `None`: full rounds read the delta itself. Only for
    /// data sets whose `select` names no relationship: a list carries one only through `$expand`,
    /// and Graph serves at most 100 directory objects a page with `$expand` (query-parameters).
    pub list: Option<&'static str>,
    /// The object types the data set writes, referenced types first.
    pub object_types: &'static [ObjectType],
    /// Where a run reads it: data sets whose objects others reference come first.
    pub run: usize,
    /// How its Graph items are read.
    pub reader: &'static dyn DataSet,
}

/// The largest page Graph serves of a directory list (users, groups, devices: `$top` up to 999).
pub const LIST_TOP: u32 = 999;

/// Every data set, in the order the page and Check connection list them.
pub const SPECS: [&Spec; 7] = [
    &USERS,
    &GROUPS,
    &DEVICES,
    &MANAGED_DEVICES,
    &LICENCES,
    &APPLICATIONS,
    &SERVICE_PRINCIPALS,
];

const USERS: Spec = Spec {
    dataset: Dataset::Users,
    key: "users",
    label: "users",
    permissions: &[
        "User.Read.All",
        "User.ReadWrite.All",
        "Directory.Read.All",
        "Directory.ReadWrite.All",
    ],
    probe: "/v1.0/users?$select=id&$top=1",
    path: "/v1.0/users/delta",
    select: &[
        "id",
        "displayName",
        "userPrincipalName",
        "mail",
        "jobTitle",
        "department",
        "employeeId",
        "userType",
        "accountEnabled",
        "assignedLicenses",
        "manager",
    ],
    delta: true,
    // The manager comes only from the delta (`manager@delta`) or an `$expand` (100 a page).
    list: None,
    object_types: &[ObjectType::User, ObjectType::LicenceAssignment],
    run: 0,
    reader: &users::Users,
};

const GROUPS: Spec = Spec {
    dataset: Dataset::Groups,
    key: "groups",
    label: "groups",
    permissions: &[
        "GroupMember.Read.All",
        "Group.Read.All",
        "Directory.Read.All",
        "GroupMember.ReadWrite.All",
        "Group.ReadWrite.All",
        "Directory.ReadWrite.All",
    ],
    probe: "/v1.0/groups?$select=id&$top=1",
    path: "/v1.0/groups/delta",
    select: &[
        "id",
        "displayName",
        "description",
        "mail",
        "mailEnabled",
        "securityEnabled",
        "groupTypes",
        "membershipRule",
        // Direct membership, tracked in delta rounds as `members@delta`.
        "members",
    ],
    delta: true,
    // Memberships come only from `members@delta`.
    list: None,
    object_types: &[ObjectType::Group, ObjectType::GroupMembership],
    run: 1,
    reader: &groups::Groups,
};

const DEVICES: Spec = Spec {
    dataset: Dataset::Devices,
    key: "devices",
    label: "devices",
    permissions: &[
        "Device.Read.All",
        "Directory.Read.All",
        "Device.ReadWrite.All",
        "Directory.ReadWrite.All",
    ],
    probe: "/v1.0/devices?$select=id&$top=1",
    path: "/v1.0/devices/delta",
    select: &[
        "id",
        "deviceId",
        "displayName",
        "operatingSystem",
        "operatingSystemVersion",
        "trustType",
        "isCompliant",
        "isManaged",
        "accountEnabled",
        "approximateLastSignInDateTime",
        "registrationDateTime",
        "manufacturer",
        "model",
    ],
    delta: true,
    // 999 a page against the delta's service-chosen pages (200 on the simulator).
    list: Some("/v1.0/devices"),
    object_types: &[ObjectType::Device],
    run: 3,
    reader: &devices::Devices,
};

const MANAGED_DEVICES: Spec = Spec {
    dataset: Dataset::ManagedDevices,
    key: "managedDevices",
    label: "Intune managed devices",
    permissions: &[
        "DeviceManagementManagedDevices.Read.All",
        "DeviceManagementManagedDevices.ReadWrite.All",
    ],
    probe: "/v1.0/deviceManagement/managedDevices?$select=id&$top=1",
    path: "/v1.0/deviceManagement/managedDevices",
    select: &[
        "id",
        "deviceName",
        "userId",
        "azureADDeviceId",
        "operatingSystem",
        "osVersion",
        "manufacturer",
        "model",
        "serialNumber",
        "imei",
        "wiFiMacAddress",
        "complianceState",
        "managementAgent",
        "managedDeviceOwnerType",
        "enrolledDateTime",
        "lastSyncDateTime",
        "isEncrypted",
    ],
    delta: false,
    list: None,
    object_types: &[ObjectType::ManagedDevice],
    run: 4,
    reader: &managed_devices::ManagedDevices,
};

const LICENCES: Spec = Spec {
    dataset: Dataset::Licences,
    key: "licences",
    label: "licences",
    permissions: &[
        "Organization.Read.All",
        "LicenseAssignment.Read.All",
        "Directory.Read.All",
        "Organization.ReadWrite.All",
        "Directory.ReadWrite.All",
    ],
    probe: "/v1.0/subscribedSkus?$select=skuId",
    // `/subscribedSkus` supports only `$select`.
    path: "/v1.0/subscribedSkus",
    select: &[
        "skuId",
        "skuPartNumber",
        "appliesTo",
        "capabilityStatus",
        "consumedUnits",
        "prepaidUnits",
    ],
    delta: false,
    list: None,
    object_types: &[ObjectType::Licence],
    run: 2,
    reader: &licences::Licences,
};

/// Application-list and application-delta permissions, least privileged first (the simulator's
/// `roles::APPLICATIONS`, after Graph's permission tables), then the directory-wide ones.
const APPLICATION_PERMISSIONS: &[&str] = &[
    "Application.Read.All",
    "Application.ReadWrite.OwnedBy",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

const APPLICATIONS: Spec = Spec {
    dataset: Dataset::Applications,
    key: "applications",
    label: "applications (app registrations)",
    permissions: APPLICATION_PERMISSIONS,
    probe: "/v1.0/applications?$select=id&$top=1",
    path: "/v1.0/applications/delta",
    list: None,
    select: &[
        "id",
        "appId",
        "displayName",
        "signInAudience",
        "createdDateTime",
        "publisherDomain",
        "passwordCredentials",
        "keyCredentials",
    ],
    delta: true,
    object_types: &[ObjectType::Application, ObjectType::AppCredential],
    run: 5,
    reader: &applications::Applications,
};

const SERVICE_PRINCIPALS: Spec = Spec {
    dataset: Dataset::ServicePrincipals,
    key: "servicePrincipals",
    label: "enterprise applications",
    permissions: APPLICATION_PERMISSIONS,
    probe: "/v1.0/servicePrincipals?$select=id&$top=1",
    path: "/v1.0/servicePrincipals/delta",
    list: None,
    select: &[
        "id",
        "appId",
        "displayName",
        "servicePrincipalType",
        "accountEnabled",
        "appOwnerOrganizationId",
        "keyCredentials",
    ],
    delta: true,
    object_types: &[ObjectType::ServicePrincipal],
    run: 6,
    reader: &service_principals::ServicePrincipals,
};

impl Spec {
    /// The data set named `key` in the settings.
    pub fn find(key: &str) -> Option<&'static Spec> {
        SPECS.into_iter().find(|s| s.key == key)
    }

    /// First request of a full round that reads `path`.
    pub fn initial_url(&self) -> String {
        format!(
            "{}{}?$select={}",
            endpoints::GRAPH,
            self.path,
            self.select.join(",")
        )
    }

    /// The requests of a full round (`full`) or of an incremental one, which starts at its
    /// committed deltaLink and follows the links from there.
    pub fn pages(&self, full: bool) -> Pages {
        match self.list {
            Some(list) if full && self.delta => Pages::ListFromLatest {
                latest: format!("{}&$deltatoken=latest", self.initial_url()),
                first: format!(
                    "{}{list}?$select={}&$top={LIST_TOP}",
                    endpoints::GRAPH,
                    self.select.join(",")
                ),
            },
            _ if self.delta => Pages::Delta {
                first: self.initial_url(),
            },
            _ => Pages::List {
                first: self.initial_url(),
            },
        }
    }

    pub fn probe_url(&self) -> String {
        format!("{}{}", endpoints::GRAPH, self.probe)
    }

    /// Whether a token with `roles` may read this data set (`None`: roles unknown, assume yes).
    pub fn allowed(&self, roles: Option<&[String]>) -> bool {
        roles.is_none_or(|roles| {
            self.permissions
                .iter()
                .any(|p| roles.iter().any(|r| r == p))
        })
    }

    /// The permission the page and Check connection ask for.
    pub fn least_privileged(&self) -> &'static str {
        self.permissions[0]
    }
}

/// The data sets by their `run` positions. A position used twice leaves another unfilled, which
/// the registry's tests catch.
pub(super) const fn run_order() -> [Dataset; SPECS.len()] {
    let mut order = [Dataset::Users; SPECS.len()];
    let mut at = 0;
    while at < SPECS.len() {
        order[SPECS[at].run] = SPECS[at].dataset;
        at += 1;
    }
    order
}

impl Dataset {
    pub fn spec(self) -> &'static Spec {
        match self {
            Dataset::Users => &USERS,
            Dataset::Groups => &GROUPS,
            Dataset::Devices => &DEVICES,
            Dataset::ManagedDevices => &MANAGED_DEVICES,
            Dataset::Licences => &LICENCES,
            Dataset::Applications => &APPLICATIONS,
            Dataset::ServicePrincipals => &SERVICE_PRINCIPALS,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_data_set_has_one_entry_under_its_own_key() {
        for dataset in Dataset::ALL {
            assert_eq!(dataset.spec().dataset, dataset);
            assert_eq!(Spec::find(dataset.key()).map(|s| s.dataset), Some(dataset));
        }
        assert_eq!(SPECS.len(), Dataset::ALL.len());
        let mut runs: Vec<usize> = SPECS.iter().map(|s| s.run).collect();
        runs.sort();
        assert_eq!(
            runs,
            (0..SPECS.len()).collect::<Vec<_>>(),
            "one data set per run position"
        );
        assert!(
            SPECS
                .iter()
                .all(|s| !s.permissions.is_empty() && !s.select.is_empty())
        );
    }

    #[test]
    fn a_run_reads_referenced_data_sets_first() {
        assert_eq!(
            Dataset::ALL,
            [
                Dataset::Users,
                Dataset::Groups,
                Dataset::Licences,
                Dataset::Devices,
                Dataset::ManagedDevices,
                Dataset::Applications,
                Dataset::ServicePrincipals,
            ]
        );
    }

    #[test]
    fn full_rounds_list_devices_from_a_latest_delta_link_and_read_the_rest_by_delta() {
        assert_eq!(
            DEVICES.pages(true),
            Pages::ListFromLatest {
                latest: format!("{}&$deltatoken=latest", DEVICES.initial_url()),
                first: format!(
                    "https://graph.microsoft.com/v1.0/devices?$select={}&$top=999",
                    DEVICES.select.join(",")
                ),
            }
        );
        assert!(
            DEVICES
                .initial_url()
                .starts_with("https://graph.microsoft.com/v1.0/devices/delta?$select=id,")
        );
        assert!(matches!(DEVICES.pages(false), Pages::Delta { .. }));
        assert!(matches!(USERS.pages(true), Pages::Delta { .. }));
        assert!(matches!(GROUPS.pages(true), Pages::Delta { .. }));
        assert!(matches!(MANAGED_DEVICES.pages(true), Pages::List { .. }));
        // A listed data set must not select a relationship: the list would drop it.
        for spec in SPECS.iter().filter(|s| s.list.is_some()) {
            assert!(
                spec.delta,
                "{}: a list round needs a delta to start from",
                spec.key
            );
            assert!(
                !spec
                    .select
                    .iter()
                    .any(|p| ["manager", "members"].contains(p)),
                "{}",
                spec.key
            );
        }
    }

    #[test]
    fn the_first_request_selects_the_listed_properties() {
        assert_eq!(
            LICENCES.initial_url(),
            "https://graph.microsoft.com/v1.0/subscribedSkus?$select=skuId,skuPartNumber,appliesTo,capabilityStatus,consumedUnits,prepaidUnits"
        );
        assert!(
            USERS
                .initial_url()
                .contains("/v1.0/users/delta?$select=id,displayName,")
        );
    }
}
