//! Installed sites keep their index across the change of its stored form: an index committed in
//! version 1's text form (whole, or only some of its shards) is read by an incremental run, which
//! writes to Assets exactly what it would have written with the index in today's form, and the
//! run leaves the index in today's form.

mod support;

use std::collections::{BTreeMap, HashMap};

use entra_sync_core::model::Carry;
use entra_sync_core::sync::index::{IndexEntry, packed};
use entra_sync_core::sync::{Outcome, RunReport, StepStatus};
use entra_sync_sim::Preset;
use serde_json::Value;
use support::World;

fn finished(world: &World) -> RunReport {
    let (result, _) = world.run(world.begin(false, false), World::big_budget);
    match result.status {
        StepStatus::Finished(report) => {
            assert_eq!(report.outcome, Outcome::Succeeded, "{report:?}");
            *report
        }
        other => panic!("run did not finish: {other:?}"),
    }
}

/// Version 1's text for an entry: `"<fingerprint>[ <carry>]"`.
fn version_1_entry(entry: &IndexEntry) -> Value {
    let fingerprint = entry.fingerprint.to_string();
    let carry = match &entry.carry {
        None => return Value::String(fingerprint),
        Some(Carry::Rank(rank)) => format!("{}|{}", rank.at, rank.id),
        Some(Carry::App(_)) => panic!("version 1 had no applications"),
        Some(Carry::User(user)) => {
            let manager = user.manager.clone().unwrap_or_default();
            if user.skus.is_empty() {
                manager
            } else {
                format!("{manager}|{}", user.skus.join(","))
            }
        }
    };
    Value::String(format!("{fingerprint} {carry}"))
}

/// Turns the committed indexes back into version 1's form: every shard `keep` does not spare
/// holds text entries, and no meta names a version.
fn downgrade(world: &World, keep: impl Fn(u32) -> bool) -> usize {
    let mut values = world.store.values.borrow_mut();
    let mut rewritten = 0;
    for (key, value) in values.iter_mut() {
        let Some(rest) = key.strip_prefix("index:") else {
            continue;
        };
        let Some((object_type, suffix)) = rest.rsplit_once(':') else {
            continue;
        };
        // Types added after version 1 never had an index in its form.
        if ["application", "appCredential", "servicePrincipal"].contains(&object_type) {
            continue;
        }
        if suffix == "meta" {
            value.as_object_mut().expect("meta").remove("version");
            continue;
        }
        let shard: u32 = suffix.parse().expect("shard number");
        let mut entries = HashMap::new();
        packed::unpack(value.as_str().expect("a packed shard"), &mut entries).expect("packed");
        // Spared shards go back to format 2 (typed JSON), the others to format 1 (text).
        let mut old = serde_json::Map::new();
        for (id, entry) in entries {
            let stored = if keep(shard) {
                serde_json::to_value(&entry).expect("json")
            } else {
                if entry.carry.is_some() {
                    rewritten += 1;
                }
                version_1_entry(&entry)
            };
            old.insert(id, stored);
        }
        *value = Value::Object(old);
    }
    rewritten
}

fn indexes(world: &World) -> BTreeMap<String, Value> {
    world
        .store
        .values
        .borrow()
        .iter()
        .filter(|(key, _)| key.starts_with("index:"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Two worlds alike but for the stored form of the index before the second run.
fn compare(keep: impl Fn(u32) -> bool) {
    let today = World::new(Preset::Demo, 11);
    let old = World::new(Preset::Demo, 11);
    for world in [&today, &old] {
        finished(world);
        world.server.state().churn(3.0, 5);
    }
    let rewritten = downgrade(&old, keep);
    assert!(rewritten > 100, "only {rewritten} entries carry something");

    let expected = finished(&today);
    let report = finished(&old);
    assert_eq!(
        report.datasets, expected.datasets,
        "the same work, counted alike"
    );
    assert_eq!(report.tally, expected.tally);
    let written: u64 = report
        .datasets
        .iter()
        .flat_map(|d| d.objects.values())
        .map(|c| c.created + c.updated)
        .sum();
    let unchanged: u64 = report
        .datasets
        .iter()
        .flat_map(|d| d.objects.values())
        .map(|c| c.unchanged)
        .sum();
    assert!(
        written < unchanged / 10,
        "{written} written, {unchanged} unchanged"
    );

    let saved = indexes(&old);
    for (key, value) in &saved {
        if key.ends_with(":meta") {
            assert_eq!(value["version"], 3, "{key} is re-saved in today's form");
        }
    }
    assert_eq!(
        saved,
        indexes(&today),
        "the index is re-saved in today's form"
    );
}

#[test]
fn an_index_in_the_old_text_form_is_read_used_and_re_saved() {
    compare(|_| false);
}

#[test]
fn an_index_with_some_shards_in_the_old_text_form_is_read_used_and_re_saved() {
    compare(|shard| shard % 2 == 0);
}
