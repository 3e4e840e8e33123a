//! The index's shards, growth, partial loads and stored versions.

use super::*;
use serde_json::json;

use crate::model::{Fingerprint, UserCarry};
use crate::sync::store::{MAX_VALUE_BYTES, MemoryStore};

/// An entry whose carry is a user's manager and licences.
fn entry(n: u64, manager: Option<&str>) -> IndexEntry {
    licensed(n, manager, &[])
}

fn licensed(n: u64, manager: Option<&str>, skus: &[&str]) -> IndexEntry {
    IndexEntry {
        fingerprint: Fingerprint(n),
        carry: UserCarry {
            manager: manager.map(str::to_string),
            skus: skus.iter().map(|s| s.to_string()).collect(),
        }
        .into_carry(),
    }
}

#[test]
fn round_trips_and_grows_shards_under_the_value_limit() {
    let store = MemoryStore::default();
    let mut index = Index::default();
    for n in 0..80_000u64 {
        let carry = (n % 3 == 0).then(|| format!("manager-{n:032}"));
        index.entries.insert(
            format!("{n:08x}-0000-0000-0000-000000000000"),
            entry(n, carry.as_deref()),
        );
    }
    pollster::block_on(index.save(&store, "user")).expect("saved");
    let shards = store.values.borrow()["index:user:meta"]["shards"]
        .as_u64()
        .expect("count");
    assert!(shards > u64::from(INITIAL_SHARDS), "{shards} shards");
    assert!(
        store
            .values
            .borrow()
            .values()
            .all(|v| v.to_string().len() <= MAX_VALUE_BYTES)
    );
    let loaded = pollster::block_on(Index::load(&store, "user")).expect("loaded");
    assert_eq!(loaded, index);
}

#[test]
fn saving_changes_writes_only_the_shards_they_touch() {
    let store = MemoryStore::default();
    let mut index = Index::default();
    for n in 0..1_000u64 {
        index.entries.insert(format!("id-{n}"), entry(n, None));
    }
    pollster::block_on(index.save(&store, "device")).expect("saved");
    let shards = INITIAL_SHARDS;
    let changed_id = "id-7";
    let dirty = shard_of(changed_id, shards);
    let untouched = (dirty + 1) % shards;
    let marker = serde_json::json!({"marker": "0000000000000001"});
    store
        .values
        .borrow_mut()
        .insert(shard_key("device", untouched), marker.clone());
    index.entries.insert(changed_id.into(), entry(99, None));
    let changed = HashSet::from([dirty]);
    pollster::block_on(index.save_changed(&store, "device", Some(&changed))).expect("saved");
    let values = store.values.borrow();
    assert_eq!(
        values[&shard_key("device", untouched)],
        marker,
        "not rewritten"
    );
    let mut dirty_entries = HashMap::new();
    let text = values[&shard_key("device", dirty)]
        .as_str()
        .expect("packed");
    packed::unpack(text, &mut dirty_entries).expect("readable");
    assert_eq!(dirty_entries[changed_id], entry(99, None));
}

#[test]
fn a_part_loads_only_the_shards_of_its_ids_and_saves_back_into_the_whole() {
    let store = MemoryStore::default();
    let mut whole = Index::default();
    for n in 0..2_000u64 {
        whole.entries.insert(format!("id-{n}"), entry(n, None));
    }
    pollster::block_on(whole.save(&store, "user")).expect("saved");
    let mut part =
        pollster::block_on(Index::load_for(&store, "user", ["id-3", "id-4"])).expect("part");
    assert!(
        part.entries.len() < 2_000 / 4,
        "{} loaded",
        part.entries.len()
    );
    assert_eq!(part.entries.get("id-3"), Some(&entry(3, None)));
    assert_eq!(part.total(), 2_000);
    part.entries.remove("id-3");
    part.entries.insert("id-4".into(), entry(44, None));
    let changed = HashSet::from([
        shard_of("id-3", INITIAL_SHARDS),
        shard_of("id-4", INITIAL_SHARDS),
    ]);
    pollster::block_on(part.save_changed(&store, "user", Some(&changed))).expect("saved");
    whole.entries.remove("id-3");
    whole.entries.insert("id-4".into(), entry(44, None));
    let loaded = pollster::block_on(Index::load(&store, "user")).expect("loaded");
    assert_eq!(loaded.entries, whole.entries);
    assert_eq!(loaded.total(), 1_999);
    let again = pollster::block_on(Index::load_for(&store, "user", ["id-9"])).expect("part");
    assert_eq!(again.total(), 1_999, "the count is kept in the meta");

    // A part may not write shards it did not load, nor grow the shard count.
    let elsewhere = HashSet::from([(0..INITIAL_SHARDS)
        .find(|s| !changed.contains(s))
        .expect("another shard")]);
    let error = pollster::block_on(part.save_changed(&store, "user", Some(&elsewhere)))
        .expect_err("not loaded");
    assert!(matches!(error, IndexError::NeedsWhole { .. }), "{error}");
}

#[test]
fn an_absent_index_is_empty_and_a_damaged_one_says_what_happens_next() {
    let store = MemoryStore::default();
    assert!(
        pollster::block_on(Index::load(&store, "user"))
            .expect("empty")
            .entries
            .is_empty()
    );
    store
        .values
        .borrow_mut()
        .insert("index:user:meta".into(), serde_json::json!({"shards": 1}));
    store
        .values
        .borrow_mut()
        .insert("index:user:0".into(), serde_json::json!({"a": 5}));
    let error = pollster::block_on(Index::load(&store, "user")).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("next run reads this object type in full"),
        "{error}"
    );
}

/// Stores an index as version 1 committed it: text entries, and a meta without a version.
async fn store_version_1(store: &MemoryStore, entries: &[(&str, String)], shards: u32) {
    let mut values: Vec<serde_json::Map<String, Value>> = vec![Default::default(); shards as usize];
    for (id, text) in entries {
        values[shard_of(id, shards) as usize].insert(id.to_string(), Value::String(text.clone()));
    }
    for (shard, map) in values.into_iter().enumerate() {
        store
            .set(&shard_key("user", shard as u32), &Value::Object(map))
            .await
            .expect("set");
    }
    let meta = serde_json::json!({ "shards": shards, "entries": entries.len() });
    store.set("index:user:meta", &meta).await.expect("set");
}

#[test]
fn an_index_committed_in_the_old_form_is_read_and_rewritten_whole_in_the_new_one() {
    let store = MemoryStore::default();
    pollster::block_on(async {
        let old: Vec<(String, String)> = (0..200u64)
            .map(|n| {
                let carry = match n % 3 {
                    0 => " boss|sku1,sku2",
                    1 => " boss",
                    _ => "",
                };
                (format!("id-{n}"), format!("{}{carry}", Fingerprint(n)))
            })
            .collect();
        let old: Vec<(&str, String)> = old.iter().map(|(i, t)| (i.as_str(), t.clone())).collect();
        store_version_1(&store, &old, INITIAL_SHARDS).await;
        let index = Index::load(&store, "user").await.expect("readable");
        assert_eq!(
            index.entries["id-0"],
            licensed(0, Some("boss"), &["sku1", "sku2"])
        );
        assert_eq!(index.entries["id-1"], entry(1, Some("boss")));
        assert_eq!(index.entries["id-2"], entry(2, None));

        // A part of it reads the same, but may not save into the old form: the caller saves whole.
        let mut part = Index::load_for(&store, "user", ["id-0"])
            .await
            .expect("readable");
        assert_eq!(part.entries["id-0"], index.entries["id-0"]);
        part.entries.insert("id-0".into(), entry(9, None));
        let changed = HashSet::from([shard_of("id-0", INITIAL_SHARDS)]);
        let error = part
            .save_changed(&store, "user", Some(&changed))
            .await
            .expect_err("old form");
        assert!(matches!(error, IndexError::NeedsWhole { .. }), "{error}");

        // Saving whole rewrites every shard, even with one change.
        index
            .save_changed(&store, "user", Some(&changed))
            .await
            .expect("saved");
        let meta = store
            .get("index:user:meta")
            .await
            .expect("get")
            .expect("meta");
        assert_eq!(meta["version"], INDEX_VERSION);
        assert_eq!(meta["entries"], 200);
        for shard in 0..INITIAL_SHARDS {
            let value = store.get(&shard_key("user", shard)).await.expect("get");
            let Some(Value::String(text)) = value else {
                panic!("shard {shard} is not in the packed form: {value:?}");
            };
            packed::unpack(&text, &mut HashMap::new()).expect("packed entries");
        }
        let stored = store
            .get(&shard_key("user", shard_of("id-0", INITIAL_SHARDS)))
            .await
            .expect("get")
            .expect("shard");
        let mut read = HashMap::new();
        packed::unpack(stored.as_str().expect("text"), &mut read).expect("packed");
        assert_eq!(read["id-0"], licensed(0, Some("boss"), &["sku1", "sku2"]));
        let again = Index::load(&store, "user").await.expect("readable");
        assert_eq!(again.entries, index.entries);
    });
}

#[test]
fn a_damaged_entry_is_reported_by_its_key_and_id() {
    let store = MemoryStore::default();
    pollster::block_on(async {
        store_version_1(&store, &[("id-1", "nothex boss".into())], 1).await;
        let error = Index::load(&store, "user").await.expect_err("damaged");
        let text = error.to_string();
        assert!(text.contains("\"index:user:0\""), "{text}");
        assert!(text.contains("entry for id-1"), "{text}");
        assert!(text.contains("\"nothex\" is not a fingerprint"), "{text}");
        assert!(text.contains("rebuilds the index"), "{text}");
    });
}

#[test]
fn an_index_in_format_2_is_read_and_rewritten_packed() {
    let store = MemoryStore::default();
    pollster::block_on(async {
        let mut index = Index::default();
        let boss = "0a1b2c3d-0000-4fff-8abc-0123456789ab";
        let skus = ["c7df2760-2c81-4ef7-b578-5b5392b571df"];
        for n in 0..300u64 {
            index.entries.insert(
                format!("{n:08x}-0000-4000-8000-000000000000"),
                licensed(n, Some(boss), if n % 2 == 0 { &skus } else { &[] }),
            );
        }
        // Format 2: shards of {id: typed entry}, meta version 2.
        let mut shards: Vec<serde_json::Map<String, Value>> =
            vec![Default::default(); INITIAL_SHARDS as usize];
        for (id, entry) in &index.entries {
            let value = serde_json::to_value(entry).expect("json");
            shards[shard_of(id, INITIAL_SHARDS) as usize].insert(id.clone(), value);
        }
        for (shard, map) in shards.into_iter().enumerate() {
            store
                .set(&shard_key("user", shard as u32), &Value::Object(map))
                .await
                .expect("set");
        }
        let meta = serde_json::json!({"version": 2, "shards": INITIAL_SHARDS, "entries": 300});
        store.set("index:user:meta", &meta).await.expect("set");
        let before: usize = store
            .values
            .borrow()
            .values()
            .map(|v| v.to_string().len())
            .sum();

        let loaded = Index::load(&store, "user").await.expect("format 2 reads");
        assert_eq!(loaded.entries, index.entries);
        loaded.save(&store, "user").await.expect("saved");
        let meta = store
            .get("index:user:meta")
            .await
            .expect("get")
            .expect("meta");
        assert_eq!(meta["version"], 3);
        let after: usize = store
            .values
            .borrow()
            .values()
            .map(|v| v.to_string().len())
            .sum();
        // Users carry a manager and licences: packed, they take under 60 % of their JSON.
        assert!(
            after * 10 < before * 6,
            "packed: {after} bytes where JSON took {before}"
        );
        let again = Index::load(&store, "user").await.expect("format 3 reads");
        assert_eq!(again.entries, index.entries);
    });
}

#[test]
fn a_format_or_shard_count_this_version_does_not_write_is_damage() {
    let store = MemoryStore::default();
    pollster::block_on(async {
        for (meta, detail) in [
            (json!({"version": 99, "shards": 16}), "format 99 is not one"),
            (json!({"version": 0, "shards": 16}), "format 0 is not one"),
            (json!({"version": 3, "shards": 17}), "17 shards"),
            (json!({"version": 3, "shards": 8}), "8 shards"),
            (json!({"version": 1, "shards": 0}), "0 shards"),
        ] {
            store.set("index:user:meta", &meta).await.expect("set");
            let error = Index::load(&store, "user").await.expect_err("damaged");
            let text = error.to_string();
            assert!(matches!(error, IndexError::Damaged { .. }), "{text}");
            assert!(text.contains(detail), "{meta}: {text}");
            assert!(text.contains("\"index:user:meta\""), "{text}");
        }
    });
}

#[test]
fn a_missing_format_3_shard_is_damage_and_salvage_keeps_the_rest() {
    let store = MemoryStore::default();
    pollster::block_on(async {
        let mut index = Index::default();
        for n in 0..200u64 {
            index.entries.insert(format!("id-{n}"), entry(n, None));
        }
        index.save(&store, "user").await.expect("saved");
        store.delete("index:user:5").await.expect("delete");
        store
            .set("index:user:9", &Value::String("%%%".into()))
            .await
            .expect("set");
        let error = Index::load(&store, "user").await.expect_err("damaged");
        assert!(error.to_string().contains("\"index:user:5\""), "{error}");
        assert!(error.to_string().contains("missing"), "{error}");

        let salvaged = Index::salvage(&store, "user").await.expect("salvaged");
        let keys: Vec<&str> = salvaged.damage.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, ["index:user:5", "index:user:9"]);
        assert_eq!(salvaged.previous, INITIAL_SHARDS);
        let lost = |id: &String| [5, 9].contains(&shard_of(id, INITIAL_SHARDS));
        let kept: HashMap<String, IndexEntry> = index
            .entries
            .iter()
            .filter(|(id, _)| !lost(id))
            .map(|(id, e)| (id.clone(), e.clone()))
            .collect();
        assert!(kept.len() < index.entries.len() && !kept.is_empty());
        assert_eq!(salvaged.index.entries, kept, "every sound shard, whole");

        // Saved as rebuilt, the index reads again (the gaps are empty shards now).
        salvaged
            .index
            .save_rebuilt(&store, "user", salvaged.previous)
            .await
            .expect("saved");
        assert_eq!(
            Index::load(&store, "user").await.expect("sound").entries,
            kept
        );
    });
}

#[test]
fn salvage_names_a_damaged_or_lost_meta_and_keeps_nothing() {
    let store = MemoryStore::default();
    pollster::block_on(async {
        let none = Index::salvage(&store, "user").await.expect("salvaged");
        assert!(
            none.damage.is_empty() && none.index.entries.is_empty(),
            "never committed"
        );
        let mut index = Index::default();
        index.entries.insert("a".into(), entry(1, None));
        index.save(&store, "user").await.expect("saved");
        store
            .set("index:user:meta", &json!("nonsense"))
            .await
            .expect("set");
        let salvaged = Index::salvage(&store, "user").await.expect("salvaged");
        assert_eq!(salvaged.damage[0].key, "index:user:meta");
        assert!(salvaged.index.entries.is_empty());
        store.delete("index:user:meta").await.expect("delete");
        let salvaged = Index::salvage(&store, "user").await.expect("salvaged");
        assert_eq!(
            salvaged.damage[0].key, "index:user:meta",
            "shards left without a meta"
        );
        assert!(salvaged.damage[0].detail.contains("missing"));
    });
}
