use serde_json::json;

use super::*;
use crate::sync::MemoryStore;

fn input(action: AuditAction, now_ms: u64) -> AuditInput {
    AuditInput {
        action,
        account_id: Some("557057:admin".into()),
        now_ms,
        run_id: Some(format!("run-{now_ms}")),
        before: None,
        after: None,
        secret_changed: false,
    }
}

#[test]
fn a_save_names_the_fields_that_changed_and_never_a_secret() {
    let before = json!({"tenantId": "t1", "clientId": "c1", "secretKey": "secret:client:1",
        "config": {"destination": {"workspaceId": "w", "schemaId": "1", "importSourceId": "i1"},
                   "datasets": {"users": true, "groups": false},
                   "deletion": {"policy": "retire", "percent": 5, "minimum": 500}}});
    let after = json!({"tenantId": "t1", "clientId": "c1", "secretKey": "secret:client:2",
        "clientSecret": "s3cr3t-value",
        "config": {"destination": {"workspaceId": "w", "schemaId": "2", "importSourceId": "i2"},
                   "datasets": {"users": true, "groups": true},
                   "deletion": {"policy": "retire", "percent": 1, "minimum": 500}}});
    let entry = AuditEntry::from_input(AuditInput {
        before: Some(before),
        after: Some(after),
        secret_changed: true,
        ..input(AuditAction::SettingsSaved, 5)
    });
    assert_eq!(
        entry.fields,
        vec![
            "Client secret (replaced; the value is never recorded)",
            "Data set groups",
            "Share of objects (%)",
            "Import",
            "Object schema",
        ]
    );
    let stored = serde_json::to_string(&entry).expect("json");
    assert!(!stored.contains("s3cr3t-value") && !stored.contains("secret:client"));
    assert!(entry.text.starts_with("Saved the settings: Client secret"));
}

#[test]
fn a_save_of_unchanged_settings_says_so_and_an_unknown_caller_is_named_unknown() {
    let same = json!({"tenantId": "t1"});
    let entry = AuditEntry::from_input(AuditInput {
        account_id: None,
        before: Some(same.clone()),
        after: Some(same),
        ..input(AuditAction::SettingsSaved, 5)
    });
    assert!(entry.fields.is_empty());
    assert_eq!(entry.account_id, "unknown");
    assert_eq!(entry.text, "Saved the settings (nothing changed)");
}

#[test]
fn run_actions_name_their_run() {
    let entry = AuditEntry::from_input(input(AuditAction::RunCancelled, 7));
    assert_eq!(entry.text, "Cancelled a sync (run-7)");
    assert_eq!(entry.run_id.as_deref(), Some("run-7"));
}

#[test]
fn the_trail_keeps_at_least_the_last_200_entries_newest_first() {
    let store = MemoryStore::default();
    for n in 0..530 {
        pollster::block_on(record(&store, input(AuditAction::RunStarted, n))).expect("recorded");
    }
    let entries = pollster::block_on(list(&store)).expect("listed");
    assert_eq!(entries.len(), AUDIT_KEEP);
    assert_eq!(entries[0].at_ms, 529);
    assert_eq!(entries[AUDIT_KEEP - 1].at_ms, 330);
    // A bounded number of keys, each well within one 10 KB write unit.
    let values = store.values.borrow();
    assert_eq!(values.len() as u64, PAGES + 1);
    for (key, value) in values.iter() {
        assert!(value.to_string().len() < 10_000, "{key} is one unit");
    }
}

#[test]
fn an_append_whose_head_write_was_lost_loses_no_entry() {
    let store = MemoryStore::default();
    for n in 0..PAGE_ENTRIES as u64 {
        pollster::block_on(record(&store, input(AuditAction::RunStarted, n))).expect("recorded");
    }
    // The next append starts page 1; then its head write is lost.
    pollster::block_on(record(&store, input(AuditAction::RunStarted, 100))).expect("recorded");
    store
        .values
        .borrow_mut()
        .insert(HEAD_KEY.into(), json!({"page": 0}));
    pollster::block_on(record(&store, input(AuditAction::RunStarted, 101))).expect("recorded");
    let entries = pollster::block_on(list(&store)).expect("listed");
    assert_eq!(entries.len(), PAGE_ENTRIES + 2);
    assert_eq!(entries[0].at_ms, 101);
    assert_eq!(entries[1].at_ms, 100);
}
