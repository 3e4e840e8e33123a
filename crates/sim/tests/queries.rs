//! Single users, managers, `$expand`, the `$filter` forms the app offers, and `$count`.

mod common;

use common::{assert_graph_error, ids, start};
use entra_sync_sim::tenant::{DeviceOs, UserType};

const EVENTUAL: (&str, &str) = ("ConsistencyLevel", "eventual");

/// Percent-encodes what may not appear raw in a URL (spaces, quotes' neighbours, non-ASCII names).
fn url_safe(path: &str) -> String {
    path.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~/?&=$(),'%:".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn a_user_by_id_or_upn_and_their_manager() {
    let sim = start();
    let tenant = &sim.tenant();
    let token = sim.fetch_token();
    let user = tenant.users.iter().find(|u| u.manager.is_some()).unwrap();
    let manager = &tenant.users[user.manager.unwrap() as usize];

    let reply = sim.get(
        &sim.graph_url(&format!("/users/{}", user.id)),
        Some(&token),
        &[],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["id"], user.id);
    assert!(
        reply.body["@odata.context"]
            .as_str()
            .unwrap()
            .ends_with("#users/$entity")
    );
    assert!(
        reply.body.get("accountEnabled").is_none(),
        "default properties"
    );

    let upn = user.user_principal_name.to_uppercase();
    let reply = sim.get(
        &sim.graph_url(&format!("/users/{upn}?$select=id,accountEnabled")),
        Some(&token),
        &[],
    );
    assert_eq!(reply.body["id"], user.id, "{}", reply.body);
    assert_eq!(reply.body["accountEnabled"], user.account_enabled);

    let reply = sim.get(
        &sim.graph_url(&format!("/users/{}/manager?$select=id", user.id)),
        Some(&token),
        &[],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["id"], manager.id);
    assert_eq!(reply.body["@odata.type"], "#microsoft.graph.user");

    let top = tenant.users.iter().find(|u| u.manager.is_none()).unwrap();
    let reply = sim.get(
        &sim.graph_url(&format!("/users/{}/manager", top.id)),
        Some(&token),
        &[],
    );
    assert_graph_error(&reply, 404, "Request_ResourceNotFound");
    let reply = sim.get(
        &sim.graph_url("/users/00000000-0000-4000-8000-000000000000"),
        Some(&token),
        &[],
    );
    assert_graph_error(&reply, 404, "Request_ResourceNotFound");
}

#[test]
fn users_list_expands_manager_ids_across_pages() {
    let sim = start();
    let tenant = &sim.tenant();
    let (items, pages) = sim.collect(
        &sim.graph_url("/users?$select=id&$expand=manager($select=id)&$top=120"),
        &sim.fetch_token(),
        &[],
    );
    assert_eq!(pages.len(), 3);
    assert_eq!(items.len(), tenant.users.len());
    for (item, user) in items.iter().zip(&tenant.users) {
        match user.manager {
            Some(m) => {
                let manager = &item["manager"];
                assert_eq!(manager["id"], tenant.users[m as usize].id);
                assert_eq!(manager["@odata.type"], "#microsoft.graph.user");
                assert_eq!(manager.as_object().unwrap().len(), 2, "{manager}");
            }
            None => assert!(item.get("manager").is_none()),
        }
    }
    let reply = sim.get(
        &sim.graph_url("/users?$expand=directReports"),
        Some(&sim.fetch_token()),
        &[],
    );
    assert_graph_error(&reply, 400, "Request_BadRequest");
}

#[test]
fn filters_the_app_offers_select_the_right_objects_on_every_page() {
    let sim = start();
    let tenant = &sim.tenant();
    let token = sim.fetch_token();
    let check = |path: &str, expected: Vec<String>| {
        let (items, _) = sim.collect(&sim.graph_url(&url_safe(path)), &token, &[]);
        assert_eq!(ids(&items), expected, "{path}");
    };
    let users = |keep: &dyn Fn(&entra_sync_sim::tenant::User) -> bool| {
        tenant
            .users
            .iter()
            .filter(|u| keep(u))
            .map(|u| u.id.clone())
            .collect::<Vec<_>>()
    };
    check(
        "/users?$filter=accountEnabled%20eq%20true&$top=50",
        users(&|u| u.account_enabled),
    );
    check(
        "/users?$filter=accountEnabled eq false&$top=5",
        users(&|u| !u.account_enabled),
    );
    check(
        "/users?$filter=userType%20eq%20'Guest'&$top=5",
        users(&|u| u.user_type == UserType::Guest),
    );
    check(
        "/users?$filter=userType eq 'member'",
        users(&|u| u.user_type == UserType::Member),
    );
    let prefix = tenant.users[0]
        .display_name
        .chars()
        .take(2)
        .collect::<String>();
    check(
        &format!("/users?$filter=startswith(displayName,'{prefix}')&$top=3"),
        users(&|u| {
            u.display_name
                .to_lowercase()
                .starts_with(&prefix.to_lowercase())
        }),
    );
    check(
        "/devices?$filter=operatingSystem%20eq%20'Windows'",
        tenant
            .devices
            .iter()
            .filter(|d| d.os == DeviceOs::Windows)
            .map(|d| d.id.to_string())
            .collect(),
    );
    check(
        "/groups?$filter=securityEnabled eq true&$top=10",
        tenant
            .groups
            .iter()
            .filter(|g| g.security_enabled())
            .map(|g| g.id.to_string())
            .collect(),
    );

    for unsupported in [
        "/users?$filter=jobTitle%20eq%20'Counsel'",
        "/users?$filter=endswith(mail,'.com')",
        "/users?$filter=accountEnabled%20ne%20true",
        "/devices?$filter=model%20eq%20'Pixel'",
    ] {
        let reply = sim.get(&sim.graph_url(&url_safe(unsupported)), Some(&token), &[]);
        assert_graph_error(&reply, 400, "Request_UnsupportedQuery");
    }
}

#[test]
fn count_needs_consistency_level_eventual() {
    let sim = start();
    let tenant = &sim.tenant();
    let token = sim.fetch_token();

    let reply = sim.get(
        &sim.graph_url("/users?$count=true&$top=100"),
        Some(&token),
        &[EVENTUAL],
    );
    assert_eq!(reply.body["@odata.count"], 300, "{}", reply.body);
    let next = reply.body["@odata.nextLink"].as_str().unwrap();
    let second = sim.get(next, Some(&token), &[EVENTUAL]);
    assert!(second.body.get("@odata.count").is_none(), "first page only");

    let guests = tenant
        .users
        .iter()
        .filter(|u| u.user_type == UserType::Guest)
        .count();
    let reply = sim.get(
        &sim.graph_url(&url_safe("/users?$count=true&$filter=userType eq 'Guest'")),
        Some(&token),
        &[EVENTUAL],
    );
    assert_eq!(reply.body["@odata.count"], guests);
    let reply = sim.get(
        &sim.graph_url("/groups?$count=true"),
        Some(&token),
        &[EVENTUAL],
    );
    assert_eq!(reply.body["@odata.count"], 40);

    // Without the header, $count=true is silently ignored.
    let reply = sim.get(&sim.graph_url("/users?$count=true"), Some(&token), &[]);
    assert_eq!(reply.status, 200);
    assert!(reply.body.get("@odata.count").is_none());

    let mut request = sim.agent.get(&sim.graph_url("/users/$count"));
    request = request
        .header("Authorization", &format!("Bearer {token}"))
        .header("ConsistencyLevel", "eventual");
    let mut response = request.call().unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert_eq!(response.body_mut().read_to_string().unwrap(), "300");

    let reply = sim.get(&sim.graph_url("/users/$count"), Some(&token), &[]);
    assert_graph_error(&reply, 400, "Request_BadRequest");
    assert_eq!(
        reply.body["error"]["message"],
        "$count is not currently supported."
    );
}
