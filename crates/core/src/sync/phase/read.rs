//! Read: pages of one data set from Graph, each item compared with the committed index. Changed
//! records go straight to the Assets import execution (opened by the first of them; none in a dry
//! run); what the plan and the commit need (index entries, ids seen or removed) is staged in KVS.
//! Ranked records (one object claimed by several Graph records) are staged whole, as their winner
//! is known only when the round has ended.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::super::checkpoint::{Checkpoint, SAMPLE_SIZE};
use super::super::datasets::{self, Dataset, Item, ItemError, ParseContext};
use super::super::error::{FilterProblem, SyncError};
use super::super::filter::Filter;
use super::super::index::{Index, IndexEntry, IndexError};
use super::super::outbox::Outbox;
use super::super::skipped::{self, SkippedItem};
use super::super::staging::{ChunkBuffer, import_record};
use super::super::step::Step;
use super::super::store::{KvStore, MAX_VALUE_BYTES};
use futures_util::future::join;

use crate::clock::Clock;
use crate::graph::{GraphError, Page, PagesError, Turn};
use crate::http::HttpTransport;
use crate::model::{AssetsObject, Carry, ExpiryClock, Fingerprint, ObjectType};
use crate::time::iso_utc;

/// An item that could not be read, with its id when it has a readable one.
type Unreadable = Box<(ItemError, Option<String>)>;

/// What reading one data set in one step works with.
struct Round {
    at: usize,
    dataset: Dataset,
    /// A delta round: index shards are loaded as the items that need them come.
    lazy: bool,
    filter: Option<Filter>,
    /// The run's start, stamped on every record.
    synced: Value,
    /// The run's start and warning window (credentials' days left and state).
    clock: ExpiryClock,
    /// The signed-in tenant's id, from the token.
    tenant: Option<String>,
    indexes: HashMap<ObjectType, Index>,
    buffer: ChunkBuffer,
    /// Changed records not yet sent to Assets.
    outbox: Outbox,
    /// The data set's own object read last ([`crate::sync::checkpoint::DatasetRun::last_read`]).
    last_read: Option<String>,
}

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// Reads pages of data set `at` until it ends (true) or the budget is spent (false). While a
    /// page is mapped, the next one is already requested (one page ahead, so memory stays
    /// bounded); a prefetched page is always read, as the budget allowed it when it was sent.
    pub(in crate::sync) async fn read(
        &mut self,
        cp: &mut Checkpoint,
        at: usize,
    ) -> Result<bool, SyncError> {
        match self.read_round(cp, at).await {
            // A delta round trusts the index for what it does not repeat (a user's manager and
            // licences, what a removal hits): a damaged value turns it into a full round, whose
            // start heals the index.
            Err(SyncError::Index(IndexError::Damaged { key, .. })) if !cp.datasets[at].full => {
                self.read_in_full_instead(cp, at, &key).await?;
                self.read_round(cp, at).await
            }
            other => other,
        }
    }

    async fn read_round(&mut self, cp: &mut Checkpoint, at: usize) -> Result<bool, SyncError> {
        let mut round = self.open_round(cp, at).await?;
        let mut ahead = None;
        let finished = loop {
            let answer = match ahead.take() {
                Some(answer) => answer,
                None => {
                    if !self.has_time(1) {
                        break false;
                    }
                    let url = self.sending(cp, at);
                    self.fetch(round.dataset, url).await
                }
            };
            let Some(page) = self.settle(cp, at, answer)? else {
                continue;
            };
            let ended = end_of_page(cp, at, page.next_link, page.delta_link)?;
            if ended || !self.has_time(1) {
                self.take_page(cp, &mut round, page.value, page.request_id)
                    .await?;
            } else {
                let url = self.sending(cp, at);
                let this = &*self;
                let dataset = round.dataset;
                let round = &mut round;
                let (answer, taken) = join(this.fetch(dataset, url), async {
                    this.take_page(cp, round, page.value, page.request_id)
                        .await?;
                    // The page's index entries are staged while the next page is on its way.
                    this.flush(cp, &mut round.buffer).await
                })
                .await;
                taken?;
                ahead = Some(answer);
            }
            // With the page sent and staged whole, the checkpoint is one a step may end at (a
            // step the KVS quota stops redoes at most this page; a page fetched ahead is fetched
            // again).
            self.send(cp, &mut round.outbox).await?;
            self.flush(cp, &mut round.buffer).await?;
            cp.datasets[at].last_read.clone_from(&round.last_read);
            self.safe_point(cp);
            if ended {
                break true;
            }
        };
        self.send(cp, &mut round.outbox).await?;
        self.flush(cp, &mut round.buffer).await?;
        cp.datasets[at].last_read = round.last_read;
        if round.lazy {
            self.indexes.extend(round.indexes);
        }
        let run = &cp.datasets[at];
        if finished && skipped::too_many(run.skipped_items, run.items) {
            return Err(SyncError::TooManySkipped {
                dataset: run.dataset,
                skipped: run.skipped_items,
                items: run.items,
            });
        }
        Ok(finished)
    }

    async fn open_round(&mut self, cp: &mut Checkpoint, at: usize) -> Result<Round, SyncError> {
        let dataset = cp.datasets[at].dataset;
        // A delta round reads a few changes: their shards of the index are loaded as they come.
        let lazy = !cp.datasets[at].full;
        let mut indexes = HashMap::new();
        for object_type in dataset.object_types() {
            let index = if lazy {
                self.delta_index(*object_type).await?
            } else {
                self.whole_index(cp, at, *object_type).await?
            };
            indexes.insert(*object_type, index);
        }
        let run = &cp.datasets[at];
        let filter = match &run.filter {
            Some(text) => Some(Filter::parse(text).map_err(FilterProblem::from)?),
            None => None,
        };
        let tenant = self.token().await?.tenant();
        let mut buffer = ChunkBuffer::new(dataset);
        // A group continued on the next page, read by the previous step: staged and counted there.
        if let Some(id) = &run.last_read {
            buffer.first(dataset.object_types()[0], id);
        }
        Ok(Round {
            at,
            dataset,
            lazy,
            filter,
            synced: Value::String(iso_utc(cp.started_ms)),
            clock: ExpiryClock {
                now_ms: cp.started_ms,
                warn_days: cp.warn_days,
            },
            tenant,
            indexes,
            buffer,
            outbox: Outbox::default(),
            last_read: run.last_read.clone(),
        })
    }

    /// The URL of the data set's next request, counted as sent.
    fn sending(&mut self, cp: &mut Checkpoint, at: usize) -> String {
        let run = &mut cp.datasets[at];
        let url = run
            .dataset
            .pages(run.full)
            .next_url(run.next_url.as_deref(), run.pending_delta_link.as_deref());
        run.requests += 1;
        self.units += 1;
        url
    }

    async fn fetch(&self, dataset: Dataset, url: String) -> Result<Page<Value>, SyncError> {
        self.graph_page(dataset, &url).await
    }

    /// A page's answer; `None` when the data set's delta token expired and it starts over in full.
    fn settle(
        &self,
        cp: &mut Checkpoint,
        at: usize,
        answer: Result<Page<Value>, SyncError>,
    ) -> Result<Option<Page<Value>>, SyncError> {
        let run = &mut cp.datasets[at];
        let dataset = run.dataset;
        match answer {
            Ok(page) => Ok(Some(page)),
            Err(SyncError::Graph { error, .. })
                if needs_resync(&error) && run.next_url.is_some() =>
            {
                let note = format!(
                    "The {} delta token was no longer valid ({}); reading all {} again. Nothing is lost or doubled: objects are matched by id.",
                    dataset.key(),
                    error.code().unwrap_or("expired"),
                    dataset.key()
                );
                run.full = true;
                run.next_url = None;
                run.pending_delta_link = None;
                // The full round reads (and skips) its items anew.
                run.pages = 0;
                run.items = 0;
                run.skipped_items = 0;
                run.last_read = None;
                cp.skipped.retain(|item| item.dataset != dataset);
                cp.warn(note);
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// One page's items, parsed and staged. An item that cannot be read is skipped and listed
    /// (`sync/skipped.rs`); in a full round, what its id names counts as seen.
    async fn take_page(
        &self,
        cp: &mut Checkpoint,
        round: &mut Round,
        items: Vec<Value>,
        request_id: Option<String>,
    ) -> Result<(), SyncError> {
        let run = &mut cp.datasets[round.at];
        run.pages += 1;
        run.items += items.len() as u64;
        let page = run.pages;
        // Ids of the page's items that could not be read: their objects count as seen.
        let mut unreadable = HashSet::new();
        for (index, item) in items.into_iter().enumerate() {
            if let Err(error) = self.take_item(cp, round, item).await? {
                let (error, id) = *error;
                let at = round.at;
                let skipped = SkippedItem::new(
                    &error,
                    id.as_deref(),
                    page,
                    index as u64,
                    request_id.as_deref(),
                );
                cp.skip(at, skipped);
                unreadable.extend(id);
            }
        }
        if !unreadable.is_empty() && cp.datasets[round.at].full {
            keep_unreadable(round, &unreadable);
        }
        Ok(())
    }

    /// One Graph item: parsed against the committed index and staged; an item that cannot be read
    /// comes back with its id (when it has one) and nothing is staged.
    async fn take_item(
        &self,
        cp: &mut Checkpoint,
        round: &mut Round,
        item: Value,
    ) -> Result<Result<(), Unreadable>, SyncError> {
        if round.lazy {
            self.load_index_for(round.dataset, &item, &mut round.indexes)
                .await?;
        }
        let full = cp.datasets[round.at].full;
        let id = item
            .get("id")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_ascii_lowercase);
        let items = match parse(round, item, full) {
            Ok(items) => items,
            Err(error) => return Ok(Err(Box::new((error, id)))),
        };
        if round.lazy {
            // Removals too: the plan looks them up, and damage met now can still turn the round
            // into a full one.
            for item in &items {
                let (object_type, id) = match item {
                    Item::Upsert { object, .. } => (object.object_type, &object.id),
                    Item::Removed { object_type, id } => (*object_type, id),
                };
                if let Some(index) = round.indexes.get_mut(&object_type) {
                    index.ensure(&self.store, object_type.key(), id).await?;
                }
            }
        }
        for item in items {
            match item {
                Item::Removed { object_type, id } => round.buffer.removed(object_type, id),
                Item::Upsert { object, carry } => stage_upsert(cp, round, object, carry, full),
            }
        }
        // Per item, not per page: a 1,000-record Intune page or one group item with its
        // memberships alone can outgrow a chunk.
        if round.buffer.bytes > MAX_VALUE_BYTES / 2 {
            self.flush(cp, &mut round.buffer).await?;
        }
        // The outbox is sent when the page is taken (`read`): taking a page runs beside the next
        // page's request, so it cannot send. A page's records stay well under Forge's 5 MB
        // invocation payload (999 directory objects, or one group's memberships).
        Ok(Ok(()))
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
                .ensure(&self.store, own.key(), &id.to_ascii_lowercase())
                .await?;
        }
        if dataset == Dataset::Groups && item.get("@removed").is_some() {
            let memberships = ObjectType::GroupMembership;
            if let Some(index) = indexes.get_mut(&memberships) {
                index.ensure_whole(&self.store, memberships.key()).await?;
            }
        }
        Ok(())
    }

    /// Stores the buffer as the run's next staged chunk.
    async fn flush(&self, cp: &mut Checkpoint, buffer: &mut ChunkBuffer) -> Result<(), SyncError> {
        if buffer.is_empty() {
            return Ok(());
        }
        let has_records = buffer.has_records();
        let chunk = buffer.take();
        self.store_staged(&cp.chunk_key(cp.chunks), &chunk).await?;
        cp.chunks += 1;
        if has_records {
            cp.record_chunks += 1;
            if let Some(run) = cp.datasets.iter_mut().find(|d| d.dataset == buffer.dataset) {
                run.record_chunks += 1;
            }
        }
        Ok(())
    }
}

/// The item's meaning for Assets. Out of the admin's filter: unseen in a full round (so retired if
/// it was synced before), removed in an incremental one (it may have just left the scope).
fn parse(round: &Round, item: Value, full: bool) -> Result<Vec<Item>, ItemError> {
    let context = ParseContext {
        full,
        indexes: &round.indexes,
        clock: round.clock,
        tenant: round.tenant.as_deref(),
    };
    let out_of_scope = round
        .filter
        .as_ref()
        .is_some_and(|filter| item.get("@removed").is_none() && !filter.matches(&item));
    if !out_of_scope {
        return round.dataset.parse(item, &context);
    }
    Ok(match (full, item.get("id").and_then(Value::as_str)) {
        (false, Some(id)) => vec![Item::Removed {
            object_type: round.dataset.object_types()[0],
            id: id.to_ascii_lowercase(),
        }],
        _ => Vec::new(),
    })
}

/// Stages one object read from Graph, unless the index says it is unchanged.
fn stage_upsert(
    cp: &mut Checkpoint,
    round: &mut Round,
    object: AssetsObject,
    carry: Option<Carry>,
    full: bool,
) {
    let object_type = object.object_type;
    let ranked = datasets::ranked(object_type);
    // Repeats of one object in a step are staged once; ranked types (one Assets object for several
    // Graph records) choose their own winner.
    if !ranked && !round.buffer.first(object_type, &object.id) {
        return;
    }
    if !ranked && object_type == round.dataset.object_types()[0] {
        round.last_read = Some(object.id.clone());
    }
    let entry = IndexEntry {
        fingerprint: Fingerprint::of(&object),
        carry,
    };
    let known = round
        .indexes
        .get(&object_type)
        .and_then(|i| i.entries.get(&object.id));
    cp.datasets[round.at].counts_of(object_type).read += 1;
    if ranked {
        // Another record may claim this object on a later page or step: stage by rank, decide
        // (and count) in `resolve_ranked`.
        let unchanged = known == Some(&entry) && !cp.rewrite;
        let rank = entry
            .carry
            .as_ref()
            .and_then(Carry::as_rank)
            .cloned()
            .unwrap_or_default();
        round.buffer.rank(object_type, &object.id, rank);
        if !unchanged {
            let record = import_record(&object, &round.synced);
            round
                .buffer
                .push_ranked(object_type, record, object.id, entry);
        }
        return;
    }
    let rewrite = cp.rewrite;
    let counts = cp.datasets[round.at].counts_of(object_type);
    match known {
        // A full round must list what it saw so the rest counts as gone; staged index entries list
        // themselves, so only unchanged ids are noted here (ranked ids are in the chunk's ranks).
        Some(old) if *old == entry && !rewrite => {
            counts.unchanged += 1;
            if full {
                round.buffer.seen(object_type, object.id);
            }
        }
        // Only the carry changed (a user's licences): nothing to write to Assets, but the index
        // must learn the new carry.
        Some(old) if old.fingerprint == entry.fingerprint && !rewrite => {
            counts.unchanged += 1;
            round.buffer.entry(object_type, object.id, entry);
        }
        old => {
            let list = if old.is_some() {
                counts.to_update += 1;
                &mut cp.samples.updated
            } else {
                counts.to_create += 1;
                &mut cp.samples.created
            };
            if list.len() < SAMPLE_SIZE {
                list.push(format!("{}: {}", object_type.name(), object.label()));
            }
            round
                .outbox
                .push(object_type, import_record(&object, &round.synced));
            round.buffer.entry(object_type, object.id, entry);
        }
    }
}

/// A full round retires what it did not see: the committed objects that the page's unreadable
/// items name are noted as seen, so an item Entra Sync cannot read never retires anything. Per
/// object type of the data set: the item's own object (its id), the objects it owns (ids
/// `"<id>:…"`: a group's memberships, a user's licence assignments, an application's
/// credentials) and, for ranked types, the object whose winning record it was.
fn keep_unreadable(round: &mut Round, ids: &HashSet<String>) {
    for object_type in round.dataset.object_types().iter().copied() {
        let Some(index) = round.indexes.get(&object_type) else {
            continue;
        };
        let kept: Vec<String> = index
            .entries
            .iter()
            .filter(|(key, entry)| {
                ids.contains(key.as_str())
                    || key
                        .split_once(':')
                        .is_some_and(|(owner, _)| ids.contains(owner))
                    || entry
                        .carry
                        .as_ref()
                        .and_then(Carry::as_rank)
                        .is_some_and(|rank| ids.contains(&rank.id.to_ascii_lowercase()))
            })
            .map(|(key, _)| key.clone())
            .collect();
        for key in kept {
            round.buffer.seen(object_type, key);
        }
    }
}

/// Moves the data set's round past this page ([`crate::graph::Pages::turn`]); true when the round
/// ended. Its deltaLink is kept until the commit.
fn end_of_page(
    cp: &mut Checkpoint,
    at: usize,
    next_link: Option<String>,
    delta_link: Option<String>,
) -> Result<bool, SyncError> {
    let run = &mut cp.datasets[at];
    let dataset = run.dataset;
    let turn = dataset
        .pages(run.full)
        .turn(run.pending_delta_link.is_some(), next_link, delta_link)
        .map_err(|error| match error {
            PagesError::Unterminated => SyncError::Unterminated(dataset),
            error => SyncError::Pages { dataset, error },
        })?;
    match turn {
        Turn::Next(next) => {
            run.next_url = Some(next);
            Ok(false)
        }
        Turn::Hold(delta) => {
            run.pending_delta_link = Some(delta);
            run.next_url = None;
            Ok(false)
        }
        Turn::End(delta) => {
            if delta.is_some() {
                run.pending_delta_link = delta;
            }
            run.next_url = None;
            run.finished = true;
            Ok(true)
        }
    }
}

/// Graph's ways of saying a delta token is no longer valid.
fn needs_resync(error: &GraphError) -> bool {
    matches!(error.status(), Some(410))
        || matches!(
            error.code(),
            Some("syncStateNotFound" | "resyncRequired" | "syncStateInvalid")
        )
}
