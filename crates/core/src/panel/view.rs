//! What the panel shows, built from the objects the searches found. Attribute names come from
//! `model/` (by the record key each is imported from), so the panel reads exactly what the engine
//! writes.

use serde::Serialize;

use super::jira::Role;
use super::objects::{Found, ObjectRef};
use crate::config::PanelSections;
use crate::model::ObjectType;

/// Status text the engine gives objects that left Entra.
pub const RETIRED: &str = "Deleted in Entra";
/// How many groups the panel lists before "and N more".
pub const FIRST_GROUPS: usize = 10;

/// The attribute of `object_type` imported from `locator`, as `model/` names it.
pub fn name_of(object_type: ObjectType, locator: &str) -> &'static str {
    object_type
        .attributes()
        .iter()
        .find(|a| a.locator == locator)
        .map_or("", |a| a.name)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelView {
    pub issue_key: String,
    pub people: Vec<PersonView>,
    pub sections: PanelSections,
    /// Requests this answer took to Assets (the first paint's budget is 3).
    pub assets_requests: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Found,
    EmailHidden,
    NotInDirectory,
    Ambiguous,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PersonView {
    pub role: Role,
    pub account_id: String,
    pub display_name: String,
    pub outcome: Outcome,
    /// Why nothing (or not the matched person) is shown, in words for the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Whether the agent may search the directory by name for this person (hidden email only).
    pub can_search: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub devices: Option<DevicesView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<GroupsView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub licences: Option<Vec<Link>>,
}

/// An Assets object the agent can open: its label and where it lives on the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    pub label: String,
    pub object_key: String,
    /// A path on the Jira site (the page opens it through the bridge's router).
    pub href: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    pub entra_id: String,
    pub display_name: String,
    pub user_principal_name: Option<String>,
    pub mail: Option<String>,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub manager: Option<Link>,
    pub enabled: Option<bool>,
    pub user_type: Option<String>,
    pub status: Option<String>,
    pub retired: bool,
    pub last_synced: Option<String>,
    pub link: Link,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedDeviceView {
    pub name: String,
    pub operating_system: Option<String>,
    pub os_version: Option<String>,
    pub compliance: Option<String>,
    pub encrypted: Option<bool>,
    pub last_check_in: Option<String>,
    pub serial_number: Option<String>,
    pub status: Option<String>,
    pub entra_device: Option<Link>,
    pub link: Link,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntraDeviceView {
    pub name: String,
    pub operating_system: Option<String>,
    pub os_version: Option<String>,
    pub trust_type: Option<String>,
    pub compliant: Option<bool>,
    pub enabled: Option<bool>,
    pub last_sign_in: Option<String>,
    pub status: Option<String>,
    pub link: Link,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DevicesView {
    pub managed: Vec<ManagedDeviceView>,
    pub entra: Vec<EntraDeviceView>,
    /// Assets had more than the panel asked for.
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupView {
    pub link: Link,
    /// Groups this group is itself a member of: the person is in those too, through nesting.
    pub nested_in: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupsView {
    /// Direct memberships found (a lower bound when `more`).
    pub count: usize,
    pub first: Vec<GroupView>,
    pub more: bool,
}

/// Where Assets shows an object: its schema page, opened on that object.
pub fn link(schema_id: &str, type_id: &str, object: &ObjectRef) -> Link {
    Link {
        label: object.label.clone(),
        object_key: object.key.clone(),
        href: format!(
            "/jira/servicedesk/assets/object-schema/{schema_id}?typeId={type_id}&objectId={}",
            object.id
        ),
    }
}

/// A link to an object known only by a reference (its type id is not in the reference).
pub fn ref_link(schema_id: &str, object: &ObjectRef) -> Link {
    Link {
        label: object.label.clone(),
        object_key: object.key.clone(),
        href: format!(
            "/jira/servicedesk/assets/object-schema/{schema_id}?objectId={}",
            object.id
        ),
    }
}

fn owned(value: Option<&str>) -> Option<String> {
    value.map(str::to_string)
}

pub fn account_of(user: &Found, schema_id: &str) -> AccountView {
    let t = ObjectType::User;
    let status = owned(user.text(name_of(t, "status")));
    AccountView {
        entra_id: user.text(name_of(t, "id")).unwrap_or_default().to_string(),
        display_name: user.label.clone(),
        user_principal_name: owned(user.text(name_of(t, "userPrincipalName"))),
        mail: owned(user.text(name_of(t, "mail"))),
        job_title: owned(user.text(name_of(t, "jobTitle"))),
        department: owned(user.text(name_of(t, "department"))),
        manager: user
            .reference(name_of(t, "managerId"))
            .map(|m| ref_link(schema_id, m)),
        enabled: user.flag(name_of(t, "accountEnabled")),
        user_type: owned(user.text(name_of(t, "userType"))),
        retired: status.as_deref() == Some(RETIRED),
        status,
        last_synced: owned(user.text(name_of(t, crate::model::LAST_SYNCED))),
        link: link(schema_id, &user.type_id, &user.as_ref()),
    }
}

pub fn managed_device_of(device: &Found, schema_id: &str) -> ManagedDeviceView {
    let t = ObjectType::ManagedDevice;
    ManagedDeviceView {
        name: device.label.clone(),
        operating_system: owned(device.text(name_of(t, "operatingSystem"))),
        os_version: owned(device.text(name_of(t, "osVersion"))),
        compliance: owned(device.text(name_of(t, "complianceState"))),
        encrypted: device.flag(name_of(t, "isEncrypted")),
        last_check_in: owned(device.text(name_of(t, "lastSyncDateTime"))),
        serial_number: owned(device.text(name_of(t, "serialNumber"))),
        status: owned(device.text(name_of(t, "status"))),
        entra_device: device
            .reference(name_of(t, "azureADDeviceId"))
            .map(|d| ref_link(schema_id, d)),
        link: link(schema_id, &device.type_id, &device.as_ref()),
    }
}

pub fn entra_device_of(device: &Found, schema_id: &str) -> EntraDeviceView {
    let t = ObjectType::Device;
    EntraDeviceView {
        name: device.label.clone(),
        operating_system: owned(device.text(name_of(t, "operatingSystem"))),
        os_version: owned(device.text(name_of(t, "operatingSystemVersion"))),
        trust_type: owned(device.text(name_of(t, "trustType"))),
        compliant: device.flag(name_of(t, "isCompliant")),
        enabled: device.flag(name_of(t, "accountEnabled")),
        last_sign_in: owned(device.text(name_of(t, "approximateLastSignInDateTime"))),
        status: owned(device.text(name_of(t, "status"))),
        link: link(schema_id, &device.type_id, &device.as_ref()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attribute_the_panel_reads_is_one_the_engine_writes() {
        let used: &[(ObjectType, &[&str])] = &[
            (
                ObjectType::User,
                &[
                    "id",
                    "userPrincipalName",
                    "mail",
                    "jobTitle",
                    "department",
                    "managerId",
                    "accountEnabled",
                    "userType",
                    "status",
                    crate::model::LAST_SYNCED,
                ],
            ),
            (
                ObjectType::ManagedDevice,
                &[
                    "operatingSystem",
                    "osVersion",
                    "complianceState",
                    "isEncrypted",
                    "lastSyncDateTime",
                    "serialNumber",
                    "status",
                    "azureADDeviceId",
                    "userId",
                ],
            ),
            (
                ObjectType::Device,
                &[
                    "operatingSystem",
                    "operatingSystemVersion",
                    "trustType",
                    "isCompliant",
                    "accountEnabled",
                    "approximateLastSignInDateTime",
                    "status",
                ],
            ),
            (
                ObjectType::GroupMembership,
                &["groupId", "memberUserId", "memberGroupId", "status"],
            ),
            (
                ObjectType::LicenceAssignment,
                &["userId", "skuId", "status"],
            ),
        ];
        for (object_type, locators) in used {
            for locator in *locators {
                assert_ne!(
                    name_of(*object_type, locator),
                    "",
                    "{object_type:?} {locator}"
                );
            }
        }
    }
}
