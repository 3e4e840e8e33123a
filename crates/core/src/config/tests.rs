//! Validation of whole settings: every problem at once, each on its field.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::*;

const WS: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const SRC: &str = "11111111-2222-3333-4444-555555555555";

fn input(value: Value) -> ConfigInput {
    serde_json::from_value(value).expect("input")
}

#[test]
fn filters_are_kept_trimmed_checked_like_a_run_and_empty_ones_dropped() {
    let mut value = good();
    value["filters"] = json!({
        "users": "  accountEnabled eq true ",
        "groups": "",
        "devices": null,
    });
    let config = input(value.clone()).validate().expect("valid");
    assert_eq!(
        config.filters,
        BTreeMap::from([("users".to_string(), "accountEnabled eq true".to_string())])
    );

    value["filters"] = json!({
        "users": "officeLocation eq 'x'",
        "groups": "displayName eq",
        "printers": "x eq 1",
        "devices": 5,
    });
    let problems = input(value).validate().expect_err("invalid filters");
    let on = |field: &str| {
        problems
            .iter()
            .find(|p| p.field == *field)
            .map(|p| p.message.clone())
            .unwrap_or_else(|| panic!("no problem on {field}: {problems:?}"))
    };
    assert!(on("filters.users").contains("does not read"));
    assert!(
        on("filters.users").contains("accountEnabled"),
        "names what can be filtered"
    );
    assert!(!on("filters.groups").is_empty());
    assert!(on("filters.printers").contains("Unknown data set"));
    assert!(on("filters.devices").contains("$filter syntax"));
}

fn good() -> Value {
    json!({
        "destination": {"workspaceId": WS, "schemaId": "3", "importSourceId": SRC},
        "datasets": {"users": true, "groups": false},
        "schedule": {"interval": "sixHours", "enabled": true},
        "deletion": {"policy": "retire", "percent": "10", "minimum": 25}
    })
}

#[test]
fn accepts_complete_settings() {
    let config = input(good()).validate().expect("valid");
    assert_eq!(config.schedule.interval, Interval::SixHours);
    assert_eq!(config.deletion.percent, 10);
    assert_eq!(config.deletion.minimum, 25);
    assert!(config.datasets["users"]);
    assert!(!config.datasets["devices"]);
    assert_eq!(config.destination.destination().import_source_id, SRC);
}

#[test]
fn reports_every_problem_with_its_field() {
    let errors = input(json!({
        "destination": {"workspaceId": "nope", "schemaId": "abc"},
        "datasets": {"users": false, "printers": true},
        "schedule": {"interval": "weekly"},
        "deletion": {"policy": "shred", "percent": 0, "minimum": "x"}
    }))
    .validate()
    .unwrap_err();
    let fields: Vec<String> = errors.iter().map(|e| e.field.to_string()).collect();
    assert_eq!(
        fields,
        vec![
            "destination.schemaId",
            "destination.importSourceId",
            "destination.workspaceId",
            "datasets",
            "datasets",
            "schedule.interval",
            "deletion.policy",
            "deletion.percent",
            "deletion.minimum"
        ]
    );
    assert!(errors[3].message.contains("printers"));
    assert!(errors[5].message.contains("every 6 hours"));
    let empty = ConfigInput::default().validate().unwrap_err();
    assert!(empty.iter().any(|e| e.field == "deletion.percent"));
    assert!(empty.iter().any(|e| e.field == "datasets"));
}

#[test]
fn percent_bounds() {
    for (percent, ok) in [
        (json!(1), true),
        (json!(100), true),
        (json!(101), false),
        (json!(-1), false),
        (json!("5 %"), false),
    ] {
        let mut value = good();
        value["deletion"]["percent"] = percent.clone();
        assert_eq!(input(value).validate().is_ok(), ok, "{percent}");
    }
}

#[test]
fn guard_threshold() {
    let guard = Guard {
        policy: DeletionPolicy::Retire,
        percent: 5,
        minimum: 500,
    };
    assert_eq!(guard.threshold(1_000), 500);
    assert_eq!(guard.threshold(100_000), 5_000);
    assert_eq!(
        Guard {
            percent: 1,
            minimum: 1,
            ..guard
        }
        .threshold(300),
        3
    );
}

#[test]
fn the_defaults_are_valid_settings() {
    let defaults = serde_json::to_value(defaults()).expect("serialisable");
    let mut value = good();
    value["datasets"] = defaults["datasets"].clone();
    value["schedule"] = defaults["schedule"].clone();
    value["deletion"] = defaults["deletion"].clone();
    let config = input(value).validate().expect("valid");
    assert_eq!(config.schedule, Schedule::default());
    assert!(
        config.schedule.enabled,
        "a new installation syncs on its own"
    );
    assert_eq!(config.deletion, Guard::default());
    assert!(config.datasets["users"]);
}

#[test]
fn wrong_json_types_are_field_errors_and_every_section_is_still_checked() {
    let value = json!({
        "destination": "not an object",
        "datasets": 7,
        "filters": ["users"],
        "schedule": {"interval": 3, "enabled": "maybe"},
        "deletion": {"policy": false, "percent": [5], "minimum": {"n": 1}}
    });
    let problems = input(value).validate().expect_err("invalid");
    let fields: Vec<String> = problems.iter().map(|p| p.field.to_string()).collect();
    assert_eq!(
        fields,
        vec![
            "destination",
            "datasets",
            "filters",
            "schedule.interval",
            "schedule.enabled",
            "deletion.policy",
            "deletion.percent",
            "deletion.minimum"
        ]
    );
    assert!(
        problems[0].message.contains("not text"),
        "{}",
        problems[0].message
    );
    assert!(
        problems[0].message.contains("workspaceId"),
        "shows the shape"
    );
    assert!(
        problems[5]
            .message
            .contains("must be text, not true or false")
    );
    // An interval given as a number reads as its digits and is refused by name.
    let mut value = good();
    value["schedule"]["interval"] = json!(3);
    let problems = input(value).validate().expect_err("invalid");
    assert_eq!(problems[0].field, "schedule.interval");
    assert!(problems[0].message.contains("\"3\" is not an interval"));
}

#[test]
fn every_field_is_bounded() {
    let mut value = good();
    value["destination"]["schemaId"] = json!("9".repeat(400));
    value["destination"]["workspaceId"] = json!("a".repeat(100_000));
    value["filters"] = json!({
        "users": format!("startswith(displayName,'{}')", "a".repeat(100 * 1024)),
        "groups": format!("{}displayName eq 'x'{}", "(".repeat(500), ")".repeat(500)),
    });
    let problems = input(value).validate().expect_err("invalid");
    let on = |field: &str| {
        problems
            .iter()
            .filter(|p| p.field == *field)
            .map(|p| p.message.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(on("destination.schemaId").len(), 1);
    assert!(on("destination.schemaId")[0].contains("400 digits"));
    assert_eq!(on("destination.workspaceId").len(), 1, "said once");
    assert!(on("destination.workspaceId")[0].contains("100000 characters"));
    assert!(on("filters.users")[0].contains("characters long"));
    assert!(on("filters.groups")[0].contains("levels deep"));
    for problem in &problems {
        assert!(
            problem.message.len() < 800,
            "{} stays readable",
            problem.field
        );
    }
    let mut value = good();
    value["destination"]["schemaId"] = json!("9".repeat(18));
    assert!(input(value).validate().is_ok(), "18 digits fit");
}
