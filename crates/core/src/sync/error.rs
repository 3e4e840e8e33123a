//! Why a run step failed. Every variant ends the run; the message is shown to the admin as is.

use super::assets::AssetsError;
use super::datasets::{Dataset, ItemError};
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
    #[error("the Assets import was cancelled before it finished; nothing was committed")]
    Cancelled,
    #[error("{0}")]
    Settings(String),
    #[error("cancelled by an admin; nothing was committed")]
    CancelRequested,
}

impl SyncError {
    pub fn request_id(&self) -> Option<&str> {
        match self {
            SyncError::Graph { error, .. } => error.request_id(),
            SyncError::Token(error) => error.trace_id(),
            _ => None,
        }
    }
}
