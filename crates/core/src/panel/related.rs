//! Searches 2 and 3: what references the matched users (Intune devices, memberships, licence
//! assignments), then the Entra devices those devices name and the groups their groups sit in.

use std::collections::{BTreeMap, BTreeSet};

use super::error::PanelError;
use super::objects::{Assets, Found, quoted, quoted_list};
use super::view::{RETIRED, name_of};
use crate::config::PanelSections;
use crate::http::HttpTransport;
use crate::model::ObjectType;

/// Most objects one related-objects search returns; a person with more is shown with "and more".
const RELATED_MAX: usize = 200;

/// Search 2's answer: per user key, their Intune devices, memberships and licence assignments.
#[derive(Default)]
pub(super) struct Related {
    pub(super) devices: BTreeMap<String, Vec<Found>>,
    pub(super) memberships: BTreeMap<String, Vec<Found>>,
    pub(super) licences: BTreeMap<String, Vec<Found>>,
    pub(super) more: bool,
}

pub(super) fn retired(object: &Found, t: ObjectType) -> bool {
    object.text(name_of(t, "status")) == Some(RETIRED)
}

/// Search 2: whatever references the matched users, for the sections the admin allows.
pub(super) async fn related<A: HttpTransport>(
    assets: &Assets<'_, A>,
    keys: &BTreeSet<&str>,
    sections: PanelSections,
) -> Result<Related, PanelError> {
    let list = quoted_list(keys.iter().copied());
    let mut terms = Vec::new();
    let term = |t: ObjectType, locator: &str| {
        format!(
            "(objectType = {} AND {} IN ({list}))",
            quoted(t.name()),
            quoted(name_of(t, locator))
        )
    };
    if sections.devices {
        terms.push(term(ObjectType::ManagedDevice, "userId"));
    }
    if sections.groups {
        terms.push(term(ObjectType::GroupMembership, "memberUserId"));
    }
    if sections.licences {
        terms.push(term(ObjectType::LicenceAssignment, "userId"));
    }
    let mut related = Related::default();
    if keys.is_empty() || terms.is_empty() {
        return Ok(related);
    }
    let page = assets.search(&terms.join(" OR "), RELATED_MAX).await?;
    related.more = page.more;
    for object in page.objects {
        let (t, locator, into) = if object.type_name == ObjectType::ManagedDevice.name() {
            (ObjectType::ManagedDevice, "userId", &mut related.devices)
        } else if object.type_name == ObjectType::GroupMembership.name() {
            (
                ObjectType::GroupMembership,
                "memberUserId",
                &mut related.memberships,
            )
        } else if object.type_name == ObjectType::LicenceAssignment.name() {
            (
                ObjectType::LicenceAssignment,
                "userId",
                &mut related.licences,
            )
        } else {
            continue;
        };
        // A retired membership or assignment is one the person no longer has.
        if t != ObjectType::ManagedDevice && retired(&object, t) {
            continue;
        }
        if let Some(owner) = object.reference(name_of(t, locator)).map(|r| r.key.clone()) {
            into.entry(owner).or_default().push(object);
        }
    }
    Ok(related)
}

/// Search 3's answer: Entra devices by key, and memberships of groups in other groups.
#[derive(Default)]
pub(super) struct Second {
    pub(super) entra_devices: BTreeMap<String, Found>,
    /// Group key → names of the groups it is a member of.
    pub(super) parents: BTreeMap<String, Vec<String>>,
}

/// Search 3: the Entra devices the Intune devices name, and the groups the person's groups are in.
pub(super) async fn second_round<A: HttpTransport>(
    assets: &Assets<'_, A>,
    related: &Related,
    sections: PanelSections,
) -> Result<Second, PanelError> {
    let mt = ObjectType::ManagedDevice;
    let gm = ObjectType::GroupMembership;
    let device_keys: BTreeSet<&str> = related
        .devices
        .values()
        .flatten()
        .filter_map(|d| d.reference(name_of(mt, "azureADDeviceId")))
        .map(|r| r.key.as_str())
        .collect();
    let group_keys: BTreeSet<&str> = related
        .memberships
        .values()
        .flatten()
        .filter_map(|m| m.reference(name_of(gm, "groupId")))
        .map(|r| r.key.as_str())
        .collect();
    let mut terms = Vec::new();
    if sections.devices && !device_keys.is_empty() {
        terms.push(format!(
            "(objectType = {} AND Key IN ({}))",
            quoted(ObjectType::Device.name()),
            quoted_list(device_keys.iter().copied())
        ));
    }
    if sections.groups && !group_keys.is_empty() {
        terms.push(format!(
            "(objectType = {} AND {} IN ({}))",
            quoted(gm.name()),
            quoted(name_of(gm, "memberGroupId")),
            quoted_list(group_keys.iter().copied())
        ));
    }
    let mut second = Second::default();
    if terms.is_empty() {
        return Ok(second);
    }
    for object in assets
        .search(&terms.join(" OR "), RELATED_MAX)
        .await?
        .objects
    {
        if object.type_name == ObjectType::Device.name() {
            second.entra_devices.insert(object.key.clone(), object);
        } else if object.type_name == gm.name() && !retired(&object, gm) {
            let child = object.reference(name_of(gm, "memberGroupId"));
            let parent = object.reference(name_of(gm, "groupId"));
            if let (Some(child), Some(parent)) = (child, parent) {
                second
                    .parents
                    .entry(child.key.clone())
                    .or_default()
                    .push(parent.label.clone());
            }
        }
    }
    Ok(second)
}
