//! One person's part of the panel, from what the searches found, and the sentence that says why
//! a person is not shown.

use std::collections::BTreeSet;

use super::lookup::Person;
use super::objects::Found;
use super::related::{Related, Second};
use super::view::*;
use crate::config::PanelSections;
use crate::model::ObjectType;

pub(super) fn person_view(
    person: &Person,
    found: Option<&Found>,
    users: &[Found],
    related: &Related,
    second: &Second,
    schema_id: &str,
    sections: PanelSections,
) -> PersonView {
    let mut view = PersonView {
        role: person.jira.role,
        account_id: person.jira.account_id.clone(),
        display_name: person.jira.display_name.clone(),
        outcome: Outcome::Found,
        message: None,
        can_search: person.email.is_none(),
        account: None,
        devices: None,
        groups: None,
        licences: None,
    };
    let Some(user) = found else {
        let (outcome, message) = not_found(person, users);
        view.outcome = outcome;
        view.message = Some(message);
        return view;
    };
    let account = account_of(user, schema_id);
    if account.retired {
        view.message = Some(format!(
            "{} has been deleted from Entra ID; this is what Entra Sync last saw.",
            account.display_name
        ));
    }
    view.account = Some(account);
    let empty = Vec::new();
    if sections.devices {
        let mt = ObjectType::ManagedDevice;
        let devices = related.devices.get(&user.key).unwrap_or(&empty);
        let mut entra_keys = BTreeSet::new();
        let managed = devices
            .iter()
            .map(|d| {
                if let Some(r) = d.reference(name_of(mt, "azureADDeviceId")) {
                    entra_keys.insert(r.key.clone());
                }
                managed_device_of(d, schema_id)
            })
            .collect();
        let entra = entra_keys
            .iter()
            .filter_map(|k| second.entra_devices.get(k))
            .map(|d| entra_device_of(d, schema_id))
            .collect();
        view.devices = Some(DevicesView {
            managed,
            entra,
            more: related.more,
        });
    }
    if sections.groups {
        let gm = ObjectType::GroupMembership;
        let mut groups: Vec<GroupView> = related
            .memberships
            .get(&user.key)
            .unwrap_or(&empty)
            .iter()
            .filter_map(|m| m.reference(name_of(gm, "groupId")))
            .map(|g| GroupView {
                link: ref_link(schema_id, g),
                nested_in: second.parents.get(&g.key).cloned().unwrap_or_default(),
            })
            .collect();
        groups.sort_by(|a, b| {
            a.link
                .label
                .to_lowercase()
                .cmp(&b.link.label.to_lowercase())
        });
        let count = groups.len();
        groups.truncate(FIRST_GROUPS);
        view.groups = Some(GroupsView {
            count,
            first: groups,
            more: related.more || count > FIRST_GROUPS,
        });
    }
    if sections.licences {
        let la = ObjectType::LicenceAssignment;
        let mut licences: Vec<Link> = related
            .licences
            .get(&user.key)
            .unwrap_or(&empty)
            .iter()
            .filter_map(|a| a.reference(name_of(la, "skuId")))
            .map(|l| ref_link(schema_id, l))
            .collect();
        licences.sort_by(|a, b| a.label.cmp(&b.label));
        view.licences = Some(licences);
    }
    view
}

fn not_found(person: &Person, users: &[Found]) -> (Outcome, String) {
    let name = &person.jira.display_name;
    match (&person.email, &person.picked) {
        (_, Some(_)) => (
            Outcome::NotInDirectory,
            "The person you picked is no longer among the users Entra Sync wrote into Assets. Search again.".to_string(),
        ),
        (None, None) => (
            Outcome::EmailHidden,
            format!("{name}'s email address is hidden by their Atlassian profile visibility, so Entra Sync cannot match them to the directory by email. Search the synced directory by name instead."),
        ),
        (Some(email), None) if users.iter().filter(|u| u.text(name_of(ObjectType::User, "mail")).is_some_and(|m| m.eq_ignore_ascii_case(email))).count() > 1 => (
            Outcome::Ambiguous,
            format!("More than one Entra user has the email {email}, so Entra Sync cannot tell which one {name} is. Fix the duplicate address in Entra ID."),
        ),
        (Some(email), None) => (
            Outcome::NotInDirectory,
            format!("No user Entra Sync wrote into Assets has {email} as mail or user principal name. {name} may be from outside your organisation, a guest or user left out by the sync's filter, or new since the last sync."),
        ),
    }
}
