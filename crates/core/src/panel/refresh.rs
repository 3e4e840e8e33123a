//! Refresh from Entra: one person read live from Microsoft Graph (the user, their manager, direct
//! memberships, Intune devices and licences: five requests and a token, well inside a resolver's
//! 25 s and its egress allowance) and compared with what the panel shows from Assets. Only the
//! sections the admin allows are read. It writes nothing itself: when Assets is behind, it answers
//! `syncSuggested` and the handler starts an ordinary incremental run, so the engine writes the
//! change through its one mapping (never a second one).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::PanelError;
use super::jira::Role;
use super::lookup::{PanelRequest, panel_view};
use super::view::{AccountView, PersonView};
use crate::auth::request_token;
use crate::clock::Clock;
use crate::http::{HttpRequest, HttpTransport};
use crate::model::licence_name;
use crate::retry::{Meter, RetryPolicy, send_with_retry};
use crate::settings::ConnectionSettings;

/// One thing Assets says otherwise than Entra.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Difference {
    pub section: &'static str,
    pub item: String,
    pub assets: Option<String>,
    pub entra: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshView {
    pub person: PersonView,
    pub differences: Vec<Difference>,
    /// Assets is behind Entra: an incremental sync (the same run as Sync now) brings it up to date.
    pub sync_suggested: bool,
    pub graph_requests: u32,
    pub assets_requests: u32,
    /// Graph's `request-id`s, for support (never tokens).
    pub request_ids: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshInput {
    pub role: Role,
}

/// Short: the whole refresh must fit a resolver's 25 s, so a throttled Graph is reported, not awaited.
fn policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 2,
        base_backoff: Duration::from_secs(1),
        max_backoff: Duration::from_secs(3),
        ..RetryPolicy::default()
    }
}

struct Graph<'a, G, C> {
    transport: &'a G,
    clock: &'a C,
    bearer: String,
    meter: Meter,
    policy: RetryPolicy,
    request_ids: Vec<String>,
}

impl<G: HttpTransport, C: Clock> Graph<'_, G, C> {
    /// `None` for 404 (no such user, or no manager).
    async fn get(&mut self, path: &str) -> Result<Option<Value>, PanelError> {
        let request = HttpRequest::get(format!("{}/v1.0{path}", crate::endpoints::GRAPH))
            .header("Authorization", self.bearer.clone())
            .header("Accept", "application/json");
        let response = send_with_retry(
            self.transport,
            self.clock,
            &self.policy,
            &self.meter,
            request,
        )
        .await?;
        if let Some(id) = response.header("request-id") {
            self.request_ids.push(id.to_string());
        }
        match response.status {
            200..=299 => {
                serde_json::from_str(&response.body)
                    .map(Some)
                    .map_err(|e| PanelError::Malformed {
                        what: "Microsoft Graph",
                        detail: e.to_string(),
                    })
            }
            404 => Ok(None),
            _ => Err(PanelError::Graph(
                crate::graph::GraphError::from_response(&response).to_string(),
            )),
        }
    }
}

fn text(value: &Value, name: &str) -> Option<String> {
    match value.get(name)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Bool(b) => Some(if *b { "Yes" } else { "No" }.to_string()),
        _ => None,
    }
}

fn items(value: &Option<Value>) -> Vec<Value> {
    value
        .as_ref()
        .and_then(|v| v.get("value"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
pub async fn panel_refresh<G, A, U, C>(
    graph: &G,
    app: &A,
    user: &U,
    clock: &C,
    settings: &ConnectionSettings,
    request: PanelRequest,
    input: RefreshInput,
) -> Result<RefreshView, PanelError>
where
    G: HttpTransport,
    A: HttpTransport,
    U: HttpTransport,
    C: Clock,
{
    let view = panel_view(app, user, request).await?;
    let person = view
        .people
        .into_iter()
        .find(|p| p.role == input.role && p.account.is_some())
        .ok_or(PanelError::NothingToRefresh)?;
    let Some(account) = person.account.clone() else {
        return Err(PanelError::NothingToRefresh);
    };
    let meter = Meter::default();
    let token = request_token(graph, clock, settings, &policy(), &meter)
        .await
        .map_err(|e| PanelError::Graph(e.to_string()))?;
    let mut client = Graph {
        transport: graph,
        clock,
        bearer: token.bearer(),
        meter,
        policy: policy(),
        request_ids: Vec::new(),
    };
    let id = account.entra_id.clone();
    let select =
        "id,displayName,userPrincipalName,mail,jobTitle,department,accountEnabled,userType";
    let entra_user = client.get(&format!("/users/{id}?$select={select}")).await?;
    let mut differences = Vec::new();
    match &entra_user {
        None => differences.push(Difference {
            section: "account",
            item: "Account".into(),
            assets: Some(account.status.clone().unwrap_or_else(|| "Active".into())),
            entra: Some("Deleted from Entra ID".into()),
        }),
        Some(entra) => {
            let manager = client
                .get(&format!("/users/{id}/manager?$select=id,displayName"))
                .await?;
            account_differences(&account, entra, manager.as_ref(), &mut differences);
            if view.sections.groups {
                let groups = client
                    .get(&format!(
                        "/users/{id}/memberOf?$select=id,displayName&$top=999"
                    ))
                    .await?;
                groups_differences(&person, &groups, &mut differences);
            }
            if view.sections.devices {
                let filter = format!("userId eq '{id}'");
                let devices = client
                    .get(&format!(
                        "/deviceManagement/managedDevices?$filter={}&$select=id,deviceName,serialNumber,complianceState,osVersion,isEncrypted,lastSyncDateTime",
                        form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>()
                    ))
                    .await?;
                devices_differences(&person, &devices, &mut differences);
            }
            if view.sections.licences {
                let licences = client
                    .get(&format!(
                        "/users/{id}/licenseDetails?$select=skuId,skuPartNumber"
                    ))
                    .await?;
                licences_differences(&person, &licences, &mut differences);
            }
        }
    }
    Ok(RefreshView {
        person,
        sync_suggested: !differences.is_empty(),
        differences,
        graph_requests: client.meter.requests.get() as u32,
        assets_requests: view.assets_requests,
        request_ids: client.request_ids,
    })
}

fn account_differences(
    account: &AccountView,
    entra: &Value,
    manager: Option<&Value>,
    out: &mut Vec<Difference>,
) {
    let yes_no = |b: Option<bool>| b.map(|b| if b { "Yes" } else { "No" }.to_string());
    let pairs = [
        (
            "Name",
            Some(account.display_name.clone()),
            text(entra, "displayName"),
        ),
        (
            "UPN",
            account.user_principal_name.clone(),
            text(entra, "userPrincipalName"),
        ),
        ("Mail", account.mail.clone(), text(entra, "mail")),
        (
            "Job title",
            account.job_title.clone(),
            text(entra, "jobTitle"),
        ),
        (
            "Department",
            account.department.clone(),
            text(entra, "department"),
        ),
        (
            "Enabled",
            yes_no(account.enabled),
            text(entra, "accountEnabled"),
        ),
        (
            "User type",
            account.user_type.clone(),
            text(entra, "userType"),
        ),
        (
            "Manager",
            account.manager.as_ref().map(|m| m.label.clone()),
            manager.and_then(|m| text(m, "displayName")),
        ),
    ];
    for (item, assets, entra) in pairs {
        if assets != entra {
            out.push(Difference {
                section: "account",
                item: item.into(),
                assets,
                entra,
            });
        }
    }
}

/// Names present on one side only, as differences of `section`.
fn set_differences(
    section: &'static str,
    assets: BTreeSet<String>,
    entra: BTreeSet<String>,
    out: &mut Vec<Difference>,
) {
    for name in assets.difference(&entra) {
        out.push(Difference {
            section,
            item: name.clone(),
            assets: Some("listed".into()),
            entra: None,
        });
    }
    for name in entra.difference(&assets) {
        out.push(Difference {
            section,
            item: name.clone(),
            assets: None,
            entra: Some("listed".into()),
        });
    }
}

fn groups_differences(person: &PersonView, groups: &Option<Value>, out: &mut Vec<Difference>) {
    // Only a complete list can be compared.
    let Some(shown) = person.groups.as_ref().filter(|g| !g.more) else {
        return;
    };
    let assets = shown.first.iter().map(|g| g.link.label.clone()).collect();
    let entra = items(groups)
        .iter()
        .filter(|g| g.get("@odata.type").and_then(Value::as_str) == Some("#microsoft.graph.group"))
        .filter_map(|g| text(g, "displayName"))
        .collect();
    set_differences("groups", assets, entra, out);
}

fn licences_differences(person: &PersonView, licences: &Option<Value>, out: &mut Vec<Difference>) {
    let Some(shown) = &person.licences else {
        return;
    };
    let assets = shown.iter().map(|l| l.label.clone()).collect();
    let entra = items(licences)
        .iter()
        .filter_map(|l| text(l, "skuPartNumber"))
        .map(|part| licence_name(&part).to_string())
        .collect();
    set_differences("licences", assets, entra, out);
}

/// Intune lists one record per enrolment; Assets keeps one object per machine (the latest
/// check-in). Both sides are keyed by serial number, else by device name.
fn devices_differences(person: &PersonView, devices: &Option<Value>, out: &mut Vec<Difference>) {
    let Some(shown) = person.devices.as_ref().filter(|d| !d.more) else {
        return;
    };
    let key = |serial: Option<&str>, name: &str| {
        serial
            .filter(|s| !s.trim().is_empty())
            .map_or_else(|| name.to_lowercase(), |s| format!("serial:{s}"))
    };
    let assets: BTreeMap<String, (&str, Option<&str>)> = shown
        .managed
        .iter()
        .map(|d| {
            (
                key(d.serial_number.as_deref(), &d.name),
                (d.name.as_str(), d.compliance.as_deref()),
            )
        })
        .collect();
    let mut entra: BTreeMap<String, (String, Option<String>, String)> = BTreeMap::new();
    for record in items(devices) {
        let name = text(&record, "deviceName").unwrap_or_default();
        let seen = text(&record, "lastSyncDateTime").unwrap_or_default();
        let k = key(text(&record, "serialNumber").as_deref(), &name);
        let newer = entra.get(&k).is_none_or(|(_, _, at)| *at < seen);
        if newer {
            entra.insert(k, (name, text(&record, "complianceState"), seen));
        }
    }
    for (k, (name, compliance)) in &assets {
        match entra.get(k) {
            None => out.push(Difference {
                section: "devices",
                item: (*name).to_string(),
                assets: Some("listed".into()),
                entra: None,
            }),
            Some((_, live, _)) if live.as_deref() != *compliance => out.push(Difference {
                section: "devices",
                item: format!("{name}: compliance"),
                assets: compliance.map(str::to_string),
                entra: live.clone(),
            }),
            Some(_) => {}
        }
    }
    for (k, (name, _, _)) in &entra {
        if !assets.contains_key(k) {
            out.push(Difference {
                section: "devices",
                item: name.clone(),
                assets: None,
                entra: Some("listed".into()),
            });
        }
    }
}
