//! The two Jira calls behind the panel: the issue, read as the agent (so Jira itself says whether
//! they may see it), and each person's account, read as the app (for the email address, which
//! Jira leaves out when the person's profile visibility hides it).

use serde_json::Value;

use super::error::{PanelError, excerpt};
use crate::http::{HttpRequest, HttpTransport};

/// Who a person is to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Role {
    Reporter,
    AffectedUser,
}

/// A person the issue names, as Jira gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JiraPerson {
    pub role: Role,
    pub account_id: String,
    pub display_name: String,
}

/// What the panel needs of the issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueFacts {
    pub key: String,
    pub project_key: String,
    pub people: Vec<JiraPerson>,
}

/// `SD-12`: a project key, a dash, a number. Checked before it goes into a path.
pub fn is_issue_key(key: &str) -> bool {
    key.split_once('-').is_some_and(|(project, number)| {
        crate::config::is_project_key(project)
            && !number.is_empty()
            && number.len() <= 18
            && number.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Atlassian account ids: `5b10ac8d82e05b22cc7d4ef5` or `712020:2f7c…`; a path/query value.
fn is_account_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b':' || b == b'-' || b == b'_')
}

async fn get_json<T: HttpTransport>(
    transport: &T,
    url: String,
    what: &'static str,
) -> Result<(u16, Value), PanelError> {
    let response = transport
        .send(HttpRequest::get(url).header("accept", "application/json"))
        .await?;
    if !response.is_success() {
        return Ok((response.status, Value::Null));
    }
    let body = serde_json::from_str(&response.body).map_err(|e| PanelError::Malformed {
        what,
        detail: e.to_string(),
    })?;
    Ok((response.status, body))
}

/// `GET /rest/api/3/issue/{key}` as the agent. Jira answers 404 (or 403/401) when the caller may
/// not browse the issue: then the panel shows nothing.
pub async fn issue_as_user<U: HttpTransport>(
    user: &U,
    key: &str,
    affected_field: Option<&str>,
) -> Result<IssueFacts, PanelError> {
    if !is_issue_key(key) {
        return Err(PanelError::BadInput(format!(
            "\"{}\" is not an issue key; the panel is opened from an issue, which names its key.",
            crate::settings::shown(key)
        )));
    }
    let mut fields = String::from("reporter,project");
    if let Some(field) = affected_field {
        fields.push(',');
        fields.push_str(field);
    }
    let url = format!("/rest/api/3/issue/{key}?fields={fields}");
    let (status, body) = get_json(user, url, "Jira's issue API").await?;
    match status {
        200..=299 => {}
        401 | 403 | 404 => {
            return Err(PanelError::NotVisible {
                issue: key.to_string(),
            });
        }
        _ => {
            return Err(PanelError::Jira {
                what: "reading the issue",
                status,
                detail: excerpt(&body.to_string()),
            });
        }
    }
    let malformed = |detail: &str| PanelError::Malformed {
        what: "Jira's issue API",
        detail: detail.to_string(),
    };
    let fields = body.get("fields").ok_or_else(|| malformed("no fields"))?;
    let project_key = fields
        .pointer("/project/key")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed("no project key"))?
        .to_string();
    let mut people = Vec::new();
    if let Some(person) = person_of(fields.get("reporter"), Role::Reporter) {
        people.push(person);
    }
    // A single or multi user picker; the first person named is the one the request is about.
    let affected = affected_field.and_then(|f| fields.get(f));
    let affected = match affected {
        Some(Value::Array(list)) => list.first(),
        other => other,
    };
    if let Some(person) = person_of(affected, Role::AffectedUser) {
        if !people.iter().any(|p| p.account_id == person.account_id) {
            people.push(person);
        }
    }
    Ok(IssueFacts {
        key: key.to_string(),
        project_key,
        people,
    })
}

fn person_of(value: Option<&Value>, role: Role) -> Option<JiraPerson> {
    let value = value?;
    let account_id = value.get("accountId")?.as_str()?;
    if !is_account_id(account_id) {
        return None;
    }
    Some(JiraPerson {
        role,
        account_id: account_id.to_string(),
        display_name: value
            .get("displayName")
            .and_then(Value::as_str)
            .unwrap_or(account_id)
            .chars()
            .take(200)
            .collect(),
    })
}

/// The account's email as Jira gives it to the app: `None` when the profile hides it (Jira then
/// leaves `emailAddress` out, null or empty) or the account is gone.
pub async fn email_as_app<A: HttpTransport>(
    app: &A,
    account_id: &str,
) -> Result<Option<String>, PanelError> {
    let url = format!("/rest/api/3/user?accountId={account_id}");
    let (status, body) = get_json(app, url, "Jira's user API").await?;
    match status {
        200..=299 => {}
        404 => return Ok(None),
        _ => {
            return Err(PanelError::Jira {
                what: "reading a user's account",
                status,
                detail: excerpt(&body.to_string()),
            });
        }
    }
    let email = body
        .get("emailAddress")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|e| is_email(e))
        .map(str::to_string);
    Ok(email)
}

/// Enough of an address to search for: one `@`, no quotes or control characters, a sane length.
fn is_email(text: &str) -> bool {
    text.len() <= 254
        && text.matches('@').count() == 1
        && !text.starts_with('@')
        && !text.ends_with('@')
        && !text
            .chars()
            .any(|c| c.is_control() || c == '"' || c == '\\' || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_ids_are_checked_before_they_reach_a_path() {
        assert!(is_issue_key("SD-12") && is_issue_key("HELP_2-1"));
        assert!(!is_issue_key("sd-12") && !is_issue_key("SD-") && !is_issue_key("SD-1/../x"));
        assert!(is_account_id("712020:2f7c-aa") && !is_account_id("a b") && !is_account_id(""));
        assert!(
            is_email("a.b@contoso.com")
                && !is_email("a\"b@c")
                && !is_email("ab")
                && !is_email("@x")
        );
    }
}
