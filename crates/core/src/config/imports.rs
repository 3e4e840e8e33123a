//! The imports of type "Microsoft Entra ID & Intune" this installation has been told about, so the
//! page can offer them by name. Assets' REST API documents no list of a schema's import sources,
//! but it calls the import type's functions (`importStatus`, `startImport`, ...) with the import's
//! id, workspace and schema, and `GET importsource/{id}` names an import and its schema; so each
//! import seen is remembered here and described by Assets when the page asks.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::clock::Clock;
use crate::http::HttpTransport;
use crate::retry::Meter;
use crate::sync::Destination;
use crate::sync::assets::{AssetsClient, AssetsError};

/// Imports remembered at most; a site has a handful.
pub const KNOWN_MAX: usize = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KnownImport {
    pub import_id: String,
    pub workspace_id: String,
    pub schema_id: String,
}

impl KnownImport {
    /// Ids as Assets hands them out: GUIDs and a numeric schema id (they end up in request paths).
    fn usable(&self) -> bool {
        let destination = Destination {
            workspace_id: self.workspace_id.clone(),
            schema_id: self.schema_id.clone(),
            import_source_id: self.import_id.clone(),
        };
        destination.problems().is_empty()
            && !self.schema_id.is_empty()
            && self.schema_id.len() <= 18
            && self.schema_id.chars().all(|c| c.is_ascii_digit())
    }
}

/// What is stored, read leniently: entries that are not usable are dropped.
fn known_of(stored: Option<&Value>) -> Vec<KnownImport> {
    stored
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|item| serde_json::from_value::<KnownImport>(item.clone()).ok())
                .filter(KnownImport::usable)
                .collect()
        })
        .unwrap_or_default()
}

/// The list with `seen` in it (newest last, at most [`KNOWN_MAX`]); `None` when nothing changes,
/// so a handler writes only for an import it has not seen (KVS writes are metered).
pub fn note_import(stored: Option<&Value>, seen: KnownImport) -> Option<Vec<KnownImport>> {
    if !seen.usable() {
        return None;
    }
    let mut known = known_of(stored);
    if known.contains(&seen) {
        return None;
    }
    known.retain(|k| k.import_id != seen.import_id);
    known.push(seen);
    let excess = known.len().saturating_sub(KNOWN_MAX);
    known.drain(..excess);
    Some(known)
}

/// The list without `import_id`; `None` when it was not in it.
pub fn forget_import(stored: Option<&Value>, import_id: &str) -> Option<Vec<KnownImport>> {
    let mut known = known_of(stored);
    let before = known.len();
    known.retain(|k| k.import_id != import_id);
    (known.len() != before).then_some(known)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImportChoice {
    pub id: String,
    pub name: String,
}

/// The imports of `schema_id` the page may offer: every remembered import of that workspace (and
/// the `extra` ids: the saved one, the one a "Configure app" proposes) that Assets still knows
/// and places in that schema, by name.
pub async fn imports_of_schema<T: HttpTransport, C: Clock>(
    transport: &T,
    clock: &C,
    stored: Option<&Value>,
    workspace_id: &str,
    schema_id: &str,
    extra: &[String],
) -> Result<Vec<ImportChoice>, AssetsError> {
    let mut ids: Vec<String> = known_of(stored)
        .into_iter()
        .filter(|k| k.workspace_id == workspace_id)
        .map(|k| k.import_id)
        .collect();
    for id in extra.iter().take(KNOWN_MAX) {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    let meter = Meter::default();
    let mut choices = Vec::new();
    for id in ids {
        let destination = Destination {
            workspace_id: workspace_id.to_string(),
            schema_id: schema_id.to_string(),
            import_source_id: id,
        };
        if !destination.problems().is_empty() {
            continue;
        }
        let client = AssetsClient::new(transport, clock, &meter, &destination);
        if let Some(source) = client.import_source().await? {
            if source.schema_id == schema_id {
                choices.push(ImportChoice {
                    name: if source.name.trim().is_empty() {
                        format!("Import {}", source.id)
                    } else {
                        source.name
                    },
                    id: source.id,
                });
            }
        }
    }
    choices.sort_by_key(|c| c.name.to_lowercase());
    Ok(choices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const WS: &str = "514fd9bb-dedc-4512-b251-d72f56a09dc5";

    fn import(n: u32, schema: &str) -> KnownImport {
        KnownImport {
            import_id: format!("00000000-0000-4000-8000-{n:012}"),
            workspace_id: WS.into(),
            schema_id: schema.into(),
        }
    }

    #[test]
    fn an_import_is_written_once_and_moved_when_its_schema_changes() {
        let first = note_import(None, import(1, "1")).expect("new");
        let stored = serde_json::to_value(&first).expect("json");
        assert_eq!(
            note_import(Some(&stored), import(1, "1")),
            None,
            "seen before"
        );
        let moved = note_import(Some(&stored), import(1, "2")).expect("changed");
        assert_eq!(moved, vec![import(1, "2")]);
        assert_eq!(
            forget_import(Some(&stored), &import(1, "1").import_id),
            Some(vec![])
        );
        assert_eq!(forget_import(Some(&stored), "other"), None);
    }

    #[test]
    fn unusable_ids_are_never_remembered_and_the_list_is_bounded() {
        let mut bad = import(1, "1");
        bad.import_id = "../../admin".into();
        assert_eq!(note_import(None, bad), None);
        assert_eq!(note_import(None, import(1, "x1")), None);
        let damaged = json!([{"importId": 5}, import(2, "1")]);
        assert_eq!(known_of(Some(&damaged)), vec![import(2, "1")]);
        let mut stored = json!([]);
        for n in 0..(KNOWN_MAX as u32 + 5) {
            stored =
                serde_json::to_value(note_import(Some(&stored), import(n, "1"))).expect("json");
        }
        let known = known_of(Some(&stored));
        assert_eq!(known.len(), KNOWN_MAX);
        assert_eq!(known[0], import(5, "1"), "the oldest go first");
    }
}
