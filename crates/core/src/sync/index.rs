//! The committed index of one object type: object id → fingerprint, plus the entry's carry (state
//! that delta rounds do not repeat: a user's manager and licences, a managed device's rank). Kept in KVS as hash shards, each well under
//! Forge's value limit; the shard count doubles when a shard would grow past it.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::store::{KvStore, MAX_VALUE_BYTES, StoreError};
use crate::model::Fingerprint;

const INITIAL_SHARDS: u32 = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexEntry {
    pub fingerprint: Fingerprint,
    /// State that delta rounds do not repeat (a user's manager and licences, a ranked record's rank).
    pub carry: Option<String>,
}

impl IndexEntry {
    /// The text form kept in shards and staged chunks.
    pub fn encode_stored(&self) -> String {
        self.encode()
    }

    pub fn decode_stored(text: &str) -> Option<Self> {
        Self::decode(text)
    }

    fn encode(&self) -> String {
        match &self.carry {
            Some(carry) => format!("{} {carry}", self.fingerprint),
            None => self.fingerprint.to_string(),
        }
    }

    /// Length of [`IndexEntry::encode`]'s text, without building it.
    fn encoded_len(&self) -> usize {
        16 + self.carry.as_ref().map_or(0, |carry| carry.len() + 1)
    }

    fn decode(text: &str) -> Option<Self> {
        let (fp, carry) = match text.split_once(' ') {
            Some((fp, carry)) => (fp, Some(carry.to_string())),
            None => (text, None),
        };
        Some(IndexEntry {
            fingerprint: fp.parse().ok()?,
            carry,
        })
    }
}

/// Staged chunks hold entries in the same text form as the shards.
impl serde::Serialize for IndexEntry {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> serde::Deserialize<'de> for IndexEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        IndexEntry::decode(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unreadable index entry \"{text}\"")))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "stored index \"{key}\" is damaged ({detail}); run a full resync from the admin page to rebuild it"
    )]
    Damaged { key: String, detail: String },
    /// Internal: a partly loaded index cannot be saved this way; the caller loads it whole.
    #[error("the index \"{key}\" must be loaded whole to be saved")]
    NeedsWhole { key: String },
}

fn meta_key(dataset: &str) -> String {
    format!("index:{dataset}:meta")
}

fn shard_key(dataset: &str, shard: u32) -> String {
    format!("index:{dataset}:{shard}")
}

/// The shard an id lands in while the index keeps `shards` shards.
pub fn shard_of(id: &str, shards: u32) -> u32 {
    (xxhash_rust::xxh3::xxh3_64(id.as_bytes()) % u64::from(shards)) as u32
}

/// The index of one object type, in memory for the duration of a step: whole, or (for a delta
/// round's few changes) only the shards holding the ids that matter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Index {
    pub entries: HashMap<String, IndexEntry>,
    /// `Some` when only these shards were loaded: `entries` is then a part of the index.
    part: Option<Part>,
}

#[derive(Debug, Clone, PartialEq)]
struct Part {
    shards: HashSet<u32>,
    /// The committed index's shard count.
    of: u32,
    /// Entries in the whole committed index, and in the loaded shards, when loaded.
    total: u64,
    loaded: u64,
}

impl Index {
    pub async fn load(store: &impl KvStore, dataset: &str) -> Result<Self, IndexError> {
        let Some(meta) = meta(store, dataset).await? else {
            return Ok(Index::default());
        };
        let mut entries = HashMap::new();
        for shard in 0..meta.shards {
            load_shard(store, dataset, shard, &mut entries).await?;
            if shard == 0 {
                // Hash sharding spreads ids evenly: one shard tells the size, so the map is
                // allocated once instead of doubling (and briefly holding both) as it grows.
                entries.reserve(entries.len() * meta.shards as usize * 9 / 8);
            }
        }
        Ok(Index {
            entries,
            part: None,
        })
    }

    /// Only the shards holding `ids`, when the stored index says how many entries it has in all
    /// (indexes committed before it did are loaded whole). Enough to look those ids up, remove
    /// them, insert them and save, at the cost of a few shards instead of the whole index.
    pub async fn load_for<'a>(
        store: &impl KvStore,
        dataset: &str,
        ids: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, IndexError> {
        let Some(meta) = meta(store, dataset).await? else {
            return Ok(Index::default());
        };
        let Some(total) = meta.entries else {
            return Index::load(store, dataset).await;
        };
        let shards: HashSet<u32> = ids
            .into_iter()
            .map(|id| shard_of(id, meta.shards))
            .collect();
        let mut entries = HashMap::new();
        for shard in &shards {
            load_shard(store, dataset, *shard, &mut entries).await?;
        }
        let loaded = entries.len() as u64;
        Ok(Index {
            entries,
            part: Some(Part {
                shards,
                of: meta.shards,
                total,
                loaded,
            }),
        })
    }

    /// Makes sure a partly loaded index holds the shard `id` falls in (a whole index always does).
    pub async fn ensure(
        &mut self,
        store: &impl KvStore,
        dataset: &str,
        id: &str,
    ) -> Result<(), IndexError> {
        let Some(part) = &mut self.part else {
            return Ok(());
        };
        let shard = shard_of(id, part.of);
        if part.shards.insert(shard) {
            let before = self.entries.len();
            load_shard(store, dataset, shard, &mut self.entries).await?;
            part.loaded += (self.entries.len() - before) as u64;
        }
        Ok(())
    }

    /// Loads the rest of a partly loaded index, for a question about all of it.
    pub async fn ensure_whole(
        &mut self,
        store: &impl KvStore,
        dataset: &str,
    ) -> Result<(), IndexError> {
        if self.part.is_some() {
            *self = Index::load(store, dataset).await?;
        }
        Ok(())
    }

    /// Entries in the whole index (also when only a part is loaded).
    pub fn total(&self) -> u64 {
        match &self.part {
            Some(part) => part.total - part.loaded + self.entries.len() as u64,
            None => self.entries.len() as u64,
        }
    }

    /// How many shards the committed index of this name has (0 when there is none).
    pub async fn shards(store: &impl KvStore, dataset: &str) -> Result<u32, IndexError> {
        Ok(meta(store, dataset).await?.map_or(0, |m| m.shards))
    }

    /// Whether an index of this name was ever committed (even an empty one).
    pub async fn exists(store: &impl KvStore, dataset: &str) -> Result<bool, IndexError> {
        Ok(meta(store, dataset).await?.is_some())
    }

    /// Writes every shard. Idempotent: a redone commit writes the same values again.
    ///
    /// Shards are built one at a time from a list of references, so saving needs little memory
    /// beyond the index itself (a million memberships would otherwise be copied whole).
    pub async fn save(&self, store: &impl KvStore, dataset: &str) -> Result<(), IndexError> {
        self.save_changed(store, dataset, None).await
    }

    /// Like [`Index::save`], but when the shard count stays the same only the shards holding one
    /// of `changed` (ids inserted, updated or removed since loading) are written: an incremental
    /// run touches a handful of a million-entry index's hundreds of shards. A partly loaded index
    /// that would need more shards answers [`IndexError::NeedsWhole`]: load it whole and save that.
    pub async fn save_changed(
        &self,
        store: &impl KvStore,
        dataset: &str,
        changed: Option<&HashSet<u32>>,
    ) -> Result<(), IndexError> {
        let previous = meta(store, dataset).await?.map_or(0, |m| m.shards);
        let mut shards = previous.max(INITIAL_SHARDS);
        let groups = loop {
            let mut groups: Vec<Vec<(&String, &IndexEntry)>> = vec![Vec::new(); shards as usize];
            let mut bytes = vec![2usize; shards as usize];
            for (id, entry) in &self.entries {
                let shard = shard_of(id, shards) as usize;
                // "id":"fingerprint carry", with room for escapes.
                bytes[shard] += id.len() + entry.encoded_len() + 8;
                groups[shard].push((id, entry));
            }
            if bytes.iter().all(|&b| b <= MAX_VALUE_BYTES) {
                break groups;
            }
            shards *= 2;
        };
        if let Some(part) = &self.part {
            if shards != previous {
                return Err(IndexError::NeedsWhole {
                    key: meta_key(dataset),
                });
            }
            // Only loaded shards may be written: the others are not in memory.
            if changed.is_none_or(|c| !c.is_subset(&part.shards)) {
                return Err(IndexError::NeedsWhole {
                    key: meta_key(dataset),
                });
            }
        }
        let only = changed.filter(|_| shards == previous);
        for (shard, group) in groups.into_iter().enumerate() {
            if only.is_some_and(|changed| !changed.contains(&(shard as u32))) {
                continue;
            }
            let map: Map<String, Value> = group
                .into_iter()
                .map(|(id, entry)| (id.clone(), Value::String(entry.encode())))
                .collect();
            store
                .set(&shard_key(dataset, shard as u32), Value::Object(map))
                .await?;
        }
        for stale in shards..previous {
            store.delete(&shard_key(dataset, stale)).await?;
        }
        let meta = Meta {
            version: INDEX_VERSION,
            shards,
            entries: Some(self.total()),
        };
        let value = serde_json::to_value(&meta).map_err(|e| IndexError::Damaged {
            key: meta_key(dataset),
            detail: e.to_string(),
        })?;
        store.set(&meta_key(dataset), value).await?;
        Ok(())
    }
}

async fn load_shard(
    store: &impl KvStore,
    dataset: &str,
    shard: u32,
    entries: &mut HashMap<String, IndexEntry>,
) -> Result<(), IndexError> {
    let key = shard_key(dataset, shard);
    let Some(value) = store.get(&key).await? else {
        return Ok(());
    };
    let Value::Object(object) = value else {
        return Err(IndexError::Damaged {
            key,
            detail: "not an object".into(),
        });
    };
    for (id, entry) in object {
        let entry =
            entry
                .as_str()
                .and_then(IndexEntry::decode)
                .ok_or_else(|| IndexError::Damaged {
                    key: key.clone(),
                    detail: format!("entry for {id} unreadable"),
                })?;
        entries.insert(id, entry);
    }
    Ok(())
}

/// What `index:<type>:meta` holds. Indexes committed before the field existed have no `version`
/// (and perhaps no `entries`): they read as version 1, whose shards hold the same entry text, so
/// installed sites keep their index. A version this code does not know is refused, not guessed at.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Meta {
    #[serde(default = "first_version")]
    version: u32,
    shards: u32,
    /// Absent in indexes committed by versions that did not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    entries: Option<u64>,
}

/// The stored form this code writes: shards of `{id: "<fingerprint hex>[ <carry>]"}`.
const INDEX_VERSION: u32 = 1;

fn first_version() -> u32 {
    1
}

async fn meta(store: &impl KvStore, dataset: &str) -> Result<Option<Meta>, IndexError> {
    let key = meta_key(dataset);
    let Some(value) = store.get(&key).await? else {
        return Ok(None);
    };
    let damaged = |detail: String| IndexError::Damaged {
        key: key.clone(),
        detail,
    };
    let meta: Meta = serde_json::from_value(value).map_err(|e| damaged(e.to_string()))?;
    if !(1..=65_536).contains(&meta.shards) {
        return Err(damaged("no valid shard count".into()));
    }
    if meta.version > INDEX_VERSION {
        return Err(damaged(format!(
            "written in format {} by a newer Entra Sync; this one reads up to {INDEX_VERSION}",
            meta.version
        )));
    }
    Ok(Some(meta))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::store::MemoryStore;

    fn entry(n: u64, carry: Option<&str>) -> IndexEntry {
        IndexEntry {
            fingerprint: Fingerprint(n),
            carry: carry.map(str::to_string),
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
        pollster::block_on(index.save(&store, "users")).expect("saved");
        let shards = store.values.borrow()["index:users:meta"]["shards"]
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
        let loaded = pollster::block_on(Index::load(&store, "users")).expect("loaded");
        assert_eq!(loaded, index);
    }

    #[test]
    fn saving_changes_writes_only_the_shards_they_touch() {
        let store = MemoryStore::default();
        let mut index = Index::default();
        for n in 0..1_000u64 {
            index.entries.insert(format!("id-{n}"), entry(n, None));
        }
        pollster::block_on(index.save(&store, "devices")).expect("saved");
        let shards = INITIAL_SHARDS;
        let changed_id = "id-7";
        let dirty = shard_of(changed_id, shards);
        let untouched = (dirty + 1) % shards;
        let marker = serde_json::json!({"marker": "0000000000000001"});
        store
            .values
            .borrow_mut()
            .insert(shard_key("devices", untouched), marker.clone());
        index.entries.insert(changed_id.into(), entry(99, None));
        let changed = HashSet::from([dirty]);
        pollster::block_on(index.save_changed(&store, "devices", Some(&changed))).expect("saved");
        let values = store.values.borrow();
        assert_eq!(
            values[&shard_key("devices", untouched)],
            marker,
            "not rewritten"
        );
        assert_eq!(
            values[&shard_key("devices", dirty)][changed_id],
            entry(99, None).encode()
        );
    }

    #[test]
    fn a_part_loads_only_the_shards_of_its_ids_and_saves_back_into_the_whole() {
        let store = MemoryStore::default();
        let mut whole = Index::default();
        for n in 0..2_000u64 {
            whole.entries.insert(format!("id-{n}"), entry(n, None));
        }
        pollster::block_on(whole.save(&store, "users")).expect("saved");
        let mut part =
            pollster::block_on(Index::load_for(&store, "users", ["id-3", "id-4"])).expect("part");
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
        pollster::block_on(part.save_changed(&store, "users", Some(&changed))).expect("saved");
        whole.entries.remove("id-3");
        whole.entries.insert("id-4".into(), entry(44, None));
        let loaded = pollster::block_on(Index::load(&store, "users")).expect("loaded");
        assert_eq!(loaded.entries, whole.entries);
        assert_eq!(loaded.total(), 1_999);
        let again = pollster::block_on(Index::load_for(&store, "users", ["id-9"])).expect("part");
        assert_eq!(again.total(), 1_999, "the count is kept in the meta");

        // A part may not write shards it did not load, nor grow the shard count.
        let elsewhere = HashSet::from([(0..INITIAL_SHARDS)
            .find(|s| !changed.contains(s))
            .expect("another shard")]);
        let error = pollster::block_on(part.save_changed(&store, "users", Some(&elsewhere)))
            .expect_err("not loaded");
        assert!(matches!(error, IndexError::NeedsWhole { .. }), "{error}");
    }

    #[test]
    fn an_absent_index_is_empty_and_a_damaged_one_says_how_to_fix_it() {
        let store = MemoryStore::default();
        assert!(
            pollster::block_on(Index::load(&store, "users"))
                .expect("empty")
                .entries
                .is_empty()
        );
        store
            .values
            .borrow_mut()
            .insert("index:users:meta".into(), serde_json::json!({"shards": 1}));
        store
            .values
            .borrow_mut()
            .insert("index:users:0".into(), serde_json::json!({"a": 5}));
        let error = pollster::block_on(Index::load(&store, "users")).unwrap_err();
        assert!(error.to_string().contains("full resync"), "{error}");
    }

    #[test]
    fn an_index_committed_in_the_old_form_is_read_as_it_was() {
        let store = MemoryStore::default();
        pollster::block_on(async {
            // As earlier versions committed it: no version, no entry count, text entries.
            store
                .set("index:user:meta", serde_json::json!({ "shards": 2 }))
                .await
                .expect("set");
            let id = "00000000-0000-0000-0000-000000000001";
            let shard = shard_of(id, 2);
            let text = format!("{} boss|sku1,sku2", Fingerprint(7));
            store
                .set(
                    &format!("index:user:{shard}"),
                    serde_json::json!({ id: text }),
                )
                .await
                .expect("set");
            let index = Index::load(&store, "user").await.expect("readable");
            assert_eq!(index.entries[id], entry(7, Some("boss|sku1,sku2")));
            let part = Index::load_for(&store, "user", [id])
                .await
                .expect("readable");
            assert_eq!(part.entries[id], entry(7, Some("boss|sku1,sku2")));
            index.save(&store, "user").await.expect("saved");
            let meta = store
                .get("index:user:meta")
                .await
                .expect("get")
                .expect("meta");
            assert_eq!(meta["version"], 1);
            assert_eq!(meta["entries"], 1);
        });
    }

    #[test]
    fn an_index_from_a_newer_version_is_refused() {
        let store = MemoryStore::default();
        pollster::block_on(async {
            store
                .set(
                    "index:user:meta",
                    serde_json::json!({ "version": 99, "shards": 16 }),
                )
                .await
                .expect("set");
            let error = Index::load(&store, "user").await.expect_err("refused");
            assert!(error.to_string().contains("newer Entra Sync"), "{error}");
        });
    }
}
