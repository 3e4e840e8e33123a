//! Everything a run needs to go on in the next invocation. Small (it travels in a queue event): bulky
//! state lives in KVS under `run:<id>:…` keys, and only counters and cursors live here.

use serde::{Deserialize, Serialize};

use super::assets::ExecutionLinks;
use std::collections::BTreeMap;

use super::datasets::{Dataset, Diagnosis};

pub const CHECKPOINT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "name")]
pub enum Phase {
    /// Reading data set `datasets[dataset]`.
    Read {
        dataset: usize,
    },
    /// Deciding what is gone, and whether that needs confirmation: `done` of the run's object
    /// types are planned (one at a time, so a step may end between two).
    Plan {
        #[serde(default)]
        done: u32,
    },
    /// Stopped before any write: more objects would be retired than the threshold allows.
    AwaitingConfirmation {
        retire: u64,
        threshold: u64,
    },
    Mapping,
    Start,
    /// Submitting staged chunk `next` of the execution.
    Submit {
        next: u32,
    },
    Poll,
    /// Retiring the ids of retire chunk `chunk`, from position `offset`.
    Retire {
        chunk: u32,
        offset: u32,
    },
    /// Committing the index of each object type: `done` of them are committed.
    Commit {
        #[serde(default)]
        done: u32,
    },
    /// Deleting the run's staged values. Never in the step that committed: a step lost after its
    /// work is done again from its saved checkpoint, and a commit done again reads them.
    Cleanup,
    Done,
}

/// One object type's counts in a run. What the run read and found (`read`, `unchanged`,
/// `toCreate`, `toUpdate`, `toRetire`) is counted as it reads and plans; what it wrote (`created`,
/// `updated`, `retired`) only from what Assets confirmed: the import execution's counters once it is
/// DONE, and each retirement Assets answered. So a dry run, a failed or a cancelled run shows what it
/// found next to what was really written, and a step done twice counts nothing twice.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub read: u64,
    /// Confirmed by Assets: objects the import execution created.
    pub created: u64,
    /// Confirmed by Assets: objects the import execution updated.
    pub updated: u64,
    pub unchanged: u64,
    /// Confirmed by Assets: objects marked "Deleted in Entra" (or deleted) with a success answer.
    pub retired: u64,
    pub failed: u64,
    /// Found new, changed or gone by this run (written only when Assets confirms it).
    #[serde(default)]
    pub to_create: u64,
    #[serde(default)]
    pub to_update: u64,
    #[serde(default)]
    pub to_retire: u64,
    /// Records read but not written because another record of the same object won (a re-enrolled
    /// machine's older Intune record).
    #[serde(default)]
    pub skipped: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetRun {
    pub dataset: Dataset,
    /// A full round: every object is listed, so what is not listed is gone.
    pub full: bool,
    /// The next page to read; `None` before the first request of the round.
    pub next_url: Option<String>,
    /// The deltaLink that ends this round; committed only after Assets is DONE.
    pub pending_delta_link: Option<String>,
    pub finished: bool,
    /// First staged chunk of this data set: data sets are read one after another, so each one's
    /// chunks are `first_chunk` up to the next data set's.
    #[serde(default)]
    pub first_chunk: u32,
    /// Of the run's `record_chunks`, those staged by this data set.
    #[serde(default)]
    pub record_chunks: u32,
    /// The admin's `$filter` for this data set, evaluated on every item read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Counts per object type (by [`crate::model::ObjectType::key`]).
    pub counts: BTreeMap<String, Counts>,
    /// Requests to Graph for this data set.
    pub requests: u64,
    /// Pages and Graph items taken in this round, and the items skipped as unreadable
    /// (`sync/skipped.rs`).
    #[serde(default)]
    pub pages: u64,
    #[serde(default)]
    pub items: u64,
    #[serde(default)]
    pub skipped_items: u64,
    /// The id of the data set's own object read last, so that the next step does not stage and
    /// count it again when its items continue across the step boundary (a large group's items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_read: Option<String>,
    /// Set when the data set failed alone (`phase/alone.rs`): plan, import and commit skip it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<Diagnosis>,
}

impl DatasetRun {
    pub fn counts_of(&mut self, object_type: crate::model::ObjectType) -> &mut Counts {
        self.counts
            .entry(object_type.key().to_string())
            .or_default()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    pub graph_requests: u64,
    pub assets_requests: u64,
    pub throttled: u64,
    pub waited_ms: u64,
    pub steps: u64,
    /// KVS calls refused by Forge's quota and waited out, and the time waited.
    #[serde(default)]
    pub kvs_waits: u64,
    #[serde(default)]
    pub kvs_waited_ms: u64,
    /// Steps that ended early because the quota's wait would have passed their budget.
    #[serde(default)]
    pub kvs_paused_steps: u64,
    /// Steps that ended early at their last safe point because Graph, the token endpoint or
    /// Assets did not answer, or kept answering throttled or with server errors, past the retry
    /// policy or the step's time (`sync/transient.rs`).
    #[serde(default)]
    pub transient_paused_steps: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Samples {
    pub created: Vec<String>,
    pub updated: Vec<String>,
    pub retired: Vec<String>,
}

/// Retirements the mass-deletion guard holds: the largest count of one type, and its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trip {
    pub retire: u64,
    pub threshold: u64,
}

pub const SAMPLE_SIZE: usize = 5;
const MAX_WARNINGS: usize = 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Checkpoint {
    pub version: u32,
    pub run_id: String,
    pub trigger: String,
    pub dry_run: bool,
    /// The admin confirmed the retirements the mass-deletion guard stopped for.
    pub confirmed: bool,
    /// What is in scope (data sets and filters) changed: every object is written again, so that
    /// references to objects that just came into scope resolve.
    #[serde(default)]
    pub rewrite: bool,
    /// Fingerprint of the scope this run syncs, committed with the index.
    #[serde(default)]
    pub scope: String,
    pub started_ms: u64,
    pub phase: Phase,
    pub datasets: Vec<DatasetRun>,
    /// Staged chunks `run:<id>:chunk:0..chunks`.
    pub chunks: u32,
    /// Chunks holding at least one record to import.
    pub record_chunks: u32,
    /// Retire lists `run:<id>:retire:0..retire_chunks`.
    pub retire_chunks: u32,
    pub execution: Option<ExecutionLinks>,
    /// Data chunks sent to the execution while reading (their `clientGeneratedId`s number on).
    #[serde(default)]
    pub sent_chunks: u32,
    /// The execution is DONE: what is left is retiring and committing.
    #[serde(default)]
    pub written: bool,
    /// The mass-deletion guard's verdict from the plan: more would be retired than the threshold
    /// allows. It holds the retirements (not the writes) until the admin confirms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trip: Option<Trip>,
    pub tally: Tally,
    pub warnings: Vec<String>,
    /// Graph items skipped as unreadable, the first [`super::skipped::MAX_LISTED`] of the run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<super::skipped::SkippedItem>,
    pub samples: Samples,
    /// The deletion policy and mass-deletion guard from the settings.
    #[serde(default)]
    pub guard: super::guard::Guard,
    /// An admin asked to cancel: the next step ends the run (cancelling an execution in flight).
    #[serde(default)]
    pub cancel_requested: bool,
    /// How many days ahead credential expiry warnings look (the admin's setting).
    #[serde(default = "default_warn_days")]
    pub warn_days: u32,
    /// Credentials that expire soon or have expired, worked out as the run ends (`sync/expiry.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry: Option<super::expiry::ExpirySummary>,
    /// The destination passed its check in this run (`sync/destination.rs`): done once, first.
    #[serde(default)]
    pub destination_checked: bool,
    /// What the mass-deletion guard asks, once it stopped the run (`sync/guard.rs`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<super::guard::GuardQuestion>,
    /// What the plan found so far, while it goes from one object type to the next.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub planning: Option<Planning>,
    /// Waits Graph and Assets asked for that outlast a step: the next step honours them.
    #[serde(default)]
    pub paused: super::transient::Paused,
    /// Since when the run has made no progress for a transient cause, and what the last one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stall: Option<super::transient::Stall>,
    /// Run data of earlier runs is swept (`sync/sweep.rs`): done once, before reading. A checkpoint
    /// stored before the field existed belongs to a run already past that point.
    #[serde(default = "already_swept")]
    pub swept: bool,
    /// Keys the sweep removed so far.
    #[serde(default)]
    pub swept_keys: u64,
}

fn already_swept() -> bool {
    true
}

/// The plan's findings over the object types planned so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Planning {
    /// Every removal found, per object type, for the guard's question.
    pub question: super::guard::GuardQuestion,
    /// The object type of each of the question's entries, in order.
    pub asked: Vec<crate::model::ObjectType>,
    /// The largest removal of one type over its threshold, and that threshold.
    pub trip: Option<Trip>,
}

fn default_warn_days() -> u32 {
    crate::model::DEFAULT_WARN_DAYS
}

impl Checkpoint {
    /// `committed` holds, per data set to sync, its committed deltaLink and its filter.
    pub fn new(
        run_id: String,
        trigger: String,
        dry_run: bool,
        started_ms: u64,
        committed: &[(Dataset, Option<String>, Option<String>)],
    ) -> Self {
        Checkpoint {
            version: CHECKPOINT_VERSION,
            run_id,
            trigger,
            dry_run,
            confirmed: false,
            rewrite: false,
            scope: String::new(),
            warn_days: default_warn_days(),
            expiry: None,
            started_ms,
            phase: Phase::Read { dataset: 0 },
            datasets: committed
                .iter()
                .map(|(dataset, delta_link, filter)| DatasetRun {
                    dataset: *dataset,
                    full: delta_link.is_none(),
                    next_url: delta_link.clone(),
                    pending_delta_link: None,
                    finished: false,
                    first_chunk: 0,
                    record_chunks: 0,
                    filter: filter.clone(),
                    counts: dataset
                        .object_types()
                        .iter()
                        .map(|t| (t.key().to_string(), Counts::default()))
                        .collect(),
                    requests: 0,
                    pages: 0,
                    items: 0,
                    skipped_items: 0,
                    last_read: None,
                    problem: None,
                })
                .collect(),
            chunks: 0,
            record_chunks: 0,
            retire_chunks: 0,
            execution: None,
            sent_chunks: 0,
            written: false,
            trip: None,
            tally: Tally::default(),
            warnings: Vec::new(),
            skipped: Vec::new(),
            samples: Samples::default(),
            guard: super::guard::Guard::default(),
            cancel_requested: false,
            destination_checked: false,
            question: None,
            planning: None,
            paused: super::transient::Paused::default(),
            stall: None,
            swept: false,
            swept_keys: 0,
        }
    }

    pub fn warn(&mut self, warning: String) {
        if self.warnings.len() < MAX_WARNINGS && !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    /// Notes an item skipped as unreadable: counted always, listed while the list has room.
    pub fn skip(&mut self, at: usize, item: super::skipped::SkippedItem) {
        if let Some(run) = self.datasets.get_mut(at) {
            run.skipped_items += 1;
        }
        if self.skipped.len() < super::skipped::MAX_LISTED {
            self.skipped.push(item);
        }
    }

    /// Takes what Assets confirmed the execution did (its counters, by object type name) as the
    /// run's created and updated counts.
    pub fn confirm_written(&mut self, counters: &[super::assets::TypeCounters]) {
        for run in &mut self.datasets {
            for object_type in run.dataset.object_types() {
                let done = counters
                    .iter()
                    .filter(|c| c.object_type_name == object_type.name());
                let (created, updated) =
                    done.fold((0, 0), |(c, u), t| (c + t.created, u + t.updated));
                let counts = run.counts_of(*object_type);
                counts.created = created;
                counts.updated = updated;
            }
        }
    }

    /// Whether staged chunk `n` may hold records to send: only a data set that staged records
    /// (ranked types, or any type in chunks staged before records were sent while reading).
    pub fn may_hold_records(&self, n: u32) -> bool {
        (0..self.datasets.len())
            .any(|at| self.chunks_of(at).contains(&n) && self.datasets[at].record_chunks > 0)
    }

    /// The staged chunks of data set `at` (valid once its reading has ended).
    pub fn chunks_of(&self, at: usize) -> std::ops::Range<u32> {
        let start = self.datasets.get(at).map_or(0, |d| d.first_chunk);
        let end = self
            .datasets
            .get(at + 1)
            .map_or(self.chunks, |d| d.first_chunk.max(start));
        start..end.min(self.chunks).max(start)
    }

    pub fn chunk_key(&self, n: u32) -> String {
        format!("run:{}:chunk:{n}", self.run_id)
    }

    pub fn retire_key(&self, n: u32) -> String {
        format!("run:{}:retire:{n}", self.run_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_data_set_owns_the_chunks_staged_while_it_was_read() {
        let mut cp = Checkpoint::new(
            "run".into(),
            "test".into(),
            false,
            0,
            &[
                (Dataset::Users, None, None),
                (Dataset::Groups, None, None),
                (Dataset::Devices, None, None),
            ],
        );
        cp.chunks = 10;
        cp.datasets[1].first_chunk = 4;
        cp.datasets[2].first_chunk = 4;
        assert_eq!(cp.chunks_of(0), 0..4);
        assert_eq!(cp.chunks_of(1), 4..4, "a data set that staged nothing");
        assert_eq!(cp.chunks_of(2), 4..10);
    }

    /// A run stored by the previous version, in its plan or commit, goes on from the first type.
    #[test]
    fn plan_and_commit_phases_without_a_count_start_from_the_first_type() {
        let plan: Phase = serde_json::from_str(r#"{"name":"plan"}"#).expect("plan");
        assert_eq!(plan, Phase::Plan { done: 0 });
        let commit: Phase = serde_json::from_str(r#"{"name":"commit"}"#).expect("commit");
        assert_eq!(commit, Phase::Commit { done: 0 });
        let later = serde_json::to_value(Phase::Commit { done: 3 }).expect("json");
        assert_eq!(later, serde_json::json!({"name": "commit", "done": 3}));
    }

    #[test]
    fn skipped_items_are_all_counted_and_the_first_twenty_listed() {
        use super::super::datasets::{ItemError, ItemProblem};
        use super::super::skipped::{MAX_LISTED, SkippedItem};
        let mut cp = Checkpoint::new(
            "run".into(),
            "test".into(),
            false,
            0,
            &[(Dataset::Groups, None, None)],
        );
        let error = ItemError {
            dataset: Dataset::Groups,
            problem: ItemProblem::NoId("a group"),
        };
        for n in 0..25 {
            cp.skip(0, SkippedItem::new(&error, None, 1, n, Some("r")));
        }
        assert_eq!(cp.datasets[0].skipped_items, 25);
        assert_eq!(cp.skipped.len(), MAX_LISTED);
        assert!(serde_json::to_string(&cp).expect("json").len() < 10_000);
    }

    #[test]
    fn written_counts_are_what_assets_counted_per_type() {
        use super::super::assets::TypeCounters;
        let mut cp = Checkpoint::new(
            "run".into(),
            "test".into(),
            false,
            0,
            &[(Dataset::Groups, None, None)],
        );
        cp.datasets[0]
            .counts_of(crate::model::ObjectType::Group)
            .to_create = 204;
        cp.confirm_written(&[
            TypeCounters {
                object_type_name: "Entra Group".into(),
                created: 200,
                updated: 1,
                ..TypeCounters::default()
            },
            TypeCounters {
                object_type_name: "Entra User".into(),
                created: 7,
                ..TypeCounters::default()
            },
        ]);
        let group = &cp.datasets[0].counts["group"];
        assert_eq!(
            (group.created, group.updated, group.to_create),
            (200, 1, 204)
        );
        assert_eq!(cp.datasets[0].counts["groupMembership"].created, 0);
    }
}
