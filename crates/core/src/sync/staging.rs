//! What a run stages in KVS between reading and committing: chunks of index entries (and the
//! records of ranked types, whose winner is decided at plan time), and lists of ids to retire. One
//! serde type per shape, used both to write and to read.

use std::collections::{HashMap, HashSet};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::datasets::Dataset;
use super::index::IndexEntry;
use super::index::packed;
use crate::model::{AssetsObject, Carry, LAST_SYNCED, ObjectType, Rank};

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
    /// Import records of ranked types, as sent to Assets (other records are sent as they are read;
    /// chunks staged before that still hold theirs and are sent by the write phase).
    #[serde(default)]
    pub records: Vec<Value>,
    /// The index entries the commit writes: one per changed object, plus carry-only changes.
    /// Stored packed, as the committed index is (chunks staged before were JSON objects).
    #[serde(default, serialize_with = "packed_entries")]
    pub index: HashMap<String, IndexEntry>,
    /// Ids read unchanged in a full round (so not gone). Stored packed.
    #[serde(default, with = "packed_ids")]
    pub seen: Vec<String>,
    /// Ids a delta round reported removed. Stored packed.
    #[serde(default, with = "packed_ids")]
    pub removed: Vec<String>,
    /// Ranked types: the best rank seen per id in this chunk, and how many records were read.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub ranks: HashMap<String, Rank>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub sightings: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn packed_entries<S: serde::Serializer>(
    index: &HashMap<String, IndexEntry>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&packed::pack(index))
}

/// A list of ids, packed; read also as the JSON list chunks staged before held.
mod packed_ids {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::packed;

    pub fn serialize<S: Serializer>(ids: &[String], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&packed::pack_ids(ids))
    }

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Packed(String),
        List(Vec<String>),
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<String>, D::Error> {
        match Stored::deserialize(deserializer)? {
            Stored::List(ids) => Ok(ids),
            Stored::Packed(text) => packed::unpack_ids(&text).map_err(D::Error::custom),
        }
    }
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
    #[serde(default, deserialize_with = "read_types")]
    pub types: HashMap<ObjectType, StagedPart>,
}

/// Chunks staged by version 1 hold index entries and ranks as text, which only the object type
/// tells how to read: a run under way when the app is upgraded reads them on.
fn read_types<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<HashMap<ObjectType, StagedPart>, D::Error> {
    let raw = HashMap::<ObjectType, Map<String, Value>>::deserialize(deserializer)?;
    let mut types = HashMap::with_capacity(raw.len());
    for (object_type, mut fields) in raw {
        let index = fields.remove("index");
        let ranks = fields.remove("ranks");
        let mut part: StagedPart =
            serde_json::from_value(Value::Object(fields)).map_err(D::Error::custom)?;
        let index = match index {
            Some(Value::String(text)) => {
                packed::unpack(&text, &mut part.index)
                    .map_err(|e| D::Error::custom(format!("staged index entries: {e}")))?;
                None
            }
            other => other,
        };
        for (id, value) in objects(index).map_err(D::Error::custom)? {
            let entry = IndexEntry::from_stored(object_type, value)
                .map_err(|e| D::Error::custom(format!("staged index entry {id}: {e}")))?;
            part.index.insert(id, entry);
        }
        for (id, value) in objects(ranks).map_err(D::Error::custom)? {
            let rank = match value {
                Value::String(text) => Rank::from_legacy(&text),
                value => serde_json::from_value(value)
                    .map_err(|e| D::Error::custom(format!("staged rank of {id}: {e}")))?,
            };
            part.ranks.insert(id, rank);
        }
        types.insert(object_type, part);
    }
    Ok(types)
}

fn objects(value: Option<Value>) -> Result<Map<String, Value>, &'static str> {
    match value {
        None => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err("a staged index or rank list is not an object"),
    }
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
    pub fn rank(&mut self, object_type: ObjectType, id: &str, rank: Rank) {
        self.bytes += id.len() + rank.at.len() + rank.id.len() + 12;
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
            let rank = |entry: Option<&IndexEntry>| {
                entry
                    .and_then(|e| e.carry.as_ref())
                    .and_then(Carry::as_rank)
                    .cloned()
            };
            if rank(self.part(object_type).index.get(&id)) >= rank(Some(&entry)) {
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

    /// An index entry for the commit: of an object sent to Assets, or one whose carry alone changed.
    pub fn entry(&mut self, object_type: ObjectType, id: String, entry: IndexEntry) {
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
    use crate::model::{Fingerprint, UserCarry};

    fn rank(text: &str) -> Rank {
        Rank::from_legacy(text)
    }

    fn entry(text: &str) -> IndexEntry {
        IndexEntry {
            fingerprint: Fingerprint(1),
            carry: Some(Carry::Rank(rank(text))),
        }
    }

    #[test]
    fn a_chunk_keeps_the_best_rank_and_one_record_per_ranked_id() {
        let t = ObjectType::ManagedDevice;
        let mut buffer = ChunkBuffer::new(Dataset::ManagedDevices);
        let mut stage = |id: &str, text: &str, v: &str| {
            buffer.rank(t, id, rank(text));
            buffer.push_ranked(t, json!({ "v": v }), id.into(), entry(text));
        };
        stage("serial:A", "2025-01-02|x", "new");
        stage("serial:A", "2024-01-01|y", "old");
        stage("serial:B", "2024-01-01|p", "b-old");
        stage("serial:B", "2025-01-01|q", "b-new");
        let chunk = serde_json::to_value(buffer.take()).expect("serialisable");
        let part = &chunk["types"]["managedDevice"];
        assert_eq!(part["records"], json!([{"v": "new"}, {"v": "b-new"}]));
        assert_eq!(part["ranks"]["serial:A"], json!(["2025-01-02", "x"]));
        assert_eq!(part["ranks"]["serial:B"], json!(["2025-01-01", "q"]));
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
            IndexEntry {
                fingerprint: Fingerprint(2),
                carry: Carry::User(UserCarry {
                    manager: Some("m".into()),
                    skus: vec!["s".into()],
                })
                .into(),
            },
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

    #[test]
    fn a_chunk_staged_by_version_1_reads_as_typed() {
        let old = json!({"dataset": "users", "types": {
            "user": {"records": [], "index": {"u1": "0000000000000002 m|s"}},
            "managedDevice": {"ranks": {"serial:A": "2025-01-02|x"}, "sightings": 1},
        }});
        let read: StagedChunk = serde_json::from_value(old).expect("readable");
        let user = &read.types[&ObjectType::User].index["u1"];
        assert_eq!(
            user.carry,
            Some(Carry::User(UserCarry {
                manager: Some("m".into()),
                skus: vec!["s".into()],
            }))
        );
        assert_eq!(
            read.types[&ObjectType::ManagedDevice].ranks["serial:A"],
            rank("2025-01-02|x")
        );
    }
}
