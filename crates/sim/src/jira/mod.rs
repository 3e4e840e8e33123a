//! A small Jira Service Management site beside the tenant, for the requester panel: two service
//! projects, agents, customers whose Atlassian accounts carry tenant users' email addresses (one
//! hides it through profile visibility), a customer from outside the directory, and requests they
//! raised. Picked from the generated tenant by rule, so the same preset and seed give the same site.

mod routes;

use serde::Serialize;

pub use routes::routes;

use crate::assets::LOCAL_ADMIN_ACCOUNT_ID;
use crate::tenant::{MemberRef, Tenant, UserType};

/// The "Affected user" user-picker field the site has (a custom field id, as Jira names them).
pub const AFFECTED_USER_FIELD: &str = "customfield_10050";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub id: String,
    pub key: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub account_id: String,
    pub display_name: String,
    pub email: String,
    /// Profile visibility hides the email from apps and other users.
    pub email_hidden: bool,
    /// `atlassian` for agents, `customer` for portal-only customers.
    pub account_type: &'static str,
    /// The tenant user whose mail the account carries, if any (for tests to compare against).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entra_user_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Issue {
    pub id: String,
    pub key: String,
    pub project: String,
    pub summary: String,
    pub reporter: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affected_user: Option<String>,
    /// What the request shows, for people reading the demo.
    pub case: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JiraSite {
    pub projects: Vec<Project>,
    pub accounts: Vec<Account>,
    pub issues: Vec<Issue>,
    /// Accounts that may browse every project (service desk agents); everyone else gets 404.
    pub agents: Vec<String>,
    pub affected_user_field: &'static str,
}

impl JiraSite {
    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.account_id == id)
    }

    pub fn issue(&self, key_or_id: &str) -> Option<&Issue> {
        self.issues
            .iter()
            .find(|i| i.key.eq_ignore_ascii_case(key_or_id) || i.id == key_or_id)
    }

    pub fn project(&self, key: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.key == key)
    }

    /// Built from the tenant as generated: people with devices, groups (one nested in another when
    /// the tenant has such) and licences make the richest demo.
    pub fn of(tenant: &Tenant) -> JiraSite {
        let nested: Vec<bool> = (0..tenant.groups.len())
            .map(|g| {
                tenant.groups.iter().any(|parent| {
                    parent
                        .members
                        .iter()
                        .any(|m| matches!(m, MemberRef::Group(child) if *child as usize == g))
                })
            })
            .collect();
        let score = |u: usize| -> u32 {
            let user = &tenant.users[u];
            if user.user_type != UserType::Member
                || !user.account_enabled
                || user.mail.is_none()
                || user.given_name.is_none()
            {
                return 0;
            }
            let devices = tenant
                .managed_devices
                .iter()
                .any(|d| d.user == Some(u as u32));
            let groups: Vec<usize> = tenant
                .groups
                .iter()
                .enumerate()
                .filter(|(_, g)| g.members.contains(&MemberRef::User(u as u32)))
                .map(|(i, _)| i)
                .collect();
            1 + u32::from(devices) * 4
                + u32::from(!groups.is_empty()) * 2
                + u32::from(groups.iter().any(|g| nested[*g])) * 2
                + u32::from(!user.assigned_licenses.is_empty())
        };
        let mut ranked: Vec<(u32, usize)> = (0..tenant.users.len())
            .map(|u| (score(u), u))
            .filter(|(s, _)| *s > 0)
            .collect();
        // Best first; among equals, the earliest user.
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let pick = |n: usize| ranked.get(n).map(|(_, u)| *u);
        let mut accounts = vec![Account {
            account_id: LOCAL_ADMIN_ACCOUNT_ID.to_string(),
            display_name: "Local Admin".into(),
            email: format!("admin@{}", tenant.domain),
            email_hidden: false,
            account_type: "atlassian",
            entra_user_id: None,
        }];
        let mut customer = |u: usize, n: usize, hidden: bool| {
            let user = &tenant.users[u];
            let account_id = format!("712020:{:08x}-cust-{n:04}", tenant.seed as u32);
            accounts.push(Account {
                account_id: account_id.clone(),
                display_name: user.display_name.clone(),
                email: user.mail.clone().unwrap_or_default(),
                email_hidden: hidden,
                account_type: "customer",
                entra_user_id: Some(user.id.clone()),
            });
            account_id
        };
        let reporter = pick(0).map(|u| customer(u, 1, false));
        let affected = pick(1).map(|u| customer(u, 2, false));
        let hidden = pick(2).map(|u| customer(u, 3, true));
        let outsider = format!("712020:{:08x}-cust-0004", tenant.seed as u32);
        accounts.push(Account {
            account_id: outsider.clone(),
            display_name: "Pat Visitor".into(),
            email: "pat.visitor@example.org".into(),
            email_hidden: false,
            account_type: "customer",
            entra_user_id: None,
        });
        let projects = vec![
            Project {
                id: "10000".into(),
                key: "SD".into(),
                name: "IT Service Desk".into(),
            },
            Project {
                id: "10001".into(),
                key: "HR".into(),
                name: "HR Service Desk".into(),
            },
        ];
        let mut issues = Vec::new();
        let mut issue = |project: &str,
                         reporter: &Option<String>,
                         affected: Option<&String>,
                         summary: &str,
                         case: &'static str| {
            let Some(reporter) = reporter else { return };
            let n = issues
                .iter()
                .filter(|i: &&Issue| i.project == project)
                .count()
                + 1;
            issues.push(Issue {
                id: (10_100 + issues.len()).to_string(),
                key: format!("{project}-{n}"),
                project: project.to_string(),
                summary: summary.to_string(),
                reporter: reporter.clone(),
                affected_user: affected.cloned(),
                case,
            });
        };
        let outsider = Some(outsider);
        issue(
            "SD",
            &reporter,
            None,
            "My laptop will not connect to the VPN",
            "reporter in the directory",
        );
        issue(
            "SD",
            &hidden,
            None,
            "Password reset",
            "reporter's email hidden",
        );
        issue(
            "SD",
            &outsider,
            None,
            "Question about an invoice",
            "reporter not in the directory",
        );
        issue(
            "SD",
            &outsider,
            affected.as_ref(),
            "New starter needs access",
            "affected user named in a field",
        );
        issue(
            "HR",
            &reporter,
            None,
            "Update my job title",
            "project where the panel is off",
        );
        JiraSite {
            projects,
            accounts,
            issues,
            agents: vec![LOCAL_ADMIN_ACCOUNT_ID.to_string()],
            affected_user_field: AFFECTED_USER_FIELD,
        }
    }
}
