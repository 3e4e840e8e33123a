//! The objects of one of our types that Assets holds and has not retired, by identity: what a
//! damaged index lost track of (`heal.rs`). One AQL page per call (SPEC `POST /object/aql`).

use serde_json::{Value, json};

use super::assets::{AssetsClient, AssetsError, id_text};
use crate::clock::Clock;
use crate::http::{HttpTransport, Method};
use crate::model::Status;

/// Objects asked for per AQL page; Assets may answer fewer (pages are followed by `isLast`).
pub const HELD_PAGE: usize = 1_000;

/// One page of [`AssetsClient::held_identities`].
#[derive(Debug, Default, PartialEq, Eq)]
pub struct HeldPage {
    /// Identity values as stored (they are the index ids the objects were written with: GUIDs in
    /// lower case, but a machine key keeps its serial's case), of objects not "Deleted in Entra".
    pub ids: Vec<String>,
    /// Objects the page held, retired ones included: the next page starts after them.
    pub read: usize,
    pub last: bool,
}

impl<T: HttpTransport, C: Clock> AssetsClient<'_, T, C> {
    /// The page from `start_at` of the objects of `type_name` in schema `schema_id`.
    pub async fn held_identities(
        &self,
        schema_id: &str,
        type_name: &str,
        identity: &str,
        start_at: usize,
    ) -> Result<HeldPage, AssetsError> {
        let query = format!("objectSchemaId = {schema_id} AND objectType = \"{type_name}\"");
        let response = self
            .call(
                Method::Post,
                self.v1(&format!(
                    "/object/aql?startAt={start_at}&maxResults={HELD_PAGE}&includeAttributes=true"
                )),
                Some(json!({ "qlQuery": query })),
            )
            .await?;
        let body = Self::json("an AQL search", &response)?;
        Ok(held_page(&body, identity))
    }
}

/// Reads an AQL answer: `isLast` is a boolean or (SPEC's example) a string.
fn held_page(body: &Value, identity: &str) -> HeldPage {
    let attribute = |name: &str| {
        body.get("objectTypeAttributes")
            .and_then(Value::as_array)
            .and_then(|all| {
                all.iter()
                    .find(|a| a.get("name").and_then(Value::as_str) == Some(name))
                    .and_then(|a| id_text(a.get("id")?))
            })
    };
    let objects = body
        .get("values")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let last = match body.get("isLast").or_else(|| body.get("last")) {
        Some(Value::Bool(last)) => *last,
        Some(Value::String(text)) => text == "true",
        _ => objects.is_empty(),
    };
    let mut page = HeldPage {
        ids: Vec::new(),
        read: objects.len(),
        last: last || objects.is_empty(),
    };
    let (Some(identity_id), status_id) = (attribute(identity), attribute("Status")) else {
        return page;
    };
    for object in objects {
        let Some(attributes) = object.get("attributes").and_then(Value::as_array) else {
            continue;
        };
        let value_of = |id: &str| {
            attributes
                .iter()
                .find(|a| a.get("objectTypeAttributeId").and_then(id_text).as_deref() == Some(id))
                .and_then(|a| a.get("objectAttributeValues")?.as_array()?.first().cloned())
        };
        let retired = status_id.as_deref().and_then(value_of).is_some_and(|v| {
            ["value", "displayValue"]
                .iter()
                .any(|f| v.get(*f).and_then(Value::as_str) == Some(Status::Deleted.label()))
        });
        let id = value_of(&identity_id)
            .and_then(|v| v.get("value").and_then(Value::as_str).map(str::to_string));
        if let (Some(id), false) = (id, retired) {
            page.ids.push(id);
        }
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(id: &str, status: &str) -> Value {
        json!({"id": "7", "attributes": [
            {"objectTypeAttributeId": "1", "objectAttributeValues": [{"value": id}]},
            {"objectTypeAttributeId": "2", "objectAttributeValues": [{"value": status, "displayValue": status}]},
        ]})
    }

    #[test]
    fn a_page_names_the_objects_not_yet_retired_by_identity_as_stored() {
        let body = json!({
            "isLast": "false",
            "objectTypeAttributes": [{"id": "1", "name": "Object ID"}, {"id": "2", "name": "Status"}],
            "values": [object("serial:C02XK1", "Active"), object("def", "Deleted in Entra"), object("ghi", "Disabled")],
        });
        let page = held_page(&body, "Object ID");
        assert_eq!(
            page.ids,
            ["serial:C02XK1", "ghi"],
            "a machine key keeps its case"
        );
        assert_eq!(page.read, 3);
        assert!(!page.last, "the string \"false\" of SPEC's example");
        let empty = held_page(&json!({"values": []}), "Object ID");
        assert!(
            empty.last && empty.ids.is_empty(),
            "an empty page ends the search"
        );
    }
}
