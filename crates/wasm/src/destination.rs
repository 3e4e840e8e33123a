//! Exports for the Destination section: the saved destination checked against Assets, the
//! imports of a schema by name, and the imports Assets' lifecycle calls told the app about.

use entra_sync_core::config::imports::{
    KnownImport, forget_import, imports_of_schema, note_import,
};
use entra_sync_core::config::{AppConfig, check_saved_destination};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::bridge::{self, BridgeError};
use crate::clock::JsClock;
use crate::host::JsSiteTransport;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DestinationProblem {
    field: &'static str,
    message: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DestinationAnswer {
    ok: bool,
    errors: Vec<DestinationProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    import_name: Option<String>,
}

/// A validated config (`validateConfig`'s `config`) checked against Assets through `site`:
/// `{ok, errors: [{field, message}], importName}`.
#[wasm_bindgen(js_name = checkDestination)]
pub async fn check_destination_js(config: JsValue, site: JsValue) -> Result<JsValue, BridgeError> {
    let config: AppConfig = bridge::from_js(config, "settings")?;
    let site = JsSiteTransport(site);
    let answer = match check_saved_destination(&site, &JsClock, &config).await {
        Ok(import) => DestinationAnswer {
            ok: true,
            errors: Vec::new(),
            import_name: Some(import.name),
        },
        Err(error) => DestinationAnswer {
            ok: false,
            errors: vec![DestinationProblem {
                field: error.field(),
                message: error.to_string(),
            }],
            import_name: None,
        },
    };
    bridge::to_js(&answer)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListInput {
    workspace_id: String,
    schema_id: String,
    #[serde(default)]
    known: Option<Value>,
    #[serde(default)]
    extra: Vec<String>,
}

/// `{workspaceId, schemaId, known, extra: [importId]}` → `{ok, imports: [{id, name}]}` or `{ok: false,
/// message}`.
#[wasm_bindgen(js_name = listImports)]
pub async fn list_imports(input: JsValue, site: JsValue) -> Result<JsValue, BridgeError> {
    let input: ListInput = bridge::from_js(input, "import list request")?;
    let site = JsSiteTransport(site);
    let answer = match imports_of_schema(
        &site,
        &JsClock,
        input.known.as_ref(),
        &input.workspace_id,
        &input.schema_id,
        &input.extra,
    )
    .await
    {
        Ok(imports) => serde_json::json!({ "ok": true, "imports": imports }),
        Err(error) => serde_json::json!({ "ok": false, "message": error.to_string() }),
    };
    bridge::to_js(&answer)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NoteInput {
    #[serde(default)]
    stored: Option<Value>,
    seen: KnownImport,
}

/// `{stored, seen: {importId, workspaceId, schemaId}}` → `{changed, imports}`; store `imports`
/// only when `changed`.
#[wasm_bindgen(js_name = noteImport)]
pub fn note_import_js(input: JsValue) -> Result<JsValue, BridgeError> {
    let input: NoteInput = bridge::from_js(input, "import seen")?;
    answer(note_import(input.stored.as_ref(), input.seen))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ForgetInput {
    #[serde(default)]
    stored: Option<Value>,
    import_id: String,
}

/// `{stored, importId}` → `{changed, imports}`.
#[wasm_bindgen(js_name = forgetImport)]
pub fn forget_import_js(input: JsValue) -> Result<JsValue, BridgeError> {
    let input: ForgetInput = bridge::from_js(input, "import deleted")?;
    answer(forget_import(input.stored.as_ref(), &input.import_id))
}

fn answer(next: Option<Vec<KnownImport>>) -> Result<JsValue, BridgeError> {
    bridge::to_js(&serde_json::json!({
        "changed": next.is_some(),
        "imports": next.unwrap_or_default(),
    }))
}
