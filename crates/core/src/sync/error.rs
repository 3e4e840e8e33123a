//! Why a run step failed. Every variant ends the run, except those [`SyncError::confined`] to one
//! data set, which fail only that data set; the message is shown to the admin as is.

use super::assets::AssetsError;
use super::datasets::{Dataset, Diagnosis};
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
    #[error(
        "Microsoft Graph refused a freshly issued access token too ({0}). Check that this server's clock is right and that the app registration is enabled and consented in the tenant the Directory (tenant) ID names, then run the sync again; if it persists, report the request-id."
    )]
    TokenRejected(GraphError),
    #[error(
        "The sync made no progress for {minutes} minutes, as every attempt failed for a passing cause; the last: {last}. Nothing was committed and the next sync starts again. If it keeps happening, check Microsoft 365 service health (Graph and sign-in) and the Atlassian status page (Assets)."
    )]
    Stalled {
        minutes: u64,
        last: String,
        request_id: Option<String>,
    },
    /// More of one data set's Graph items could not be read than a run skips
    /// (`sync/skipped.rs`): something is wrong beyond single items, so the data set fails. One
    /// variant, so a run that lets data sets fail alone can catch exactly this.
    #[error(
        "Microsoft Graph sent {skipped} {} items out of {items} that Entra Sync cannot read, more than it skips ({} items, or {}% of those read, whichever is more); nothing of this data set was written or retired. The run log lists the first of them with their page and Graph request-id: if they are directory objects you can fix (a missing or mistyped property), fix them in Entra; otherwise send the request-ids to Microsoft support.",
        dataset.key(),
        super::skipped::ALLOWED,
        super::skipped::ALLOWED_PERCENT
    )]
    TooManySkipped {
        dataset: Dataset,
        skipped: u64,
        items: u64,
    },
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

    /// A passing cause, after the retry policy tried again as long as the step allowed: no answer,
    /// throttling or a server error from Graph, the token endpoint or Assets. The step ends at its
    /// last safe point and the next one goes on (`sync/transient.rs`).
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Token(error) => error.is_transient(),
            SyncError::Graph { error, .. } => error.is_transient(),
            SyncError::Assets(error) | SyncError::Destination(DestinationError::Assets(error)) => {
                error.is_transient()
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
            SyncError::TooManySkipped { dataset, .. } => {
                Some((*dataset, spec(dataset).unreadable(&self.to_string(), None)))
            }
            _ => None,
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            SyncError::Graph { error, .. } | SyncError::TokenRejected(error) => error.request_id(),
            SyncError::Token(error) => error.trace_id(),
            SyncError::Stalled { request_id, .. } => request_id.as_deref(),
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
            SyncError::TokenRejected(_) => "tokenRejected",
            SyncError::Stalled { .. } => "stalled",
            SyncError::TooManySkipped { .. } => "tooManySkipped",
        }
    }
}
