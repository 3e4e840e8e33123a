//! A data set that fails alone: its read failed in a way confined to it ([`SyncError::confined`]:
//! Graph refused it or gave up on it, or sent what cannot be read). The run goes on with the other
//! data sets and ends "completed with problems", naming the data set with the same diagnosis and
//! fix Check connection gives.
//!
//! What the failed data set staged stays under the run's keys (removed with the rest at the end),
//! but plan, import and commit skip a data set with a problem: its index and deltaLink stay as
//! committed, nothing of it is retired, and its ranked records are never sent. Nothing is deleted
//! here, so a step killed after this point and redone from an earlier checkpoint finds every chunk
//! that checkpoint names. Records it sent to the open execution before the failure are upserts of
//! what Graph said; the next run reads them again and writes them again, matched by external id.

use super::super::checkpoint::Checkpoint;
use super::super::error::SyncError;
use super::super::step::Step;
use super::super::store::KvStore;
use crate::clock::Clock;
use crate::http::HttpTransport;
use crate::model::{AttrKind, ObjectType};

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// Marks data set `at` failed with `error`'s diagnosis, or hands back an error that is not
    /// confined to it (which fails the whole run).
    pub(in crate::sync) fn fail_alone(
        &self,
        cp: &mut Checkpoint,
        at: usize,
        error: SyncError,
    ) -> Result<(), SyncError> {
        let Some((dataset, diagnosis)) = error.confined() else {
            return Err(error);
        };
        let Some(run) = cp.datasets.get_mut(at).filter(|run| run.dataset == dataset) else {
            return Err(error);
        };
        run.problem = Some(diagnosis);
        run.next_url = None;
        run.pending_delta_link = None;
        run.finished = true;
        // Its staged ranked records must not reach the import.
        cp.record_chunks -= run.record_chunks.min(cp.record_chunks);
        run.record_chunks = 0;
        Ok(())
    }
}

/// The scope the commit stores. Objects this run wrote may refer to objects of a failed data set
/// that Assets does not hold yet (a user created in Entra since the last run, whose read failed):
/// the import left those references empty, and the index now calls their objects unchanged. A
/// scope no selection has makes the next run a rewrite (`run.rs`: every data set read in full and
/// every object written again), so those references resolve once the failed data set is read.
/// Nothing refers to what Intune's managed devices or enterprise applications hold, so a tenant
/// without Intune keeps its incremental runs.
pub(in crate::sync) fn committed_scope(cp: &Checkpoint) -> String {
    let failed: Vec<ObjectType> = cp
        .datasets
        .iter()
        .filter(|run| run.problem.is_some())
        .flat_map(|run| run.dataset.object_types())
        .copied()
        .collect();
    let dangling = cp
        .datasets
        .iter()
        .filter(|run| run.problem.is_none())
        .flat_map(|run| run.dataset.object_types())
        .flat_map(|object_type| object_type.attributes())
        .any(|attribute| match attribute.kind {
            AttrKind::Reference(target) | AttrKind::ReferenceBy(target, _) => {
                failed.contains(&target)
            }
            _ => false,
        });
    if dangling {
        format!("{}:rewrite", cp.scope)
    } else {
        cp.scope.clone()
    }
}
