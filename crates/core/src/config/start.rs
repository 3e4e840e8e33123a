//! A run's start under the saved settings: only the enabled data sets, with their filters and the
//! admin's deletion policy and guard.

use serde::Deserialize;

use super::AppConfig;

/// Why no run can start under the saved settings.
#[derive(Debug, thiserror::Error)]
pub enum RunStartError {
    #[error("No data set is turned on. Turn on Users (or another data set) in Data sets.")]
    NoDataset,
    /// No settings were saved yet.
    #[error(
        "Entra Sync is not set up yet. Open its settings page, choose the Assets destination and press Save."
    )]
    NotConfigured,
    #[error(transparent)]
    Damaged(#[from] super::DamagedSettings),
    #[error(transparent)]
    Sync(#[from] crate::sync::SyncError),
}

impl RunStartError {
    /// A stable name for the kind of failure (see [`crate::sync::SyncError::code`]).
    pub fn code(&self) -> &'static str {
        match self {
            RunStartError::NoDataset => "noDataset",
            RunStartError::NotConfigured => "notConfigured",
            RunStartError::Damaged(_) => "damagedSettings",
            RunStartError::Sync(error) => error.code(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunStart {
    pub run_id: String,
    pub trigger: String,
    #[serde(default)]
    pub dry_run: bool,
    #[serde(default)]
    pub full_resync: bool,
}

/// A new run's first checkpoint under these settings: only the enabled data sets, with the
/// admin's deletion policy and guard. `Err` says why no run can start.
pub async fn begin_configured_run(
    store: &impl crate::sync::KvStore,
    run: RunStart,
    now_ms: u64,
    config: &AppConfig,
) -> Result<crate::sync::Checkpoint, RunStartError> {
    let selection: Vec<crate::sync::Selection> = crate::sync::datasets::Dataset::ALL
        .iter()
        .filter(|d| config.datasets.get(d.key()).copied().unwrap_or(false))
        .map(|d| crate::sync::Selection {
            dataset: *d,
            filter: config.filters.get(d.key()).cloned(),
        })
        .collect();
    if selection.is_empty() {
        return Err(RunStartError::NoDataset);
    }
    let mut checkpoint = crate::sync::begin_run(
        store,
        run.run_id,
        run.trigger,
        run.dry_run,
        run.full_resync,
        now_ms,
        &selection,
    )
    .await?;
    checkpoint.guard = config.deletion;
    checkpoint.warn_days = config.expiry.warn_days;
    Ok(checkpoint)
}
