//! One step of a sync run: resume from the checkpoint, work until the budget is nearly spent, return
//! the next checkpoint. The phases follow "One sync run" in DESIGN.md: read → plan → write → commit.
//! Nothing is committed before Assets reports the execution DONE, so a failed run is redone whole.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use futures_util::future::join_all;
use serde_json::{Map, Value, json};

use super::assets::{AssetsClient, AssetsError, Destination, ExecutionStatus, TypeCounters};
use super::budget::Budget;
use super::checkpoint::{Checkpoint, DatasetRun, Phase, SAMPLE_SIZE};
use super::datasets::{self, Dataset, Item, ItemError, ParseContext};
use super::filter::Filter;
use super::index::{Index, IndexEntry, IndexError, shard_of};
use super::mapping_doc::mapping_document;
use super::report::{Outcome, Progress, RunError, RunReport};
use super::store::{KvStore, MAX_VALUE_BYTES, StoreError};
use crate::auth::{AccessToken, TokenError, request_token};
use crate::clock::Clock;
use crate::concurrency::Concurrency;
use crate::graph::{GraphClient, GraphError};
use crate::http::HttpTransport;
use crate::model::{AssetsObject, Fingerprint, LAST_SYNCED, ObjectType, Status};
use crate::retry::{Meter, RetryPolicy};
use crate::settings::ConnectionSettings;
use crate::time::iso_utc;

/// Time one Graph page or Assets call may take, for budget checks.
const UNIT_MS: u64 = 10_000;
/// Membership ids are 73 characters: 2,000 of them stay well under the KVS value limit.
const RETIRE_IDS_PER_CHUNK: usize = 2_000;
/// What plan and commit may take per staged chunk (about 100 KB each), generously: they start in a
/// step that has already worked only when that much time is left.
const HEAVY_MS_PER_CHUNK: u64 = 100;
/// Ids looked up with one AQL query when retiring.
const RETIRE_BATCH: usize = 50;
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
    #[error("{0}")]
    Settings(String),
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

/// A data set to sync, and the admin's filter for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    pub dataset: Dataset,
    #[serde(default)]
    pub filter: Option<String>,
}

impl Selection {
    pub fn all() -> Vec<Selection> {
        Dataset::ALL
            .iter()
            .map(|dataset| Selection {
                dataset: *dataset,
                filter: None,
            })
            .collect()
    }
}

/// A new run's first checkpoint: incremental where a deltaLink was committed and the scope (data sets
/// and filters) is the one it was read with; full otherwise.
pub async fn begin_run(
    store: &impl KvStore,
    run_id: String,
    trigger: String,
    dry_run: bool,
    full_resync: bool,
    now_ms: u64,
    selection: &[Selection],
) -> Result<Checkpoint, SyncError> {
    let scope = scope_of(selection);
    let previous_scope = store.get(SCOPE_KEY).await?;
    // The first run, or a new scope: everything is read and written again.
    let rewrite = previous_scope.as_ref().and_then(Value::as_str) != Some(scope.as_str());
    let mut committed = Vec::new();
    for Selection { dataset, filter } in selection {
        let dataset = *dataset;
        if let Some(text) = filter {
            check_filter(dataset, text)?;
        }
        let mut link = if full_resync || rewrite || !dataset.has_delta() {
            None
        } else {
            store
                .get(&delta_key(dataset))
                .await?
                .and_then(|v| v.as_str().map(str::to_string))
        };
        // A data set that gained an object type after its delta link was committed (users' licence
        // assignments) reads in full once: that link's $select predates the new type.
        for object_type in dataset.object_types() {
            if link.is_some() && !Index::exists(store, object_type.key()).await? {
                link = None;
            }
        }
        committed.push((dataset, link, filter.clone()));
    }
    let mut checkpoint = Checkpoint::new(run_id, trigger, dry_run, now_ms, &committed);
    checkpoint.rewrite = rewrite && previous_scope.is_some();
    checkpoint.scope = scope;
    Ok(checkpoint)
}

const SCOPE_KEY: &str = "scope";

fn scope_of(selection: &[Selection]) -> String {
    let mut parts: Vec<String> = selection
        .iter()
        .map(|s| {
            format!(
                "{}={}",
                s.dataset.key(),
                s.filter.as_deref().unwrap_or_default()
            )
        })
        .collect();
    parts.sort();
    format!(
        "{:016x}",
        xxhash_rust::xxh3::xxh3_64(parts.join("\n").as_bytes())
    )
}

struct Step<'a, 'h, G, A, S, C> {
    host: &'a Host<'h, G, A, S, C>,
    settings: &'a ConnectionSettings,
    destination: &'a Destination,
    budget: Budget,
    graph_meter: Meter,
    assets_meter: Meter,
    /// Retirements in flight at once.
    assets_concurrency: Concurrency,
    token: Option<AccessToken>,
    counters: Vec<TypeCounters>,
    /// Units of work done in this step; the first is always allowed, so every step progresses.
    units: u32,
    /// Indexes a delta round loaded in this step, as committed (only ever extended by shards
    /// loaded on demand): plan and commit of the same step use them instead of loading again.
    /// Full rounds load whole indexes and are not kept, so memory stays one index at a time.
    indexes: HashMap<ObjectType, Index>,
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
        assets_concurrency: Concurrency::default(),
        token: None,
        counters: Vec::new(),
        units: 0,
        indexes: HashMap::new(),
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
    async fn delta_index(&mut self, object_type: ObjectType) -> Result<Index, SyncError> {
        match self.indexes.remove(&object_type) {
            Some(index) => Ok(index),
            None => {
                Ok(Index::load_for(self.host.store, object_type.key(), std::iter::empty()).await?)
            }
        }
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
                        cp.datasets[dataset + 1].first_chunk = cp.chunks;
                        Phase::Read {
                            dataset: dataset + 1,
                        }
                    } else {
                        Phase::Plan
                    };
                }
                Phase::Plan => {
                    if self.needs_fresh_step(cp) {
                        return Ok(StepStatus::Continue);
                    }
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
                    if self.needs_fresh_step(cp) {
                        return Ok(StepStatus::Continue);
                    }
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
        // A delta round reads a few changes: their shards of the index are loaded as they come.
        let lazy = !cp.datasets[at].full;
        let mut indexes = HashMap::new();
        for object_type in dataset.object_types() {
            let index = if lazy {
                self.delta_index(*object_type).await?
            } else {
                Index::load(self.host.store, object_type.key()).await?
            };
            indexes.insert(*object_type, index);
        }
        let synced = Value::String(iso_utc(cp.started_ms));
        let filter = match &cp.datasets[at].filter {
            Some(text) => {
                Some(Filter::parse(text).map_err(|e| SyncError::Settings(e.to_string()))?)
            }
            None => None,
        };
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
            let full = run.full;
            for item in page.value {
                if lazy {
                    self.load_index_for(dataset, &item, &mut indexes).await?;
                }
                let context = ParseContext {
                    full,
                    indexes: &indexes,
                };
                let items = match &filter {
                    // Out of scope: unseen in a full round (so retired if it was synced before),
                    // removed in an incremental one (it may have just left the scope).
                    Some(filter) if item.get("@removed").is_none() && !filter.matches(&item) => {
                        match (context.full, item.get("id").and_then(Value::as_str)) {
                            (false, Some(id)) => vec![Item::Removed {
                                object_type: dataset.object_types()[0],
                                id: id.to_ascii_lowercase(),
                            }],
                            _ => Vec::new(),
                        }
                    }
                    _ => dataset.parse(item, &context)?,
                };
                if lazy {
                    for item in &items {
                        if let Item::Upsert { object, .. } = item {
                            if let Some(index) = indexes.get_mut(&object.object_type) {
                                let key = object.object_type.key();
                                index.ensure(self.host.store, key, &object.id).await?;
                            }
                        }
                    }
                }
                for item in items {
                    let run = &mut cp.datasets[at];
                    match item {
                        Item::Removed { object_type, id } => {
                            buffer.of(object_type).removed.push(id);
                        }
                        Item::Upsert { object, carry } => {
                            let object_type = object.object_type;
                            // Repeats of one object in a step are staged once; ranked types (one
                            // Assets object for several Graph records) choose their own winner.
                            if !datasets::ranked(object_type)
                                && !buffer.first(object_type, &object.id)
                            {
                                continue;
                            }
                            let entry = IndexEntry {
                                fingerprint: Fingerprint::of(&object),
                                carry,
                            };
                            let known = indexes
                                .get(&object_type)
                                .and_then(|i| i.entries.get(&object.id));
                            let counts = run.counts_of(object_type);
                            counts.read += 1;
                            if datasets::ranked(object_type) {
                                // Another record may claim this object on a later page or step:
                                // stage by rank, decide (and count) in `resolve_ranked`.
                                let unchanged = known == Some(&entry) && !cp.rewrite;
                                let rank = entry.carry.clone().unwrap_or_default();
                                buffer.rank(object_type, &object.id, rank);
                                if !unchanged {
                                    let record = import_record(&object, &synced);
                                    buffer.push_ranked(object_type, record, object.id, entry);
                                }
                                continue;
                            }
                            match known {
                                // A full round must list what it saw so the rest counts as gone;
                                // staged index entries list themselves, so only unchanged ids are
                                // noted here (ranked ids are in the chunk's ranks).
                                Some(old) if *old == entry && !cp.rewrite => {
                                    counts.unchanged += 1;
                                    if full {
                                        buffer.of(object_type).seen.push(object.id);
                                    }
                                }
                                // Only the carry changed (a user's licences): nothing to write to
                                // Assets, but the index must learn the new carry.
                                Some(old)
                                    if old.fingerprint == entry.fingerprint && !cp.rewrite =>
                                {
                                    counts.unchanged += 1;
                                    buffer.carry_only(object_type, object.id, entry);
                                }
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
                                    let record = import_record(&object, &synced);
                                    buffer.push(object_type, record, object.id, entry);
                                }
                            }
                        }
                    }
                }
                // Per item, not per page: a 1,000-record Intune page or one group item with its
                // memberships alone can outgrow a chunk.
                if buffer.bytes > MAX_VALUE_BYTES / 2 {
                    self.flush(cp, &mut buffer).await?;
                }
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
        if lazy {
            self.indexes.extend(indexes);
        }
        Ok(finished)
    }

    /// What parsing one Graph item of a delta round may look up: the shard of the item's own id
    /// (a user's committed manager and licences), and, for a removed group, every membership.
    async fn load_index_for(
        &self,
        dataset: Dataset,
        item: &Value,
        indexes: &mut HashMap<ObjectType, Index>,
    ) -> Result<(), SyncError> {
        let Some(id) = item.get("id").and_then(Value::as_str) else {
            return Ok(());
        };
        let own = dataset.object_types()[0];
        if let Some(index) = indexes.get_mut(&own) {
            index
                .ensure(self.host.store, own.key(), &id.to_ascii_lowercase())
                .await?;
        }
        if dataset == Dataset::Groups && item.get("@removed").is_some() {
            let memberships = ObjectType::GroupMembership;
            if let Some(index) = indexes.get_mut(&memberships) {
                index
                    .ensure_whole(self.host.store, memberships.key())
                    .await?;
            }
        }
        Ok(())
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
            if let Some(run) = cp.datasets.iter_mut().find(|d| d.dataset == buffer.dataset) {
                run.record_chunks += 1;
            }
        }
        Ok(())
    }

    async fn load_chunk(&self, key: &str) -> Result<StagedChunk, SyncError> {
        self.load_staged(key).await
    }

    /// A value this run staged: missing or unreadable means the run cannot go on.
    async fn load_staged<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<T, SyncError> {
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
    ///
    /// Memory: the committed index of one object type and one staged chunk at a time. Every id the
    /// run touched (staged, or seen unchanged in a full round) is struck from the loaded index;
    /// what remains is what a full round did not see, and what a delta round's removals still hit.
    async fn plan(&mut self, cp: &mut Checkpoint) -> Result<Option<(u64, u64)>, SyncError> {
        let mut trip: Option<(u64, u64)> = None;
        cp.retire_chunks = 0;
        for at in 0..cp.datasets.len() {
            let dataset = cp.datasets[at].dataset;
            for object_type in dataset.object_types() {
                let (gone, committed) = if cp.datasets[at].full || datasets::ranked(*object_type) {
                    self.gone_in_full_round(cp, at, *object_type).await?
                } else {
                    self.gone_in_delta_round(cp, at, *object_type).await?
                };
                cp.datasets[at].counts_of(*object_type).retired = gone.len() as u64;
                for id in gone
                    .iter()
                    .take(SAMPLE_SIZE.saturating_sub(cp.samples.retired.len()))
                {
                    cp.samples
                        .retired
                        .push(format!("{}: {id}", object_type.name()));
                }
                let threshold = cp.guard.threshold(committed);
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

    /// What a full round did not see, or a removal hit: the whole index is loaded and every id the
    /// run touched is struck from it. Also the number of committed objects of the type.
    async fn gone_in_full_round(
        &mut self,
        cp: &mut Checkpoint,
        at: usize,
        object_type: ObjectType,
    ) -> Result<(Vec<String>, u64), SyncError> {
        let mut index = Index::load(self.host.store, object_type.key()).await?;
        let committed = index.entries.len() as u64;
        if datasets::ranked(object_type) {
            let records = self.resolve_ranked(cp, at, object_type, &index).await?;
            let run = &mut cp.datasets[at];
            cp.record_chunks = cp.record_chunks - run.record_chunks.min(cp.record_chunks) + records;
            run.record_chunks = records;
        }
        let mut removed = Vec::new();
        for n in cp.chunks_of(at) {
            let mut chunk = self.load_chunk(&cp.chunk_key(n)).await?;
            let Some(part) = chunk.types.remove(object_type.key()) else {
                continue;
            };
            for id in part.index.keys().chain(&part.seen).chain(part.ranks.keys()) {
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
            let Some(part) = chunk.types.remove(object_type.key()) else {
                continue;
            };
            touched.extend(part.index.into_keys());
            touched.extend(part.seen);
            touched.extend(part.ranks.into_keys());
            removed.extend(part.removed);
        }
        let mut index = self.delta_index(object_type).await?;
        for id in &removed {
            index.ensure(self.host.store, object_type.key(), id).await?;
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

    /// Keeps, for each object of a ranked type ([`datasets::ranked`]), only the record with the
    /// highest rank read in this run, and settles the type's counts.
    ///
    /// Why at plan time: the records claiming one object (a re-enrolled machine's Intune records)
    /// may arrive on any page of any step, and a later one may outrank a record already staged.
    /// While reading, each chunk keeps, per id, the best rank it saw, also of records that were
    /// unchanged and so not staged (their rank is the committed carry), and at most one record per
    /// id. Here the best rank per id over all chunks is known, and every staged record that does not
    /// hold it is removed from its chunk before anything is written. If the best record was
    /// unchanged, all staged records of that id go: nothing is written. Memory: one rank per object
    /// (like the index) plus one chunk at a time.
    ///
    /// Idempotent: only records that cannot win are removed and the ranks stay, so a plan redone
    /// after a killed step decides the same and computes the same counts.
    async fn resolve_ranked(
        &mut self,
        cp: &mut Checkpoint,
        at: usize,
        object_type: ObjectType,
        index: &Index,
    ) -> Result<u32, SyncError> {
        let key = object_type.key();
        let mut best: HashMap<String, String> = HashMap::new();
        let mut sightings = 0u64;
        for n in cp.chunks_of(at) {
            let mut chunk = self.load_chunk(&cp.chunk_key(n)).await?;
            let Some(part) = chunk.types.remove(key) else {
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
            let Some(mut value) = self.host.store.get(&chunk_key).await? else {
                return Err(SyncError::Staged {
                    key: chunk_key,
                    detail: "missing".into(),
                });
            };
            let Some(part) = value.get_mut("types").and_then(|t| t.get_mut(key)) else {
                continue;
            };
            let staged_index = part
                .get("index")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let Some(records) = part.get_mut("records").and_then(Value::as_array_mut) else {
                continue;
            };
            let mut dropped = Vec::new();
            records.retain(|record| {
                let Some(id) = record.get(identity).and_then(Value::as_str) else {
                    return true;
                };
                let rank = staged_index
                    .get(id)
                    .and_then(Value::as_str)
                    .and_then(IndexEntry::decode_stored)
                    .and_then(|entry| entry.carry)
                    .unwrap_or_default();
                let wins = best.get(id) == Some(&rank) && kept.insert(id.to_string());
                if wins {
                    let list = if index.entries.contains_key(id) {
                        &mut cp.samples.updated
                    } else {
                        &mut cp.samples.created
                    };
                    if list.len() < SAMPLE_SIZE {
                        let name = record.get(label).and_then(Value::as_str).unwrap_or(id);
                        list.push(format!("{}: {name}", object_type.name()));
                    }
                } else {
                    dropped.push(id.to_string());
                }
                wins
            });
            if !records.is_empty() {
                with_records += 1;
            }
            if dropped.is_empty() {
                continue;
            }
            if let Some(staged) = part.get_mut("index").and_then(Value::as_object_mut) {
                for id in &dropped {
                    staged.remove(id);
                }
            }
            self.host.store.set(&chunk_key, value).await?;
        }
        let counts = cp.datasets[at].counts_of(object_type);
        let known = kept
            .iter()
            .filter(|id| index.entries.contains_key(*id))
            .count() as u64;
        counts.created = kept.len() as u64 - known;
        counts.updated = known;
        counts.unchanged = (best.len() - kept.len()) as u64;
        counts.skipped = sightings.saturating_sub(best.len() as u64);
        Ok(with_records)
    }

    async fn submit(&mut self, cp: &mut Checkpoint, from: u32) -> Result<bool, SyncError> {
        let Some(links) = cp.execution.clone() else {
            cp.phase = Phase::Start;
            return Ok(false);
        };
        // This may redo a step that died after sending the last chunk: the execution then takes
        // no more data, and what is left is to poll it.
        if !matches!(self.assets_client().status(&links).await?, ExecutionStatus::Running(s) if s == "INGESTING")
        {
            return Ok(true);
        }
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
            let list = self.load_retire_list(cp, n).await?;
            let object_type = list.object_type;
            let start = if n == from_chunk {
                from_offset as usize
            } else {
                0
            };
            let mut offset = start;
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
                let client = self.assets_client();
                let found = client
                    .find_many(object_type.name(), object_type.identity_name(), batch)
                    .await?;
                let Some(type_id) = found.first().map(|(_, _, t)| t.clone()) else {
                    continue;
                };
                if cp.guard.policy == crate::config::DeletionPolicy::Delete {
                    self.in_rounds(&found, |object_id| client.delete_object(object_id))
                        .await?;
                    continue;
                }
                if let Entry::Vacant(slot) = targets.entry(object_type) {
                    let attribute = client.attribute_id(&type_id, "Status").await?;
                    slot.insert(attribute.map(|a| (type_id.clone(), a)));
                }
                match targets.get(&object_type).and_then(Option::as_ref) {
                    Some((type_id, attribute)) => {
                        self.in_rounds(&found, |object_id| {
                            client.set_attribute(
                                object_id,
                                type_id,
                                attribute,
                                Status::Deleted.label(),
                            )
                        })
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

    /// One Assets call per found object, as many at once as [`Concurrency`] allows; it learns from
    /// each round whether Assets throttled it.
    async fn in_rounds<'f, F, Fut>(
        &self,
        found: &'f [(String, String, String)],
        call: F,
    ) -> Result<(), SyncError>
    where
        F: Fn(&'f str) -> Fut,
        Fut: std::future::Future<Output = Result<(), AssetsError>>,
    {
        let mut rest = found;
        while !rest.is_empty() {
            let (round, later) = rest.split_at(self.assets_concurrency.current().min(rest.len()));
            let throttled = self.assets_meter.throttled.get();
            let results = join_all(round.iter().map(|(_, object_id, _)| call(object_id))).await;
            self.assets_concurrency
                .record(self.assets_meter.throttled.get() > throttled);
            results.into_iter().collect::<Result<(), _>>()?;
            rest = later;
        }
        Ok(())
    }

    /// The new index of each object type is the committed one without what the plan found gone
    /// (its retire lists) and with every staged entry. A full round streams the staged entries into
    /// the whole index, one chunk at a time; a delta round's few changes go to their shards only.
    async fn commit(&mut self, cp: &mut Checkpoint) -> Result<(), SyncError> {
        for at in 0..cp.datasets.len() {
            let run: DatasetRun = cp.datasets[at].clone();
            for object_type in run.dataset.object_types() {
                if !run.full && self.commit_delta(cp, at, *object_type).await? {
                    continue;
                }
                let mut index = Index::load(self.host.store, object_type.key()).await?;
                let shards = Index::shards(self.host.store, object_type.key()).await?;
                let mut changed = HashSet::new();
                let mut touch = |id: &str| {
                    if shards > 0 {
                        changed.insert(shard_of(id, shards));
                    }
                };
                for id in self.retired_ids(cp, *object_type).await? {
                    touch(&id);
                    index.entries.remove(&id);
                }
                for n in cp.chunks_of(at) {
                    let staged = self.staged_entries(cp, n, *object_type).await?;
                    index.entries.reserve(staged.len());
                    for (id, entry) in staged {
                        touch(&id);
                        index.entries.insert(id, entry);
                    }
                }
                index
                    .save_changed(self.host.store, object_type.key(), Some(&changed))
                    .await?;
            }
            if let Some(link) = run.pending_delta_link {
                self.host
                    .store
                    .set(&delta_key(run.dataset), Value::String(link))
                    .await?;
            }
        }
        self.host
            .store
            .set(SCOPE_KEY, Value::String(cp.scope.clone()))
            .await?;
        self.cleanup(cp).await;
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
            index.ensure(self.host.store, key, id).await?;
        }
        let shards = Index::shards(self.host.store, key).await?;
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
        match index
            .save_changed(self.host.store, key, Some(&changed))
            .await
        {
            Ok(()) => Ok(true),
            Err(IndexError::NeedsWhole { .. }) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    async fn load_retire_list(&self, cp: &Checkpoint, n: u32) -> Result<RetireList, SyncError> {
        self.load_staged(&cp.retire_key(n)).await
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
        let key = cp.chunk_key(n);
        let mut chunk = self.load_chunk(&key).await?;
        let Some(part) = chunk.types.remove(object_type.key()) else {
            return Ok(Vec::new());
        };
        part.index
            .into_iter()
            .map(|(id, entry)| match IndexEntry::decode_stored(&entry) {
                Some(entry) => Ok((id, entry)),
                None => Err(SyncError::Staged {
                    key: key.clone(),
                    detail: format!("index entry of {id}"),
                }),
            })
            .collect()
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
            for run in &mut cp.datasets {
                run.record_chunks = 0;
            }
        }
        if cp.dry_run {
            cp.phase = Phase::Done;
        }
    }
}

/// A filter must parse, and may only read properties the data set selects (Graph returns nothing else).
pub fn check_filter(dataset: Dataset, text: &str) -> Result<Filter, SyncError> {
    let filter = Filter::parse(text).map_err(|e| SyncError::Settings(e.to_string()))?;
    let selected = filterable(dataset);
    if let Some(missing) = filter
        .properties()
        .into_iter()
        .find(|p| !selected.iter().any(|s| s == p))
    {
        return Err(SyncError::Settings(format!(
            "The {} filter uses \"{missing}\", which Entra Sync does not read. Filter on one of: {}.",
            dataset.key(),
            selected.join(", ")
        )));
    }
    Ok(filter)
}

/// The properties a filter on `dataset` may name: those its first request selects.
pub fn filterable(dataset: Dataset) -> Vec<String> {
    dataset
        .initial_url()
        .split_once("$select=")
        .map(|(_, rest)| {
            rest.split('&')
                .next()
                .unwrap_or_default()
                .split(',')
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
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
    /// Ranked types: the best rank seen per id in this chunk, and how many records were read.
    #[serde(default)]
    ranks: HashMap<String, String>,
    #[serde(default)]
    sightings: u64,
}

#[derive(serde::Deserialize)]
struct StagedChunk {
    #[serde(default)]
    types: HashMap<String, StagedPart>,
}

#[derive(Default)]
struct TypeBuffer {
    records: Vec<Value>,
    index: Map<String, Value>,
    seen: Vec<String>,
    removed: Vec<String>,
    ranks: Map<String, Value>,
    sightings: u64,
    /// Ranked types: where each id's record is in `records`.
    positions: HashMap<String, usize>,
}

struct ChunkBuffer {
    dataset: Dataset,
    types: HashMap<ObjectType, TypeBuffer>,
    bytes: usize,
    /// Objects already read in this step (by hash of type and id), kept across flushes: a group
    /// recurs on several items and Graph may replay a change, so each object is counted and staged
    /// once. First occurrence wins, as Assets keeps the first of duplicate ids in an execution; a
    /// repeat in a later step is staged again, which is harmless (same round, same record).
    read: HashSet<u128>,
}

impl ChunkBuffer {
    fn new(dataset: Dataset) -> Self {
        ChunkBuffer {
            dataset,
            types: HashMap::new(),
            bytes: 0,
            read: HashSet::new(),
        }
    }

    /// Whether this is the step's first sight of the object.
    fn first(&mut self, object_type: ObjectType, id: &str) -> bool {
        let key = format!("{}\0{id}", object_type.key());
        self.read
            .insert(xxhash_rust::xxh3::xxh3_128(key.as_bytes()))
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

    /// Notes a ranked record's rank (staged or not): the chunk keeps the best per id.
    fn rank(&mut self, object_type: ObjectType, id: &str, rank: String) {
        self.bytes += id.len() + rank.len() + 8;
        let part = self.types.entry(object_type).or_default();
        part.sightings += 1;
        if part
            .ranks
            .get(id)
            .and_then(Value::as_str)
            .is_none_or(|held| held < rank.as_str())
        {
            part.ranks.insert(id.to_string(), Value::String(rank));
        }
    }

    /// Stages a ranked record; of two for one id in this chunk, the better ranked stays.
    fn push_ranked(
        &mut self,
        object_type: ObjectType,
        record: Value,
        id: String,
        entry: IndexEntry,
    ) {
        let part = self.types.entry(object_type).or_default();
        if let Some(&at) = part.positions.get(&id) {
            let held = part
                .index
                .get(&id)
                .and_then(Value::as_str)
                .and_then(IndexEntry::decode_stored)
                .and_then(|e| e.carry);
            if held >= entry.carry {
                return;
            }
            self.bytes += record.to_string().len();
            part.records[at] = record;
            part.index.insert(id, Value::String(entry.encode_stored()));
            return;
        }
        part.positions.insert(id.clone(), part.records.len());
        self.push(object_type, record, id, entry);
    }

    /// An index entry whose object is not written (its fingerprint is unchanged).
    fn carry_only(&mut self, object_type: ObjectType, id: String, entry: IndexEntry) {
        self.bytes += id.len() + 60;
        let part = self.types.entry(object_type).or_default();
        part.index.insert(id, Value::String(entry.encode_stored()));
    }

    fn has_records(&self) -> bool {
        self.types.values().any(|t| !t.records.is_empty())
    }

    fn is_empty(&self) -> bool {
        self.types.values().all(|t| {
            t.records.is_empty()
                && t.index.is_empty()
                && t.seen.is_empty()
                && t.removed.is_empty()
                && t.ranks.is_empty()
        })
    }

    fn take(&mut self) -> Value {
        self.bytes = 0;
        let types: Map<String, Value> = std::mem::take(&mut self.types)
            .into_iter()
            .map(|(object_type, part)| {
                let mut value = json!({
                    "records": part.records,
                    "index": part.index,
                    "seen": part.seen,
                    "removed": part.removed,
                });
                if part.sightings > 0 {
                    value["ranks"] = Value::Object(part.ranks);
                    value["sightings"] = json!(part.sightings);
                }
                (object_type.key().to_string(), value)
            })
            .collect();
        json!({ "dataset": self.dataset, "types": types })
    }
}

/// An object as an import record, stamped with the run's time.
fn import_record(object: &AssetsObject, synced: &Value) -> Value {
    let mut record: Map<String, Value> = object
        .record
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    record.insert(LAST_SYNCED.into(), synced.clone());
    Value::Object(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rank: &str) -> IndexEntry {
        IndexEntry {
            fingerprint: Fingerprint(1),
            carry: Some(rank.to_string()),
        }
    }

    #[test]
    fn a_chunk_keeps_the_best_rank_and_one_record_per_ranked_id() {
        let t = ObjectType::ManagedDevice;
        let mut buffer = ChunkBuffer::new(Dataset::ManagedDevices);
        buffer.rank(t, "serial:A", "2025-01-02|x".into());
        buffer.push_ranked(
            t,
            json!({"v": "new"}),
            "serial:A".into(),
            entry("2025-01-02|x"),
        );
        buffer.rank(t, "serial:A", "2024-01-01|y".into());
        buffer.push_ranked(
            t,
            json!({"v": "old"}),
            "serial:A".into(),
            entry("2024-01-01|y"),
        );
        buffer.rank(t, "serial:B", "2024-01-01|p".into());
        buffer.push_ranked(
            t,
            json!({"v": "b-old"}),
            "serial:B".into(),
            entry("2024-01-01|p"),
        );
        buffer.rank(t, "serial:B", "2025-01-01|q".into());
        buffer.push_ranked(
            t,
            json!({"v": "b-new"}),
            "serial:B".into(),
            entry("2025-01-01|q"),
        );
        let chunk = buffer.take();
        let part = &chunk["types"]["managedDevice"];
        assert_eq!(part["records"], json!([{"v": "new"}, {"v": "b-new"}]));
        assert_eq!(part["ranks"]["serial:A"], "2025-01-02|x");
        assert_eq!(part["ranks"]["serial:B"], "2025-01-01|q");
        assert_eq!(part["sightings"], 4);
        let staged: StagedChunk = serde_json::from_value(chunk).expect("readable");
        let part = &staged.types["managedDevice"];
        assert_eq!(
            IndexEntry::decode_stored(&part.index["serial:B"]),
            Some(entry("2025-01-01|q"))
        );
    }
}
