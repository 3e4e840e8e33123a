//! Self-healing of the committed index. A stored index value the engine cannot use (a shard that
//! does not decode or is missing, a meta of the wrong shape, format or shard count) is dropped
//! with a warning naming its key, and the object type is rebuilt from Graph in a full round of its
//! data set (its delta link is dropped first, so a run that stops early leaves the next one reading
//! in full too).
//!
//! What the damaged value held is unknown, and a full round retires only what the index knows and
//! Graph no longer lists: so, before the round, the objects of the type that Assets holds (not
//! retired) and the index lost are taken back from Assets as entries of unknown state
//! ([`IndexEntry::unknown`]). The round then writes again those Entra still has and retires the
//! rest, on the strength of Graph and Assets, never of the damage. The rebuilt index is saved at
//! once, in full: a step redone after a crash finds either the damage again (and heals again) or
//! the rebuilt index.

use std::collections::hash_map::Entry;

use super::assets::AssetsError;
use super::checkpoint::{Checkpoint, Counts};
use super::error::SyncError;
use super::index::{Damage, Index, IndexEntry, IndexError, Salvaged};
use super::run::delta_key;
use super::step::Step;
use super::store::KvStore;
use crate::clock::Clock;
use crate::http::HttpTransport;
use crate::model::ObjectType;

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// The whole committed index of `object_type` for a full round of data set `at`, healed first
    /// if any of its stored values is damaged.
    pub(in crate::sync) async fn whole_index(
        &mut self,
        cp: &mut Checkpoint,
        at: usize,
        object_type: ObjectType,
    ) -> Result<Index, SyncError> {
        let key = object_type.key();
        let Salvaged {
            mut index,
            damage,
            previous,
        } = Index::salvage(&self.store, key).await?;
        if damage.is_empty() {
            return Ok(index);
        }
        let dataset = cp.datasets[at].dataset;
        self.store.delete(&delta_key(dataset)).await?;
        let taken = match self.held_in_assets(object_type, &mut index).await {
            Ok(taken) => format!(
                "; {taken} {} objects that Assets holds and the index no longer listed are checked against Entra (written again if Entra still has them, retired if not)",
                object_type.name()
            ),
            // Assets refusing the search as such (no such type in the schema): nothing to take
            // back. Anything else may pass: the run fails before the index is saved, so the
            // next run finds the damage again and asks again.
            Err(
                error @ AssetsError::Status {
                    status: 400..=404, ..
                },
            ) => format!(
                "; Assets could not be asked which {} objects it holds ({error}), so those the damaged index held and Entra no longer has stay as they are",
                object_type.name()
            ),
            Err(error) => return Err(error.into()),
        };
        index.save_rebuilt(&self.store, key, previous).await?;
        let label = dataset.spec().label;
        for Damage { key, detail } in damage {
            cp.warn(format!(
                "The stored index value {key} was damaged ({detail}) and was dropped: {label} are read in full from Microsoft Graph to rebuild the index{taken}."
            ));
        }
        Ok(index)
    }

    /// Adds an entry of unknown state for every object of `object_type` that Assets holds, has not
    /// retired, and `index` does not list; answers how many. One AQL page per 1,000 objects.
    async fn held_in_assets(
        &mut self,
        object_type: ObjectType,
        index: &mut Index,
    ) -> Result<u64, AssetsError> {
        let (mut start, mut taken, mut pages) = (0, 0, 0);
        let result = loop {
            let page = self
                .assets_client()
                .held_identities(
                    &self.destination.schema_id,
                    object_type.name(),
                    object_type.identity_name(),
                    start,
                )
                .await;
            pages += 1;
            let page = match page {
                Ok(page) => page,
                Err(error) => break Err(error),
            };
            for id in page.ids {
                if let Entry::Vacant(slot) = index.entries.entry(id) {
                    slot.insert(IndexEntry::unknown());
                    taken += 1;
                }
            }
            if page.last {
                break Ok(taken);
            }
            start += page.read;
        };
        self.units += pages;
        result
    }

    /// A damaged index value met while reading a delta round: the data set's delta link is
    /// dropped and its round starts over in full, which heals the index ([`Step::whole_index`]).
    /// What the delta pages already staged and sent stays: upserts by id, redone by the full round.
    pub(in crate::sync) async fn read_in_full_instead(
        &mut self,
        cp: &mut Checkpoint,
        at: usize,
        key: &str,
    ) -> Result<(), SyncError> {
        let dataset = cp.datasets[at].dataset;
        self.store.delete(&delta_key(dataset)).await?;
        for object_type in dataset.object_types() {
            self.indexes.remove(object_type);
        }
        let run = &mut cp.datasets[at];
        run.full = true;
        run.next_url = None;
        run.pending_delta_link = None;
        run.finished = false;
        for counts in run.counts.values_mut() {
            *counts = Counts::default();
        }
        let label = dataset.spec().label;
        cp.warn(format!(
            "Reading changes to {label} met the damaged index value {key}: {label} are read in full instead."
        ));
        Ok(())
    }

    /// An index value found damaged after the reading (in the plan or the commit) ends the run:
    /// the data sets of its object type lose their delta link, so the next run reads them in full
    /// and heals the index.
    pub(super) async fn forget_links_after(&self, cp: &Checkpoint, error: &SyncError) {
        let SyncError::Index(IndexError::Damaged { key, .. }) = error else {
            return;
        };
        for run in &cp.datasets {
            let owns = |t: &ObjectType| key.starts_with(&format!("index:{}:", t.key()));
            if run.dataset.object_types().iter().any(owns) {
                // Best effort: the run is failing already; a link left behind only delays healing.
                let _ = self.store.delete(&delta_key(run.dataset)).await;
            }
        }
    }
}
