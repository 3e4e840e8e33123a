//! The import API's operations on the store, independent of HTTP: config status, starting,
//! feeding, reading and cancelling executions.

use serde_json::{Value, json};
use uuid::Uuid;

use super::error::AssetsError;
use super::execution::{ExecStatus, Execution};
use super::process;
use super::store::Store;

fn source_exists(store: &Store, source_id: &str) -> Result<(), AssetsError> {
    if store.sources.contains_key(source_id) {
        Ok(())
    } else {
        Err(AssetsError::NotFound(format!(
            "Import source {source_id} not found"
        )))
    }
}

/// `IDLE`, `RUNNING`, `DISABLED` or `MISSING_MAPPING`.
pub fn config_status(store: &mut Store, source_id: &str) -> Result<&'static str, AssetsError> {
    source_exists(store, source_id)?;
    let running = latest(store, source_id).is_some_and(|e| {
        let status = e.status;
        status.is_running()
    });
    if running {
        // A config read also counts as a status read, so a client polling only configstatus still
        // sees processing finish.
        if let Some(id) = store
            .sources
            .get(source_id)
            .and_then(|s| s.latest_execution.clone())
        {
            read_status(store, &id);
        }
    }
    let source = store.sources.get(source_id);
    Ok(match source {
        Some(s) if s.disabled => "DISABLED",
        Some(s) if s.mapping.is_none() => "MISSING_MAPPING",
        _ if running => "RUNNING",
        _ => "IDLE",
    })
}

fn latest<'a>(store: &'a Store, source_id: &str) -> Option<&'a Execution> {
    let id = store.sources.get(source_id)?.latest_execution.as_ref()?;
    store.executions.get(id)
}

/// `POST importsource/{id}/executions`; returns the new execution's id.
pub fn start(store: &mut Store, source_id: &str) -> Result<String, AssetsError> {
    source_exists(store, source_id)?;
    let (disabled, mapped, schema_id) = match store.sources.get(source_id) {
        Some(s) => (s.disabled, s.mapping.is_some(), s.schema_id),
        None => return Err(AssetsError::NotFound(source_id.to_string())),
    };
    if disabled {
        return Err(AssetsError::StartRefused("DISABLED"));
    }
    if !mapped {
        return Err(AssetsError::StartRefused("MISSING_MAPPING"));
    }
    let previous = latest(store, source_id).map(|e| (e.id.clone(), e.status));
    match previous {
        Some((_, ExecStatus::Ingesting)) => return Err(AssetsError::StartRefused("IN_PROGRESS")),
        // Already processed; only its PROCESSING display was pending, which must not block a new run.
        Some((id, ExecStatus::Processing { .. })) => {
            if let Some(e) = store.executions.get_mut(&id) {
                e.status = ExecStatus::Done;
            }
        }
        _ => {}
    }
    let id = Uuid::new_v4().to_string();
    let number = store.executions.len() as u64 + 1;
    store.executions.insert(
        id.clone(),
        Execution {
            id: id.clone(),
            source_id: source_id.to_string(),
            number,
            status: ExecStatus::Ingesting,
            chunks: Vec::new(),
            client_ids: Vec::new(),
            started: store.now_iso(),
            ended: None,
            counters: Vec::new(),
            schema_id,
        },
    );
    if let Some(source) = store.sources.get_mut(source_id) {
        source.latest_execution = Some(id.clone());
    }
    Ok(id)
}

fn execution_mut<'a>(
    store: &'a mut Store,
    source_id: &str,
    exec_id: &str,
) -> Result<&'a mut Execution, AssetsError> {
    store
        .executions
        .get_mut(exec_id)
        .filter(|e| e.source_id == source_id)
        .ok_or_else(|| AssetsError::NotFound(format!("Import execution {exec_id} not found")))
}

/// `POST …/executions/{id}/data`, body per LT patch 003 (`data` and `completed` required, no other
/// keys). The last chunk (`completed: true`) triggers processing.
pub fn submit(
    store: &mut Store,
    source_id: &str,
    exec_id: &str,
    body: &Value,
) -> Result<(), AssetsError> {
    let Some(fields) = body.as_object() else {
        return Err(AssetsError::BadRequest(
            "The request body must be a JSON object".into(),
        ));
    };
    if let Some(unknown) = fields
        .keys()
        .find(|k| !matches!(k.as_str(), "data" | "clientGeneratedId" | "completed"))
    {
        return Err(AssetsError::BadRequest(format!(
            "Unknown property {unknown:?}"
        )));
    }
    let Some(data) = fields.get("data").filter(|d| d.is_object()) else {
        return Err(AssetsError::BadRequest("\"data\" must be an object".into()));
    };
    let Some(completed) = fields.get("completed").and_then(Value::as_bool) else {
        return Err(AssetsError::BadRequest(
            "\"completed\" must be a boolean".into(),
        ));
    };
    let client_id = match fields.get("clientGeneratedId") {
        None => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(_) => {
            return Err(AssetsError::BadRequest(
                "\"clientGeneratedId\" must be a string".into(),
            ));
        }
    };
    let processing_reads = store.processing_reads;
    let exec = execution_mut(store, source_id, exec_id)?;
    if exec.status != ExecStatus::Ingesting {
        return Err(AssetsError::BadRequest(format!(
            "Import execution {exec_id} is {} and accepts no more data",
            exec.status.name()
        )));
    }
    exec.chunks.push(data.clone());
    exec.client_ids.extend(client_id);
    if completed {
        exec.status = if processing_reads == 0 {
            ExecStatus::Done
        } else {
            ExecStatus::Processing {
                reads_left: processing_reads,
            }
        };
        process::process(store, exec_id);
    }
    Ok(())
}

/// Shows the status, then moves a processed execution one read closer to `DONE`.
fn read_status(store: &mut Store, exec_id: &str) -> Option<Value> {
    let exec = store.executions.get_mut(exec_id)?;
    let body = exec.status_json();
    if let ExecStatus::Processing { reads_left } = exec.status {
        exec.status = if reads_left <= 1 {
            ExecStatus::Done
        } else {
            ExecStatus::Processing {
                reads_left: reads_left - 1,
            }
        };
    }
    Some(body)
}

/// `GET …/executions/{id}/status`.
pub fn status(store: &mut Store, source_id: &str, exec_id: &str) -> Result<Value, AssetsError> {
    execution_mut(store, source_id, exec_id)?;
    read_status(store, exec_id)
        .ok_or_else(|| AssetsError::NotFound(format!("Import execution {exec_id} not found")))
}

/// `GET importsource/{id}/executions/status` (LT patch 002): 404 before the first execution.
pub fn latest_status(store: &mut Store, source_id: &str) -> Result<Value, AssetsError> {
    source_exists(store, source_id)?;
    let id = store
        .sources
        .get(source_id)
        .and_then(|s| s.latest_execution.clone())
        .ok_or_else(|| AssetsError::NotFound("No import execution found".into()))?;
    let body = read_status(store, &id).unwrap_or(Value::Null);
    Ok(json!({"executionId": id, "status": body["status"]}))
}

/// `DELETE …/executions/{id}`: drops the received chunks. Cancelling twice is harmless; a finished
/// execution cannot be cancelled (400; the real answer is undocumented).
pub fn cancel(store: &mut Store, source_id: &str, exec_id: &str) -> Result<(), AssetsError> {
    let now = store.now_iso();
    let exec = execution_mut(store, source_id, exec_id)?;
    match exec.status {
        ExecStatus::Ingesting => {
            exec.status = ExecStatus::Cancelled;
            exec.chunks.clear();
            exec.ended = Some(now);
            Ok(())
        }
        ExecStatus::Cancelled => Ok(()),
        other => Err(AssetsError::BadRequest(format!(
            "Import execution {exec_id} is {} and cannot be cancelled",
            other.name()
        ))),
    }
}
