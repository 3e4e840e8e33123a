//! The settings exports under Node: what the resolvers get back for the Destination, Data sets,
//! Schedule and Deletion policy sections.
#![cfg(target_arch = "wasm32")]

use entra_sync_wasm::{
    apply_command, begin_configured_run_js, dataset_options, schedule_due, validate_config,
};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

fn js(value: serde_json::Value) -> JsValue {
    use serde::Serialize;
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .expect("plain JSON converts")
}

fn rust(value: JsValue) -> serde_json::Value {
    serde_wasm_bindgen::from_value(value).expect("JSON out")
}

#[wasm_bindgen_test]
fn valid_settings_come_back_normalised() {
    let answer = rust(
        validate_config(js(serde_json::json!({
            "destination": {"workspaceId": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "schemaId": 7, "importSourceId": "11111111-2222-3333-4444-555555555555"},
            "datasets": {"users": true},
            "schedule": {"interval": "hour", "enabled": false},
            "deletion": {"policy": "delete", "percent": "10", "minimum": "3"}
        })))
        .expect("validates"),
    );
    assert_eq!(answer["ok"], true);
    assert_eq!(answer["config"]["destination"]["schemaId"], "7");
    assert_eq!(answer["config"]["deletion"]["percent"], 10);
    assert_eq!(answer["config"]["datasets"]["groups"], false);
}

#[wasm_bindgen_test]
fn problems_name_their_fields() {
    let answer = rust(validate_config(js(serde_json::json!({}))).expect("validates"));
    assert_eq!(answer["ok"], false);
    let fields: Vec<&str> = answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert!(fields.contains(&"destination.workspaceId"));
    assert!(fields.contains(&"schedule.interval"));
    assert!(fields.contains(&"deletion.minimum"));
}

#[wasm_bindgen_test]
fn schedule_and_options() {
    let due = |last: Option<f64>, now: f64, enabled: bool| {
        schedule_due(js(serde_json::json!({
            "schedule": {"interval": "sixHours", "enabled": enabled},
            "lastStartedMs": last,
            "nowMs": now
        })))
        .expect("answers")
    };
    assert!(due(None, 1.0e12, true));
    assert!(!due(Some(1.0e12), 1.0e12 + 3_600_000.0, true));
    assert!(due(Some(1.0e12), 1.0e12 + 6.0 * 3_600_000.0, true));
    assert!(!due(None, 1.0e12, false));
    let options = rust(dataset_options().expect("options"));
    assert_eq!(options[0]["key"], "users");
    assert_eq!(options[0]["permission"], "User.Read.All");
}

#[wasm_bindgen_test]
async fn a_run_without_data_sets_is_refused_with_a_stable_code() {
    let input = js(serde_json::json!({
        "runId": "run-1",
        "trigger": "manual",
        "config": {
            "destination": {"workspaceId": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "schemaId": "7", "importSourceId": "11111111-2222-3333-4444-555555555555"},
            "datasets": {"users": false},
            "schedule": {"interval": "hour", "enabled": false},
            "deletion": {"policy": "retire", "percent": 5, "minimum": 500}
        }
    }));
    let error: JsValue = begin_configured_run_js(input, JsValue::NULL)
        .await
        .expect_err("nothing to sync")
        .into();
    let field = |name: &str| {
        js_sys::Reflect::get(&error, &name.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    assert_eq!(field("name").as_deref(), Some("EntraSyncError"));
    assert_eq!(field("code").as_deref(), Some("noDataset"));
    assert!(field("message").is_some_and(|m| m.contains("Turn on Users")));
}

#[wasm_bindgen_test]
fn commands_come_back_as_the_checkpoint_to_store_or_a_coded_refusal() {
    use entra_sync_core::sync::Checkpoint;
    use entra_sync_core::sync::datasets::Dataset;
    let checkpoint = Checkpoint::new(
        "run-1".into(),
        "manual".into(),
        false,
        0,
        &[(Dataset::Users, None, None)],
    );
    let checkpoint = serde_json::to_value(&checkpoint).expect("serialisable");
    let cancelled = rust(
        apply_command(js(
            serde_json::json!({"checkpoint": checkpoint, "command": "cancel"}),
        ))
        .expect("a cancel always applies"),
    );
    assert_eq!(cancelled["cancelRequested"], true);
    let error: JsValue = apply_command(js(
        serde_json::json!({"checkpoint": checkpoint, "command": "confirm"}),
    ))
    .expect_err("nothing to confirm while reading")
    .into();
    let code = js_sys::Reflect::get(&error, &"code".into())
        .ok()
        .and_then(|v| v.as_string());
    assert_eq!(code.as_deref(), Some("notAwaitingConfirmation"));
}
