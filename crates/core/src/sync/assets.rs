//! The JSM Assets calls a run makes: the import API (mapping, executions, chunks, status) and the
//! REST calls that retire objects. Paths are relative to the Jira site; links the import API hands
//! out are absolute and passed through verbatim (the host turns them into routes).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::Clock;
use crate::http::{HttpRequest, HttpResponse, HttpTransport, Method, TransportError};
use crate::retry::{Meter, RetryPolicy, send_with_retry};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Destination {
    pub workspace_id: String,
    /// The object schema the admin chose: the import source must belong to it. Empty only in a
    /// run stored before this field existed, which then fails its destination check with the fix.
    #[serde(default)]
    pub schema_id: String,
    pub import_source_id: String,
}

impl Destination {
    /// Problems with the ids, as `(field, message)`: both are GUIDs that Assets hands out, and they
    /// end up in request paths.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if uuid::Uuid::parse_str(self.workspace_id.trim()).is_err() {
            problems.push((
                "workspaceId",
                format!("Workspace ID \"{}\" is not a GUID. Pick the workspace from the list, or copy it from Assets settings.", self.workspace_id),
            ));
        }
        if uuid::Uuid::parse_str(self.import_source_id.trim()).is_err() {
            problems.push((
                "importSourceId",
                format!("Import source ID \"{}\" is not a GUID. Create an import of type Microsoft Entra ID & Intune in the Assets schema, or pick it from the list.", self.import_source_id),
            ));
        }
        problems
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionLinks {
    pub submit_results: String,
    pub get_execution_status: String,
    pub cancel: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssetsError {
    #[error("JSM Assets answered HTTP {status} to {what}: {detail}")]
    Status {
        what: &'static str,
        status: u16,
        detail: String,
    },
    #[error("JSM Assets answered {what} with a body Entra Sync cannot read: {detail}")]
    Malformed { what: &'static str, detail: String },
    #[error("The import source refuses to start: {code}. {fix}")]
    Refused { code: String, fix: &'static str },
    #[error("Could not reach JSM Assets: {0}")]
    Transport(#[from] TransportError),
}

impl AssetsError {
    /// No answer, or a status the retry policy would try again (rate limits, server errors).
    pub fn is_transient(&self) -> bool {
        match self {
            AssetsError::Transport(_) => true,
            AssetsError::Status { status, .. } => RetryPolicy::assets().is_transient(*status),
            _ => false,
        }
    }
}

/// Execution states as the import API reports them.
#[derive(Debug, Clone, PartialEq)]
pub enum ExecutionStatus {
    Running(String),
    Done { counters: Vec<TypeCounters> },
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TypeCounters {
    pub object_type_name: String,
    pub created: u64,
    pub updated: u64,
    pub identical: u64,
    pub missing_updated: u64,
    pub missing_deleted: u64,
    pub errors: Vec<String>,
}

pub struct AssetsClient<'a, T, C> {
    transport: &'a T,
    clock: &'a C,
    policy: RetryPolicy,
    meter: &'a Meter,
    destination: &'a Destination,
}

impl<'a, T: HttpTransport, C: Clock> AssetsClient<'a, T, C> {
    pub fn new(
        transport: &'a T,
        clock: &'a C,
        meter: &'a Meter,
        destination: &'a Destination,
    ) -> Self {
        Self {
            transport,
            clock,
            policy: RetryPolicy::assets(),
            meter,
            destination,
        }
    }

    pub(super) fn import_source_id(&self) -> &str {
        &self.destination.import_source_id
    }

    pub(super) fn source_path(&self, rest: &str) -> String {
        debug_assert!(self.destination.problems().is_empty());
        format!(
            "/jsm/assets/workspace/{}/v1/importsource/{}{rest}",
            self.destination.workspace_id, self.destination.import_source_id
        )
    }

    pub(super) fn v1(&self, rest: &str) -> String {
        format!(
            "/jsm/assets/workspace/{}/v1{rest}",
            self.destination.workspace_id
        )
    }

    pub(super) async fn call(
        &self,
        method: Method,
        url: String,
        body: Option<Value>,
    ) -> Result<HttpResponse, AssetsError> {
        let mut request = HttpRequest {
            method,
            url,
            headers: vec![("Accept".into(), "application/json".into())],
            body: None,
        };
        if let Some(body) = body {
            request
                .headers
                .push(("Content-Type".into(), "application/json".into()));
            request.body = Some(body.to_string());
        }
        Ok(send_with_retry(
            self.transport,
            self.clock,
            &self.policy,
            self.meter,
            request,
        )
        .await?)
    }

    pub(super) fn expect_success(
        what: &'static str,
        response: &HttpResponse,
    ) -> Result<(), AssetsError> {
        if response.is_success() {
            return Ok(());
        }
        Err(AssetsError::Status {
            what,
            status: response.status,
            detail: response.body.chars().take(500).collect(),
        })
    }

    pub(super) fn json(what: &'static str, response: &HttpResponse) -> Result<Value, AssetsError> {
        Self::expect_success(what, response)?;
        serde_json::from_str(&response.body).map_err(|e| AssetsError::Malformed {
            what,
            detail: e.to_string(),
        })
    }

    pub async fn put_mapping(&self, document: &Value) -> Result<(), AssetsError> {
        let response = self
            .call(
                Method::Put,
                self.source_path("/mapping"),
                Some(document.clone()),
            )
            .await?;
        Self::expect_success("the mapping", &response)
    }

    /// Starts an execution. An execution left running by a killed step is cancelled first.
    pub async fn start(&self) -> Result<ExecutionLinks, AssetsError> {
        for _ in 0..2 {
            let response = self
                .call(Method::Post, self.source_path("/executions"), None)
                .await?;
            if response.status == 409 {
                let code = serde_json::from_str::<Value>(&response.body)
                    .ok()
                    .and_then(|v| {
                        v.get("errorCode")
                            .and_then(Value::as_str)
                            .map(str::to_string)
                    })
                    .unwrap_or_else(|| "UNKNOWN".into());
                if code == "IN_PROGRESS" {
                    self.cancel_latest().await?;
                    continue;
                }
                return Err(AssetsError::Refused {
                    fix: match code.as_str() {
                        "DISABLED" => "Enable the import in the Assets schema's Import tab.",
                        "MISSING_MAPPING" => {
                            "Entra Sync stores its mapping before each run; check the import source still exists."
                        }
                        _ => "Check the import configuration in Assets.",
                    },
                    code,
                });
            }
            let body = Self::json("starting an execution", &response)?;
            let links: ExecutionLinks =
                serde_json::from_value(body["links"].clone()).map_err(|e| {
                    AssetsError::Malformed {
                        what: "starting an execution",
                        detail: e.to_string(),
                    }
                })?;
            return Ok(links);
        }
        Err(AssetsError::Refused {
            code: "IN_PROGRESS".into(),
            fix: "Another import on this source is still running; wait for it or cancel it in Assets.",
        })
    }

    async fn cancel_latest(&self) -> Result<(), AssetsError> {
        let response = self
            .call(Method::Get, self.source_path("/executions/status"), None)
            .await?;
        let latest = Self::json("the latest execution", &response)?;
        let Some(id) = latest.get("executionId").and_then(Value::as_str) else {
            return Ok(());
        };
        let response = self
            .call(
                Method::Delete,
                self.source_path(&format!("/executions/{id}")),
                None,
            )
            .await?;
        // A finished execution cannot be cancelled; that is fine.
        if response.is_success() || response.status == 400 {
            Ok(())
        } else {
            Self::expect_success("cancelling the previous execution", &response)
        }
    }

    pub async fn submit(
        &self,
        links: &ExecutionLinks,
        data: Value,
        chunk_id: String,
        completed: bool,
    ) -> Result<(), AssetsError> {
        let body = json!({ "data": data, "clientGeneratedId": chunk_id, "completed": completed });
        let response = self
            .call(Method::Post, links.submit_results.clone(), Some(body))
            .await?;
        Self::expect_success("a data chunk", &response)
    }

    pub async fn status(&self, links: &ExecutionLinks) -> Result<ExecutionStatus, AssetsError> {
        let response = self
            .call(Method::Get, links.get_execution_status.clone(), None)
            .await?;
        let body = Self::json("the execution status", &response)?;
        let status = body
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Ok(match status {
            "DONE" => ExecutionStatus::Done {
                counters: counters(&body),
            },
            "CANCELLED" => ExecutionStatus::Cancelled,
            other => ExecutionStatus::Running(other.to_string()),
        })
    }

    pub async fn cancel(&self, links: &ExecutionLinks) -> Result<(), AssetsError> {
        let response = self
            .call(Method::Delete, links.cancel.clone(), None)
            .await?;
        if response.is_success() || response.status == 400 {
            Ok(())
        } else {
            Self::expect_success("cancelling the execution", &response)
        }
    }

    /// Finds the objects of `type_name` whose identity attribute is one of `ids` (one AQL query):
    /// `(identity value in lower case, object id, object type id)` for each one found.
    pub async fn find_many(
        &self,
        type_name: &str,
        identity: &str,
        ids: &[String],
    ) -> Result<Vec<(String, String, String)>, AssetsError> {
        let quoted: Vec<String> = ids
            .iter()
            .map(|id| format!("\"{}\"", id.replace('\\', "\\\\").replace('"', "\\\"")))
            .collect();
        let query = format!(
            "objectType = \"{type_name}\" AND \"{identity}\" IN ({})",
            quoted.join(", ")
        );
        let response = self
            .call(
                Method::Post,
                self.v1(&format!(
                    "/object/aql?startAt=0&maxResults={}&includeAttributes=true",
                    ids.len().max(1)
                )),
                Some(json!({ "qlQuery": query })),
            )
            .await?;
        let body = Self::json("an AQL search", &response)?;
        let identity_id = body
            .get("objectTypeAttributes")
            .and_then(Value::as_array)
            .and_then(|attributes| {
                attributes
                    .iter()
                    .find(|a| a.get("name").and_then(Value::as_str) == Some(identity))
                    .and_then(|a| id_text(a.get("id")?))
            });
        let Some(identity_id) = identity_id else {
            return Ok(Vec::new());
        };
        let found = body
            .get("values")
            .and_then(Value::as_array)
            .map(|objects| {
                objects
                    .iter()
                    .filter_map(|object| {
                        let value = object
                            .get("attributes")?
                            .as_array()?
                            .iter()
                            .find(|a| {
                                a.get("objectTypeAttributeId").and_then(id_text).as_deref()
                                    == Some(identity_id.as_str())
                            })?
                            .get("objectAttributeValues")?
                            .as_array()?
                            .first()?
                            .get("value")?
                            .as_str()?
                            .to_ascii_lowercase();
                        let id = id_text(object.get("id")?)?;
                        let type_id = id_text(object.get("objectType")?.get("id")?)?;
                        Some((value, id, type_id))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(found)
    }

    /// The id of the attribute named `name` on object type `type_id`.
    pub async fn attribute_id(
        &self,
        type_id: &str,
        name: &str,
    ) -> Result<Option<String>, AssetsError> {
        let response = self
            .call(
                Method::Get,
                self.v1(&format!("/objecttype/{type_id}/attributes")),
                None,
            )
            .await?;
        let body = Self::json("object type attributes", &response)?;
        Ok(body.as_array().and_then(|attributes| {
            attributes
                .iter()
                .find(|a| a.get("name").and_then(Value::as_str) == Some(name))
                .and_then(|a| id_text(a.get("id")?))
        }))
    }

    /// Deletes one object (the deletion policy "delete"): true when Assets deleted it, false when
    /// it was already gone (which is fine).
    pub async fn delete_object(&self, object_id: &str) -> Result<bool, AssetsError> {
        let response = self
            .call(
                Method::Delete,
                self.v1(&format!("/object/{object_id}")),
                None,
            )
            .await?;
        if response.status == 404 {
            return Ok(false);
        }
        Self::expect_success("deleting an object", &response).map(|()| true)
    }

    /// Sets one text attribute of one object, leaving the others as they are.
    pub async fn set_attribute(
        &self,
        object_id: &str,
        type_id: &str,
        attribute_id: &str,
        value: &str,
    ) -> Result<(), AssetsError> {
        let body = json!({
            "objectTypeId": type_id,
            "attributes": [{ "objectTypeAttributeId": attribute_id, "objectAttributeValues": [{ "value": value }] }],
        });
        let response = self
            .call(
                Method::Put,
                self.v1(&format!("/object/{object_id}")),
                Some(body),
            )
            .await?;
        Self::expect_success("retiring an object", &response)
    }
}

/// Ids come as strings in the SPEC and sometimes as numbers; accept both.
pub(super) fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn counters(status: &Value) -> Vec<TypeCounters> {
    let Some(map) = status
        .get("progressResult")
        .and_then(|p| p.get("objectTypeResultMap"))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let number = |v: &Value, key: &str| v.get(key).and_then(Value::as_u64).unwrap_or(0);
    map.values()
        .map(|t| TypeCounters {
            object_type_name: t
                .get("objectTypeName")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            created: number(t, "objectsCreated"),
            updated: number(t, "objectsUpdated"),
            identical: number(t, "objectsIdentical"),
            missing_updated: number(t, "objectsMissingUpdated"),
            missing_deleted: number(t, "objectsMissingDeleted"),
            errors: t
                .get("errorMessages")
                .and_then(Value::as_array)
                .map(|m| {
                    m.iter()
                        .filter_map(|e| e.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}
