//! Import sources and their executions: the state machine `INGESTING → PROCESSING → DONE` (or
//! `CANCELLED`) of LT patch 002, and the status bodies of SPEC's `getExecutionStatus`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::mapping::TypeMapping;
use super::model::MissingPolicy;

#[derive(Debug, Clone)]
pub struct ImportSource {
    pub schema_id: u64,
    /// The name the admin gave the import in the schema's Import tab.
    pub name: String,
    pub created: String,
    pub mapping: Option<Vec<TypeMapping>>,
    pub disabled: bool,
    /// Per object type id; absent means [`MissingPolicy::Ignore`].
    pub missing: BTreeMap<u64, MissingPolicy>,
    pub latest_execution: Option<String>,
}

impl ImportSource {
    pub fn new(schema_id: u64, name: &str, created: String) -> Self {
        Self {
            schema_id,
            name: name.to_string(),
            created,
            mapping: None,
            disabled: false,
            missing: BTreeMap::new(),
            latest_execution: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecStatus {
    Ingesting,
    /// Already processed; shown for `reads_left` more status reads so clients see the state.
    Processing {
        reads_left: u32,
    },
    Done,
    Cancelled,
}

impl ExecStatus {
    pub fn name(self) -> &'static str {
        match self {
            ExecStatus::Ingesting => "INGESTING",
            ExecStatus::Processing { .. } => "PROCESSING",
            ExecStatus::Done => "DONE",
            ExecStatus::Cancelled => "CANCELLED",
        }
    }

    pub fn is_running(self) -> bool {
        matches!(self, ExecStatus::Ingesting | ExecStatus::Processing { .. })
    }
}

/// SPEC's per-object-type counters (`objectTypeResultMap` values); `duplicateEnries` is spelled as
/// the real API spells it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeCounters {
    pub object_type_id: u64,
    pub object_type_name: String,
    pub created: u64,
    pub updated: u64,
    pub identical: u64,
    pub missing_updated: u64,
    pub missing_deleted: u64,
    pub entries_in_source: u64,
    pub duplicates: u64,
    pub empty_label: u64,
    pub empty_external_id: u64,
    pub with_updated_references: u64,
    pub errors: Vec<String>,
}

impl TypeCounters {
    pub fn to_json(&self) -> Value {
        json!({
            "id": null,
            "objectTypeName": self.object_type_name,
            "objectTypeId": self.object_type_id,
            "objectsUpdated": self.updated,
            "objectsCreated": self.created,
            "objectsIdentical": self.identical,
            "objectsMissingUpdated": self.missing_updated,
            "objectsMissingDeleted": self.missing_deleted,
            "entriesInSource": self.entries_in_source,
            "duplicateEnries": self.duplicates,
            "emptyLabelEntries": self.empty_label,
            "emptyExternalIdEntries": self.empty_external_id,
            "objectsFilteredWithQlQuery": 0,
            "errorMessages": if self.errors.is_empty() { Value::Null } else { json!(self.errors.join("\n")) },
            "readExternalDataTimeInMs": 0,
            "mapExternalDataTimeInMs": 0,
            "qlQueryFilteringTimeInMs": 0,
            "decidingActionsTimeInMs": 0,
            "writeInsightDataTimeInMs": 0,
            "postFunctionTimeInMs": 0,
            "executionTimeInMs": 0,
            "objectsWithUpdatedReferences": self.with_updated_references,
        })
    }
}

#[derive(Debug, Clone)]
pub struct Execution {
    pub id: String,
    pub source_id: String,
    /// Sequential, like SPEC's numeric `progressResult.id`.
    pub number: u64,
    pub status: ExecStatus,
    /// The `data` objects of every chunk, in arrival order.
    pub chunks: Vec<Value>,
    pub client_ids: Vec<String>,
    pub started: String,
    pub ended: Option<String>,
    pub counters: Vec<TypeCounters>,
    pub schema_id: u64,
}

impl Execution {
    /// `GET …/executions/{id}/status`.
    pub fn status_json(&self) -> Value {
        let mut body = json!({"status": self.status.name()});
        if matches!(self.status, ExecStatus::Done | ExecStatus::Cancelled) {
            body["progressResult"] = self.progress_result();
        }
        body
    }

    fn progress_result(&self) -> Value {
        let result_map: serde_json::Map<String, Value> = self
            .counters
            .iter()
            .map(|c| (c.object_type_id.to_string(), c.to_json()))
            .collect();
        let total: u64 = self.counters.iter().map(|c| c.entries_in_source).sum();
        let populated: Vec<&str> = self
            .counters
            .iter()
            .filter(|c| c.entries_in_source > 0)
            .map(|c| c.object_type_name.as_str())
            .collect();
        let errors: Vec<&String> = self.counters.iter().flat_map(|c| &c.errors).collect();
        let cancelled = self.status == ExecStatus::Cancelled;
        json!({
            "type": "IMPORT",
            "id": self.number,
            "started": self.started,
            "ended": self.ended,
            "objectSchemaId": self.schema_id,
            "result": if cancelled { "CANCELLED" } else if errors.is_empty() { "OK" } else { "OK_WITH_ERRORS" },
            "status": if cancelled { "CANCELLED" } else { "FINISHED" },
            "infoMessage": if total == 0 { Value::from("No data to import") } else { Value::Null },
            "jobId": self.id,
            "importSourceId": self.source_id,
            "populatedObjectTypes": populated,
            "onlyExecutedForObjectTypes": [],
            "objectTypeResultMap": result_map,
            "errorMessages": if errors.is_empty() { Value::Null } else { json!(errors) },
            "totalNumberEntriesInImport": total,
        })
    }
}
