//! `index:<type>:meta`: the shard count, the entry count and the stored form's version.

use super::{IndexError, KvStore};

/// The stored form this code writes: shards of packed entries in base64 text (see `packed`).
/// Version 2 stored shards as JSON objects of typed entries, version 1 as objects of text entries
/// (see `entry`); both are read, and the whole index is rewritten in this form the first time it
/// is saved.
pub const INDEX_VERSION: u32 = 3;

/// Indexes committed before the field existed have no `version` (and perhaps no `entries`): they
/// read as version 1, so installed sites keep their index. A version this code does not know is
/// refused, not guessed at.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Meta {
    #[serde(default = "first_version")]
    pub version: u32,
    pub shards: u32,
    /// Absent in indexes committed by versions that did not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entries: Option<u64>,
}

fn first_version() -> u32 {
    1
}

pub fn meta_key(dataset: &str) -> String {
    format!("index:{dataset}:meta")
}

pub async fn meta(store: &impl KvStore, dataset: &str) -> Result<Option<Meta>, IndexError> {
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
        return Err(IndexError::Newer {
            key,
            found: meta.version,
        });
    }
    Ok(Some(meta))
}
