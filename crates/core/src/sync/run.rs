//! Starting a run: which data sets it reads, with which filters, and whether each reads in full or
//! from its committed delta link.

use serde_json::Value;

use super::checkpoint::Checkpoint;
use super::datasets::Dataset;
use super::delta_link;
use super::error::{FilterProblem, SyncError};
use super::filter::Filter;
use super::index::{Index, IndexError};
use super::store::KvStore;

/// Where the scope (data sets and filters) of the last committed run is kept.
pub(super) const SCOPE_KEY: &str = "scope";

/// Where a data set's committed deltaLink is kept.
pub(super) fn delta_key(dataset: Dataset) -> String {
    format!("delta:{}", dataset.key())
}

/// A data set to sync, and the admin's filter for it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Selection {
    pub dataset: Dataset,
    #[serde(default)]
    pub filter: Option<String>,
}

impl Selection {
    pub fn all() -> Vec<Selection> {
        Dataset::ALL
            .iter()
            .map(|dataset| Selection {
                dataset: *dataset,
                filter: None,
            })
            .collect()
    }
}

/// A new run's first checkpoint: incremental where a deltaLink was committed and the scope (data sets
/// and filters) is the one it was read with; full otherwise.
pub async fn begin_run(
    store: &impl KvStore,
    run_id: String,
    trigger: String,
    dry_run: bool,
    full_resync: bool,
    now_ms: u64,
    selection: &[Selection],
) -> Result<Checkpoint, SyncError> {
    let scope = scope_of(selection);
    let previous_scope = store.get(SCOPE_KEY).await?;
    // The first run, or a new scope: everything is read and written again.
    let rewrite = previous_scope.as_ref().and_then(Value::as_str) != Some(scope.as_str());
    let mut committed = Vec::new();
    let mut warnings = Vec::new();
    for Selection { dataset, filter } in selection {
        let dataset = *dataset;
        if let Some(text) = filter {
            check_filter(dataset, text)?;
        }
        let mut link = if full_resync || rewrite || !dataset.has_delta() {
            None
        } else {
            match store.get(&delta_key(dataset)).await? {
                None | Some(Value::Null) => None,
                Some(stored) => match delta_link::usable(dataset, &stored) {
                    Ok(link) => Some(link),
                    Err(why) => {
                        warnings.push(format!(
                            "The stored delta link of {} ({}) was not usable: {why}. {} were read in full instead; the next commit stores a new link.",
                            dataset.spec().label,
                            delta_key(dataset),
                            dataset.spec().label,
                        ));
                        None
                    }
                },
            }
        };
        // A data set that gained an object type after its delta link was committed (users' licence
        // assignments) reads in full once: that link's $select predates the new type.
        // A damaged index meta reads in full too: the run's first step heals it (`heal.rs`).
        for object_type in dataset.object_types() {
            if link.is_some() {
                match Index::exists(store, object_type.key()).await {
                    Ok(true) => {}
                    Ok(false) | Err(IndexError::Damaged { .. }) => link = None,
                    Err(error) => return Err(error.into()),
                }
            }
        }
        // Credentials' days left and state move with the day: the first run of a day reads all
        // applications (`expiry.rs`).
        if link.is_some()
            && dataset == Dataset::Applications
            && super::expiry::day_changed(store, now_ms).await?
        {
            link = None;
        }
        committed.push((dataset, link, filter.clone()));
    }
    let mut checkpoint = Checkpoint::new(run_id, trigger, dry_run, now_ms, &committed);
    checkpoint.rewrite = rewrite && previous_scope.is_some();
    checkpoint.scope = scope;
    for warning in warnings {
        checkpoint.warn(warning);
    }
    Ok(checkpoint)
}

fn scope_of(selection: &[Selection]) -> String {
    let mut parts: Vec<String> = selection
        .iter()
        .map(|s| {
            format!(
                "{}={}",
                s.dataset.key(),
                s.filter.as_deref().unwrap_or_default()
            )
        })
        .collect();
    parts.sort();
    format!(
        "{:016x}",
        xxhash_rust::xxh3::xxh3_64(parts.join("\n").as_bytes())
    )
}

/// A filter must parse, and may only read properties the data set selects (Graph returns nothing else).
pub fn check_filter(dataset: Dataset, text: &str) -> Result<Filter, FilterProblem> {
    let filter = Filter::parse(text)?;
    let selected = filterable(dataset);
    if let Some(missing) = filter
        .properties()
        .into_iter()
        .find(|p| !selected.contains(p))
    {
        return Err(FilterProblem::Unread {
            dataset: dataset.key(),
            property: missing.to_string(),
            allowed: selected,
        });
    }
    Ok(filter)
}

/// The properties a filter on `dataset` may name: those its first request selects.
pub fn filterable(dataset: Dataset) -> &'static [&'static str] {
    dataset.spec().select
}
