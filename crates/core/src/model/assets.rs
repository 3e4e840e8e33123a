//! The Assets side: object types, their attributes (each read from one record key, its
//! "locator"), status, and one object as an import record.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ObjectType {
    User,
    Group,
    /// One row per direct membership (group → member), as the import API has no multi-value
    /// references; identity `"<group id>:<member id>"`.
    GroupMembership,
    Device,
    ManagedDevice,
    Licence,
    /// One row per licence assigned to a user; identity `"<user id>:<sku id>"`.
    LicenceAssignment,
    /// An app registration.
    Application,
    /// One client secret or certificate of an app registration; identity
    /// `"<application id>:<key id>"`.
    AppCredential,
    /// An enterprise application (service principal).
    ServicePrincipal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrKind {
    Text,
    Boolean,
    DateTime,
    Integer,
    /// A reference to objects of a type, found by that type's identity attribute.
    Reference(ObjectType),
    /// A reference to objects of a type, found by the named attribute (not the identity): Intune
    /// records name their Entra device by its registration id ("Device ID"), not its object id.
    ReferenceBy(ObjectType, &'static str),
}

/// One attribute of an object type, and the record key it is imported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttributeSpec {
    pub locator: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub kind: AttrKind,
    /// The object's identity in Assets (`externalIdPart`): the Entra/Intune object id.
    pub identity: bool,
    pub label: bool,
}

/// An attribute spec with neither identity nor label; the data set files build on it.
pub(crate) const fn attr(
    locator: &'static str,
    name: &'static str,
    description: &'static str,
    kind: AttrKind,
) -> AttributeSpec {
    AttributeSpec {
        locator,
        name,
        description,
        kind,
        identity: false,
        label: false,
    }
}

/// Record key of the time Entra Sync last wrote the object; not part of its fingerprint, or
/// every run would rewrite every object.
pub const LAST_SYNCED: &str = "lastSynced";
/// Name of the identity attribute every type has; references are resolved through it.
pub const IDENTITY_NAME: &str = "Entra Object ID";

const USER_ATTRIBUTES: &[AttributeSpec] = &[
    AttributeSpec {
        identity: true,
        ..attr(
            "id",
            IDENTITY_NAME,
            "Microsoft Entra object id (user.id)",
            AttrKind::Text,
        )
    },
    AttributeSpec {
        label: true,
        ..attr("displayName", "Name", "Display name", AttrKind::Text)
    },
    attr(
        "userPrincipalName",
        "User Principal Name",
        "userPrincipalName",
        AttrKind::Text,
    ),
    attr("mail", "Mail", "Primary SMTP address", AttrKind::Text),
    attr("jobTitle", "Job Title", "jobTitle", AttrKind::Text),
    attr("department", "Department", "department", AttrKind::Text),
    attr("employeeId", "Employee ID", "employeeId", AttrKind::Text),
    attr("userType", "User Type", "Member or Guest", AttrKind::Text),
    attr(
        "accountEnabled",
        "Account Enabled",
        "accountEnabled",
        AttrKind::Boolean,
    ),
    STATUS_DISABLEABLE,
    attr(
        "managerId",
        "Manager",
        "The user's manager",
        AttrKind::Reference(ObjectType::User),
    ),
    SYNCED,
];

/// When Entra Sync last wrote the object; every type has it.
pub(crate) const SYNCED: AttributeSpec = attr(
    LAST_SYNCED,
    "Last Synced",
    "When Entra Sync last wrote this object",
    AttrKind::DateTime,
);
/// Status of types whose objects are active or gone from Entra.
pub(crate) const STATUS: AttributeSpec = attr(
    "status",
    "Status",
    "Active or Deleted in Entra",
    AttrKind::Text,
);
/// Status of types Entra can also disable (users, devices).
pub(crate) const STATUS_DISABLEABLE: AttributeSpec = attr(
    "status",
    "Status",
    "Active, Disabled or Deleted in Entra",
    AttrKind::Text,
);

impl ObjectType {
    /// Short name used in storage keys and reports.
    pub fn key(self) -> &'static str {
        match self {
            ObjectType::User => "user",
            ObjectType::Group => "group",
            ObjectType::GroupMembership => "groupMembership",
            ObjectType::Device => "device",
            ObjectType::ManagedDevice => "managedDevice",
            ObjectType::Licence => "licence",
            ObjectType::LicenceAssignment => "licenceAssignment",
            ObjectType::Application => "application",
            ObjectType::AppCredential => "appCredential",
            ObjectType::ServicePrincipal => "servicePrincipal",
        }
    }

    /// The object type's name in the Assets schema Entra Sync maintains.
    pub fn name(self) -> &'static str {
        match self {
            ObjectType::User => "Entra User",
            ObjectType::Group => "Entra Group",
            ObjectType::GroupMembership => "Entra Group Membership",
            ObjectType::Device => "Entra Device",
            ObjectType::ManagedDevice => "Intune Managed Device",
            ObjectType::Licence => "Licence",
            ObjectType::LicenceAssignment => "Licence Assignment",
            ObjectType::Application => "Entra Application",
            ObjectType::AppCredential => "App Credential",
            ObjectType::ServicePrincipal => "Entra Enterprise Application",
        }
    }

    /// Stable id of the type in the mapping document.
    pub fn external_id(self) -> &'static str {
        match self {
            ObjectType::User => "entra-sync/user",
            ObjectType::Group => "entra-sync/group",
            ObjectType::GroupMembership => "entra-sync/group-membership",
            ObjectType::Device => "entra-sync/device",
            ObjectType::ManagedDevice => "entra-sync/managed-device",
            ObjectType::Licence => "entra-sync/licence",
            ObjectType::LicenceAssignment => "entra-sync/licence-assignment",
            ObjectType::Application => "entra-sync/application",
            ObjectType::AppCredential => "entra-sync/app-credential",
            ObjectType::ServicePrincipal => "entra-sync/service-principal",
        }
    }

    /// The array under `data` that carries this type's records in an import chunk.
    pub fn selector(self) -> &'static str {
        match self {
            ObjectType::User => "users",
            ObjectType::Group => "groups",
            ObjectType::GroupMembership => "groupMemberships",
            ObjectType::Device => "devices",
            ObjectType::ManagedDevice => "managedDevices",
            ObjectType::Licence => "licences",
            ObjectType::LicenceAssignment => "licenceAssignments",
            ObjectType::Application => "applications",
            ObjectType::AppCredential => "appCredentials",
            ObjectType::ServicePrincipal => "servicePrincipals",
        }
    }

    pub fn attributes(self) -> &'static [AttributeSpec] {
        match self {
            ObjectType::User => USER_ATTRIBUTES,
            ObjectType::Device => super::devices::DEVICE_ATTRIBUTES,
            ObjectType::ManagedDevice => super::devices::MANAGED_DEVICE_ATTRIBUTES,
            ObjectType::Licence => super::licences::LICENCE_ATTRIBUTES,
            ObjectType::LicenceAssignment => super::licences::LICENCE_ASSIGNMENT_ATTRIBUTES,
            ObjectType::Group => super::groups::GROUP_ATTRIBUTES,
            ObjectType::GroupMembership => super::groups::MEMBERSHIP_ATTRIBUTES,
            ObjectType::Application => super::applications::APPLICATION_ATTRIBUTES,
            ObjectType::AppCredential => super::credentials::CREDENTIAL_ATTRIBUTES,
            ObjectType::ServicePrincipal => super::service_principals::SERVICE_PRINCIPAL_ATTRIBUTES,
        }
    }

    /// Name of the attribute that identifies an object of this type (references resolve by it).
    pub fn identity_name(self) -> &'static str {
        self.attributes()
            .iter()
            .find(|a| a.identity)
            .map_or(IDENTITY_NAME, |a| a.name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    Active,
    Disabled,
    Deleted,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Active => "Active",
            Status::Disabled => "Disabled",
            Status::Deleted => "Deleted in Entra",
        }
    }
}

/// One object as Entra Sync wants it in Assets: its type, its Entra/Intune id and the import
/// record (locator → JSON value). Ordered, so equal objects serialise and fingerprint equally.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssetsObject {
    pub object_type: ObjectType,
    pub id: String,
    pub record: BTreeMap<&'static str, Value>,
}

impl AssetsObject {
    pub fn label(&self) -> &str {
        let label = self
            .object_type
            .attributes()
            .iter()
            .find(|a| a.label)
            .map(|a| a.locator);
        label
            .and_then(|locator| self.record.get(locator))
            .and_then(Value::as_str)
            .unwrap_or(&self.id)
    }
}
