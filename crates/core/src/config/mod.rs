//! The rest of the settings an admin owns, beside the connection: where in Assets to write, which
//! data sets to sync, their filters, the schedule and the deletion policy. Like
//! [`crate::settings`], every problem names its field and how to fix it, because the admin page
//! shows the messages as they are; and every field is bounded, so nothing that passes can fail to
//! be stored.
//!
//! One file per section (`destination.rs`, `datasets.rs`, `filters.rs`, `schedule.rs`,
//! `deletion.rs`), the untrusted input and its readers in `input.rs`, field names in `field.rs`,
//! the saved value read back in `stored.rs`, and a run's start under the settings in `start.rs`. The deletion policy and guard themselves
//! live with the engine, in `sync/guard.rs`.

use std::collections::BTreeMap;

mod datasets;
mod deletion;
mod destination;
mod expiry;
mod field;
mod filters;
pub mod imports;
mod input;
mod panel;
mod schedule;
mod start;
mod stored;

use serde::{Deserialize, Serialize};

use crate::sync::Destination;
pub use crate::sync::guard::{DeletionPolicy, Guard};
pub use datasets::{ConfigDefaults, dataset_keys, defaults};
pub use destination::check_saved_destination;
pub use expiry::{ExpiryConfig, MAX_WARN_DAYS};
pub use field::{ConfigField, ConfigProblem};
pub use input::ConfigInput;
pub use panel::{PanelConfig, PanelSections, is_project_key, validate_panel};
pub use schedule::{Interval, Schedule};
pub use start::{RunStart, RunStartError, begin_configured_run};
pub use stored::{CONFIG_KEY, DamagedSettings, read_stored};

/// Settings that passed validation; what is stored and what runs read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppConfig {
    pub destination: DestinationConfig,
    pub datasets: BTreeMap<String, bool>,
    /// Data set key → `$filter`; only non-empty, valid filters are kept.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filters: BTreeMap<String, String>,
    pub schedule: Schedule,
    pub deletion: Guard,
    /// Settings saved before the section existed read as the default window.
    #[serde(default)]
    pub expiry: ExpiryConfig,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationConfig {
    pub workspace_id: String,
    pub schema_id: String,
    pub import_source_id: String,
}

impl DestinationConfig {
    pub fn destination(&self) -> Destination {
        Destination {
            workspace_id: self.workspace_id.clone(),
            schema_id: self.schema_id.clone(),
            import_source_id: self.import_source_id.clone(),
        }
    }
}

impl ConfigInput {
    /// Validates every section and returns all problems at once, so the page can mark each field.
    pub fn validate(&self) -> Result<AppConfig, Vec<ConfigProblem>> {
        let mut problems = Vec::new();
        let destination = destination::destination_of(self.destination.as_ref(), &mut problems);
        let datasets = datasets::datasets_of(self.datasets.as_ref(), &mut problems);
        let filters = filters::filters_of(self.filters.as_ref(), &mut problems);
        let schedule = schedule::schedule_of(self.schedule.as_ref(), &mut problems);
        let deletion = deletion::deletion_of(self.deletion.as_ref(), &mut problems);
        let expiry = expiry::expiry_of(self.expiry.as_ref(), &mut problems);
        match (destination, datasets, filters, schedule, deletion, expiry) {
            (
                Some(destination),
                Some(datasets),
                Some(filters),
                Some(schedule),
                Some(deletion),
                Some(expiry),
            ) if problems.is_empty() => Ok(AppConfig {
                destination,
                datasets,
                filters,
                schedule,
                deletion,
                expiry,
            }),
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests;
