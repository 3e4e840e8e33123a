//! Ranked object types ([`datasets::ranked`]): several Graph records claim one Assets object (a
//! re-enrolled machine's Intune records); only the best-ranked record of the run is written.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::super::checkpoint::{Checkpoint, SAMPLE_SIZE};
use super::super::error::SyncError;
use super::super::index::Index;
use super::super::step::Step;
use super::super::store::KvStore;
use crate::clock::Clock;
use crate::http::HttpTransport;
use crate::model::{Carry, ObjectType, Rank};

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// Keeps, for each object of a ranked type, only the record with the highest rank read in this
    /// run, and settles the type's counts. Returns how many of the data set's chunks still hold
    /// records.
    ///
    /// Why at plan time: the records claiming one object may arrive on any page of any step, and a
    /// later one may outrank a record already staged. While reading, each chunk keeps, per id, the
    /// best rank it saw, also of records that were unchanged and so not staged (their rank is the
    /// committed carry), and at most one record per id. Here the best rank per id over all chunks
    /// is known, and every staged record that does not hold it is removed from its chunk before
    /// anything is written. If the best record was unchanged, all staged records of that id go:
    /// nothing is written. Memory: one rank per object (like the index) plus one chunk at a time.
    ///
    /// Idempotent: only records that cannot win are removed and the ranks stay, so a plan redone
    /// after a killed step decides the same and computes the same counts.
    pub(in crate::sync) async fn resolve_ranked(
        &mut self,
        cp: &mut Checkpoint,
        at: usize,
        object_type: ObjectType,
        index: &Index,
    ) -> Result<u32, SyncError> {
        let (best, sightings) = self.best_ranks(cp, at, object_type).await?;
        let identity = object_type
            .attributes()
            .iter()
            .find(|a| a.identity)
            .map_or("id", |a| a.locator);
        let label = object_type
            .attributes()
            .iter()
            .find(|a| a.label)
            .map_or(identity, |a| a.locator);
        // The first staged record holding the best rank wins (a replayed page may repeat it).
        let mut kept: HashSet<String> = HashSet::new();
        let mut with_records = 0;
        for n in cp.chunks_of(at) {
            let chunk_key = cp.chunk_key(n);
            let mut chunk = self.load_chunk(&chunk_key).await?;
            let Some(part) = chunk.types.get_mut(&object_type) else {
                continue;
            };
            let mut dropped = Vec::new();
            part.records.retain(|record| {
                let Some(id) = record.get(identity).and_then(Value::as_str) else {
                    return true;
                };
                let rank = part
                    .index
                    .get(id)
                    .and_then(|entry| entry.carry.as_ref())
                    .and_then(Carry::as_rank)
                    .cloned()
                    .unwrap_or_default();
                let wins = best.get(id) == Some(&rank) && kept.insert(id.to_string());
                if !wins {
                    dropped.push(id.to_string());
                    return false;
                }
                let list = if index.entries.contains_key(id) {
                    &mut cp.samples.updated
                } else {
                    &mut cp.samples.created
                };
                if list.len() < SAMPLE_SIZE {
                    let name = record.get(label).and_then(Value::as_str).unwrap_or(id);
                    list.push(format!("{}: {name}", object_type.name()));
                }
                true
            });
            if !part.records.is_empty() {
                with_records += 1;
            }
            if dropped.is_empty() {
                continue;
            }
            for id in &dropped {
                part.index.remove(id);
            }
            self.store_staged(&chunk_key, &chunk).await?;
        }
        let counts = cp.datasets[at].counts_of(object_type);
        let known = kept
            .iter()
            .filter(|id| index.entries.contains_key(*id))
            .count() as u64;
        counts.to_create = kept.len() as u64 - known;
        counts.to_update = known;
        counts.unchanged = (best.len() - kept.len()) as u64;
        counts.skipped = sightings.saturating_sub(best.len() as u64);
        Ok(with_records)
    }

    /// The best rank per id over all of the data set's chunks, and how many records were read.
    async fn best_ranks(
        &self,
        cp: &Checkpoint,
        at: usize,
        object_type: ObjectType,
    ) -> Result<(HashMap<String, Rank>, u64), SyncError> {
        let mut best: HashMap<String, Rank> = HashMap::new();
        let mut sightings = 0u64;
        for n in cp.chunks_of(at) {
            let mut chunk = self.load_chunk(&cp.chunk_key(n)).await?;
            let Some(part) = chunk.types.remove(&object_type) else {
                continue;
            };
            sightings += part.sightings;
            for (id, rank) in part.ranks {
                match best.get_mut(&id) {
                    Some(held) if *held >= rank => {}
                    Some(held) => *held = rank,
                    None => {
                        best.insert(id, rank);
                    }
                }
            }
        }
        Ok((best, sightings))
    }
}
