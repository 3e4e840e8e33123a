//! Commit: after Assets is done, the index of each object type becomes the committed one without
//! what the plan found gone and with every staged entry; then the delta links and the scope.

use std::collections::HashSet;

use serde_json::Value;

use super::super::checkpoint::{Checkpoint, DatasetRun};
use super::super::error::SyncError;
use super::super::index::{Index, IndexEntry, IndexError, shard_of};
use super::super::run::{SCOPE_KEY, delta_key};
use super::super::step::Step;
use super::super::store::KvStore;
use super::alone::committed_scope;
use crate::clock::Clock;
use crate::http::HttpTransport;
use crate::model::ObjectType;

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// A full round streams the staged entries into the whole index, one chunk at a time; a delta
    /// round's few changes go to their shards only.
    pub(in crate::sync) async fn commit(&mut self, cp: &mut Checkpoint) -> Result<(), SyncError> {
        for at in 0..cp.datasets.len() {
            let run: DatasetRun = cp.datasets[at].clone();
            // A data set that failed alone keeps its committed index and deltaLink (`alone.rs`).
            if run.problem.is_some() {
                continue;
            }
            for object_type in run.dataset.object_types().iter().copied() {
                if !run.full && self.commit_delta(cp, at, object_type).await? {
                    continue;
                }
                self.commit_whole(cp, at, object_type).await?;
            }
            if let Some(link) = run.pending_delta_link {
                self.store
                    .set(&delta_key(run.dataset), &Value::String(link))
                    .await?;
            }
        }
        self.store
            .set(SCOPE_KEY, &Value::String(committed_scope(cp)))
            .await?;
        self.cleanup(cp).await;
        Ok(())
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
