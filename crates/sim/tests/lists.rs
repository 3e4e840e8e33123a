//! Directory lists while the tenant changes: a skip token resumes after the last object it returned
//! (objects removed from earlier pages make no survivor be skipped), and `$expand` caps pages at
//! 100 whatever `$top` asks, as Graph documents for directory objects.

mod common;

use std::collections::{BTreeSet, HashSet};

use common::{ids, start, start_with};
use entra_sync_sim::{Preset, Tenant};
use serde_json::Value;

/// Pages of `url` with `between` run after the first page; the ids of every page's items.
fn pages_with_churn_after_the_first(
    sim: &common::Sim,
    url: &str,
    between: impl FnOnce(),
) -> Vec<String> {
    let token = sim.fetch_token();
    let first = sim.get(url, Some(&token), &[]);
    assert_eq!(first.status, 200, "{}", first.body);
    let mut seen = ids(first.body["value"].as_array().expect("value"));
    between();
    let next = first.body["@odata.nextLink"]
        .as_str()
        .expect("more than one page")
        .to_string();
    let (rest, _) = sim.collect(&next, &token, &[]);
    seen.extend(ids(&rest));
    seen
}

#[test]
fn removals_on_passed_pages_make_no_survivor_be_skipped_or_doubled() {
    for (path, ids_of) in [
        (
            "/devices?$select=id&$top=300",
            (|t: &Tenant| t.devices.iter().map(|d| d.id.to_string()).collect())
                as fn(&Tenant) -> BTreeSet<String>,
        ),
        ("/users?$select=id&$top=300", |t: &Tenant| {
            t.users.iter().map(|u| u.id.clone()).collect()
        }),
        (
            "/deviceManagement/managedDevices?$select=id&$top=300",
            |t: &Tenant| t.managed_devices.iter().map(|m| m.id.to_string()).collect(),
        ),
    ] {
        let sim = start_with(Tenant::generate(Preset::Small, 42));
        let before = ids_of(&sim.tenant());
        let seen = pages_with_churn_after_the_first(&sim, &sim.graph_url(path), || {
            let report = sim.server.state().churn(10.0, 5);
            assert!(!report.devices.removed.is_empty() && !report.users.removed.is_empty());
        });
        let after = ids_of(&sim.tenant());
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "{path}: an object came twice");
        let survivors: Vec<&String> = before.intersection(&after).collect();
        let skipped: Vec<&&String> = survivors
            .iter()
            .filter(|id| !unique.contains(**id))
            .collect();
        assert!(skipped.is_empty(), "{path}: survivors skipped: {skipped:?}");
    }
}

#[test]
fn expand_caps_user_pages_at_100_whatever_top_asks() {
    let sim = start();
    let users = sim.tenant().users.len();
    let (items, pages) = sim.collect(
        &sim.graph_url("/users?$select=id&$expand=manager($select=id)&$top=999"),
        &sim.fetch_token(),
        &[],
    );
    assert_eq!(items.len(), users);
    assert_eq!(pages.len(), users.div_ceil(100));
    assert!(
        pages
            .iter()
            .all(|p| p.body["value"].as_array().map(Vec::len) <= Some(100))
    );
    // Without `$expand` the same list serves 999 a page.
    let (_, pages) = sim.collect(
        &sim.graph_url("/users?$select=id&$top=999"),
        &sim.fetch_token(),
        &[],
    );
    assert_eq!(pages.len(), users.div_ceil(999));
    assert!(
        pages[0]
            .body
            .get("@odata.nextLink")
            .is_none_or(Value::is_string)
    );
}
