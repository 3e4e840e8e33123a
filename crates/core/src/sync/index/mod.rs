//! The committed index of one object type: object id → fingerprint, plus the entry's carry (state
//! that delta rounds do not repeat: a user's manager and licences, a managed device's rank). Kept
//! in KVS as hash shards, each well under Forge's value limit; the shard count doubles when a
//! shard would grow past it. Format 3 (this one) packs each shard's entries as bytes in base64
//! text (`packed`); formats 1 and 2 stored JSON objects (`entry`), which are read and rewritten
//! whole on the first save. The versions are in `meta`.

mod entry;
mod meta;
pub mod packed;

use std::collections::{HashMap, HashSet};

use serde_json::Value;

pub use entry::{EntryError, IndexEntry};
pub use meta::meta_key;
use meta::{INDEX_VERSION, Meta, meta};

use super::store::{KvStore, MAX_VALUE_BYTES, StoreError};
use crate::model::ObjectType;

const INITIAL_SHARDS: u32 = 16;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored value of the index cannot be read. A run heals it ([`Index::salvage`] and
    /// `sync/heal.rs`); the error only ends a run when the damage appears after its reading.
    #[error(
        "stored index \"{key}\" is damaged ({detail}); the next run reads this object type in full from Microsoft Graph and rebuilds the index, nothing to do"
    )]
    Damaged { key: String, detail: String },
    /// Internal: a partly loaded index cannot be saved this way; the caller loads it whole.
    #[error("the index \"{key}\" must be loaded whole to be saved")]
    NeedsWhole { key: String },
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
    /// The committed index's shard count and format.
    of: u32,
    version: u32,
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
            load_shard(store, dataset, shard, meta.version, &mut entries).await?;
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
            load_shard(store, dataset, *shard, meta.version, &mut entries).await?;
        }
        let loaded = entries.len() as u64;
        Ok(Index {
            entries,
            part: Some(Part {
                shards,
                of: meta.shards,
                version: meta.version,
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
            load_shard(store, dataset, shard, part.version, &mut self.entries).await?;
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
        let (previous, version) = meta(store, dataset)
            .await?
            .map_or((0, INDEX_VERSION), |m| (m.shards, m.version));
        // An index in an older form is rewritten whole, so no shard keeps the old form for long.
        let current = version == INDEX_VERSION;
        self.write(store, dataset, previous, current, changed).await
    }

    /// Writes every shard and a new meta without reading the stored meta: the index as
    /// [`Index::salvage`] rebuilt it. `previous` is the stored shard count if it was readable
    /// (shards past the new count are removed), else 0.
    pub async fn save_rebuilt(
        &self,
        store: &impl KvStore,
        dataset: &str,
        previous: u32,
    ) -> Result<(), IndexError> {
        self.write(store, dataset, previous, true, None).await
    }

    async fn write(
        &self,
        store: &impl KvStore,
        dataset: &str,
        previous: u32,
        current: bool,
        changed: Option<&HashSet<u32>>,
    ) -> Result<(), IndexError> {
        let mut shards = previous.max(INITIAL_SHARDS);
        let groups = loop {
            let mut groups: Vec<Vec<(&String, &IndexEntry)>> = vec![Vec::new(); shards as usize];
            let mut bytes = vec![0usize; shards as usize];
            for (id, entry) in &self.entries {
                let shard = shard_of(id, shards) as usize;
                bytes[shard] += packed::packed_len(id, entry);
                groups[shard].push((id, entry));
            }
            // Base64 makes four characters of three bytes; the quotes are the value's JSON.
            if bytes
                .iter()
                .all(|&b| b.div_ceil(3) * 4 + 2 <= MAX_VALUE_BYTES)
            {
                break groups;
            }
            shards *= 2;
        };
        if let Some(part) = &self.part {
            if shards != previous || !current {
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
        let only = changed.filter(|_| shards == previous && current);
        for (shard, mut group) in groups.into_iter().enumerate() {
            if only.is_some_and(|changed| !changed.contains(&(shard as u32))) {
                continue;
            }
            // In id order, so the same entries always store the same value.
            group.sort_unstable_by(|a, b| a.0.cmp(b.0));
            let text = packed::pack(group);
            store
                .set(&shard_key(dataset, shard as u32), &Value::String(text))
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
        store.set(&meta_key(dataset), &value).await?;
        Ok(())
    }
}

async fn load_shard(
    store: &impl KvStore,
    dataset: &str,
    shard: u32,
    version: u32,
    entries: &mut HashMap<String, IndexEntry>,
) -> Result<(), IndexError> {
    let key = shard_key(dataset, shard);
    let Some(value) = store.get(&key).await? else {
        // Format 3 writes every shard, empty ones too, before its meta: one missing is lost.
        if version == INDEX_VERSION {
            return Err(IndexError::Damaged {
                key,
                detail: "missing, though the index meta counts it".into(),
            });
        }
        return Ok(());
    };
    let object = match value {
        Value::String(text) => {
            return packed::unpack(&text, entries).map_err(|e| IndexError::Damaged {
                key,
                detail: format!("packed entries unreadable: {e}"),
            });
        }
        Value::Object(object) => object,
        _ => {
            return Err(IndexError::Damaged {
                key,
                detail: "neither packed entries nor an object".into(),
            });
        }
    };
    let object_type = object_type_of(dataset, &key)?;
    for (id, entry) in object {
        let entry =
            IndexEntry::from_stored(object_type, entry).map_err(|e| IndexError::Damaged {
                key: key.clone(),
                detail: format!("entry for {id} unreadable: {e}"),
            })?;
        entries.insert(id, entry);
    }
    Ok(())
}

/// The object type an index is named after: its entries' carry is read by it.
fn object_type_of(dataset: &str, key: &str) -> Result<ObjectType, IndexError> {
    serde_json::from_value(Value::String(dataset.to_string())).map_err(|_| IndexError::Damaged {
        key: key.to_string(),
        detail: format!("\"{dataset}\" is not an object type"),
    })
}

mod salvage;
pub use salvage::{Damage, Salvaged};

#[cfg(test)]
mod tests;
