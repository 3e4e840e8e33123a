//! What a run stages in KVS between reading and committing: chunks of import records and index
//! entries, and lists of ids to retire. One serde type per shape, used both to write and to read.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::datasets::Dataset;
use super::index::IndexEntry;
use crate::model::{AssetsObject, LAST_SYNCED, ObjectType};

/// Membership ids are 73 characters: 2,000 of them stay well under the KVS value limit.
pub const RETIRE_IDS_PER_CHUNK: usize = 2_000;

/// Ids of one object type that the plan found gone (`run:<id>:retire:<n>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetireList {
    pub object_type: ObjectType,
    pub ids: Vec<String>,
}

/// One object type's part of a staged chunk.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StagedPart {
    /// Import records, as sent to Assets.
    #[serde(default)]
    pub records: Vec<Value>,
    /// The index entries the commit writes: one per staged record, plus carry-only changes.
    #[serde(default)]
    pub index: HashMap<String, IndexEntry>,
    /// Ids read unchanged in a full round (so not gone).
    #[serde(default)]
    pub seen: Vec<String>,
    /// Ids a delta round reported removed.
    #[serde(default)]
    pub removed: Vec<String>,
    /// Ranked types: the best rank seen per id in this chunk, and how many records were read.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub ranks: HashMap<String, String>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sightings: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl StagedPart {
    /// Every id this part says the run touched (so it is not gone).
    pub fn touched(&self) -> impl Iterator<Item = &String> {
        self.index.keys().chain(&self.seen).chain(self.ranks.keys())
    }

    fn is_empty(&self) -> bool {
        self.records.is_empty()
            && self.index.is_empty()
            && self.seen.is_empty()
            && self.removed.is_empty()
            && self.ranks.is_empty()
    }
}

/// A staged chunk (`run:<id>:chunk:<n>`), about half a KVS value at most.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StagedChunk {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dataset: Option<Dataset>,
    #[serde(default)]
    pub types: HashMap<ObjectType, StagedPart>,
}

/// The chunk being filled while reading one data set.
pub struct ChunkBuffer {
    pub dataset: Dataset,
    types: HashMap<ObjectType, StagedPart>,
    /// Ranked types: where each id's record is in its part's `records`.
    positions: HashMap<(ObjectType, String), usize>,
    /// Estimated size of the chunk as stored.
    pub bytes: usize,
    /// Objects already read in this step (by hash of type and id), kept across flushes: a group
    /// recurs on several items and Graph may replay a change, so each object is counted and staged
    /// once. First occurrence wins, as Assets keeps the first of duplicate ids in an execution; a
    /// repeat in a later step is staged again, which is harmless (same round, same record).
    read: HashSet<u128>,
}

impl ChunkBuffer {
    pub fn new(dataset: Dataset) -> Self {
        ChunkBuffer {
            dataset,
            types: HashMap::new(),
            positions: HashMap::new(),
            bytes: 0,
            read: HashSet::new(),
        }
    }

    /// Whether this is the step's first sight of the object.
    pub fn first(&mut self, object_type: ObjectType, id: &str) -> bool {
        let key = format!("{}\0{id}", object_type.key());
        self.read
            .insert(xxhash_rust::xxh3::xxh3_128(key.as_bytes()))
    }

    pub fn removed(&mut self, object_type: ObjectType, id: String) {
        self.bytes += 48;
        self.part(object_type).removed.push(id);
    }

    pub fn seen(&mut self, object_type: ObjectType, id: String) {
        self.bytes += 48;
        self.part(object_type).seen.push(id);
    }

    fn part(&mut self, object_type: ObjectType) -> &mut StagedPart {
        self.types.entry(object_type).or_default()
    }

    pub fn push(&mut self, object_type: ObjectType, record: Value, id: String, entry: IndexEntry) {
        self.bytes += record.to_string().len() + id.len() + 60;
        let part = self.part(object_type);
        part.index.insert(id, entry);
        part.records.push(record);
    }

    /// Notes a ranked record's rank (staged or not): the chunk keeps the best per id.
    pub fn rank(&mut self, object_type: ObjectType, id: &str, rank: String) {
        self.bytes += id.len() + rank.len() + 8;
        let part = self.part(object_type);
        part.sightings += 1;
        if part.ranks.get(id).is_none_or(|held| *held < rank) {
            part.ranks.insert(id.to_string(), rank);
        }
    }

    /// Stages a ranked record; of two for one id in this chunk, the better ranked stays.
    pub fn push_ranked(
        &mut self,
        object_type: ObjectType,
        record: Value,
        id: String,
        entry: IndexEntry,
    ) {
        let position = (object_type, id);
        if let Some(&at) = self.positions.get(&position) {
            let id = position.1;
            let held = self
                .part(object_type)
                .index
                .get(&id)
                .and_then(|e| e.carry.clone());
            if held >= entry.carry {
                return;
            }
            self.bytes += record.to_string().len();
            let part = self.part(object_type);
            part.records[at] = record;
            part.index.insert(id, entry);
            return;
        }
        let at = self.part(object_type).records.len();
        let id = position.1.clone();
        self.positions.insert(position, at);
        self.push(object_type, record, id, entry);
    }

    /// An index entry whose object is not written (its fingerprint is unchanged).
    pub fn carry_only(&mut self, object_type: ObjectType, id: String, entry: IndexEntry) {
        self.bytes += id.len() + 60;
        self.part(object_type).index.insert(id, entry);
    }

    pub fn has_records(&self) -> bool {
        self.types.values().any(|t| !t.records.is_empty())
    }

    pub fn is_empty(&self) -> bool {
        self.types.values().all(StagedPart::is_empty)
    }

    /// The chunk to store; the buffer starts a new one.
    pub fn take(&mut self) -> StagedChunk {
        self.bytes = 0;
        self.positions.clear();
        StagedChunk {
            dataset: Some(self.dataset),
            types: std::mem::take(&mut self.types),
        }
    }
}

/// An object as an import record, stamped with the run's time.
pub fn import_record(object: &AssetsObject, synced: &Value) -> Value {
    let mut record: Map<String, Value> = object
        .record
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    record.insert(LAST_SYNCED.into(), synced.clone());
    Value::Object(record)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::Fingerprint;

    fn entry(rank: &str) -> IndexEntry {
        IndexEntry {
            fingerprint: Fingerprint(1),
            carry: Some(rank.to_string()),
        }
    }

    #[test]
    fn a_chunk_keeps_the_best_rank_and_one_record_per_ranked_id() {
        let t = ObjectType::ManagedDevice;
        let mut buffer = ChunkBuffer::new(Dataset::ManagedDevices);
        let mut stage = |id: &str, rank: &str, v: &str| {
            buffer.rank(t, id, rank.into());
            buffer.push_ranked(t, json!({ "v": v }), id.into(), entry(rank));
        };
        stage("serial:A", "2025-01-02|x", "new");
        stage("serial:A", "2024-01-01|y", "old");
        stage("serial:B", "2024-01-01|p", "b-old");
        stage("serial:B", "2025-01-01|q", "b-new");
        let chunk = serde_json::to_value(buffer.take()).expect("serialisable");
        let part = &chunk["types"]["managedDevice"];
        assert_eq!(part["records"], json!([{"v": "new"}, {"v": "b-new"}]));
        assert_eq!(part["ranks"]["serial:A"], "2025-01-02|x");
        assert_eq!(part["ranks"]["serial:B"], "2025-01-01|q");
        assert_eq!(part["sightings"], 4);
        let staged: StagedChunk = serde_json::from_value(chunk).expect("readable");
        let part = &staged.types[&t];
        assert_eq!(part.index["serial:B"], entry("2025-01-01|q"));
    }

    #[test]
    fn a_chunk_reads_back_as_written() {
        let mut buffer = ChunkBuffer::new(Dataset::Users);
        buffer.push(
            ObjectType::User,
            json!({"id": "u1"}),
            "u1".into(),
            entry("m"),
        );
        buffer.seen(ObjectType::User, "u2".into());
        buffer.removed(ObjectType::LicenceAssignment, "u3:s".into());
        let chunk = buffer.take();
        let stored = serde_json::to_value(&chunk).expect("serialisable");
        assert_eq!(stored["dataset"], "users");
        assert!(stored["types"]["user"].get("ranks").is_none());
        let read: StagedChunk = serde_json::from_value(stored).expect("readable");
        assert_eq!(read, chunk);
        assert!(buffer.is_empty());
    }

    #[test]
    fn a_chunk_with_an_unknown_type_or_entry_is_refused() {
        let unknown = json!({"types": {"printer": {}}});
        assert!(serde_json::from_value::<StagedChunk>(unknown).is_err());
        let bad = json!({"types": {"user": {"index": {"u1": "not a fingerprint"}}}});
        assert!(serde_json::from_value::<StagedChunk>(bad).is_err());
    }
}
