//! Least-privilege permission checks per endpoint (graph-api.md §3): revoking the one permission an
//! endpoint needs yields 403 in the directory's shape, or Intune's own for managed devices;
//! `Directory.Read.All` restores every directory endpoint but not Intune.

mod common;

use common::{Sim, assert_graph_error, start};
use serde_json::Value;

fn paths(sim: &Sim) -> Vec<(&'static str, String)> {
    let tenant = &sim.tenant();
    let group = tenant.groups[0].id;
    let user = &tenant.users[0].id;
    vec![
        ("User.Read.All", "/users".to_string()),
        ("User.Read.All", format!("/users/{user}")),
        ("User.Read.All", format!("/users/{user}?$select=id")),
        ("GroupMember.Read.All", "/groups".to_string()),
        ("GroupMember.Read.All", format!("/groups/{group}/members")),
        (
            "GroupMember.Read.All",
            format!("/groups/{group}/transitiveMembers"),
        ),
        ("Device.Read.All", "/devices".to_string()),
        ("Organization.Read.All", "/subscribedSkus".to_string()),
    ]
}

#[test]
fn each_directory_endpoint_needs_its_permission_or_directory_read_all() {
    let sim = start();
    let state = sim.server.state();
    for (permission, path) in paths(&sim) {
        let url = sim.graph_url(&path);
        assert_eq!(
            sim.get(&url, Some(&sim.fetch_token()), &[]).status,
            200,
            "{path}"
        );
        assert!(state.revoke(permission));
        let reply = sim.get(&url, Some(&sim.fetch_token()), &[]);
        assert_graph_error(&reply, 403, "Authorization_RequestDenied");
        assert_eq!(
            reply.body["error"]["message"],
            "Insufficient privileges to complete the operation."
        );
        state.grant("Directory.Read.All");
        assert_eq!(
            sim.get(&url, Some(&sim.fetch_token()), &[]).status,
            200,
            "Directory.Read.All covers {path}"
        );
        state.revoke("Directory.Read.All");
        state.grant(permission);
    }
}

#[test]
fn managed_devices_fail_with_intunes_own_403() {
    let sim = start();
    let state = sim.server.state();
    let url = sim.graph_url("/deviceManagement/managedDevices");
    state.revoke("DeviceManagementManagedDevices.Read.All");
    state.grant("Directory.Read.All");
    let reply = sim.get(
        &url,
        Some(&sim.fetch_token()),
        &[("client-request-id", "trace-7")],
    );
    assert_eq!(reply.status, 403, "{}", reply.body);
    let error = &reply.body["error"];
    assert_eq!(error["code"], "Forbidden");
    // The message is itself JSON, pretty-printed with CRLF.
    let message = error["message"].as_str().unwrap();
    assert!(message.contains("\r\n"), "{message}");
    let inner: Value = serde_json::from_str(message).expect("message is JSON");
    assert_eq!(inner["_version"], 3);
    assert!(
        inner["Message"]
            .as_str()
            .unwrap()
            .contains("DeviceManagementManagedDevices.Read.All")
    );
    assert_eq!(inner["HttpHeaders"], "{}");
    assert!(inner["RetryAfter"].is_null());
    assert_eq!(
        error["innerError"]["request-id"].as_str(),
        reply.header("request-id")
    );
    assert!(error["innerError"]["date"].is_string());
    assert_eq!(reply.header("client-request-id"), Some("trace-7"));

    state.grant("DeviceManagementManagedDevices.Read.All");
    assert_eq!(sim.get(&url, Some(&sim.fetch_token()), &[]).status, 200);
}

#[test]
fn a_token_without_roles_is_refused_everywhere() {
    let sim = start();
    sim.server.state().revoke_all();
    let token = sim.fetch_token();
    for (_, path) in paths(&sim) {
        let reply = sim.get(&sim.graph_url(&path), Some(&token), &[]);
        assert_graph_error(&reply, 403, "Authorization_RequestDenied");
    }
    let reply = sim.get(
        &sim.graph_url("/deviceManagement/managedDevices"),
        Some(&token),
        &[],
    );
    assert_eq!(reply.status, 403);
    assert_eq!(reply.body["error"]["code"], "Forbidden");
}

/// Every permission Graph documents for a data set's read opens it on its own, the delta round
/// included: a sync may be granted any of them, not only the least privileged.
#[test]
fn every_documented_permission_opens_its_data_set_alone() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &[
                "User.Read.All",
                "User.ReadWrite.All",
                "Directory.Read.All",
                "Directory.ReadWrite.All",
            ],
            &["/users", "/users/delta"],
        ),
        (
            &[
                "GroupMember.Read.All",
                "Group.Read.All",
                "GroupMember.ReadWrite.All",
                "Group.ReadWrite.All",
                "Directory.Read.All",
                "Directory.ReadWrite.All",
            ],
            &["/groups", "/groups/delta"],
        ),
        (
            &[
                "Device.Read.All",
                "Device.ReadWrite.All",
                "Directory.Read.All",
                "Directory.ReadWrite.All",
            ],
            &["/devices", "/devices/delta"],
        ),
        (
            &[
                "DeviceManagementManagedDevices.Read.All",
                "DeviceManagementManagedDevices.ReadWrite.All",
            ],
            &["/deviceManagement/managedDevices"],
        ),
        (
            &[
                "LicenseAssignment.Read.All",
                "Organization.Read.All",
                "Organization.ReadWrite.All",
                "Directory.Read.All",
                "Directory.ReadWrite.All",
            ],
            &["/subscribedSkus"],
        ),
    ];
    let sim = start();
    let state = sim.server.state();
    for (permissions, paths) in cases {
        for permission in *permissions {
            state.revoke_all();
            state.grant(permission);
            let token = sim.fetch_token();
            for path in *paths {
                let reply = sim.get(&sim.graph_url(path), Some(&token), &[]);
                assert_eq!(reply.status, 200, "{permission} {path}: {}", reply.body);
            }
        }
    }
}
