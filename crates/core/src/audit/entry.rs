//! What one audit entry says: who did what and when, and for a save which settings changed, by
//! name only (never a value, so a secret can never reach the trail).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Longest account id kept (Atlassian account ids are at most 128 characters).
const ACCOUNT_MAX_CHARS: usize = 128;
/// Longest run id kept (`run-<ms>`).
const RUN_MAX_CHARS: usize = 64;
/// Most changed fields named in one entry; more are summed up.
const FIELDS_MAX: usize = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AuditAction {
    SettingsSaved,
    RunStarted,
    DryRunStarted,
    ResyncStarted,
    /// Assets' "Import data" on the import started a run.
    ImportStarted,
    RunConfirmed,
    RunCancelled,
}

impl AuditAction {
    fn text(self) -> &'static str {
        match self {
            AuditAction::SettingsSaved => "Saved the settings",
            AuditAction::RunStarted => "Started a sync",
            AuditAction::DryRunStarted => "Started a dry run",
            AuditAction::ResyncStarted => "Started a resync of everything",
            AuditAction::ImportStarted => "Started a sync from Assets (Import data)",
            AuditAction::RunConfirmed => {
                "Confirmed the removals the mass-deletion guard asked about"
            }
            AuditAction::RunCancelled => "Cancelled a sync",
        }
    }
}

/// What a handler saw: the action, who, when; for a save the stored settings before and after
/// (`{tenantId, clientId, config}`, never the secret) and whether a new secret was typed.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditInput {
    pub action: AuditAction,
    #[serde(default)]
    pub account_id: Option<String>,
    pub now_ms: u64,
    #[serde(default)]
    pub run_id: Option<String>,
    #[serde(default)]
    pub before: Option<Value>,
    #[serde(default)]
    pub after: Option<Value>,
    #[serde(default)]
    pub secret_changed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuditEntry {
    pub at_ms: u64,
    /// The Atlassian account that acted; "unknown" when the platform named none.
    pub account_id: String,
    pub action: AuditAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// Settings that changed, by their names on the page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    pub text: String,
}

impl AuditEntry {
    pub fn from_input(input: AuditInput) -> Self {
        let mut fields = match (&input.before, &input.after) {
            (_, Some(after)) => changed(input.before.as_ref().unwrap_or(&Value::Null), after),
            _ => Vec::new(),
        };
        if input.secret_changed {
            fields.insert(
                0,
                "Client secret (replaced; the value is never recorded)".into(),
            );
        }
        fields.dedup();
        let text = match (input.action, fields.is_empty()) {
            (AuditAction::SettingsSaved, true) => "Saved the settings (nothing changed)".into(),
            (AuditAction::SettingsSaved, false) => {
                format!("Saved the settings: {}", fields.join(", "))
            }
            (action, _) => match &input.run_id {
                Some(run) => format!("{} ({})", action.text(), clip(run, RUN_MAX_CHARS)),
                None => action.text().to_string(),
            },
        };
        if fields.len() > FIELDS_MAX {
            let more = fields.len() - FIELDS_MAX + 1;
            fields.truncate(FIELDS_MAX - 1);
            fields.push(format!("and {more} more"));
        }
        AuditEntry {
            at_ms: input.now_ms,
            account_id: input
                .account_id
                .filter(|a| !a.trim().is_empty())
                .map_or_else(|| "unknown".into(), |a| clip(a.trim(), ACCOUNT_MAX_CHARS)),
            action: input.action,
            run_id: input.run_id.map(|r| clip(&r, RUN_MAX_CHARS)),
            text: clip(&text, 2_000),
            fields,
        }
    }
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// The page's names of the settings whose values differ, by section and key. Values are
/// compared, never kept.
fn changed(before: &Value, after: &Value) -> Vec<String> {
    let mut paths = Vec::new();
    leaves("", before, after, &mut paths);
    let mut names: Vec<String> = Vec::new();
    for path in paths {
        // Secrets (and the key a secret is stored under) are reported through `secret_changed`
        // only, whatever a caller passed in.
        if path.to_ascii_lowercase().contains("secret") {
            continue;
        }
        let name = name_of(&path);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// Dotted paths of the leaves that differ between `a` and `b` (either side may lack them).
fn leaves(prefix: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                leaves(
                    &path,
                    x.get(key).unwrap_or(&Value::Null),
                    y.get(key).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        (Value::Object(x), Value::Null) | (Value::Null, Value::Object(x)) => {
            let empty = Value::Object(Default::default());
            let other = Value::Object(x.clone());
            if matches!(a, Value::Null) {
                leaves(prefix, &empty, &other, out);
            } else {
                leaves(prefix, &other, &empty, out);
            }
        }
        _ if a != b => out.push(prefix.to_string()),
        _ => {}
    }
}

/// A stored path as the page names it.
fn name_of(path: &str) -> String {
    let path = path.strip_prefix("config.").unwrap_or(path);
    let (section, rest) = path.split_once('.').unwrap_or((path, ""));
    let known = match (section, rest) {
        ("tenantId", _) => "Directory (tenant) ID".to_string(),
        ("clientId", _) => "Application (client) ID".to_string(),
        ("destination", "workspaceId") => "Assets workspace".into(),
        ("destination", "schemaId") => "Object schema".into(),
        ("destination", "importSourceId") => "Import".into(),
        ("datasets", key) => format!("Data set {key}"),
        ("filters", key) => format!("Filter of {key}"),
        ("schedule", "enabled") => "Sync on a schedule".into(),
        ("schedule", "interval") => "Interval".into(),
        ("schedule", other) => format!("Schedule ({other})"),
        ("deletion", "policy") => "Deletion policy".into(),
        ("deletion", "percent") => "Share of objects (%)".into(),
        ("deletion", "minimum") => "Minimum count".into(),
        _ => path.to_string(),
    };
    clip(&known, 120)
}
