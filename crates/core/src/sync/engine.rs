//! One step of a sync run: resume from the checkpoint, work until the budget is nearly spent, return
//! the next checkpoint. The phases follow "One sync run" in DESIGN.md: read → plan → write → commit.
//! Nothing is committed before Assets reports the execution DONE, so a failed run is redone whole.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value, json};

use super::assets::{AssetsClient, AssetsError, Destination, ExecutionStatus, TypeCounters};
use super::budget::Budget;
use super::checkpoint::{Checkpoint, DatasetRun, Phase, SAMPLE_SIZE};
use super::datasets::{Dataset, Item, ItemError, ParseContext};
use super::index::{Index, IndexEntry, IndexError};
use super::mapping_doc::mapping_document;
use super::report::{Outcome, Progress, RunError, RunReport};
use super::store::{KvStore, MAX_VALUE_BYTES, StoreError};
use crate::auth::{AccessToken, TokenError, request_token};
use crate::clock::Clock;
use crate::graph::{GraphClient, GraphError};
use crate::http::HttpTransport;
use crate::model::{Fingerprint, LAST_SYNCED, ObjectType, Status};
use crate::retry::{Meter, RetryPolicy};
use crate::settings::ConnectionSettings;
use crate::time::iso_utc;

/// Time one Graph page or Assets call may take, for budget checks.
const UNIT_MS: u64 = 10_000;
const RETIRE_IDS_PER_CHUNK: usize = 4_000;
/// First wait between execution status polls; doubles up to the maximum. Small imports finish in
/// well under a second, large ones take minutes.
const POLL_FIRST_MS: u64 = 200;
const POLL_MAX_MS: u64 = 5_000;

/// The world as the engine sees it: Graph/token requests, Assets requests, storage and time.
pub struct Host<'a, G, A, S, C> {
    pub graph: &'a G,
    pub assets: &'a A,
    pub store: &'a S,
    pub clock: &'a C,
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("reading {dataset:?}: {error}")]
    Graph { dataset: Dataset, error: GraphError },
    #[error(transparent)]
    Item(#[from] ItemError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Assets(#[from] AssetsError),
    #[error("staged data \"{key}\" is damaged ({detail}); the run cannot go on, start a new one")]
    Staged { key: String, detail: String },
    #[error("Microsoft Graph ended a {0:?} page with neither a nextLink nor a deltaLink")]
    Unterminated(Dataset),
    #[error("the Assets import was cancelled before it finished; nothing was committed")]
    Cancelled,
    #[error("cancelled by an admin; nothing was committed")]
    CancelRequested,
}

impl SyncError {
    pub fn request_id(&self) -> Option<&str> {
        match self {
            SyncError::Graph { error, .. } => error.request_id(),
            SyncError::Token(error) => error.trace_id(),
            _ => None,
        }
    }
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

fn delta_key(dataset: Dataset) -> String {
    format!("delta:{}", dataset.key())
}

/// A new run's first checkpoint: incremental where a deltaLink was committed, full otherwise.
pub async fn begin_run(
    store: &impl KvStore,
    run_id: String,
    trigger: String,
    dry_run: bool,
    full_resync: bool,
    now_ms: u64,
) -> Result<Checkpoint, SyncError> {
    let mut committed = Vec::new();
    for dataset in Dataset::ALL {
        let link = if full_resync {
            None
        } else {
            store
                .get(&delta_key(dataset))
                .await?
                .and_then(|v| v.as_str().map(str::to_string))
        };
        committed.push((dataset, link));
    }
    Ok(Checkpoint::new(
        run_id, trigger, dry_run, now_ms, &committed,
    ))
}

struct Step<'a, 'h, G, A, S, C> {
    host: &'a Host<'h, G, A, S, C>,
    settings: &'a ConnectionSettings,
    destination: &'a Destination,
    budget: Budget,
    graph_meter: Meter,
    assets_meter: Meter,
    token: Option<AccessToken>,
    counters: Vec<TypeCounters>,
    /// Units of work done in this step; the first is always allowed, so every step progresses.
    units: u32,
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
        settings,
        destination,
        budget,
        graph_meter: Meter::default(),
        assets_meter: Meter::default(),
        token: None,
        counters: Vec::new(),
        units: 0,
    };
    let result = if checkpoint.cancel_requested {
        Err(SyncError::CancelRequested)
    } else {
        step.run(&mut checkpoint).await
    };
    step.account(&mut checkpoint);
    let status = match result {
        Ok(status) => status,
        Err(error) => {
            let failure = RunError {
                message: error.to_string(),
                request_id: error.request_id().map(str::to_string),
            };
            if let Some(links) = checkpoint.execution.take() {
                let client = step.assets_client();
                if let Err(cancel) = client.cancel(&links).await {
                    checkpoint.warn(format!("Could not cancel the Assets import: {cancel}"));
                }
            }
            step.cleanup(&mut checkpoint).await;
            step.account(&mut checkpoint);
            checkpoint.phase = Phase::Done;
            let outcome = if matches!(error, SyncError::Cancelled | SyncError::CancelRequested) {
                Outcome::Cancelled
            } else {
                Outcome::Failed
            };
            StepStatus::Finished(Box::new(RunReport::from(
                &checkpoint,
                outcome,
                host.clock.now_ms(),
                Vec::new(),
                vec![failure],
            )))
        }
    };
    StepResult {
        progress: Progress::of(&checkpoint),
        checkpoint,
        status,
    }
}

impl<G, A, S, C> Step<'_, '_, G, A, S, C>
where
    G: HttpTransport,
    A: HttpTransport,
    S: KvStore,
    C: Clock,
{
    fn now(&self) -> u64 {
        self.host.clock.now_ms()
    }

    fn egress_used(&self) -> u32 {
        self.graph_meter.requests.get()
    }

    fn has_time(&self, requests: u32) -> bool {
        self.units == 0
            || self
                .budget
                .allows(self.now(), self.egress_used(), UNIT_MS, requests)
    }

    fn account(&self, checkpoint: &mut Checkpoint) {
        let tally = &mut checkpoint.tally;
        tally.graph_requests += u64::from(self.graph_meter.requests.take());
        tally.assets_requests += u64::from(self.assets_meter.requests.take());
        tally.throttled += u64::from(self.graph_meter.throttled.take())
            + u64::from(self.assets_meter.throttled.take());
        tally.waited_ms += self.graph_meter.waited_ms.take() + self.assets_meter.waited_ms.take();
    }

    fn assets_client(&self) -> AssetsClient<'_, A, C> {
        AssetsClient::new(
            self.host.assets,
            self.host.clock,
            &self.assets_meter,
            self.destination,
        )
    }

    async fn token(&mut self) -> Result<AccessToken, SyncError> {
        if let Some(token) = &self.token {
            return Ok(token.clone());
        }
        self.graph_meter
            .requests
            .set(self.graph_meter.requests.get() + 1);
        let token = request_token(self.host.graph, self.settings).await?;
        self.token = Some(token.clone());
        Ok(token)
    }

    async fn run(&mut self, cp: &mut Checkpoint) -> Result<StepStatus, SyncError> {
        loop {
            match cp.phase.clone() {
                Phase::Read { dataset } => {
                    if !self.read(cp, dataset).await? {
                        return Ok(StepStatus::Continue);
                    }
                    cp.phase = if dataset + 1 < cp.datasets.len() {
                        Phase::Read {
                            dataset: dataset + 1,
                        }
                    } else {
                        Phase::Plan
                    };
                }
                Phase::Plan => {
                    if let Some((retire, threshold)) = self.plan(cp).await? {
                        if !cp.confirmed && !cp.dry_run {
                            cp.phase = Phase::AwaitingConfirmation { retire, threshold };
                            return Ok(StepStatus::AwaitingConfirmation { retire, threshold });
                        }
                    }
                    cp.phase = after_plan(cp);
                }
                Phase::AwaitingConfirmation { retire, threshold } => {
                    if !cp.confirmed {
                        return Ok(StepStatus::AwaitingConfirmation { retire, threshold });
                    }
                    cp.phase = after_plan(cp);
                }
                Phase::Mapping => {
                    let types: Vec<ObjectType> = cp
                        .datasets
                        .iter()
                        .flat_map(|d| d.dataset.object_types())
                        .copied()
                        .collect();
                    self.assets_client()
                        .put_mapping(&mapping_document(&types))
                        .await?;
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
                    cp.phase = Phase::Retire {
                        chunk: 0,
                        offset: 0,
                    };
                }
                Phase::Retire { chunk, offset } => {
                    if !self.retire(cp, chunk, offset).await? {
                        return Ok(StepStatus::Continue);
                    }
                    cp.phase = Phase::Commit;
                }
                Phase::Commit => {
                    self.commit(cp).await?;
                    cp.phase = Phase::Done;
                }
                Phase::Done => {
                    let outcome = if cp.dry_run {
                        Outcome::DryRun
                    } else {
                        Outcome::Succeeded
                    };
                    self.account(cp);
                    return Ok(StepStatus::Finished(Box::new(RunReport::from(
                        cp,
                        outcome,
                        self.now(),
                        std::mem::take(&mut self.counters),
                        Vec::new(),
                    ))));
                }
            }
            if !self.has_time(0) {
                return Ok(StepStatus::Continue);
            }
        }
    }

    /// Reads pages of one data set until it ends (true) or the budget is spent (false).
    async fn read(&mut self, cp: &mut Checkpoint, at: usize) -> Result<bool, SyncError> {
        let dataset = cp.datasets[at].dataset;
        let mut indexes = HashMap::new();
        for object_type in dataset.object_types() {
            indexes.insert(
                *object_type,
                Index::load(self.host.store, object_type.key()).await?,
            );
        }
        let synced = Value::String(iso_utc(cp.started_ms));
        let mut buffer = ChunkBuffer::new(dataset);
        let finished = loop {
            if !self.has_time(1) {
                break false;
            }
            let token = self.token().await?;
            let run = &mut cp.datasets[at];
            let url = run
                .next_url
                .clone()
                .unwrap_or_else(|| dataset.initial_url());
            let policy = RetryPolicy::default();
            let graph = GraphClient::new(
                self.host.graph,
                self.host.clock,
                &token,
                &policy,
                &self.graph_meter,
            );
            run.requests += 1;
            self.units += 1;
            let page = match graph.page::<Value>(&url).await {
                Ok(page) => page,
                Err(error) if needs_resync(&error) && run.next_url.is_some() => {
                    let note = format!(
                        "The {} delta token was no longer valid ({}); reading all {} again. Nothing is lost or doubled: objects are matched by id.",
                        dataset.key(),
                        error.code().unwrap_or("expired"),
                        dataset.key()
                    );
                    run.full = true;
                    run.next_url = None;
                    cp.warn(note);
                    continue;
                }
                Err(error) => return Err(SyncError::Graph { dataset, error }),
            };
            let context = ParseContext {
                full: run.full,
                indexes: &indexes,
            };
            for item in page.value {
                for item in dataset.parse(item, &context)? {
                    let run = &mut cp.datasets[at];
                    match item {
                        Item::Removed { object_type, id } => {
                            buffer.of(object_type).removed.push(id);
                        }
                        Item::Upsert { object, carry } => {
                            let object_type = object.object_type;
                            let entry = IndexEntry {
                                fingerprint: Fingerprint::of(&object),
                                carry,
                            };
                            let known = indexes
                                .get(&object_type)
                                .and_then(|i| i.entries.get(&object.id));
                            let counts = run.counts_of(object_type);
                            counts.read += 1;
                            if context.full {
                                buffer.of(object_type).seen.push(object.id.clone());
                            }
                            match known {
                                Some(old) if *old == entry => counts.unchanged += 1,
                                old => {
                                    let samples = &mut cp.samples;
                                    let list = if old.is_some() {
                                        counts.updated += 1;
                                        &mut samples.updated
                                    } else {
                                        counts.created += 1;
                                        &mut samples.created
                                    };
                                    if list.len() < SAMPLE_SIZE {
                                        list.push(format!(
                                            "{}: {}",
                                            object_type.name(),
                                            object.label()
                                        ));
                                    }
                                    let mut record: Map<String, Value> = object
                                        .record
                                        .iter()
                                        .map(|(k, v)| (k.to_string(), v.clone()))
                                        .collect();
                                    record.insert(LAST_SYNCED.into(), synced.clone());
                                    buffer.push(
                                        object_type,
                                        Value::Object(record),
                                        object.id,
                                        entry,
                                    );
                                }
                            }
                        }
                    }
                }
            }
            if buffer.bytes > MAX_VALUE_BYTES / 2 {
                self.flush(cp, &mut buffer).await?;
            }
            let run = &mut cp.datasets[at];
            match (page.next_link, page.delta_link) {
                (Some(next), _) => run.next_url = Some(next),
                (None, delta) if delta.is_some() || !dataset.has_delta() => {
                    run.pending_delta_link = delta;
                    run.next_url = None;
                    run.finished = true;
                    break true;
                }
                (None, _) => return Err(SyncError::Unterminated(dataset)),
            }
        };
        self.flush(cp, &mut buffer).await?;
        Ok(finished)
    }

    async fn flush(&self, cp: &mut Checkpoint, buffer: &mut ChunkBuffer) -> Result<(), SyncError> {
        if buffer.is_empty() {
            return Ok(());
        }
        let has_records = buffer.has_records();
        let value = buffer.take();
        self.host.store.set(&cp.chunk_key(cp.chunks), value).await?;
        cp.chunks += 1;
        if has_records {
            cp.record_chunks += 1;
        }
        Ok(())
    }

    async fn load_chunk(&self, key: &str) -> Result<StagedChunk, SyncError> {
        let value = self
            .host
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

    /// Works out what is gone and stages the retire lists. Returns the largest retire count and its
    /// threshold when the mass-deletion guard must stop the run.
    async fn plan(&mut self, cp: &mut Checkpoint) -> Result<Option<(u64, u64)>, SyncError> {
        let mut trip: Option<(u64, u64)> = None;
        cp.retire_chunks = 0;
        for at in 0..cp.datasets.len() {
            let dataset = cp.datasets[at].dataset;
            for object_type in dataset.object_types() {
                let index = Index::load(self.host.store, object_type.key()).await?;
                let staged = self.staged_of(cp, *object_type).await?;
                let mut gone: Vec<String> = staged
                    .removed
                    .into_iter()
                    .filter(|id| {
                        index.entries.contains_key(id)
                            && !staged.seen.contains(id)
                            && !staged.updates.contains_key(id)
                    })
                    .collect();
                if cp.datasets[at].full {
                    gone.extend(
                        index
                            .entries
                            .keys()
                            .filter(|id| !staged.seen.contains(*id))
                            .cloned(),
                    );
                }
                gone.sort();
                gone.dedup();
                cp.datasets[at].counts_of(*object_type).retired = gone.len() as u64;
                for id in gone
                    .iter()
                    .take(SAMPLE_SIZE.saturating_sub(cp.samples.retired.len()))
                {
                    cp.samples
                        .retired
                        .push(format!("{}: {id}", object_type.name()));
                }
                let threshold = cp.guard.threshold(index.entries.len() as u64);
                if gone.len() as u64 > threshold && trip.is_none_or(|(n, _)| gone.len() as u64 > n)
                {
                    trip = Some((gone.len() as u64, threshold));
                }
                for ids in gone.chunks(RETIRE_IDS_PER_CHUNK) {
                    let value = json!({ "objectType": object_type, "ids": ids });
                    self.host
                        .store
                        .set(&cp.retire_key(cp.retire_chunks), value)
                        .await?;
                    cp.retire_chunks += 1;
                }
            }
        }
        if cp.dry_run {
            self.cleanup(cp).await;
        }
        Ok(trip)
    }

    /// Everything staged for one object type across the run's chunks.
    async fn staged_of(
        &self,
        cp: &Checkpoint,
        object_type: ObjectType,
    ) -> Result<Staged, SyncError> {
        let mut staged = Staged::default();
        for n in 0..cp.chunks {
            let key = cp.chunk_key(n);
            let mut chunk = self.load_chunk(&key).await?;
            let Some(part) = chunk.types.remove(object_type.key()) else {
                continue;
            };
            staged.seen.extend(part.seen);
            staged.removed.extend(part.removed);
            for (id, entry) in part.index {
                let entry = IndexEntry::decode_stored(&entry).ok_or_else(|| SyncError::Staged {
                    key: key.clone(),
                    detail: format!("index entry of {id}"),
                })?;
                staged.updates.insert(id, entry);
            }
        }
        Ok(staged)
    }

    async fn submit(&mut self, cp: &mut Checkpoint, from: u32) -> Result<bool, SyncError> {
        let Some(links) = cp.execution.clone() else {
            cp.phase = Phase::Start;
            return Ok(false);
        };
        for n in from..cp.chunks {
            if !self.has_time(0) {
                cp.phase = Phase::Submit { next: n };
                return Ok(false);
            }
            let chunk = self.load_chunk(&cp.chunk_key(n)).await?;
            let mut data = Map::new();
            for (key, part) in chunk.types {
                if part.records.is_empty() {
                    continue;
                }
                let Some(object_type) = object_type_of(&key) else {
                    return Err(SyncError::Staged {
                        key: cp.chunk_key(n),
                        detail: format!("unknown object type {key}"),
                    });
                };
                data.insert(
                    object_type.selector().to_string(),
                    Value::Array(part.records),
                );
            }
            if data.is_empty() {
                continue;
            }
            self.units += 1;
            let data = Value::Object(data);
            self.assets_client()
                .submit(&links, data, format!("{}-{n}", cp.run_id), false)
                .await?;
        }
        let selector = cp
            .datasets
            .first()
            .and_then(|d| d.dataset.object_types().first())
            .map_or("users", |t| t.selector());
        self.assets_client()
            .submit(
                &links,
                json!({ selector: [] }),
                format!("{}-end", cp.run_id),
                true,
            )
            .await?;
        Ok(true)
    }

    async fn poll(&mut self, cp: &mut Checkpoint) -> Result<bool, SyncError> {
        let Some(links) = cp.execution.clone() else {
            return Ok(true);
        };
        let mut wait = POLL_FIRST_MS;
        loop {
            self.units += 1;
            match self.assets_client().status(&links).await? {
                ExecutionStatus::Done { counters } => {
                    for counter in &counters {
                        if counter.missing_updated + counter.missing_deleted > 0 {
                            cp.warn(format!(
                                "Assets changed {} objects of \"{}\" that this run did not send (missing-objects policy is not Ignore). Entra Sync sends only changes; set the import's Missing objects option for this type to Ignore.",
                                counter.missing_updated + counter.missing_deleted,
                                counter.object_type_name
                            ));
                        }
                        for error in counter.errors.iter().take(5) {
                            cp.warn(format!(
                                "Assets reported for \"{}\": {error}",
                                counter.object_type_name
                            ));
                        }
                    }
                    self.counters = counters;
                    return Ok(true);
                }
                ExecutionStatus::Cancelled => return Err(SyncError::Cancelled),
                ExecutionStatus::Running(_) => {
                    if !self.has_time(0) {
                        return Ok(false);
                    }
                    self.host
                        .clock
                        .sleep(std::time::Duration::from_millis(wait))
                        .await;
                    wait = (wait * 2).min(POLL_MAX_MS);
                }
            }
        }
    }

    async fn retire(
        &mut self,
        cp: &mut Checkpoint,
        from_chunk: u32,
        from_offset: u32,
    ) -> Result<bool, SyncError> {
        let mut targets: HashMap<ObjectType, Option<(String, String)>> = HashMap::new();
        for n in from_chunk..cp.retire_chunks {
            let key = cp.retire_key(n);
            let value = self
                .host
                .store
                .get(&key)
                .await?
                .ok_or_else(|| SyncError::Staged {
                    key: key.clone(),
                    detail: "missing".into(),
                })?;
            let list: RetireList =
                serde_json::from_value(value).map_err(|e| SyncError::Staged {
                    key: key.clone(),
                    detail: e.to_string(),
                })?;
            let object_type = list.object_type;
            let start = if n == from_chunk {
                from_offset as usize
            } else {
                0
            };
            for (offset, id) in list.ids.iter().enumerate().skip(start) {
                if !self.has_time(0) {
                    cp.phase = Phase::Retire {
                        chunk: n,
                        offset: offset as u32,
                    };
                    return Ok(false);
                }
                self.units += 1;
                let client = self.assets_client();
                let Some((object_id, type_id)) = client
                    .find(object_type.name(), object_type.identity_name(), id)
                    .await?
                else {
                    continue;
                };
                if cp.guard.policy == crate::config::DeletionPolicy::Delete {
                    client.delete_object(&object_id).await?;
                    continue;
                }
                if let Entry::Vacant(slot) = targets.entry(object_type) {
                    let attribute = client.attribute_id(&type_id, "Status").await?;
                    slot.insert(attribute.map(|a| (type_id.clone(), a)));
                }
                match targets.get(&object_type).and_then(Option::as_ref) {
                    Some((type_id, attribute)) => {
                        client
                            .set_attribute(&object_id, type_id, attribute, Status::Deleted.label())
                            .await?;
                    }
                    None => cp.warn(format!(
                        "\"{}\" has no Status attribute in Assets; objects gone from Entra were left as they are.",
                        object_type.name()
                    )),
                }
            }
        }
        Ok(true)
    }

    async fn commit(&mut self, cp: &mut Checkpoint) -> Result<(), SyncError> {
        for at in 0..cp.datasets.len() {
            let run: DatasetRun = cp.datasets[at].clone();
            for object_type in run.dataset.object_types() {
                let mut index = Index::load(self.host.store, object_type.key()).await?;
                let staged = self.staged_of(cp, *object_type).await?;
                if run.full {
                    index.entries.retain(|id, _| staged.seen.contains(id));
                }
                for id in staged.removed {
                    if !staged.updates.contains_key(&id) {
                        index.entries.remove(&id);
                    }
                }
                index.entries.extend(staged.updates);
                index.save(self.host.store, object_type.key()).await?;
            }
            if let Some(link) = run.pending_delta_link {
                self.host
                    .store
                    .set(&delta_key(run.dataset), Value::String(link))
                    .await?;
            }
        }
        self.cleanup(cp).await;
        Ok(())
    }

    /// Removes the run's staged data. Best effort: leftovers are overwritten by the next run's
    /// keys or ignored, never read as committed state.
    async fn cleanup(&self, cp: &mut Checkpoint) {
        for n in 0..cp.chunks {
            let _ = self.host.store.delete(&cp.chunk_key(n)).await;
        }
        for n in 0..cp.retire_chunks {
            let _ = self.host.store.delete(&cp.retire_key(n)).await;
        }
        if !matches!(cp.phase, Phase::Commit) {
            cp.chunks = 0;
            cp.record_chunks = 0;
            cp.retire_chunks = 0;
        }
        if cp.dry_run {
            cp.phase = Phase::Done;
        }
    }
}

fn after_plan(cp: &Checkpoint) -> Phase {
    if cp.dry_run {
        Phase::Done
    } else if cp.record_chunks > 0 {
        Phase::Mapping
    } else if cp.retire_chunks > 0 {
        Phase::Retire {
            chunk: 0,
            offset: 0,
        }
    } else {
        Phase::Commit
    }
}

fn needs_resync(error: &GraphError) -> bool {
    matches!(error.status(), Some(410))
        || matches!(
            error.code(),
            Some("syncStateNotFound" | "resyncRequired" | "syncStateInvalid")
        )
}

fn object_type_of(key: &str) -> Option<ObjectType> {
    Dataset::ALL
        .iter()
        .flat_map(|d| d.object_types())
        .copied()
        .find(|t| t.key() == key)
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RetireList {
    object_type: ObjectType,
    ids: Vec<String>,
}

/// One object type's part of a staged chunk.
#[derive(Default, serde::Deserialize)]
struct StagedPart {
    #[serde(default)]
    records: Vec<Value>,
    #[serde(default)]
    index: HashMap<String, String>,
    #[serde(default)]
    seen: Vec<String>,
    #[serde(default)]
    removed: Vec<String>,
}

#[derive(serde::Deserialize)]
struct StagedChunk {
    #[serde(default)]
    types: HashMap<String, StagedPart>,
}

/// One object type's staged data over the whole run.
#[derive(Default)]
struct Staged {
    seen: HashSet<String>,
    removed: Vec<String>,
    updates: HashMap<String, IndexEntry>,
}

#[derive(Default)]
struct TypeBuffer {
    records: Vec<Value>,
    index: Map<String, Value>,
    seen: Vec<String>,
    removed: Vec<String>,
}

struct ChunkBuffer {
    dataset: Dataset,
    types: HashMap<ObjectType, TypeBuffer>,
    bytes: usize,
}

impl ChunkBuffer {
    fn new(dataset: Dataset) -> Self {
        ChunkBuffer {
            dataset,
            types: HashMap::new(),
            bytes: 0,
        }
    }

    fn of(&mut self, object_type: ObjectType) -> &mut TypeBuffer {
        self.bytes += 48;
        self.types.entry(object_type).or_default()
    }

    fn push(&mut self, object_type: ObjectType, record: Value, id: String, entry: IndexEntry) {
        self.bytes += record.to_string().len() + id.len() + 60;
        let part = self.types.entry(object_type).or_default();
        part.index.insert(id, Value::String(entry.encode_stored()));
        part.records.push(record);
    }

    fn has_records(&self) -> bool {
        self.types.values().any(|t| !t.records.is_empty())
    }

    fn is_empty(&self) -> bool {
        self.types
            .values()
            .all(|t| t.records.is_empty() && t.seen.is_empty() && t.removed.is_empty())
    }

    fn take(&mut self) -> Value {
        self.bytes = 0;
        let types: Map<String, Value> = std::mem::take(&mut self.types)
            .into_iter()
            .map(|(object_type, part)| {
                (
                    object_type.key().to_string(),
                    json!({
                        "records": part.records,
                        "index": part.index,
                        "seen": part.seen,
                        "removed": part.removed,
                    }),
                )
            })
            .collect();
        json!({ "dataset": self.dataset, "types": types })
    }
}
