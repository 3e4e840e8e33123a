//! The requester panel ("Entra & Intune" in a Jira issue): who the issue's reporter (and affected
//! user) is in Entra ID, and what Entra Sync wrote into Assets about them. Every decision is here:
//! access (the issue read as the agent, the project switched on, the sections allowed), matching
//! (Jira email → Entra mail or UPN), the Assets searches and what is shown. The resolver only loads
//! the stored settings and carries requests.

mod error;
mod jira;
mod lookup;
mod objects;
mod person;
mod refresh;
mod related;
mod search;
mod view;

pub use error::PanelError;
pub use jira::{Role, is_issue_key};
pub use lookup::{Access, PanelRequest, Pick, panel_view};
pub use refresh::{Difference, RefreshInput, RefreshView, panel_refresh};
pub use search::{SearchAnswer, SearchHit, SearchInput, panel_search};
pub use view::*;
