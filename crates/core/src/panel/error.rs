//! Why the panel shows nothing, or not everything. Each error says what happened and what to do;
//! `code()` is what the page tells them apart by.

use crate::http::TransportError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PanelError {
    #[error(
        "Entra Sync has no Assets destination yet, so there is nothing to show. A Jira admin opens Entra Sync's settings (Jira settings → Apps → Entra Sync), chooses the workspace and object schema, and runs a sync."
    )]
    NotConfigured,
    #[error(
        "The Entra & Intune panel is not switched on for project {project}. A Jira admin can switch it on in Entra Sync's settings, under Requester panel."
    )]
    ProjectOff { project: String },
    #[error(
        "Issue {issue} does not exist or you do not have permission to see it, so Entra Sync shows nothing about its people."
    )]
    NotVisible { issue: String },
    #[error("{0}")]
    BadInput(String),
    #[error(
        "Search by name is offered only for a person on this issue whose email address is hidden; open the panel again."
    )]
    SearchNotOffered,
    #[error("Jira answered HTTP {status} to {what}: {detail}. Try again in a minute.")]
    Jira {
        what: &'static str,
        status: u16,
        detail: String,
    },
    #[error(
        "JSM Assets answered HTTP {status} to a search: {detail}. Try again in a minute; if it persists, check that Entra Sync's object schema still exists."
    )]
    Assets { status: u16, detail: String },
    #[error(
        "Microsoft Graph could not be read for Refresh: {0}. Check connection in Entra Sync's settings names the fix."
    )]
    Graph(String),
    #[error(
        "There is nobody to refresh: this person is not matched to a user Entra Sync wrote into Assets."
    )]
    NothingToRefresh,
    #[error("{what} answered with a body Entra Sync cannot read: {detail}")]
    Malformed { what: &'static str, detail: String },
    #[error("Could not reach Jira: {0}")]
    Transport(#[from] TransportError),
}

impl PanelError {
    /// A stable code for the page, never the sentence (which may be reworded).
    pub fn code(&self) -> &'static str {
        match self {
            PanelError::NotConfigured => "notConfigured",
            PanelError::ProjectOff { .. } => "projectOff",
            PanelError::NotVisible { .. } => "notVisible",
            PanelError::BadInput(_) => "badInput",
            PanelError::SearchNotOffered => "searchNotOffered",
            PanelError::Jira { .. } => "jira",
            PanelError::Assets { .. } => "assets",
            PanelError::Malformed { .. } => "malformed",
            PanelError::Graph(_) => "graph",
            PanelError::NothingToRefresh => "nothingToRefresh",
            PanelError::Transport(_) => "transport",
        }
    }
}

/// The first 300 characters of an error body, for messages.
pub(super) fn excerpt(body: &str) -> String {
    body.chars().take(300).collect()
}
