//! Write: the mapping and one Assets import execution, opened by the first changed record read;
//! records are sent as they are read, staged ranked records after the plan; then the end of the
//! data and waiting for Assets to finish.

use serde_json::{Map, Value, json};

use super::super::assets::ExecutionStatus;
use super::super::checkpoint::{Checkpoint, Phase};
use super::super::error::SyncError;
use super::super::mapping_doc::mapping_document;
use super::super::outbox::Outbox;
use super::super::step::Step;
use super::super::store::KvStore;
use crate::clock::Clock;
use crate::http::HttpTransport;
use crate::model::ObjectType;

/// First wait between execution status polls; doubles up to the maximum. Small imports finish in
/// well under a second, large ones take minutes.
const POLL_FIRST_MS: u64 = 200;
const POLL_MAX_MS: u64 = 5_000;

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// Puts the mapping of every object type the run's data sets write.
    pub(in crate::sync) async fn put_mapping(&self, cp: &Checkpoint) -> Result<(), SyncError> {
        let types: Vec<ObjectType> = cp
            .datasets
            .iter()
            .flat_map(|d| d.dataset.object_types())
            .copied()
            .collect();
        self.assets_client()
            .put_mapping(&mapping_document(&types))
            .await?;
        Ok(())
    }

    /// Sends what the outbox holds as one data chunk, opening the execution first if none is open.
    /// A dry run writes nothing: its records are dropped here.
    pub(in crate::sync) async fn send(
        &mut self,
        cp: &mut Checkpoint,
        outbox: &mut Outbox,
    ) -> Result<(), SyncError> {
        if outbox.is_empty() {
            return Ok(());
        }
        if cp.dry_run {
            outbox.take();
            return Ok(());
        }
        let links = match &cp.execution {
            Some(links) => links.clone(),
            None => {
                self.put_mapping(cp).await?;
                let links = self.assets_client().start().await?;
                cp.execution = Some(links.clone());
                // Whatever point this step resumes from, it sends to this execution (a second
                // start would cancel it, with what was sent to it).
                self.keep_execution(&links);
                links
            }
        };
        self.units += 1;
        let chunk_id = format!("{}-read-{}", cp.run_id, cp.sent_chunks);
        self.assets_client()
            .submit(&links, outbox.take(), chunk_id, false)
            .await?;
        cp.sent_chunks += 1;
        Ok(())
    }

    /// Sends staged chunks from `from` on, then the end of the data; false when the budget ran out.
    pub(in crate::sync) async fn submit(
        &mut self,
        cp: &mut Checkpoint,
        from: u32,
    ) -> Result<bool, SyncError> {
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
            if !cp.may_hold_records(n) {
                continue;
            }
            let chunk = self.load_chunk(&cp.chunk_key(n)).await?;
            let data: Map<String, Value> = chunk
                .types
                .into_iter()
                .filter(|(_, part)| !part.records.is_empty())
                .map(|(object_type, part)| {
                    (
                        object_type.selector().to_string(),
                        Value::Array(part.records),
                    )
                })
                .collect();
            if data.is_empty() {
                continue;
            }
            self.units += 1;
            self.assets_client()
                .submit(
                    &links,
                    Value::Object(data),
                    format!("{}-{n}", cp.run_id),
                    false,
                )
                .await?;
            cp.phase = Phase::Submit { next: n + 1 };
            self.safe_point(cp);
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

    /// Waits for the execution to finish; false when the budget ran out first.
    pub(in crate::sync) async fn poll(&mut self, cp: &mut Checkpoint) -> Result<bool, SyncError> {
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
                    // What Assets did, not what the run sent: repeats of an object (a large
                    // group on several items, a step done again) count once.
                    cp.confirm_written(&counters);
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
}
