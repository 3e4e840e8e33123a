//! What a step hands back: progress for the page, and at the end the run's report.

use serde::Serialize;

use super::assets::TypeCounters;
use super::checkpoint::{Checkpoint, Counts, Phase, Samples, Tally};
use std::collections::BTreeMap;

use super::datasets::{Dataset, Diagnosis};
use super::skipped::SkippedItem;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    pub phase: &'static str,
    pub dataset: Option<Dataset>,
    pub read: u64,
    pub percent: u8,
}

impl Progress {
    pub fn of(checkpoint: &Checkpoint) -> Self {
        let read = checkpoint
            .datasets
            .iter()
            .flat_map(|d| d.counts.values())
            .map(|c| c.read)
            .sum();
        let (phase, dataset, percent) = match &checkpoint.phase {
            Phase::Read { dataset } => {
                let done = checkpoint.datasets.iter().filter(|d| d.finished).count();
                let share = 60 * done / checkpoint.datasets.len().max(1);
                (
                    "reading",
                    checkpoint.datasets.get(*dataset).map(|d| d.dataset),
                    5 + share as u8,
                )
            }
            Phase::Plan { .. } => ("planning", None, 65),
            Phase::AwaitingConfirmation { .. } => ("awaiting confirmation", None, 65),
            Phase::Mapping | Phase::Start => ("writing", None, 70),
            Phase::Submit { next } => {
                let share = 15 * *next as usize / checkpoint.chunks.max(1) as usize;
                ("writing", None, 70 + share as u8)
            }
            Phase::Poll => ("waiting for Assets", None, 88),
            Phase::Retire { .. } => ("retiring", None, 93),
            Phase::Commit { .. } | Phase::Cleanup => ("committing", None, 97),
            Phase::Done => ("done", None, 100),
        };
        Progress {
            phase,
            dataset,
            read,
            percent,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Succeeded,
    /// Some data sets failed alone (each with its diagnosis in `errors`); the others were written
    /// and committed.
    CompletedWithProblems,
    DryRun,
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DatasetReport {
    pub dataset: Dataset,
    /// Counts per object type, e.g. `{"user": {...}}`.
    pub objects: BTreeMap<String, Counts>,
    pub graph_requests: u64,
    pub full_round: bool,
    /// Graph items read, and those skipped as unreadable (listed in the report's `skipped`).
    pub items: u64,
    pub skipped_items: u64,
    /// Why this data set failed alone: nothing of it was committed or retired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<Diagnosis>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunError {
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The data set that failed alone, and how to fix it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dataset: Option<Dataset>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl RunError {
    /// An error that ended the whole run.
    pub fn run(message: String, request_id: Option<String>) -> Self {
        RunError {
            message,
            request_id,
            dataset: None,
            fix: None,
        }
    }

    /// The failures of the data sets that failed alone, in the order they were read.
    pub fn of_datasets(checkpoint: &Checkpoint) -> Vec<RunError> {
        checkpoint
            .datasets
            .iter()
            .filter_map(|d| {
                let problem = d.problem.clone()?;
                Some(RunError {
                    message: problem.message,
                    request_id: problem.request_id,
                    dataset: Some(d.dataset),
                    fix: problem.fix,
                })
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    pub run_id: String,
    pub trigger: String,
    pub outcome: Outcome,
    pub started_ms: u64,
    pub ended_ms: u64,
    pub datasets: Vec<DatasetReport>,
    #[serde(flatten)]
    pub tally: Tally,
    pub assets_counters: Vec<TypeCounters>,
    pub warnings: Vec<String>,
    /// Graph items skipped as unreadable, with where they were (`sync/skipped.rs`); the first
    /// ones of the run, each data set's `skippedItems` counts them all.
    pub skipped: Vec<SkippedItem>,
    pub errors: Vec<RunError>,
    pub samples: Samples,
    /// Credentials expiring or expired, and Entra Sync's own secret (`sync/expiry.rs`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry: Option<super::expiry::ExpirySummary>,
}

impl RunReport {
    pub fn from(
        checkpoint: &Checkpoint,
        outcome: Outcome,
        ended_ms: u64,
        assets_counters: Vec<TypeCounters>,
        errors: Vec<RunError>,
    ) -> Self {
        RunReport {
            run_id: checkpoint.run_id.clone(),
            trigger: checkpoint.trigger.clone(),
            outcome,
            started_ms: checkpoint.started_ms,
            ended_ms,
            datasets: checkpoint
                .datasets
                .iter()
                .map(|d| DatasetReport {
                    dataset: d.dataset,
                    objects: d.counts.clone(),
                    graph_requests: d.requests,
                    full_round: d.full,
                    items: d.items,
                    skipped_items: d.skipped_items,
                    problem: d.problem.clone(),
                })
                .collect(),
            tally: checkpoint.tally.clone(),
            assets_counters,
            warnings: checkpoint.warnings.clone(),
            skipped: checkpoint.skipped.clone(),
            errors,
            samples: checkpoint.samples.clone(),
            expiry: checkpoint.expiry.clone(),
        }
    }
}
