//! Assets reads beside the run's writes: the import source as REST describes it (its name and
//! object schema, SPEC `GET /importsource/{id}`), the object types of a schema, the types the
//! import itself defines (`schema-and-mapping`), and the labels of objects for the guard's question.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::assets::{AssetsClient, AssetsError, id_text};
use crate::clock::Clock;
use crate::http::{HttpTransport, Method};

/// An import source as `GET /importsource/{id}` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSourceInfo {
    pub id: String,
    pub name: String,
    /// The object schema the import writes to (a string in SPEC; numbers accepted).
    pub schema_id: String,
}

impl ImportSourceInfo {
    /// Reads SPEC's `ImportSourceResponse`; `None` when it names no schema.
    pub fn from_body(id: &str, body: &Value) -> Option<Self> {
        Some(ImportSourceInfo {
            id: body
                .get("id")
                .and_then(id_text)
                .unwrap_or_else(|| id.to_string()),
            name: body
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            schema_id: body.get("objectSchemaId").and_then(id_text)?,
        })
    }
}

impl<T: HttpTransport, C: Clock> AssetsClient<'_, T, C> {
    /// The destination's import source; `None` when Assets does not know it (deleted, or an id
    /// of another site).
    pub async fn import_source(&self) -> Result<Option<ImportSourceInfo>, AssetsError> {
        let response = self.call(Method::Get, self.source_path(""), None).await?;
        if response.status == 404 {
            return Ok(None);
        }
        let body = Self::json("the import source", &response)?;
        let id = self.import_source_id();
        ImportSourceInfo::from_body(id, &body)
            .map(Some)
            .ok_or_else(|| AssetsError::Malformed {
                what: "the import source",
                detail: "no objectSchemaId".into(),
            })
    }

    /// Names of every object type in a schema; `None` when Assets does not know the schema.
    pub async fn schema_type_names(
        &self,
        schema_id: &str,
    ) -> Result<Option<Vec<String>>, AssetsError> {
        let response = self
            .call(
                Method::Get,
                self.v1(&format!("/objectschema/{schema_id}/objecttypes")),
                None,
            )
            .await?;
        if response.status == 404 {
            return Ok(None);
        }
        let body = Self::json("the schema's object types", &response)?;
        Ok(Some(names(body.as_array().map(Vec::as_slice))))
    }

    /// Names of the object types the import's own schema-and-mapping defines: types this import
    /// created. Empty before its first mapping (Assets then has no document for it).
    pub async fn import_type_names(&self) -> Result<Vec<String>, AssetsError> {
        let response = self
            .call(Method::Get, self.source_path("/schema-and-mapping"), None)
            .await?;
        if response.status == 404 {
            return Ok(Vec::new());
        }
        let body = Self::json("the import's schema and mapping", &response)?;
        let mut found = Vec::new();
        let mut queue: Vec<&Value> = body["schema"]["objectSchema"]["objectTypes"]
            .as_array()
            .map(|types| types.iter().collect())
            .unwrap_or_default();
        // `children` are subtypes, created by the same document.
        while let Some(object_type) = queue.pop() {
            if let Some(name) = object_type.get("name").and_then(Value::as_str) {
                found.push(name.to_string());
            }
            if let Some(children) = object_type.get("children").and_then(Value::as_array) {
                queue.extend(children);
            }
        }
        Ok(found)
    }

    /// Names of the objects of `type_name` whose identity attribute is one of `ids` (one AQL
    /// query), by identity value in lower case: the label, or for a type labelled by its identity
    /// (a membership, a licence assignment) the labels of the objects it references ("Adele Vance –
    /// Microsoft 365 E5"). Objects Assets does not hold are absent.
    pub async fn labels(
        &self,
        type_name: &str,
        identity: &str,
        ids: &[String],
    ) -> Result<HashMap<String, String>, AssetsError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
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
                    ids.len()
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
            return Ok(HashMap::new());
        };
        let objects = body.get("values").and_then(Value::as_array);
        Ok(objects
            .into_iter()
            .flatten()
            .filter_map(|object| {
                let label = object.get("label").and_then(Value::as_str)?;
                let attributes = object.get("attributes")?.as_array()?;
                let value = attributes
                    .iter()
                    .find(|a| {
                        a.get("objectTypeAttributeId").and_then(id_text).as_deref()
                            == Some(identity_id.as_str())
                    })?
                    .get("objectAttributeValues")?
                    .as_array()?
                    .first()?
                    .get("value")?
                    .as_str()?;
                let name = if label.eq_ignore_ascii_case(value) {
                    referenced_labels(attributes).unwrap_or_else(|| label.to_string())
                } else {
                    label.to_string()
                };
                Some((value.to_ascii_lowercase(), name))
            })
            .collect())
    }
}

/// The labels of the objects an object references, joined; `None` when it references none.
fn referenced_labels(attributes: &[Value]) -> Option<String> {
    let labels: Vec<&str> = attributes
        .iter()
        .filter_map(|a| a.get("objectAttributeValues")?.as_array())
        .flatten()
        .filter(|v| v.get("referencedType").and_then(Value::as_bool) == Some(true))
        .filter_map(|v| {
            v.get("referencedObject")
                .and_then(|o| o.get("label"))
                .or_else(|| v.get("displayValue"))
                .and_then(Value::as_str)
        })
        .collect();
    (!labels.is_empty()).then(|| labels.join(" – "))
}

fn names(types: Option<&[Value]>) -> Vec<String> {
    types
        .unwrap_or_default()
        .iter()
        .filter_map(|t| t.get("name").and_then(Value::as_str).map(str::to_string))
        .collect()
}
