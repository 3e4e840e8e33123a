//! Plan: what is gone, per object type, staged as retire lists; and whether the mass-deletion guard
//! must stop the run for confirmation.
//!
//! Memory: the committed index of one object type and one staged chunk at a time. Every id the run
//! touched (staged, or seen unchanged in a full round) is struck from the loaded index; what remains
//! is what a full round did not see, and what a delta round's removals still hit.

use std::collections::HashSet;

use super::super::checkpoint::{Checkpoint, Phase, Planning, SAMPLE_SIZE, Trip};
use super::super::datasets;
use super::super::error::SyncError;
use super::super::guard::{GuardQuestion, shorten};
use super::super::index::Index;
use super::super::staging::{RETIRE_IDS_PER_CHUNK, RetireList, StagedChunk};
use super::super::step::Step;
use super::super::store::KvStore;
use crate::clock::Clock;
use crate::http::HttpTransport;
use crate::model::ObjectType;

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// Works out what is gone and stages the retire lists, one object type at a time from the
    /// `done`th: each type's lists are stored before the next is planned, so a step may end between
    /// two types (the budget, or the KVS quota) and the next step goes on from there. `false` while
    /// types are left. At the end, when the mass-deletion guard must stop the run, `cp.trip` holds
    /// everything the run would remove and the threshold of the type that tripped it, and
    /// `cp.question` what to ask (per type, with names).
    pub(in crate::sync) async fn plan(
        &mut self,
        cp: &mut Checkpoint,
        done: u32,
    ) -> Result<bool, SyncError> {
        // Findings lost (a checkpoint from before this format): plan again from the first type.
        let done = if cp.planning.is_none() { 0 } else { done };
        if done == 0 {
            cp.retire_chunks = 0;
            cp.planning = Some(Planning {
                question: GuardQuestion::new(cp.guard.policy),
                asked: Vec::new(),
                trip: None,
            });
        }
        let units = type_units(cp);
        for (n, &(at, object_type)) in units.iter().enumerate().skip(done as usize) {
            if n > done as usize && !self.has_time(0) {
                return Ok(false);
            }
            self.plan_type(cp, at, object_type).await?;
            self.units += 1;
            cp.phase = Phase::Plan { done: n as u32 + 1 };
            self.safe_point(cp);
        }
        if cp.dry_run {
            self.cleanup(cp).await;
        }
        let Some(Planning {
            mut question,
            asked,
            trip,
        }) = cp.planning.take()
        else {
            return Ok(true);
        };
        let Some(Trip { threshold, .. }) = trip else {
            cp.trip = None;
            return Ok(true);
        };
        if !cp.dry_run {
            self.name_samples(&mut question, &asked).await?;
        }
        cp.trip = (!cp.dry_run).then_some(Trip {
            retire: question.total,
            threshold,
        });
        cp.question = Some(question);
        Ok(true)
    }

    /// Plans one object type: its removals, its count and samples, its retire lists.
    async fn plan_type(
        &mut self,
        cp: &mut Checkpoint,
        at: usize,
        object_type: ObjectType,
    ) -> Result<(), SyncError> {
        let (gone, committed) = if cp.datasets[at].full || datasets::ranked(object_type) {
            self.gone_in_full_round(cp, at, object_type).await?
        } else {
            self.gone_in_delta_round(cp, at, object_type).await?
        };
        cp.datasets[at].counts_of(object_type).to_retire = gone.len() as u64;
        let room = SAMPLE_SIZE.saturating_sub(cp.samples.retired.len());
        for id in gone.iter().take(room) {
            cp.samples
                .retired
                .push(format!("{}: {id}", object_type.name()));
        }
        let threshold = cp.guard.threshold(committed);
        let count = gone.len() as u64;
        for ids in gone.chunks(RETIRE_IDS_PER_CHUNK) {
            let list = RetireList {
                object_type,
                ids: ids.to_vec(),
            };
            self.store_staged(&cp.retire_key(cp.retire_chunks), &list)
                .await?;
            cp.retire_chunks += 1;
        }
        if let Some(planning) = cp.planning.as_mut() {
            if count > 0 {
                planning
                    .question
                    .add(object_type.key(), object_type.name(), count, &gone);
                planning.asked.push(object_type);
            }
            if count > threshold && planning.trip.is_none_or(|t| count > t.retire) {
                planning.trip = Some(Trip {
                    retire: count,
                    threshold,
                });
            }
        }
        Ok(())
    }

    /// Replaces the sample ids of the question by the objects' names in Assets (one AQL query per
    /// type); an id Assets does not name stays as it is.
    async fn name_samples(
        &self,
        question: &mut GuardQuestion,
        asked: &[ObjectType],
    ) -> Result<(), SyncError> {
        let client = self.assets_client();
        for (removal, object_type) in question.types.iter_mut().zip(asked) {
            let labels = client
                .labels(
                    object_type.name(),
                    object_type.identity_name(),
                    &removal.samples,
                )
                .await?;
            for sample in &mut removal.samples {
                if let Some(label) = labels.get(&sample.to_ascii_lowercase()) {
                    *sample = shorten(label);
                }
            }
        }
        Ok(())
    }

    pub(in crate::sync) async fn load_chunk(&self, key: &str) -> Result<StagedChunk, SyncError> {
        self.load_staged(key).await
    }

    /// What a full round did not see, or a removal hit: the whole index is loaded and every id the
    /// run touched is struck from it. Also the number of committed objects of the type.
    async fn gone_in_full_round(
        &mut self,
        cp: &mut Checkpoint,
        at: usize,
        object_type: ObjectType,
    ) -> Result<(Vec<String>, u64), SyncError> {
        let mut index = Index::load(&self.store, object_type.key()).await?;
        let committed = index.entries.len() as u64;
        // Nothing committed, nothing gone (a first sync): the staged chunks need not be read.
        if committed == 0 && !datasets::ranked(object_type) {
            return Ok((Vec::new(), 0));
        }
        if datasets::ranked(object_type) {
            let records = self.resolve_ranked(cp, at, object_type, &index).await?;
            let run = &mut cp.datasets[at];
            cp.record_chunks = cp.record_chunks - run.record_chunks.min(cp.record_chunks) + records;
            run.record_chunks = records;
        }
        let mut removed = Vec::new();
        for n in cp.chunks_of(at) {
            let mut chunk = self.load_chunk(&cp.chunk_key(n)).await?;
            let Some(part) = chunk.types.remove(&object_type) else {
                continue;
            };
            for id in part.touched() {
                index.entries.remove(id);
            }
            removed.extend(part.removed);
        }
        let mut gone: Vec<String> = removed
            .into_iter()
            .filter(|id| index.entries.remove(id).is_some())
            .collect();
        if cp.datasets[at].full {
            gone.extend(index.entries.into_keys());
        }
        gone.sort_unstable();
        Ok((gone, committed))
    }

    /// A delta round's removals that hit a committed object the round did not also write: only
    /// the index shards holding the removed ids are loaded.
    async fn gone_in_delta_round(
        &mut self,
        cp: &Checkpoint,
        at: usize,
        object_type: ObjectType,
    ) -> Result<(Vec<String>, u64), SyncError> {
        let mut touched = HashSet::new();
        let mut removed = Vec::new();
        for n in cp.chunks_of(at) {
            let mut chunk = self.load_chunk(&cp.chunk_key(n)).await?;
            let Some(part) = chunk.types.remove(&object_type) else {
                continue;
            };
            touched.extend(part.touched().cloned());
            removed.extend(part.removed);
        }
        let mut index = self.delta_index(object_type).await?;
        for id in &removed {
            index.ensure(&self.store, object_type.key(), id).await?;
        }
        let mut gone: Vec<String> = removed
            .into_iter()
            .filter(|id| !touched.contains(id) && index.entries.contains_key(id))
            .collect();
        gone.sort_unstable();
        gone.dedup();
        let total = index.total();
        self.indexes.insert(object_type, index);
        Ok((gone, total))
    }
}

/// The run's object types in the order plan and commit go over them: by data set, then as each
/// data set lists them.
pub(in crate::sync) fn type_units(cp: &Checkpoint) -> Vec<(usize, ObjectType)> {
    cp.datasets
        .iter()
        .enumerate()
        // A data set that failed alone retires and commits nothing (`alone.rs`).
        .filter(|(_, run)| run.problem.is_none())
        .flat_map(|(at, run)| {
            run.dataset
                .object_types()
                .iter()
                .map(move |object_type| (at, *object_type))
        })
        .collect()
}
