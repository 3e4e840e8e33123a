//! The Deletion policy section: what happens to objects that leave Entra, and the mass-deletion
//! guard's share and minimum. The policy and guard themselves live with the engine
//! (`sync/guard.rs`); this reads them from the admin's input.

use serde_json::Value;

use super::field::{ConfigField, ConfigProblem, problem};
use super::input::{section, text, whole};
use super::{DeletionPolicy, Guard};
use crate::settings::shown;

pub(super) fn deletion_of(
    value: Option<&Value>,
    problems: &mut Vec<ConfigProblem>,
) -> Option<Guard> {
    let map = section(value, ConfigField::Deletion, problems)?;
    let policy = text(map.get("policy"), &ConfigField::DeletionPolicy, problems);
    let policy = match policy.as_deref() {
        None => None,
        Some("" | "retire") => Some(DeletionPolicy::Retire),
        Some("delete") => Some(DeletionPolicy::Delete),
        Some(other) => {
            problems.push(problem(
                ConfigField::DeletionPolicy,
                format!("\"{}\" is not a deletion policy. Choose retire (keep the object, status Deleted in Entra) or delete.", shown(other)),
            ));
            None
        }
    };
    let percent = match whole(map.get("percent")) {
        Ok(n) if (1..=100).contains(&n) => u8::try_from(n).ok(),
        Ok(n) => {
            problems.push(problem(
                ConfigField::DeletionPercent,
                format!("{n} % is out of range. Enter a whole percentage from 1 to 100 (5 is a sensible default)."),
            ));
            None
        }
        Err(raw) => {
            problems.push(problem(
                ConfigField::DeletionPercent,
                if raw.is_empty() {
                    "Enter the share of objects that may go in one run without asking, a whole percentage from 1 to 100 (5 is a sensible default).".to_string()
                } else {
                    format!("\"{raw}\" is not a whole number. Enter a percentage from 1 to 100, without the % sign.")
                },
            ));
            None
        }
    };
    let minimum = match whole(map.get("minimum")) {
        Ok(n) if n >= 1 => Some(n),
        Ok(_) => {
            problems.push(problem(
                ConfigField::DeletionMinimum,
                "The minimum must be at least 1. Enter how many objects may always go without asking (for example 500).",
            ));
            None
        }
        Err(raw) => {
            problems.push(problem(
                ConfigField::DeletionMinimum,
                if raw.is_empty() {
                    "Enter how many objects may always go without asking, a whole number of at least 1 (for example 500).".to_string()
                } else {
                    format!("\"{raw}\" is not a whole number. Enter a count of at least 1 (for example 500).")
                },
            ));
            None
        }
    };
    Some(Guard {
        policy: policy?,
        percent: percent?,
        minimum: minimum?,
    })
}
