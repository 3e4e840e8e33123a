//! One step of a sync run: resume from the checkpoint, work until the budget is nearly spent, return
//! the next checkpoint. The phases run read → plan → write → commit (one file each under `phase/`);
//! nothing is committed before Assets reports the execution DONE, so a failed run is redone whole.

use std::collections::HashMap;

use super::assets::{AssetsClient, Destination, TypeCounters};
use super::budget::Budget;
use super::checkpoint::{Checkpoint, Phase, Trip};
use super::destination::check_destination;
use super::error::SyncError;
use super::index::Index;
use super::pacing::{PacedStore, Pacing};
use super::report::{Outcome, Progress, RunError, RunReport};
use super::store::KvStore;
use std::cell::RefCell;

use super::phase::alone;
use super::transient::{self, Paused};
use crate::auth::AccessToken;
use crate::clock::Clock;
use crate::concurrency::Concurrency;
use crate::http::HttpTransport;
use crate::model::ObjectType;
use crate::retry::Meter;
use crate::settings::ConnectionSettings;

/// Time one Graph page or Assets call may take, for budget checks.
const UNIT_MS: u64 = 10_000;
/// What plan and commit may take per staged chunk (about 100 KB each), generously: they start in a
/// step that has already worked only when that much time is left.
const HEAVY_MS_PER_CHUNK: u64 = 100;

/// The world as the engine sees it: Graph/token requests, Assets requests, storage and time.
pub struct Host<'a, G, A, S, C> {
    pub graph: &'a G,
    pub assets: &'a A,
    pub store: &'a S,
    pub clock: &'a C,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StepStatus {
    Continue,
    AwaitingConfirmation { retire: u64, threshold: u64 },
    Finished(Box<RunReport>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct StepResult {
    pub checkpoint: Checkpoint,
    pub progress: Progress,
    pub status: StepStatus,
}

/// One step's working state; the phases are its methods, one file each under `phase/`.
pub(super) struct Step<'a, 'h, G, A, S, C> {
    pub(super) host: &'a Host<'h, G, A, S, C>,
    /// The host's store, waiting out Forge's KVS quota within the step's time.
    pub(super) store: PacedStore<'h, S, C>,
    /// The checkpoint as of the last point a step may end at; a step whose storage stays refused
    /// by the quota past its budget, or whose requests keep failing for a passing cause, ends
    /// there, and the next step resumes from it.
    safe: Option<Checkpoint>,
    /// When the step last reached a safe point beyond the one it started at (its progress).
    progress_ms: Option<u64>,
    started_ms: u64,
    pub(super) settings: &'a ConnectionSettings,
    pub(super) destination: &'a Destination,
    budget: Budget,
    pub(super) graph_meter: Meter,
    pub(super) assets_meter: Meter,
    /// Retirements in flight at once.
    pub(super) assets_concurrency: Concurrency,
    /// The Graph token and the clock time it expires at, renewed shortly before that
    /// (`sync/graph_access.rs`).
    pub(super) token: RefCell<Option<(AccessToken, u64)>>,
    pub(super) counters: Vec<TypeCounters>,
    /// Units of work done in this step; the first is always allowed, so every step progresses.
    pub(super) units: u32,
    /// Indexes a delta round loaded in this step, as committed (only ever extended by shards
    /// loaded on demand): plan and commit of the same step use them instead of loading again.
    /// Full rounds load whole indexes and are not kept, so memory stays one index at a time.
    pub(super) indexes: HashMap<ObjectType, Index>,
}

/// Runs one step. Errors end the run (an execution in flight is cancelled, staged data removed);
/// they come back as a finished report with outcome `Failed`, never as a panic.
pub async fn step<G, A, S, C>(
    host: &Host<'_, G, A, S, C>,
    settings: &ConnectionSettings,
    destination: &Destination,
    budget: Budget,
    mut checkpoint: Checkpoint,
) -> StepResult
where
    G: HttpTransport,
    A: HttpTransport,
    S: KvStore,
    C: Clock,
{
    checkpoint.tally.steps += 1;
    let mut step = Step {
        host,
        store: PacedStore::new(
            host.store,
            host.clock,
            Pacing::default(),
            budget.waits_end_by_ms(),
        ),
        safe: None,
        progress_ms: None,
        started_ms: host.clock.now_ms(),
        settings,
        destination,
        budget,
        // Waits for Graph and Assets end with the step's time; one a service asked for that
        // outlasts the previous step holds here first.
        graph_meter: Meter::within(budget.waits_end_by_ms(), checkpoint.paused.graph_until_ms),
        assets_meter: Meter::within(budget.waits_end_by_ms(), checkpoint.paused.assets_until_ms),
        assets_concurrency: Concurrency::default(),
        token: RefCell::new(None),
        counters: Vec::new(),
        units: 0,
        indexes: HashMap::new(),
    };
    let result = if checkpoint.cancel_requested {
        Err(SyncError::CancelRequested)
    } else {
        step.run(&mut checkpoint).await
    };
    let result = match result {
        // The quota stays shut past this step's time: a 429 never fails a run.
        Err(error) if error.is_rate_limited() => {
            if let Some(safe) = step.safe.take() {
                checkpoint = safe;
            }
            checkpoint.tally.kvs_paused_steps += 1;
            Ok(StepStatus::Continue)
        }
        // Graph, the token endpoint or Assets failed past the retry policy for a passing cause.
        Err(error) if error.is_transient() => {
            let now = host.clock.now_ms();
            let safe = step.safe.take();
            let confined = error.confined();
            transient::pause(
                &mut checkpoint,
                safe.clone(),
                step.progress_ms,
                step.started_ms,
                now,
                error,
            )
            .or_else(|stalled| alone::stalled(&mut checkpoint, safe, confined, stalled))
            .map(|()| StepStatus::Continue)
        }
        Ok(status) => {
            checkpoint.stall = None;
            Ok(status)
        }
        other => other,
    };
    checkpoint.paused = Paused {
        graph_until_ms: step.graph_meter.paused_until_ms.get(),
        assets_until_ms: step.assets_meter.paused_until_ms.get(),
    };
    step.account(&mut checkpoint);
    let status = match result {
        Ok(status) => status,
        Err(error) => step.fail(&mut checkpoint, error).await,
    };
    StepResult {
        progress: Progress::of(&checkpoint),
        checkpoint,
        status,
    }
}

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// The phase machine: each arm does its phase (or the part the budget allows) and names the next.
    async fn run(&mut self, cp: &mut Checkpoint) -> Result<StepStatus, SyncError> {
        if !cp.destination_checked {
            // Before anything is read or written: a wrong destination would cost a whole read.
            let types: Vec<ObjectType> = cp
                .datasets
                .iter()
                .flat_map(|d| d.dataset.object_types())
                .copied()
                .collect();
            self.units += 1;
            check_destination(&self.assets_client(), &self.destination.schema_id, &types).await?;
            cp.destination_checked = true;
        }
        if !cp.swept {
            if !self.sweep(cp).await? {
                return Ok(StepStatus::Continue);
            }
            cp.swept = true;
        }
        loop {
            self.safe_point(cp);
            match cp.phase.clone() {
                Phase::Read { dataset } => {
                    match self.read(cp, dataset).await {
                        Ok(true) => {}
                        Ok(false) => return Ok(StepStatus::Continue),
                        // A passing cause: the next step goes on; only a stall fails it alone.
                        Err(error) if error.is_transient() => return Err(error),
                        Err(error) => alone::fail(cp, dataset, error)?,
                    }
                    alone::after_read(cp, dataset);
                }
                Phase::Plan { done } => {
                    if self.needs_fresh_step(cp) {
                        return Ok(StepStatus::Continue);
                    }
                    if !self.plan(cp, done).await? {
                        return Ok(StepStatus::Continue);
                    }
                    cp.phase = after_plan(cp);
                }
                Phase::AwaitingConfirmation { retire, threshold } => {
                    if !cp.confirmed {
                        return Ok(StepStatus::AwaitingConfirmation { retire, threshold });
                    }
                    cp.phase = if cp.written {
                        Phase::Retire {
                            chunk: 0,
                            offset: 0,
                        }
                    } else {
                        after_plan(cp)
                    };
                }
                Phase::Mapping => {
                    self.put_mapping(cp).await?;
                    cp.phase = Phase::Start;
                }
                Phase::Start => {
                    cp.execution = Some(self.assets_client().start().await?);
                    cp.phase = Phase::Submit { next: 0 };
                }
                Phase::Submit { next } => {
                    if !self.submit(cp, next).await? {
                        return Ok(StepStatus::Continue);
                    }
                    cp.phase = Phase::Poll;
                }
                Phase::Poll => {
                    if !self.poll(cp).await? {
                        return Ok(StepStatus::Continue);
                    }
                    cp.execution = None;
                    cp.written = true;
                    cp.phase = held(
                        cp,
                        Phase::Retire {
                            chunk: 0,
                            offset: 0,
                        },
                    );
                }
                Phase::Retire { chunk, offset } => {
                    if !self.retire(cp, chunk, offset).await? {
                        return Ok(StepStatus::Continue);
                    }
                    cp.phase = Phase::Commit { done: 0 };
                }
                Phase::Commit { done } => {
                    if self.needs_fresh_step(cp) {
                        return Ok(StepStatus::Continue);
                    }
                    if !self.commit(cp, done).await? {
                        return Ok(StepStatus::Continue);
                    }
                    // While this step still has its token.
                    self.expiry(cp).await;
                    if cp.chunks == 0 && cp.retire_chunks == 0 {
                        cp.phase = Phase::Done;
                    } else {
                        cp.phase = Phase::Cleanup;
                        return Ok(StepStatus::Continue);
                    }
                }
                Phase::Cleanup => {
                    self.cleanup(cp).await;
                    cp.phase = Phase::Done;
                }
                Phase::Done => {
                    if cp.expiry.is_none() {
                        self.expiry(cp).await;
                    }
                    return Ok(self.finish(cp));
                }
            }
            if let Phase::AwaitingConfirmation { retire, threshold } = cp.phase {
                if !cp.confirmed {
                    return Ok(StepStatus::AwaitingConfirmation { retire, threshold });
                }
            }
            if !self.has_time(0) {
                return Ok(StepStatus::Continue);
            }
        }
    }

    fn finish(&mut self, cp: &mut Checkpoint) -> StepStatus {
        let errors = RunError::of_datasets(cp);
        let outcome = if cp.dry_run {
            Outcome::DryRun
        } else if errors.is_empty() {
            Outcome::Succeeded
        } else if errors.len() < cp.datasets.len() {
            Outcome::CompletedWithProblems
        } else {
            // No data set could be read: nothing of the tenant reached Assets.
            Outcome::Failed
        };
        self.account(cp);
        StepStatus::Finished(Box::new(RunReport::from(
            cp,
            outcome,
            self.now(),
            std::mem::take(&mut self.counters),
            errors,
        )))
    }

    /// Ends the run on `error`: cancels an execution in flight and removes what the run staged.
    async fn fail(&mut self, cp: &mut Checkpoint, error: SyncError) -> StepStatus {
        let failure = RunError::run(error.to_string(), error.request_id().map(str::to_string));
        if let Some(links) = cp.execution.take() {
            if let Err(cancel) = self.assets_client().cancel(&links).await {
                cp.warn(format!("Could not cancel the Assets import: {cancel}"));
            }
        }
        self.forget_links_after(cp, &error).await;
        self.cleanup(cp).await;
        self.account(cp);
        cp.phase = Phase::Done;
        let outcome = if matches!(error, SyncError::Cancelled | SyncError::CancelRequested) {
            Outcome::Cancelled
        } else {
            Outcome::Failed
        };
        StepStatus::Finished(Box::new(RunReport::from(
            cp,
            outcome,
            self.host.clock.now_ms(),
            Vec::new(),
            std::iter::once(failure)
                .chain(RunError::of_datasets(cp))
                .collect(),
        )))
    }

    /// Notes that a step could end here: everything `cp` says is done is stored, and nothing this
    /// step did since needs to be kept in memory to go on from it.
    pub(super) fn safe_point(&mut self, cp: &Checkpoint) {
        if self.safe.is_some() {
            self.progress_ms = Some(self.now());
        }
        self.safe = Some(cp.clone());
    }

    /// An execution opened after the last safe point: resuming from that point must send to it.
    pub(super) fn keep_execution(&mut self, links: &super::assets::ExecutionLinks) {
        if let Some(safe) = &mut self.safe {
            safe.execution = Some(links.clone());
        }
    }

    pub(super) fn now(&self) -> u64 {
        self.host.clock.now_ms()
    }

    fn egress_used(&self) -> u32 {
        self.graph_meter.requests.get()
    }

    /// Whether another unit of work (plus `requests` Graph requests) fits in the budget.
    pub(super) fn has_time(&self, requests: u32) -> bool {
        self.units == 0
            || self
                .budget
                .allows(self.now(), self.egress_used(), UNIT_MS, requests)
    }

    /// Plan and commit go over every staged chunk without a pause; on a large tenant that takes a
    /// while, so they start in a step that already worked only if the chunks fit in what is left.
    fn needs_fresh_step(&self, cp: &Checkpoint) -> bool {
        let work_ms = u64::from(cp.chunks) * HEAVY_MS_PER_CHUNK;
        self.units > 0
            && !self
                .budget
                .allows(self.now(), self.egress_used(), work_ms, 0)
    }

    /// This step's committed index of `object_type` if a delta round already loaded it, else an
    /// empty part of it that loads shards on demand ([`Index::ensure`]).
    pub(super) async fn delta_index(
        &mut self,
        object_type: ObjectType,
    ) -> Result<Index, SyncError> {
        match self.indexes.remove(&object_type) {
            Some(index) => Ok(index),
            None => Ok(Index::load_for(&self.store, object_type.key(), std::iter::empty()).await?),
        }
    }

    pub(super) fn account(&self, checkpoint: &mut Checkpoint) {
        let tally = &mut checkpoint.tally;
        tally.graph_requests += u64::from(self.graph_meter.requests.take());
        tally.assets_requests += u64::from(self.assets_meter.requests.take());
        tally.throttled += u64::from(self.graph_meter.throttled.take())
            + u64::from(self.assets_meter.throttled.take());
        tally.waited_ms += self.graph_meter.waited_ms.take() + self.assets_meter.waited_ms.take();
        tally.kvs_waits += u64::from(self.store.waits.take());
        tally.kvs_waited_ms += self.store.waited_ms.take();
    }

    pub(super) fn assets_client(&self) -> AssetsClient<'_, A, C> {
        AssetsClient::new(
            self.host.assets,
            self.host.clock,
            &self.assets_meter,
            self.destination,
        )
    }

    /// A value this run staged: missing or unreadable means the run cannot go on.
    pub(super) async fn load_staged<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<T, SyncError> {
        let value = self
            .store
            .get(key)
            .await?
            .ok_or_else(|| SyncError::Staged {
                key: key.to_string(),
                detail: "missing".into(),
            })?;
        serde_json::from_value(value).map_err(|e| SyncError::Staged {
            key: key.to_string(),
            detail: e.to_string(),
        })
    }

    /// Stores a value this run stages.
    pub(super) async fn store_staged<T: serde::Serialize>(
        &self,
        key: &str,
        value: &T,
    ) -> Result<(), SyncError> {
        let value = serde_json::to_value(value).map_err(|e| SyncError::Staged {
            key: key.to_string(),
            detail: e.to_string(),
        })?;
        Ok(self.store.set(key, &value).await?)
    }

    /// Removes the run's staged data. Best effort: leftovers are overwritten by the next run's
    /// keys or ignored, never read as committed state.
    pub(super) async fn cleanup(&self, cp: &mut Checkpoint) {
        for n in 0..cp.chunks {
            let _ = self.store.delete(&cp.chunk_key(n)).await;
        }
        for n in 0..cp.retire_chunks {
            let _ = self.store.delete(&cp.retire_key(n)).await;
        }
        if !matches!(cp.phase, Phase::Commit { .. } | Phase::Cleanup) {
            cp.chunks = 0;
            cp.record_chunks = 0;
            cp.retire_chunks = 0;
            for run in &mut cp.datasets {
                run.record_chunks = 0;
            }
        }
        if cp.dry_run {
            cp.phase = Phase::Done;
        }
    }
}

/// What follows the plan: staged ranked records to send (in the open execution, or a new one),
/// or just the end of the data of the execution the read opened; without an execution, the
/// retirements, which the guard may hold.
fn after_plan(cp: &Checkpoint) -> Phase {
    if cp.dry_run {
        Phase::Done
    } else if cp.record_chunks > 0 && cp.execution.is_none() {
        Phase::Mapping
    } else if cp.record_chunks > 0 {
        Phase::Submit { next: 0 }
    } else if cp.execution.is_some() {
        Phase::Submit { next: cp.chunks }
    } else {
        held(
            cp,
            Phase::Retire {
                chunk: 0,
                offset: 0,
            },
        )
    }
}

/// `next`, unless the mass-deletion guard holds the retirements until the admin confirms. Writes
/// are not held: like Entra Connect's accidental-delete prevention, only deletions wait.
fn held(cp: &Checkpoint, next: Phase) -> Phase {
    match cp.trip {
        Some(Trip { retire, threshold }) if !cp.confirmed => {
            Phase::AwaitingConfirmation { retire, threshold }
        }
        _ => next,
    }
}
