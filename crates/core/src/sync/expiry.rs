//! Credential expiry, on every run: which app registrations' secrets and certificates have expired
//! or expire within the admin's window (count, then the soonest ten), and when Entra Sync's own
//! client secret expires. Worked out as the run ends, from the committed index of applications
//! (each application's carry lists its credentials' ends), so an incremental run that read three
//! changed applications still warns about all of them.
//!
//! Days left and the state of a credential change with time, not with Graph, and delta rounds do
//! not repeat unchanged applications: the applications data set therefore reads in full on the
//! first run of each UTC day ([`day_changed`]), which rewrites exactly the credentials whose days
//! left or state moved. A changed window shows in the warnings at once and in the objects' State
//! from the next day's first run.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::checkpoint::Checkpoint;
use super::datasets::Dataset;
use super::error::SyncError;
use super::index::Index;
use super::step::Step;
use super::store::{KvStore, StoreError};
use crate::clock::Clock;
use crate::endpoints;
use crate::http::HttpTransport;
use crate::model::{AppCarry, Carry, CredentialState, ExpiryClock, ObjectType};
use crate::time::{iso_utc, unix_ms};

/// The UTC day and window of the last run that committed the applications data set.
pub const MARKER_KEY: &str = "expiry:applications";
/// How many credentials the log names.
pub const SOONEST: usize = 10;
const DAY_MS: u64 = 86_400_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpirySummary {
    pub warn_days: u32,
    /// App registrations' credentials that have expired or expire within `warn_days`; `None` when
    /// the run did not sync applications.
    pub count: Option<u64>,
    /// The soonest of them: those still to expire first (soonest first), then the expired ones
    /// (most recently expired first).
    pub soonest: Vec<ExpiringCredential>,
    /// Entra Sync's own client secret, when its app registration could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub own: Option<OwnCredential>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExpiringCredential {
    pub application: String,
    pub credential: String,
    pub end_date_time: String,
    pub days_left: i64,
    pub state: CredentialState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnCredential {
    pub end_date_time: String,
    pub days_left: i64,
    pub state: CredentialState,
}

/// The credentials in the window, over the applications' carries: `(count, soonest ten)`.
pub fn credentials_in_window<'a>(
    carries: impl IntoIterator<Item = &'a AppCarry>,
    clock: ExpiryClock,
) -> (u64, Vec<ExpiringCredential>) {
    let mut all: Vec<(i64, ExpiringCredential)> = Vec::new();
    for carry in carries {
        let application = carry.name.clone().unwrap_or_else(|| "(unnamed)".into());
        for credential in &carry.credentials {
            let Some(end) = credential.end_ms else {
                continue;
            };
            let state = clock.state(end);
            if state == CredentialState::Valid {
                continue;
            }
            let description = credential
                .description
                .clone()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| credential.kind.label().to_string());
            all.push((
                end,
                ExpiringCredential {
                    application: application.clone(),
                    credential: description,
                    end_date_time: iso_utc(end.max(0) as u64),
                    days_left: clock.days_left(end),
                    state,
                },
            ));
        }
    }
    let now = clock.now_ms as i64;
    // Upcoming first, soonest first; then expired, most recent first.
    all.sort_by_key(|(end, c)| {
        (
            *end <= now,
            if *end > now { *end } else { -*end },
            c.application.clone(),
        )
    });
    let count = all.len() as u64;
    all.truncate(SOONEST);
    (count, all.into_iter().map(|(_, c)| c).collect())
}

/// The log lines of a summary.
pub fn log_lines(summary: &ExpirySummary) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(count) = summary.count.filter(|c| *c > 0) {
        let named: Vec<String> = summary
            .soonest
            .iter()
            .map(|c| {
                let when = match c.state {
                    CredentialState::Expired => format!("expired {}", &c.end_date_time[..10]),
                    _ => format!("expires {} ({} days)", &c.end_date_time[..10], c.days_left),
                };
                format!("{} – {}, {when}", c.application, c.credential)
            })
            .collect();
        lines.push(format!(
            "{count} app registration credential{} expired or expire within {} days. Soonest: {}. Renew them under Certificates & secrets of each app registration.",
            if count == 1 { " has" } else { "s have" },
            summary.warn_days,
            named.join("; ")
        ));
    }
    if let Some(own) = &summary.own {
        match own.state {
            CredentialState::Valid => {}
            CredentialState::Expiring => lines.push(format!(
                "Entra Sync's own client secret expires on {} ({} days): create a new secret under Certificates & secrets of its app registration, paste its Value in Connection and Save.",
                &own.end_date_time[..10],
                own.days_left
            )),
            CredentialState::Expired => lines.push(format!(
                "Entra Sync's own client secret expired on {}: create a new secret under Certificates & secrets of its app registration, paste its Value in Connection and Save.",
                &own.end_date_time[..10]
            )),
        }
    }
    lines
}

/// Whether the applications data set must read in full because the UTC day changed since the
/// last committed round (credentials' days left and state moved).
pub async fn day_changed(store: &impl KvStore, now_ms: u64) -> Result<bool, StoreError> {
    let marker = store.get(MARKER_KEY).await?;
    let day = marker
        .as_ref()
        .and_then(|m| m.get("day"))
        .and_then(Value::as_u64);
    Ok(day != Some(now_ms / DAY_MS))
}

/// The registration as `$select=passwordCredentials` returns it, for the own secret's expiry.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OwnApplication {
    #[serde(default)]
    password_credentials: Vec<crate::model::PasswordCredential>,
}

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// Works out the run's expiry summary and logs it; never fails the run (what cannot be read
    /// is left out).
    pub(super) async fn expiry(&mut self, cp: &mut Checkpoint) {
        let clock = ExpiryClock {
            now_ms: cp.started_ms,
            warn_days: cp.warn_days,
        };
        let mut summary = ExpirySummary {
            warn_days: cp.warn_days,
            count: None,
            soonest: Vec::new(),
            own: None,
        };
        if cp
            .datasets
            .iter()
            .any(|d| d.dataset == Dataset::Applications)
        {
            match Index::load(self.host.store, ObjectType::Application.key()).await {
                Ok(index) => {
                    let carries = index
                        .entries
                        .values()
                        .filter_map(|e| e.carry.as_ref().and_then(Carry::as_app));
                    let (count, soonest) = credentials_in_window(carries, clock);
                    summary.count = Some(count);
                    summary.soonest = soonest;
                }
                Err(error) => cp.warn(format!("Could not list expiring credentials: {error}")),
            }
            if !cp.dry_run {
                let marker = json!({"day": cp.started_ms / DAY_MS, "warnDays": cp.warn_days});
                if let Err(error) = self.host.store.set(MARKER_KEY, &marker).await {
                    cp.warn(format!(
                        "Could not note the day of the applications round: {error}"
                    ));
                }
            }
        }
        summary.own = match self.own_secret(clock).await {
            Ok(own) => own,
            // Without Application.Read.All the expiry is unknown, as Check connection says.
            Err(SyncError::Graph { error, .. }) if error.status() == Some(403) => None,
            Err(error) => {
                cp.warn(format!(
                    "Could not read when Entra Sync's own client secret expires: {error}"
                ));
                None
            }
        };
        for line in log_lines(&summary) {
            cp.warn(line);
        }
        cp.expiry = Some(summary);
    }

    /// The expiry of the client secret in use, matched by its hint (first three characters) on
    /// the app's own registration; needs Application.Read.All, like Check connection's.
    async fn own_secret(&mut self, clock: ExpiryClock) -> Result<Option<OwnCredential>, SyncError> {
        // A certificate's end is in the certificate itself (the page shows it); only a secret's
        // must be looked up on the registration.
        let crate::auth::Credential::Secret(secret) = &self.settings.credential else {
            return Ok(None);
        };
        let hint: String = secret.expose().chars().take(3).collect();
        // Spaces encoded: the URL goes to the transport as written.
        let url = format!(
            "{}/v1.0/applications?$filter=appId%20eq%20'{}'&$select=passwordCredentials",
            endpoints::GRAPH,
            self.settings.client_id.hyphenated()
        );
        let page = self
            .graph_page::<OwnApplication>(Dataset::Applications, &url)
            .await?;
        let end = page
            .value
            .iter()
            .flat_map(|a| &a.password_credentials)
            .filter(|c| c.hint.as_deref() == Some(hint.as_str()))
            .filter_map(|c| c.end_date_time.as_deref().and_then(unix_ms))
            .max();
        Ok(end.map(|end| OwnCredential {
            end_date_time: iso_utc(end.max(0) as u64),
            days_left: clock.days_left(end),
            state: clock.state(end),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CredentialBrief, CredentialKind};

    fn carry(name: &str, ends: &[&str]) -> AppCarry {
        AppCarry {
            name: Some(name.into()),
            credentials: ends
                .iter()
                .enumerate()
                .map(|(n, end)| CredentialBrief {
                    key_id: format!("k{n}"),
                    kind: CredentialKind::Secret,
                    description: Some(format!("{name} {n}")),
                    end_ms: unix_ms(end),
                })
                .collect(),
        }
    }

    #[test]
    fn lists_exactly_the_credentials_inside_the_window_soonest_first() {
        let clock = ExpiryClock {
            now_ms: unix_ms("2026-11-22T12:00:00Z").expect("time") as u64,
            warn_days: 30,
        };
        let carries = [
            carry("A", &["2026-12-20T00:00:00Z", "2027-06-01T00:00:00Z"]),
            carry("B", &["2026-11-01T00:00:00Z", "2026-11-25T00:00:00Z"]),
            carry("C", &["2026-12-23T00:00:00Z", "2025-01-01T00:00:00Z"]),
        ];
        let (count, soonest) = credentials_in_window(&carries, clock);
        assert_eq!(count, 4);
        let named: Vec<&str> = soonest.iter().map(|c| c.credential.as_str()).collect();
        assert_eq!(named, ["B 1", "A 0", "B 0", "C 1"]);
        assert_eq!(soonest[0].days_left, 3);
        let summary = ExpirySummary {
            warn_days: 30,
            count: Some(count),
            soonest,
            own: Some(OwnCredential {
                end_date_time: "2026-12-01T00:00:00.000Z".into(),
                days_left: 9,
                state: CredentialState::Expiring,
            }),
        };
        let lines = log_lines(&summary);
        assert!(
            lines[0].starts_with("4 app registration credentials have expired or expire within 30 days. Soonest: B – B 1, expires 2026-11-25 (3 days); A – A 0"),
            "{}",
            lines[0]
        );
        assert!(lines[1].contains("own client secret expires on 2026-12-01 (9 days)"));
        let many: Vec<AppCarry> = (0..15)
            .map(|n| carry(&format!("X{n:02}"), &["2026-12-01T00:00:00Z"]))
            .collect();
        let (count, soonest) = credentials_in_window(&many, clock);
        assert_eq!((count, soonest.len()), (15, SOONEST));
    }
}
