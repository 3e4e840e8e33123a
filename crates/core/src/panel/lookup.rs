//! The panel's answer for one issue: who may see it (the issue as the agent, the project switched
//! on), who the issue's people are in Entra (email → mail or UPN), and what Entra Sync wrote about
//! them, in at most three Assets searches: the users; their devices, memberships and licences; the
//! Entra devices and the groups their groups sit in.

use std::cell::Cell;
use std::collections::BTreeSet;

use serde::Deserialize;
use serde_json::Value;

use super::error::PanelError;
use super::jira::{IssueFacts, JiraPerson, Role, email_as_app, issue_as_user};
use super::objects::{Assets, Found, quoted, quoted_list};
use super::person::person_view;
use super::related::{related, second_round};
use super::view::*;
use crate::config::{DestinationConfig, PanelConfig, validate_panel};
use crate::http::HttpTransport;
use crate::model::ObjectType;

/// What the resolver hands in: the stored settings as loaded (untrusted, checked again here), the
/// issue from Forge's context, and optionally a directory user the agent picked by name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PanelRequest {
    #[serde(default)]
    pub panel: Option<Value>,
    #[serde(default)]
    pub destination: Option<Value>,
    #[serde(default)]
    pub issue_key: String,
    #[serde(default)]
    pub pick: Option<Pick>,
}

/// A directory user the agent chose for a person whose email is hidden.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pick {
    pub role: Role,
    pub entra_user_id: String,
}

/// Everything checked before any Assets search: settings, destination and the agent's access.
pub struct Access {
    pub config: PanelConfig,
    pub workspace_id: String,
    pub schema_id: String,
    pub issue: IssueFacts,
}

impl Access {
    pub async fn check<A: HttpTransport, U: HttpTransport>(
        _app: &A,
        user: &U,
        request: &PanelRequest,
    ) -> Result<Access, PanelError> {
        // Stored values are input too: a damaged one turns the panel off rather than leaking.
        let config = validate_panel(request.panel.as_ref()).unwrap_or_default();
        let destination: Option<DestinationConfig> = request
            .destination
            .clone()
            .and_then(|d| serde_json::from_value(d).ok());
        let destination = destination.filter(|d| {
            uuid::Uuid::parse_str(&d.workspace_id).is_ok()
                && !d.schema_id.is_empty()
                && d.schema_id.len() <= 18
                && d.schema_id.bytes().all(|b| b.is_ascii_digit())
        });
        // Jira decides visibility: the issue is read as the agent before anything else.
        let issue = issue_as_user(
            user,
            &request.issue_key,
            config.affected_user_field.as_deref(),
        )
        .await?;
        if !config.shows_in(&issue.project_key) {
            return Err(PanelError::ProjectOff {
                project: issue.project_key.clone(),
            });
        }
        let destination = destination.ok_or(PanelError::NotConfigured)?;
        Ok(Access {
            config,
            workspace_id: destination.workspace_id,
            schema_id: destination.schema_id,
            issue,
        })
    }
}

/// A person and what Jira told the app about them.
pub(super) struct Person {
    pub(super) jira: JiraPerson,
    pub(super) email: Option<String>,
    pub(super) picked: Option<String>,
}

pub async fn panel_view<A: HttpTransport, U: HttpTransport>(
    app: &A,
    user: &U,
    request: PanelRequest,
) -> Result<PanelView, PanelError> {
    let access = Access::check(app, user, &request).await?;
    let mut people = Vec::new();
    for jira in &access.issue.people {
        let email = email_as_app(app, &jira.account_id).await?;
        let picked = match &request.pick {
            Some(pick) if pick.role == jira.role => {
                if email.is_some() {
                    return Err(PanelError::SearchNotOffered);
                }
                let id = uuid::Uuid::parse_str(pick.entra_user_id.trim()).map_err(|_| {
                    PanelError::BadInput(format!(
                        "\"{}\" is not an Entra object id; pick the person from the search results.",
                        crate::settings::shown(&pick.entra_user_id)
                    ))
                })?;
                Some(id.hyphenated().to_string())
            }
            _ => None,
        };
        people.push(Person {
            jira: jira.clone(),
            email,
            picked,
        });
    }
    let assets = Assets {
        app,
        workspace_id: &access.workspace_id,
        schema_id: &access.schema_id,
        requests: Cell::new(0),
    };
    let users = find_users(&assets, &people).await?;
    let sections = access.config.sections;
    let matched: Vec<Option<&Found>> = people.iter().map(|p| match_user(p, &users)).collect();
    let keys: BTreeSet<&str> = matched.iter().flatten().map(|u| u.key.as_str()).collect();
    let related = related(&assets, &keys, sections).await?;
    let second = second_round(&assets, &related, sections).await?;
    let views = people
        .iter()
        .zip(&matched)
        .map(|(person, found)| {
            person_view(
                person,
                *found,
                &users,
                &related,
                &second,
                &access.schema_id,
                sections,
            )
        })
        .collect();
    Ok(PanelView {
        issue_key: access.issue.key,
        people: views,
        sections,
        assets_requests: assets.requests.get(),
    })
}

/// Search 1: every person's Entra user, by email (mail or UPN) or by the picked object id.
async fn find_users<A: HttpTransport>(
    assets: &Assets<'_, A>,
    people: &[Person],
) -> Result<Vec<Found>, PanelError> {
    let t = ObjectType::User;
    let emails: Vec<&str> = people.iter().filter_map(|p| p.email.as_deref()).collect();
    let picked: Vec<&str> = people.iter().filter_map(|p| p.picked.as_deref()).collect();
    let mut terms = Vec::new();
    if !emails.is_empty() {
        let list = quoted_list(emails.iter().copied());
        terms.push(format!(
            "{} IN ({list}) OR {} IN ({list})",
            quoted(name_of(t, "mail")),
            quoted(name_of(t, "userPrincipalName"))
        ));
    }
    if !picked.is_empty() {
        terms.push(format!(
            "{} IN ({})",
            quoted(name_of(t, "id")),
            quoted_list(picked.iter().copied())
        ));
    }
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let query = format!(
        "objectType = {} AND ({})",
        quoted(t.name()),
        terms.join(" OR ")
    );
    Ok(assets.search(&query, 20).await?.objects)
}

/// The user a person is: the picked one, else the one whose mail is the email, else whose UPN is.
fn match_user<'u>(person: &Person, users: &'u [Found]) -> Option<&'u Found> {
    let t = ObjectType::User;
    if let Some(id) = &person.picked {
        return users.iter().find(|u| {
            u.text(name_of(t, "id"))
                .is_some_and(|v| v.eq_ignore_ascii_case(id))
        });
    }
    let email = person.email.as_deref()?;
    let by = |locator: &str| -> Vec<&'u Found> {
        users
            .iter()
            .filter(|u| {
                u.text(name_of(t, locator))
                    .is_some_and(|v| v.eq_ignore_ascii_case(email))
            })
            .collect()
    };
    let by_mail = by("mail");
    match by_mail.as_slice() {
        [one] => Some(one),
        [] => match by("userPrincipalName").as_slice() {
            [one] => Some(one),
            _ => None,
        },
        _ => None,
    }
}
