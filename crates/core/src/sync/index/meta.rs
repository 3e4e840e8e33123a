//! `index:<type>:meta`: the shard count, the entry count and the stored form's version.

use super::{IndexError, KvStore};

/// The stored form this code writes: shards of packed entries in base64 text (see `packed`).
/// Version 2 stored shards as JSON objects of typed entries, version 1 as objects of text entries
/// (see `entry`); both are read, and the whole index is rewritten in this form the first time it
/// is saved.
pub const INDEX_VERSION: u32 = 3;

/// Indexes committed before the field existed have no `version` (and perhaps no `entries`): they
/// read as version 1, so installed sites keep their index. A version this code does not know is
/// damage, not guessed at: the index is rebuilt in this code's format (`heal`).
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
    if !(1..=INDEX_VERSION).contains(&meta.version) {
        return Err(damaged(format!(
            "format {} is not one this version reads (1 to {INDEX_VERSION})",
            meta.version
        )));
    }
    if !shard_count_fits(meta.version, meta.shards) {
        return Err(damaged(format!(
            "{} shards is not a shard count Entra Sync writes",
            meta.shards
        )));
    }
    Ok(Some(meta))
}

/// Every version started at 16 shards and doubled, but format 3 is the first whose meta this code
/// can hold to that (older tests and sites may hold any count up to the cap).
fn shard_count_fits(version: u32, shards: u32) -> bool {
    if version == INDEX_VERSION {
        (super::INITIAL_SHARDS..=MAX_SHARDS).contains(&shards) && shards.is_power_of_two()
    } else {
        (1..=MAX_SHARDS).contains(&shards)
    }
}

/// More shards than any index needs (65,536 × 200 KB is 13 GB of entries).
const MAX_SHARDS: u32 = 65_536;
