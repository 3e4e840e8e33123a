//! Delta queries (graph-api.md §5): full first round ending in a deltaLink, exact changes after churn,
//! empty rounds, `latest`, `members@delta`, expiry and reset modes.

mod common;

use std::collections::{BTreeSet, HashMap, HashSet};

use common::{Sim, assert_graph_error, start};
use entra_sync_sim::DeltaResetMode;
use entra_sync_sim::tenant::MemberRef;
use serde_json::Value;

/// Follows a round to its end; returns the items and the deltaLink.
fn round(sim: &Sim, url: &str, token: &str) -> (Vec<Value>, String) {
    let (items, pages) = sim.collect(url, token, &[]);
    let last = pages.last().unwrap();
    for page in &pages[..pages.len() - 1] {
        assert!(page.body.get("@odata.deltaLink").is_none());
        let next = page.body["@odata.nextLink"].as_str().unwrap();
        assert!(next.contains("/delta?$skiptoken="), "{next}");
    }
    let delta = last.body["@odata.deltaLink"].as_str().unwrap().to_string();
    assert!(delta.contains("/delta?$deltatoken="), "{delta}");
    (items, delta)
}

fn split(items: &[Value]) -> (BTreeSet<String>, BTreeSet<(String, String)>) {
    let mut changed = BTreeSet::new();
    let mut removed = BTreeSet::new();
    for item in items {
        let id = item["id"].as_str().unwrap().to_string();
        match item.get("@removed") {
            Some(r) => {
                removed.insert((id, r["reason"].as_str().unwrap().to_string()));
            }
            None => {
                changed.insert(id);
            }
        }
    }
    (changed, removed)
}

#[test]
fn first_round_lists_every_object_once_then_churn_shows_exactly_the_changes() {
    let sim = start();
    let token = sim.fetch_token();
    for (path, kind) in [
        ("/users/delta", "users"),
        ("/devices/delta", "devices"),
        ("/groups/delta", "groups"),
    ] {
        let (items, delta) = round(&sim, &sim.graph_url(path), &token);
        let tenant = sim.tenant();
        let expected: Vec<String> = match kind {
            "users" => tenant.users.iter().map(|u| u.id.clone()).collect(),
            "devices" => tenant.devices.iter().map(|d| d.id.to_string()).collect(),
            _ => tenant.groups.iter().map(|g| g.id.to_string()).collect(),
        };
        let got: Vec<String> = common::ids(&items);
        assert_eq!(got, expected, "{kind}: every object once, in order");

        // Nothing changed: empty page, fresh deltaLink.
        let reply = sim.get(&delta, Some(&token), &[]);
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["value"], Value::Array(vec![]));
        let fresh = reply.body["@odata.deltaLink"].as_str().unwrap();
        assert!(fresh.contains("$deltatoken="));
    }

    let tokens: HashMap<&str, String> = ["/users/delta", "/devices/delta", "/groups/delta"]
        .into_iter()
        .map(|p| (p, round(&sim, &sim.graph_url(p), &token).1))
        .collect();
    let report = sim.server.state().churn(5.0, 11);
    for (path, changes) in [
        ("/users/delta", &report.users),
        ("/devices/delta", &report.devices),
        ("/groups/delta", &report.groups),
    ] {
        let (items, next) = round(&sim, &tokens[path], &token);
        let (changed, removed) = split(&items);
        let expected_changed: BTreeSet<String> =
            changes.changed().iter().map(|id| id.to_string()).collect();
        let expected_removed: BTreeSet<(String, String)> = changes
            .removed
            .iter()
            .map(|(id, r)| (id.to_string(), r.as_str().to_string()))
            .collect();
        assert!(!expected_changed.is_empty(), "{path}");
        assert_eq!(changed, expected_changed, "{path}");
        assert_eq!(removed, expected_removed, "{path}");
        assert_eq!(
            items.len(),
            changed.len() + removed.len(),
            "{path}: each once"
        );
        // And the round after that is empty again.
        let reply = sim.get(&next, Some(&token), &[]);
        assert_eq!(reply.body["value"], Value::Array(vec![]), "{path}");
    }
}

#[test]
fn latest_returns_only_a_delta_link_from_now() {
    let sim = start();
    let token = sim.fetch_token();
    let reply = sim.get(
        &sim.graph_url("/users/delta?$deltatoken=latest"),
        Some(&token),
        &[],
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body["value"], Value::Array(vec![]));
    assert!(reply.body.get("@odata.nextLink").is_none());
    let delta = reply.body["@odata.deltaLink"].as_str().unwrap().to_string();
    let report = sim.server.state().churn(3.0, 5);
    let (items, _) = round(&sim, &delta, &token);
    let (changed, _) = split(&items);
    let expected: BTreeSet<String> = report
        .users
        .changed()
        .iter()
        .map(|id| id.to_string())
        .collect();
    assert_eq!(changed, expected);
}

#[test]
fn select_is_kept_in_the_tokens_and_manager_is_tracked() {
    let sim = start();
    let token = sim.fetch_token();
    let (items, delta) = round(
        &sim,
        &sim.graph_url("/users/delta?$select=displayName,jobTitle,manager"),
        &token,
    );
    let tenant = sim.tenant();
    for (item, user) in items.iter().zip(&tenant.users) {
        let keys: BTreeSet<&str> = item
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            BTreeSet::from(["displayName", "jobTitle", "id", "manager@delta"])
        );
        let manager = user.manager.map(|m| tenant.users[m as usize].id.clone());
        assert_eq!(
            item["manager@delta"]
                .as_array()
                .unwrap()
                .first()
                .map(|m| m["id"].as_str().unwrap().to_string()),
            manager
        );
    }
    sim.server.state().churn(5.0, 3);
    let (items, _) = round(&sim, &delta, &token);
    let live: Vec<&Value> = items
        .iter()
        .filter(|i| i.get("@removed").is_none())
        .collect();
    assert!(!live.is_empty());
    for item in live {
        assert!(item.get("displayName").is_some() && item.get("manager@delta").is_some());
        assert!(item.get("mail").is_none());
    }
    for bad in ["$top=5", "$expand=manager", "$orderby=displayName"] {
        let reply = sim.get(
            &sim.graph_url(&format!("/users/delta?{bad}")),
            Some(&token),
            &[],
        );
        assert_graph_error(&reply, 400, "Request_BadRequest");
    }
}

/// Applies members@delta rounds like a client would and compares with the tenant.
#[test]
fn members_delta_replayed_by_a_client_matches_the_tenant() {
    let sim = start();
    let token = sim.fetch_token();
    let mut local: HashMap<String, HashSet<String>> = HashMap::new();
    let apply = |local: &mut HashMap<String, HashSet<String>>, items: &[Value]| {
        let mut repeats = 0;
        let mut seen = HashSet::new();
        for item in items {
            let id = item["id"].as_str().unwrap().to_string();
            if !seen.insert(id.clone()) {
                repeats += 1;
            }
            if item.get("@removed").is_some() {
                local.remove(&id);
                continue;
            }
            let members = local.entry(id).or_default();
            let chunk = item["members@delta"].as_array().unwrap();
            assert!(chunk.len() <= 20);
            for m in chunk {
                let mid = m["id"].as_str().unwrap().to_string();
                assert!(
                    m["@odata.type"]
                        .as_str()
                        .unwrap()
                        .starts_with("#microsoft.graph.")
                );
                if m.get("@removed").is_some() {
                    members.remove(&mid);
                } else {
                    members.insert(mid);
                }
            }
        }
        repeats
    };
    let (items, mut delta) = round(
        &sim,
        &sim.graph_url("/groups/delta?$select=displayName,members"),
        &token,
    );
    assert!(
        apply(&mut local, &items) > 0,
        "large groups recur across items"
    );
    let mut adds = 0;
    let mut removes = 0;
    for seed in 0..3 {
        let report = sim.server.state().churn(8.0, seed);
        for changes in report.memberships.values() {
            adds += changes.iter().filter(|c| c.1).count();
            removes += changes.iter().filter(|c| !c.1).count();
        }
        let (items, next) = round(&sim, &delta, &token);
        apply(&mut local, &items);
        delta = next;
    }
    assert!(adds > 0 && removes > 0);
    let tenant = sim.tenant();
    let expected: HashMap<String, HashSet<String>> = tenant
        .groups
        .iter()
        .map(|g| {
            let members = g
                .members
                .iter()
                .map(|m| match *m {
                    MemberRef::User(u) => tenant.users[u as usize].id.clone(),
                    MemberRef::Group(x) => tenant.groups[x as usize].id.to_string(),
                    MemberRef::Device(d) => tenant.devices[d as usize].id.to_string(),
                })
                .collect();
            (g.id.to_string(), members)
        })
        .collect();
    assert_eq!(local, expected);
}

#[test]
fn expired_or_garbage_tokens_need_a_full_resync() {
    let sim = start();
    let token = sim.fetch_token();
    let (_, delta) = round(&sim, &sim.graph_url("/devices/delta"), &token);
    let garbage = sim.graph_url("/devices/delta?$deltatoken=not-a-token");
    assert_graph_error(
        &sim.get(&garbage, Some(&token), &[]),
        400,
        "syncStateNotFound",
    );
    assert_eq!(sim.get(&delta, Some(&token), &[]).status, 200);
    sim.server.state().expire_delta_tokens();
    let reply = sim.get(&delta, Some(&token), &[]);
    assert_graph_error(&reply, 400, "syncStateNotFound");
    assert!(
        reply.body["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("The sync state generation is not found")
    );

    sim.server
        .state()
        .set_delta_reset_mode(DeltaResetMode::Gone);
    let reply = sim.get(&delta, Some(&token), &[]);
    assert_graph_error(&reply, 410, "resyncRequired");
    let location = reply.header("location").unwrap().to_string();
    assert_eq!(location, sim.graph_url("/devices/delta"));
    let (items, _) = round(&sim, &location, &token);
    assert_eq!(items.len(), sim.tenant().devices.len());
}

#[test]
fn delta_needs_the_permission_of_the_list() {
    let sim = start();
    sim.server.state().revoke("User.Read.All");
    let token = sim.fetch_token();
    assert_graph_error(
        &sim.get(&sim.graph_url("/users/delta"), Some(&token), &[]),
        403,
        "Authorization_RequestDenied",
    );
    assert_eq!(
        sim.get(&sim.graph_url("/groups/delta"), Some(&token), &[])
            .status,
        200
    );
}

#[test]
fn managed_devices_list_reflects_re_enrolments() {
    let sim = start();
    let token = sim.fetch_token();
    let report = sim.server.state().churn(10.0, 4);
    assert!(!report.managed_devices.re_enrolled.is_empty());
    let (items, _) = sim.collect(
        &sim.graph_url("/deviceManagement/managedDevices"),
        &token,
        &[],
    );
    let listed: HashMap<String, &Value> = items
        .iter()
        .map(|i| (i["id"].as_str().unwrap().to_string(), i))
        .collect();
    for (old, new) in &report.managed_devices.re_enrolled {
        let new_item = listed.get(&new.to_string()).expect("new record listed");
        match listed.get(&old.to_string()) {
            Some(old_item) => {
                assert!(!report.managed_devices.removed.contains(old));
                assert_eq!(old_item["serialNumber"], new_item["serialNumber"]);
            }
            None => assert!(report.managed_devices.removed.contains(old)),
        }
    }
    for id in &report.managed_devices.enrolled {
        assert!(listed.contains_key(&id.to_string()));
    }
}
