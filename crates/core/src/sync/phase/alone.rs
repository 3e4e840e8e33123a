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

use super::super::checkpoint::{Checkpoint, Phase};
use super::super::datasets::{Dataset, Diagnosis};
use super::super::error::SyncError;
use crate::model::{AttrKind, ObjectType};

/// Marks data set `at` failed with `error`'s diagnosis, or hands back an error that is not
/// confined to it (which fails the whole run).
pub(in crate::sync) fn fail(
    cp: &mut Checkpoint,
    at: usize,
    error: SyncError,
) -> Result<(), SyncError> {
    match error.confined() {
        Some((dataset, diagnosis)) => {
            if mark(cp, at, dataset, diagnosis) {
                Ok(())
            } else {
                Err(error)
            }
        }
        None => Err(error),
    }
}

/// A read that met only passing causes (resets, 5xx, throttling) for as long as a run may stall
/// (`transient.rs`): rather than fail the run, its data set fails alone and the run goes on with
/// the next, from the step's last safe point. Any other stall is handed back and ends the run.
pub(in crate::sync) fn stalled(
    cp: &mut Checkpoint,
    safe: Option<Checkpoint>,
    confined: Option<(Dataset, Diagnosis)>,
    stalled: SyncError,
) -> Result<(), SyncError> {
    if let Some(safe) = safe {
        let tally = cp.tally.clone();
        *cp = safe;
        cp.tally = tally;
    }
    let (Phase::Read { dataset: at }, Some((dataset, mut diagnosis))) =
        (cp.phase.clone(), confined)
    else {
        return Err(stalled);
    };
    diagnosis.message = format!("{stalled} Last answer: {}", diagnosis.message);
    if !mark(cp, at, dataset, diagnosis) {
        return Err(stalled);
    }
    cp.stall = None;
    after_read(cp, at);
    Ok(())
}

/// Marks data set `at` failed, if it is `dataset`: its staged ranked records must not reach the
/// import, and its round is over.
fn mark(cp: &mut Checkpoint, at: usize, dataset: Dataset, diagnosis: Diagnosis) -> bool {
    let Some(run) = cp.datasets.get_mut(at).filter(|run| run.dataset == dataset) else {
        return false;
    };
    run.problem = Some(diagnosis);
    run.next_url = None;
    run.pending_delta_link = None;
    run.finished = true;
    cp.record_chunks -= run.record_chunks.min(cp.record_chunks);
    run.record_chunks = 0;
    true
}

/// The phase after data set `at` is read (or failed): the next data set, or the plan.
pub(in crate::sync) fn after_read(cp: &mut Checkpoint, at: usize) {
    cp.phase = if at + 1 < cp.datasets.len() {
        cp.datasets[at + 1].first_chunk = cp.chunks;
        Phase::Read { dataset: at + 1 }
    } else {
        Phase::Plan { done: 0 }
    };
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
