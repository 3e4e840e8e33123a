//! Reading an index that may be damaged, keeping what is readable. A shard that cannot be read
//! (or is missing) is left out whole, never in part: its readable prefix might hold ids a damaged
//! byte produced. A meta that cannot be read leaves nothing, as the shard count is unknown.

use std::collections::HashMap;

use super::meta::{meta, meta_key};
use super::{Index, IndexError, KvStore, load_shard, shard_key};

/// One stored value of an index that could not be used, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    pub key: String,
    pub detail: String,
}

/// What [`Index::salvage`] kept.
#[derive(Debug, Default)]
pub struct Salvaged {
    /// The readable entries, as a whole index.
    pub index: Index,
    /// The values left out; empty when the index was sound.
    pub damage: Vec<Damage>,
    /// The stored shard count when the meta was readable (else 0): shards past the count the
    /// rebuilt index needs are removed when it is saved.
    pub previous: u32,
}

impl Index {
    /// The whole index with every damaged value left out and named. Storage errors still fail.
    pub async fn salvage(store: &impl KvStore, dataset: &str) -> Result<Salvaged, IndexError> {
        let mut salvaged = Salvaged::default();
        let meta = match meta(store, dataset).await {
            Ok(Some(meta)) => meta,
            Ok(None) => {
                // Shards are written before their meta, so shards without one are an index whose
                // meta was lost (or whose first commit was cut short): Assets holds its objects.
                if store.get(&shard_key(dataset, 0)).await?.is_some() {
                    salvaged.damage.push(Damage {
                        key: meta_key(dataset),
                        detail: "missing, though its shards are stored".into(),
                    });
                }
                return Ok(salvaged);
            }
            Err(IndexError::Damaged { key, detail }) => {
                salvaged.damage.push(Damage { key, detail });
                return Ok(salvaged);
            }
            Err(error) => return Err(error),
        };
        salvaged.previous = meta.shards;
        let entries = &mut salvaged.index.entries;
        for shard in 0..meta.shards {
            let mut read = HashMap::new();
            match load_shard(store, dataset, shard, meta.version, &mut read).await {
                Ok(()) => entries.extend(read),
                Err(IndexError::Damaged { key, detail }) => {
                    salvaged.damage.push(Damage { key, detail });
                }
                Err(error) => return Err(error),
            }
        }
        Ok(salvaged)
    }
}
