//! Why a run step failed. Every variant ends the run, except those [`SyncError::confined`] to one
//! data set, which fail only that data set; the message is shown to the admin as is.

use super::assets::AssetsError;
use super::datasets::{Dataset, Diagnosis, ItemError};
use super::destination::DestinationError;
use super::filter::FilterError;
use super::index::IndexError;
use super::store::StoreError;
use crate::auth::TokenError;
use crate::graph::GraphError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("reading {dataset:?}: {error}")]
    Graph { dataset: Dataset, error: GraphError },
    #[error(transparent)]
    Item(#[from] ItemError),
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Assets(#[from] AssetsError),
    #[error("staged data \"{key}\" is damaged ({detail}); the run cannot go on, start a new one")]
    Staged { key: String, detail: String },
    #[error("Microsoft Graph ended a {0:?} page with neither a nextLink nor a deltaLink")]
    Unterminated(Dataset),
    #[error("reading {dataset:?}: {error}")]
    Pages {
        dataset: Dataset,
        error: crate::graph::PagesError,
    },
    #[error("the Assets import was cancelled before it finished; nothing was committed")]
    Cancelled,
    #[error(transparent)]
    Filter(#[from] FilterProblem),
    #[error(transparent)]
    Destination(#[from] DestinationError),
    #[error("cancelled by an admin; nothing was committed")]
    CancelRequested,
}

impl SyncError {
    /// Forge's KVS quota refused a call for longer than the step could wait: the step ends at its
    /// last safe point and the next one goes on, the run does not fail.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            SyncError::Store(error) | SyncError::Index(IndexError::Store(error)) => {
                error.is_rate_limited()
            }
            _ => false,
        }
    }

    /// The data set this error is confined to, and what it means for the admin: that data set
    /// fails alone (nothing of it committed or retired) and the run goes on with the others.
    /// Every other error fails the whole run. A new reason a data set fails alone is one arm here.
    pub fn confined(&self) -> Option<(Dataset, Diagnosis)> {
        let spec = |dataset: &Dataset| dataset.spec();
        match self {
            SyncError::Graph { dataset, error } => Some((*dataset, spec(dataset).diagnose(error))),
            SyncError::Pages { dataset, error } => {
                Some((*dataset, spec(dataset).unreadable(&error.to_string(), None)))
            }
            SyncError::Unterminated(dataset) => {
                Some((*dataset, spec(dataset).unreadable(&self.to_string(), None)))
            }
            SyncError::Item(error) => Some((
                error.dataset,
                spec(&error.dataset).unreadable(&error.to_string(), None),
            )),
            _ => None,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            SyncError::Graph { error, .. } => error.request_id(),
            SyncError::Token(error) => error.trace_id(),
            _ => None,
        }
    }
}

/// A data set's filter that a run cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterProblem {
    #[error(transparent)]
    Syntax(#[from] FilterError),
    #[error(
        "The {dataset} filter uses \"{property}\", which Entra Sync does not read. Filter on one of: {}.",
        allowed.join(", ")
    )]
    Unread {
        dataset: &'static str,
        property: String,
        allowed: &'static [&'static str],
    },
}

impl SyncError {
    /// A stable name for the kind of failure, for callers that must tell failures apart without
    /// reading the message.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Token(_) => "token",
            SyncError::Graph { .. } => "graph",
            SyncError::Item(_) => "item",
            SyncError::Index(_) => "index",
            SyncError::Store(_) => "store",
            SyncError::Assets(_) => "assets",
            SyncError::Staged { .. } => "staged",
            SyncError::Unterminated(_) => "unterminated",
            SyncError::Pages { .. } => "pages",
            SyncError::Cancelled => "cancelled",
            SyncError::Filter(_) => "filter",
            SyncError::Destination(_) => "destination",
            SyncError::CancelRequested => "cancelRequested",
        }
    }
}
