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
    /// Deciding what is gone, and whether that needs confirmation.
    Plan,
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
    Commit,
    Done,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub read: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub retired: u64,
    pub failed: u64,
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
            samples: Samples::default(),
            guard: super::guard::Guard::default(),
            cancel_requested: false,
            destination_checked: false,
            question: None,
        }
    }

    pub fn warn(&mut self, warning: String) {
        if self.warnings.len() < MAX_WARNINGS && !self.warnings.contains(&warning) {
            self.warnings.push(warning);
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
}
