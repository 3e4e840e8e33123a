//! The requester panel's exports: `panelView` and `panelSearch` (Jira as the agent through `user`,
//! Jira and Assets as the app through `app`, both `{request(init)}` over `requestJira`), and
//! `validatePanelConfig` for the admin page's Requester panel section.

use entra_sync_core::SettingsInput;
use entra_sync_core::config::validate_panel;
use entra_sync_core::panel::{
    PanelError, PanelRequest, RefreshInput, SearchInput, panel_refresh, panel_search, panel_view,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::bridge::{self, BridgeError};
use crate::clock::JsClock;
use crate::host::JsSiteTransport;
use crate::transport::FetchTransport;

fn failed(error: PanelError) -> BridgeError {
    BridgeError::failed(error.code(), error)
}

/// `{panel, destination, issueKey, pick?}` → the panel's view of the people.
#[wasm_bindgen(js_name = panelView)]
pub async fn panel_view_js(
    input: JsValue,
    app: JsValue,
    user: JsValue,
) -> Result<JsValue, BridgeError> {
    let request: PanelRequest = bridge::from_js(input, "panel request")?;
    let view = panel_view(&JsSiteTransport(app), &JsSiteTransport(user), request)
        .await
        .map_err(failed)?;
    bridge::to_js(&view)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SearchRequest {
    #[serde(flatten)]
    request: PanelRequest,
    search: SearchInput,
}

/// `{panel, destination, issueKey, search: {role, query}}` → directory users by name.
#[wasm_bindgen(js_name = panelSearch)]
pub async fn panel_search_js(
    input: JsValue,
    app: JsValue,
    user: JsValue,
) -> Result<JsValue, BridgeError> {
    let SearchRequest { request, search } = bridge::from_js(input, "panel search")?;
    let answer = panel_search(
        &JsSiteTransport(app),
        &JsSiteTransport(user),
        request,
        search,
    )
    .await
    .map_err(failed)?;
    bridge::to_js(&answer)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RefreshRequest {
    #[serde(flatten)]
    request: PanelRequest,
    settings: SettingsInput,
    refresh: RefreshInput,
}

/// `{panel, destination, issueKey, settings, refresh: {role}}` → one person read live from Graph
/// and what differs from Assets. The secret in `settings` goes only to the token request.
#[wasm_bindgen(js_name = panelRefresh)]
pub async fn panel_refresh_js(
    input: JsValue,
    app: JsValue,
    user: JsValue,
) -> Result<JsValue, BridgeError> {
    let RefreshRequest {
        request,
        settings,
        refresh,
    } = bridge::from_js(input, "panel refresh")?;
    let settings = settings.validate().map_err(|errors| {
        let message = errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        BridgeError::failed("settings", message)
    })?;
    let answer = panel_refresh(
        &FetchTransport,
        &JsSiteTransport(app),
        &JsSiteTransport(user),
        &JsClock,
        &settings,
        request,
        refresh,
    )
    .await
    .map_err(failed)?;
    bridge::to_js(&answer)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PanelValidation {
    ok: bool,
    errors: Vec<entra_sync_core::config::ConfigProblem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    panel: Option<entra_sync_core::config::PanelConfig>,
}

/// The Requester panel settings as the page sends them → `{ok, errors, panel}`.
#[wasm_bindgen(js_name = validatePanelConfig)]
pub fn validate_panel_config(input: JsValue) -> Result<JsValue, BridgeError> {
    let value: serde_json::Value = bridge::from_js(input, "panel settings")?;
    let answer = match validate_panel(Some(&value)) {
        Ok(panel) => PanelValidation {
            ok: true,
            errors: Vec::new(),
            panel: Some(panel),
        },
        Err(errors) => PanelValidation {
            ok: false,
            errors,
            panel: None,
        },
    };
    bridge::to_js(&answer)
}
