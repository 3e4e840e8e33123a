//! Retire: objects gone from Entra are marked "Deleted in Entra" in Assets, or deleted, as the
//! admin's deletion policy says.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use futures_util::future::join_all;

use super::super::assets::AssetsError;
use super::super::checkpoint::{Checkpoint, Phase};
use super::super::error::SyncError;
use super::super::guard::DeletionPolicy;
use super::super::staging::RetireList;
use super::super::step::Step;
use super::super::store::KvStore;
use crate::clock::Clock;
use crate::http::HttpTransport;
use crate::model::{ObjectType, Status};

/// Ids looked up with one AQL query when retiring.
const RETIRE_BATCH: usize = 50;

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// Retires the staged retire lists from `from_chunk`/`from_offset` on; false when the budget
    /// ran out (the phase then says where to go on).
    pub(in crate::sync) async fn retire(
        &mut self,
        cp: &mut Checkpoint,
        from_chunk: u32,
        from_offset: u32,
    ) -> Result<bool, SyncError> {
        // Per type: its Assets id and Status attribute id, or None when it has no Status.
        let mut targets: HashMap<ObjectType, Option<(String, String)>> = HashMap::new();
        for n in from_chunk..cp.retire_chunks {
            let list = self.load_retire_list(cp, n).await?;
            let object_type = list.object_type;
            let mut offset = if n == from_chunk {
                from_offset as usize
            } else {
                0
            };
            while offset < list.ids.len() {
                if !self.has_time(0) {
                    cp.phase = Phase::Retire {
                        chunk: n,
                        offset: offset as u32,
                    };
                    return Ok(false);
                }
                let batch = &list.ids[offset..(offset + RETIRE_BATCH).min(list.ids.len())];
                offset += batch.len();
                self.units += 1 + batch.len() as u32;
                self.retire_batch(cp, object_type, batch, &mut targets)
                    .await?;
                cp.phase = Phase::Retire {
                    chunk: n,
                    offset: offset as u32,
                };
                self.safe_point(cp);
            }
        }
        Ok(true)
    }

    async fn retire_batch(
        &self,
        cp: &mut Checkpoint,
        object_type: ObjectType,
        batch: &[String],
        targets: &mut HashMap<ObjectType, Option<(String, String)>>,
    ) -> Result<(), SyncError> {
        let client = self.assets_client();
        let found = client
            .find_many(object_type.name(), object_type.identity_name(), batch)
            .await?;
        let Some(type_id) = found.first().map(|(_, _, t)| t.clone()) else {
            return Ok(());
        };
        // Counted from Assets' answers, also when a later call fails the run.
        let mut done = 0;
        if cp.guard.policy == DeletionPolicy::Delete {
            let result = self
                .in_rounds(&found, &mut done, |object_id| {
                    client.delete_object(object_id)
                })
                .await;
            count_retired(cp, object_type, done);
            return result;
        }
        if let Entry::Vacant(slot) = targets.entry(object_type) {
            let attribute = client.attribute_id(&type_id, "Status").await?;
            slot.insert(attribute.map(|a| (type_id.clone(), a)));
        }
        match targets.get(&object_type).and_then(Option::as_ref) {
            Some((type_id, attribute)) => {
                let result = self
                    .in_rounds(&found, &mut done, |object_id| {
                        let client = &client;
                        async move {
                            client
                                .set_attribute(
                                    object_id,
                                    type_id,
                                    attribute,
                                    Status::Deleted.label(),
                                )
                                .await
                                .map(|()| true)
                        }
                    })
                    .await;
                count_retired(cp, object_type, done);
                result?;
            }
            None => cp.warn(format!(
                "\"{}\" has no Status attribute in Assets; objects gone from Entra were left as they are.",
                object_type.name()
            )),
        }
        Ok(())
    }

    /// One Assets call per found object, as many at once as [`crate::concurrency::Concurrency`]
    /// allows; it learns from each round whether Assets throttled it. `done` counts the calls
    /// Assets confirmed (answered `true`), including those of a round in which another failed.
    async fn in_rounds<'f, F, Fut>(
        &self,
        found: &'f [(String, String, String)],
        done: &mut u64,
        call: F,
    ) -> Result<(), SyncError>
    where
        F: Fn(&'f str) -> Fut,
        Fut: std::future::Future<Output = Result<bool, AssetsError>>,
    {
        let mut rest = found;
        while !rest.is_empty() {
            let (round, later) = rest.split_at(self.assets_concurrency.current().min(rest.len()));
            let throttled = self.assets_meter.throttled.get();
            let results = join_all(round.iter().map(|(_, object_id, _)| call(object_id))).await;
            self.assets_concurrency
                .record(self.assets_meter.throttled.get() > throttled);
            *done += results.iter().filter(|r| matches!(r, Ok(true))).count() as u64;
            results.into_iter().collect::<Result<Vec<bool>, _>>()?;
            rest = later;
        }
        Ok(())
    }

    pub(in crate::sync) async fn load_retire_list(
        &self,
        cp: &Checkpoint,
        n: u32,
    ) -> Result<RetireList, SyncError> {
        self.load_staged(&cp.retire_key(n)).await
    }
}

/// Adds retirements Assets confirmed to the count of the data set that owns `object_type`.
fn count_retired(cp: &mut Checkpoint, object_type: ObjectType, done: u64) {
    if let Some(run) = cp
        .datasets
        .iter_mut()
        .find(|run| run.dataset.object_types().contains(&object_type))
    {
        run.counts_of(object_type).retired += done;
    }
}
