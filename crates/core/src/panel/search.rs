//! Search by name, for a person whose email Jira hides. Offered only then: the panel is about the
//! issue's people, not a directory browser, so the same access checks apply and a person whose
//! email is visible is matched by it, never searched for.

use std::cell::Cell;

use serde::{Deserialize, Serialize};

use super::error::PanelError;
use super::jira::{Role, email_as_app};
use super::lookup::{Access, PanelRequest};
use super::objects::{Assets, quoted};
use super::view::name_of;
use crate::http::HttpTransport;
use crate::model::ObjectType;

const MAX_HITS: usize = 10;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchInput {
    pub role: Role,
    pub query: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    pub entra_user_id: String,
    pub display_name: String,
    pub user_principal_name: Option<String>,
    pub department: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchAnswer {
    pub hits: Vec<SearchHit>,
    pub more: bool,
}

pub async fn panel_search<A: HttpTransport, U: HttpTransport>(
    app: &A,
    user: &U,
    request: PanelRequest,
    input: SearchInput,
) -> Result<SearchAnswer, PanelError> {
    let query = input.query.trim();
    let length = query.chars().count();
    if !(2..=100).contains(&length) || query.chars().any(char::is_control) {
        return Err(PanelError::BadInput(
            "Type between 2 and 100 characters of the person's name.".into(),
        ));
    }
    let access = Access::check(app, user, &request).await?;
    let person = access
        .issue
        .people
        .iter()
        .find(|p| p.role == input.role)
        .ok_or(PanelError::SearchNotOffered)?;
    if email_as_app(app, &person.account_id).await?.is_some() {
        return Err(PanelError::SearchNotOffered);
    }
    let assets = Assets {
        app,
        workspace_id: &access.workspace_id,
        schema_id: &access.schema_id,
        requests: Cell::new(0),
    };
    let t = ObjectType::User;
    let aql = format!(
        "objectType = {} AND {} LIKE {}",
        quoted(t.name()),
        quoted(name_of(t, "displayName")),
        quoted(query)
    );
    let page = assets.search(&aql, MAX_HITS).await?;
    let hits = page
        .objects
        .iter()
        .filter(|u| u.text(name_of(t, "status")) != Some(super::view::RETIRED))
        .filter_map(|u| {
            Some(SearchHit {
                entra_user_id: u.text(name_of(t, "id"))?.to_string(),
                display_name: u.label.clone(),
                user_principal_name: u.text(name_of(t, "userPrincipalName")).map(str::to_string),
                department: u.text(name_of(t, "department")).map(str::to_string),
            })
        })
        .collect();
    Ok(SearchAnswer {
        hits,
        more: page.more,
    })
}
