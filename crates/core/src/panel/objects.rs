//! Reading Entra Sync's own objects back out of Assets with AQL: one search request each, its
//! answer turned into objects whose attributes are looked up by name (the names `model/` gives
//! them), whatever ids the site gave the attributes.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use super::error::{PanelError, excerpt};
use crate::http::{HttpRequest, HttpTransport, Method};

/// One attribute value: text, or a reference to another object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrValue {
    Text(String),
    Ref(ObjectRef),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    pub id: String,
    pub key: String,
    pub label: String,
}

/// An object as an AQL search returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub id: String,
    pub key: String,
    pub label: String,
    pub type_name: String,
    pub type_id: String,
    attributes: BTreeMap<String, Vec<AttrValue>>,
}

impl Found {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.attributes.get(name)?.iter().find_map(|v| match v {
            AttrValue::Text(t) => Some(t.as_str()),
            AttrValue::Ref(_) => None,
        })
    }

    pub fn reference(&self, name: &str) -> Option<&ObjectRef> {
        self.attributes.get(name)?.iter().find_map(|v| match v {
            AttrValue::Ref(r) => Some(r),
            AttrValue::Text(_) => None,
        })
    }

    pub fn flag(&self, name: &str) -> Option<bool> {
        match self.text(name)? {
            t if t.eq_ignore_ascii_case("true") => Some(true),
            t if t.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    pub fn as_ref(&self) -> ObjectRef {
        ObjectRef {
            id: self.id.clone(),
            key: self.key.clone(),
            label: self.label.clone(),
        }
    }
}

/// What one search returned: the objects, and whether Assets had more than one page of them.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub objects: Vec<Found>,
    pub more: bool,
}

/// AQL text in double quotes.
pub fn quoted(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

/// `"a", "b"` for an `IN (…)` list.
pub fn quoted_list<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    values
        .into_iter()
        .map(quoted)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Searches one workspace's object schema, counting every request it sends.
pub struct Assets<'a, A> {
    pub app: &'a A,
    pub workspace_id: &'a str,
    pub schema_id: &'a str,
    pub requests: Cell<u32>,
}

impl<A: HttpTransport> Assets<'_, A> {
    /// One `POST object/aql`, limited to Entra Sync's object schema, at most `max` objects.
    pub async fn search(&self, query: &str, max: usize) -> Result<Page, PanelError> {
        let body = json!({
            "qlQuery": format!("objectSchemaId = {} AND ({query})", self.schema_id),
        });
        let request = HttpRequest {
            method: Method::Post,
            url: format!(
                "/jsm/assets/workspace/{}/v1/object/aql?startAt=0&maxResults={max}&includeAttributes=true",
                self.workspace_id
            ),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("accept".into(), "application/json".into()),
            ],
            body: Some(body.to_string()),
        };
        self.requests.set(self.requests.get() + 1);
        let response = self.app.send(request).await?;
        if !response.is_success() {
            return Err(PanelError::Assets {
                status: response.status,
                detail: excerpt(&response.body),
            });
        }
        let body: Value =
            serde_json::from_str(&response.body).map_err(|e| PanelError::Malformed {
                what: "JSM Assets",
                detail: e.to_string(),
            })?;
        Ok(parse_page(&body))
    }
}

fn id_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `isLast` is a boolean on the wire, but SPEC's example has the string "false".
fn is_last(body: &Value) -> bool {
    match body.get("isLast").or_else(|| body.get("last")) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s != "false",
        _ => true,
    }
}

fn parse_page(body: &Value) -> Page {
    let names: HashMap<String, String> = body
        .get("objectTypeAttributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|a| Some((id_text(a.get("id")?)?, a.get("name")?.as_str()?.to_string())))
        .collect();
    let objects = body
        .get("values")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|o| parse_object(o, &names))
        .collect();
    Page {
        objects,
        more: !is_last(body),
    }
}

fn parse_object(object: &Value, names: &HashMap<String, String>) -> Option<Found> {
    let mut attributes: BTreeMap<String, Vec<AttrValue>> = BTreeMap::new();
    for attribute in object
        .get("attributes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = attribute
            .get("objectTypeAttributeId")
            .and_then(id_text)
            .and_then(|id| names.get(&id))
        else {
            continue;
        };
        let values = attribute
            .get("objectAttributeValues")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| match v.get("referencedObject") {
                Some(target) => Some(AttrValue::Ref(ObjectRef {
                    id: id_text(target.get("id")?)?,
                    key: target.get("objectKey")?.as_str()?.to_string(),
                    label: target
                        .get("label")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string(),
                })),
                None => v
                    .get("value")
                    .and_then(|value| match value {
                        Value::String(s) => Some(s.clone()),
                        Value::Bool(b) => Some(b.to_string()),
                        Value::Number(n) => Some(n.to_string()),
                        _ => None,
                    })
                    .map(AttrValue::Text),
            })
            .collect();
        attributes.insert(name.clone(), values);
    }
    Some(Found {
        id: id_text(object.get("id")?)?,
        key: object.get("objectKey")?.as_str()?.to_string(),
        label: object
            .get("label")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        type_name: object.pointer("/objectType/name")?.as_str()?.to_string(),
        type_id: object.pointer("/objectType/id").and_then(id_text)?,
        attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_read_by_name_and_references_keep_key_and_label() {
        let page = parse_page(&json!({
            "isLast": "false",
            "objectTypeAttributes": [{"id": "7", "name": "Mail"}, {"id": 8, "name": "Manager"}],
            "values": [{
                "id": "12", "objectKey": "ES-12", "label": "Ada", "objectType": {"id": "3", "name": "Entra User"},
                "attributes": [
                    {"objectTypeAttributeId": "7", "objectAttributeValues": [{"value": "ada@contoso.com"}]},
                    {"objectTypeAttributeId": "8", "objectAttributeValues": [{"referencedObject": {"id": "9", "objectKey": "ES-9", "label": "Grace"}}]},
                    {"objectTypeAttributeId": "99", "objectAttributeValues": [{"value": "unnamed"}]}
                ]
            }, {"id": "13"}]
        }));
        assert!(page.more);
        assert_eq!(
            page.objects.len(),
            1,
            "an object without key or type is skipped"
        );
        let ada = &page.objects[0];
        assert_eq!(ada.text("Mail"), Some("ada@contoso.com"));
        assert_eq!(
            ada.reference("Manager").map(|r| r.key.as_str()),
            Some("ES-9")
        );
        assert_eq!(ada.text("Manager"), None);
        assert_eq!(quoted("a\"b\\"), r#""a\"b\\""#);
    }
}
