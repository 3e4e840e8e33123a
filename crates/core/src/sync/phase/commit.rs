//! Commit: after Assets is done, the index of each object type becomes the committed one without
//! what the plan found gone and with every staged entry; then the delta links and the scope.

use std::collections::HashSet;

use serde_json::Value;

use super::super::checkpoint::{Checkpoint, Phase};
use super::super::error::SyncError;
use super::super::index::{Index, IndexEntry, IndexError, shard_of};
use super::super::run::{SCOPE_KEY, delta_key};
use super::super::step::Step;
use super::super::store::KvStore;
use super::alone::committed_scope;
use super::plan::type_units;
use crate::clock::Clock;
use crate::http::HttpTransport;
use crate::model::ObjectType;

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// Commits one object type at a time from the `done`th: a full round streams the staged entries
    /// into the whole index, one chunk at a time; a delta round's few changes go to their shards
    /// only. A data set's delta link follows its last type. Each type's commit can be redone (it
    /// applies the same changes to the same index), so a step may end between two types and the
    /// next goes on from there. `false` while types are left.
    pub(in crate::sync) async fn commit(
        &mut self,
        cp: &mut Checkpoint,
        done: u32,
    ) -> Result<bool, SyncError> {
        let units = type_units(cp);
        for (n, &(at, object_type)) in units.iter().enumerate().skip(done as usize) {
            if n > done as usize && !self.has_time(0) {
                return Ok(false);
            }
            if cp.datasets[at].full || !self.commit_delta(cp, at, object_type).await? {
                self.commit_whole(cp, at, object_type).await?;
            }
            let last_of_dataset = units.get(n + 1).is_none_or(|&(next, _)| next != at);
            let run = &cp.datasets[at];
            if let (true, Some(link)) = (last_of_dataset, &run.pending_delta_link) {
                self.store
                    .set(&delta_key(run.dataset), &Value::String(link.clone()))
                    .await?;
            }
            self.units += 1;
            cp.phase = Phase::Commit { done: n as u32 + 1 };
            self.safe_point(cp);
        }
        self.store
            .set(SCOPE_KEY, &Value::String(committed_scope(cp)))
            .await?;
        Ok(true)
    }

    /// Loads the whole index of `object_type`, applies the run's changes, saves the shards they hit.
    async fn commit_whole(
        &mut self,
        cp: &Checkpoint,
        at: usize,
        object_type: ObjectType,
    ) -> Result<(), SyncError> {
        let mut index = Index::load(&self.store, object_type.key()).await?;
        let shards = Index::shards(&self.store, object_type.key()).await?;
        let mut changed = HashSet::new();
        let mut touch = |id: &str| {
            if shards > 0 {
                changed.insert(shard_of(id, shards));
            }
        };
        for id in self.retired_ids(cp, object_type).await? {
            touch(&id);
            index.entries.remove(&id);
        }
        for n in cp.chunks_of(at) {
            let staged = self.staged_entries(cp, n, object_type).await?;
            index.entries.reserve(staged.len());
            for (id, entry) in staged {
                touch(&id);
                index.entries.insert(id, entry);
            }
        }
        index
            .save_changed(&self.store, object_type.key(), Some(&changed))
            .await?;
        Ok(())
    }

    /// A delta round's few changes to one object type's index, applied to just the shards they
    /// fall in. `false` when a shard would outgrow its limit (the index needs more shards) and the
    /// caller must apply them to the whole index.
    async fn commit_delta(
        &mut self,
        cp: &Checkpoint,
        at: usize,
        object_type: ObjectType,
    ) -> Result<bool, SyncError> {
        let key = object_type.key();
        let retired = self.retired_ids(cp, object_type).await?;
        let mut staged = Vec::new();
        for n in cp.chunks_of(at) {
            staged.extend(self.staged_entries(cp, n, object_type).await?);
        }
        let ids = || retired.iter().chain(staged.iter().map(|(id, _)| id));
        let mut index = self.delta_index(object_type).await?;
        for id in ids() {
            index.ensure(&self.store, key, id).await?;
        }
        let shards = Index::shards(&self.store, key).await?;
        let changed: HashSet<u32> = if shards == 0 {
            HashSet::new()
        } else {
            ids().map(|id| shard_of(id, shards)).collect()
        };
        for id in &retired {
            index.entries.remove(id);
        }
        for (id, entry) in staged {
            index.entries.insert(id, entry);
        }
        match index.save_changed(&self.store, key, Some(&changed)).await {
            Ok(()) => Ok(true),
            Err(IndexError::NeedsWhole { .. }) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// Every id the plan found gone for `object_type`.
    async fn retired_ids(
        &self,
        cp: &Checkpoint,
        object_type: ObjectType,
    ) -> Result<Vec<String>, SyncError> {
        let mut ids = Vec::new();
        for n in 0..cp.retire_chunks {
            let list = self.load_retire_list(cp, n).await?;
            if list.object_type == object_type {
                ids.extend(list.ids);
            }
        }
        Ok(ids)
    }

    /// The index entries staged chunk `n` holds for `object_type`.
    async fn staged_entries(
        &self,
        cp: &Checkpoint,
        n: u32,
        object_type: ObjectType,
    ) -> Result<Vec<(String, IndexEntry)>, SyncError> {
        let mut chunk = self.load_chunk(&cp.chunk_key(n)).await?;
        Ok(chunk
            .types
            .remove(&object_type)
            .map(|part| part.index.into_iter().collect())
            .unwrap_or_default())
    }
}
