//! The requester panel against the in-process simulator after a full sync of the demo tenant: the
//! reporter's own Assets objects (and no one else's) in at most three Assets requests, the access
//! rules (issue visible to the agent, project switched on, sections allowed), a hidden email with
//! search by name, and a reporter outside the directory.

mod support;

use std::collections::BTreeSet;

use entra_sync_core::panel::{
    Outcome, PanelError, PanelRequest, PanelView, Pick, Role, SearchInput, panel_search, panel_view,
};
use entra_sync_core::sync::{Outcome as RunOutcome, StepStatus};
use entra_sync_core::{HttpRequest, HttpResponse, HttpTransport, TransportError};
use entra_sync_sim::Preset;
use serde_json::{Value, json};
use support::World;

/// Jira as a user: the same loopback, marked with the account the runtime would send.
struct AsUser<'a> {
    world: &'a World,
    account: &'static str,
}

impl HttpTransport for AsUser<'_> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.world
            .net
            .send(request.header("x-forge-account-id", self.account))
            .await
    }
}

fn get(world: &World, path: &str) -> Value {
    let response = pollster::block_on(world.net.send(HttpRequest::get(path))).expect("sim");
    serde_json::from_str(&response.body).expect("json")
}

fn synced() -> (World, Value, String) {
    let world = World::new(Preset::Demo, 42);
    let (result, _) = world.run(world.begin(false, false), World::big_budget);
    match result.status {
        StepStatus::Finished(report) => assert_eq!(report.outcome, RunOutcome::Succeeded),
        other => panic!("run did not finish: {other:?}"),
    }
    let site = serde_json::to_value(&*world.server.state().jira()).expect("site");
    let schemas = get(
        &world,
        &format!(
            "/jsm/assets/workspace/{}/v1/objectschema/list",
            world.destination.workspace_id
        ),
    );
    let schema_id = schemas["values"][0]["id"]
        .as_str()
        .expect("a schema")
        .to_string();
    (world, site, schema_id)
}

fn request(world: &World, schema_id: &str, issue: &str, panel: Value) -> PanelRequest {
    serde_json::from_value(json!({
        "panel": panel,
        "destination": {"workspaceId": world.destination.workspace_id, "schemaId": schema_id,
                        "importSourceId": world.destination.import_source_id},
        "issueKey": issue,
    }))
    .expect("request")
}

fn view(world: &World, request: PanelRequest) -> Result<PanelView, PanelError> {
    let agent = AsUser {
        world,
        account: "local-admin",
    };
    pollster::block_on(panel_view(&world.net, &agent, request))
}

fn entra_id_of(site: &Value, issue: &str, field: &str) -> String {
    let account = site["issues"]
        .as_array()
        .and_then(|i| i.iter().find(|i| i["key"] == issue))
        .map(|i| i[field].clone())
        .expect("issue");
    site["accounts"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["accountId"] == account))
        .and_then(|a| a["entraUserId"].as_str())
        .expect("a tenant user")
        .to_string()
}

#[test]
fn the_panel_shows_exactly_the_reporters_objects_and_keeps_its_rules() {
    let (world, site, schema_id) = synced();
    let on = json!({"projects": ["SD"]});
    let tenant = world.server.state().tenant();

    // SD-1: the reporter is a tenant user; everything shown is theirs, in ≤ 3 Assets requests.
    let reporter = entra_id_of(&site, "SD-1", "reporter");
    let u = tenant
        .users
        .iter()
        .position(|x| x.id == reporter)
        .expect("user");
    let shown = view(&world, request(&world, &schema_id, "SD-1", on.clone())).expect("view");
    assert!(
        shown.assets_requests <= 3,
        "{} requests",
        shown.assets_requests
    );
    let person = &shown.people[0];
    assert_eq!(
        (person.role, person.outcome),
        (Role::Reporter, Outcome::Found)
    );
    let account = person.account.as_ref().expect("account");
    assert_eq!(account.entra_id, reporter);
    assert_eq!(account.display_name, tenant.users[u].display_name);
    assert_eq!(account.mail, tenant.users[u].mail);
    assert_eq!(account.enabled, Some(true));
    assert!(account.last_synced.is_some() && !account.retired);
    let expected_devices: BTreeSet<String> = tenant
        .managed_devices
        .iter()
        .filter(|d| d.user == Some(u as u32))
        .map(|d| d.device_name.clone())
        .collect();
    let devices = person.devices.as_ref().expect("devices");
    let shown_devices: BTreeSet<String> = devices.managed.iter().map(|d| d.name.clone()).collect();
    assert!(
        !expected_devices.is_empty(),
        "the demo reporter has devices"
    );
    assert_eq!(shown_devices, expected_devices);
    assert!(devices.managed.iter().all(|d| d.compliance.is_some()));
    let expected_groups: BTreeSet<String> = tenant
        .groups
        .iter()
        .filter(|g| {
            g.members
                .contains(&entra_sync_sim::tenant::MemberRef::User(u as u32))
        })
        .map(|g| g.display_name.clone())
        .collect();
    let groups = person.groups.as_ref().expect("groups");
    assert_eq!(groups.count, expected_groups.len());
    assert!(
        groups
            .first
            .iter()
            .all(|g| expected_groups.contains(&g.link.label))
    );
    assert!(
        groups.first.iter().any(|g| !g.nested_in.is_empty()),
        "a nested group is marked"
    );
    let licences = person.licences.as_ref().expect("licences");
    assert_eq!(licences.len(), tenant.users[u].assigned_licenses.len());
    assert!(
        account
            .link
            .href
            .contains(&format!("object-schema/{schema_id}"))
    );

    // Sections turned off are neither searched nor shown.
    let bare = json!({"projects": ["SD"], "sections": {"devices": false, "groups": false, "licences": false}});
    let shown = view(&world, request(&world, &schema_id, "SD-1", bare)).expect("view");
    let person = &shown.people[0];
    assert!(person.devices.is_none() && person.groups.is_none() && person.licences.is_none());
    assert_eq!(shown.assets_requests, 1);

    // HR is not switched on; an agent who cannot see the issue gets nothing either.
    let refused = view(&world, request(&world, &schema_id, "HR-1", on.clone()));
    assert!(
        matches!(refused, Err(PanelError::ProjectOff { ref project }) if project == "HR"),
        "{refused:?}"
    );
    let stranger = AsUser {
        world: &world,
        account: "someone-else",
    };
    let hidden = pollster::block_on(panel_view(
        &world.net,
        &stranger,
        request(&world, &schema_id, "SD-1", on.clone()),
    ));
    assert!(
        matches!(hidden, Err(PanelError::NotVisible { .. })),
        "{hidden:?}"
    );
    let off = view(&world, request(&world, &schema_id, "SD-1", json!(null)));
    assert!(
        matches!(off, Err(PanelError::ProjectOff { .. })),
        "off until switched on"
    );

    // SD-3: a customer from outside the directory.
    let outsider = view(&world, request(&world, &schema_id, "SD-3", on.clone())).expect("view");
    assert_eq!(outsider.people[0].outcome, Outcome::NotInDirectory);
    assert!(outsider.people[0].account.is_none());
    assert!(
        outsider.people[0]
            .message
            .as_deref()
            .unwrap_or("")
            .contains("pat.visitor@example.org")
    );

    // SD-2: the email is hidden; search by name, then the picked user is shown.
    let hidden_user = entra_id_of(&site, "SD-2", "reporter");
    let shown = view(&world, request(&world, &schema_id, "SD-2", on.clone())).expect("view");
    assert_eq!(shown.people[0].outcome, Outcome::EmailHidden);
    assert!(shown.people[0].can_search && shown.people[0].account.is_none());
    let name = tenant
        .users
        .iter()
        .find(|x| x.id == hidden_user)
        .expect("user")
        .display_name
        .clone();
    let agent = AsUser {
        world: &world,
        account: "local-admin",
    };
    let found = pollster::block_on(panel_search(
        &world.net,
        &agent,
        request(&world, &schema_id, "SD-2", on.clone()),
        SearchInput {
            role: Role::Reporter,
            query: name.clone(),
        },
    ))
    .expect("search");
    assert!(
        found.hits.iter().any(|h| h.entra_user_id == hidden_user),
        "{found:?}"
    );
    let mut picked = request(&world, &schema_id, "SD-2", on.clone());
    picked.pick = Some(Pick {
        role: Role::Reporter,
        entra_user_id: hidden_user.clone(),
    });
    let shown = view(&world, picked).expect("view");
    assert_eq!(
        shown.people[0].account.as_ref().map(|a| a.entra_id.clone()),
        Some(hidden_user)
    );
    // A visible email is matched by it, never searched for or picked.
    let refused = pollster::block_on(panel_search(
        &world.net,
        &agent,
        request(&world, &schema_id, "SD-1", on.clone()),
        SearchInput {
            role: Role::Reporter,
            query: name,
        },
    ));
    assert!(
        matches!(refused, Err(PanelError::SearchNotOffered)),
        "{refused:?}"
    );

    // SD-4: the admin names the affected-user field; both people are shown.
    let with_field = json!({"projects": ["SD"], "affectedUserField": site["affectedUserField"]});
    let shown = view(&world, request(&world, &schema_id, "SD-4", with_field)).expect("view");
    assert_eq!(shown.people.len(), 2);
    assert_eq!(shown.people[1].role, Role::AffectedUser);
    assert_eq!(
        shown.people[1].account.as_ref().map(|a| a.entra_id.clone()),
        Some(entra_id_of(&site, "SD-4", "affectedUser"))
    );
    assert!(
        shown.assets_requests <= 3,
        "{} requests",
        shown.assets_requests
    );
}
