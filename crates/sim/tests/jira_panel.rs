//! What the requester panel reads besides Assets: Jira's issue (agents only, 404 for anyone else)
//! and user APIs (no email when profile visibility hides it), a user's memberOf and licenseDetails,
//! Intune devices filtered by primary user, and an account switched off by hand.

mod common;

use common::start;
use serde_json::Value;

fn as_user(account: &str) -> [(&str, &str); 2] {
    [
        ("x-forge-provider", "user"),
        ("x-forge-account-id", account),
    ]
}

#[test]
fn issues_are_for_agents_and_hidden_emails_stay_hidden() {
    let sim = start();
    let site = sim.server.state().jira();
    let url = |path: &str| format!("{}{path}", sim.server.url());
    let issue = sim.get(
        &url("/rest/api/3/issue/SD-1?fields=reporter,project"),
        None,
        &as_user("local-admin"),
    );
    assert_eq!(issue.status, 200, "{}", issue.body);
    let fields = issue.body["fields"].as_object().expect("fields");
    assert_eq!(
        fields.keys().collect::<Vec<_>>(),
        ["project", "reporter"],
        "only the fields asked for"
    );
    assert_eq!(issue.body["fields"]["project"]["key"], "SD");
    let reporter = issue.body["fields"]["reporter"]["accountId"]
        .as_str()
        .expect("reporter");
    assert_eq!(
        sim.get(
            &url("/rest/api/3/issue/SD-1"),
            None,
            &as_user("someone-else")
        )
        .status,
        404,
        "Jira hides an issue the caller may not browse"
    );

    let user = sim.get(
        &url(&format!("/rest/api/3/user?accountId={reporter}")),
        None,
        &[("x-forge-provider", "app")],
    );
    assert_eq!(user.status, 200);
    assert!(
        user.body["emailAddress"]
            .as_str()
            .is_some_and(|e| e.contains('@'))
    );
    let hidden = site
        .issue("SD-2")
        .map(|i| i.reporter.clone())
        .expect("SD-2");
    let user = sim.get(
        &url(&format!("/rest/api/3/user?accountId={hidden}")),
        None,
        &[("x-forge-provider", "app")],
    );
    assert_eq!(user.status, 200);
    assert_eq!(user.body.get("emailAddress"), None);
    assert_eq!(
        sim.get(
            &url("/rest/api/3/user?accountId=nobody"),
            None,
            &[("x-forge-provider", "app")]
        )
        .status,
        404
    );
    assert_eq!(
        sim.get(
            &url("/rest/api/3/user"),
            None,
            &[("x-forge-provider", "app")]
        )
        .status,
        400
    );
}

#[test]
fn one_users_groups_licences_and_devices_and_an_account_switched_off() {
    let sim = start();
    let token = sim.fetch_token();
    let tenant = sim.tenant();
    let site = sim.server.state().jira();
    let id = site
        .accounts
        .iter()
        .find_map(|a| a.entra_user_id.clone())
        .expect("a mirrored user");
    let u = tenant.users.iter().position(|x| x.id == id).expect("user");

    let groups = sim.get(
        &sim.graph_url(&format!("/users/{id}/memberOf?$select=id,displayName")),
        Some(&token),
        &[],
    );
    assert_eq!(groups.status, 200, "{}", groups.body);
    let names: Vec<&str> = groups.body["value"]
        .as_array()
        .expect("value")
        .iter()
        .map(|g| {
            assert_eq!(g["@odata.type"], "#microsoft.graph.group");
            g["displayName"].as_str().expect("name")
        })
        .collect();
    let expected = tenant
        .groups
        .iter()
        .filter(|g| {
            g.members
                .contains(&entra_sync_sim::tenant::MemberRef::User(u as u32))
        })
        .count();
    assert_eq!(names.len(), expected);

    let licences = sim.get(
        &sim.graph_url(&format!("/users/{id}/licenseDetails")),
        Some(&token),
        &[],
    );
    assert_eq!(
        licences.body["value"].as_array().map(Vec::len),
        Some(tenant.users[u].assigned_licenses.len())
    );

    let devices = sim.get(
        &sim.graph_url(&format!(
            "/deviceManagement/managedDevices?$filter=userId%20eq%20'{id}'&$select=id,userId"
        )),
        Some(&token),
        &[],
    );
    assert_eq!(devices.status, 200, "{}", devices.body);
    let items = devices.body["value"].as_array().expect("value");
    assert!(
        !items.is_empty()
            && items
                .iter()
                .all(|d| d["userId"] == Value::String(id.clone()))
    );

    let off = sim
        .server
        .state()
        .update_tenant(|t| t.set_account_enabled(&id, false));
    assert!(off);
    let user = sim.get(
        &sim.graph_url(&format!("/users/{id}?$select=accountEnabled")),
        Some(&token),
        &[],
    );
    assert_eq!(user.body["accountEnabled"], false);
    assert!(
        !sim.server
            .state()
            .update_tenant(|t| t.set_account_enabled("not-a-user", false))
    );
}
