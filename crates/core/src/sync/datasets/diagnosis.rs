//! What a failed read of a data set means and how the admin fixes it. Check connection and a run
//! whose data set failed alone say the same words: both take them from here.

use serde::{Deserialize, Serialize};

use super::{Dataset, Spec};
use crate::graph::GraphError;

/// A data set that could not be read: what happened, the fix when there is one, and the Graph
/// request id Microsoft support asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// Graph's answer was an outage or throttling the retries could not outlast, or no answer at all.
const TRANSIENT_FIX: &str = "This is usually temporary: it is tried again next time (the next run, or Check connection again). If it keeps failing, look at Service health in the Microsoft 365 admin center and give Microsoft support the request id.";

impl Spec {
    /// The token lacks every permission Graph accepts for this read.
    pub fn missing_permission(&self) -> Diagnosis {
        Diagnosis {
            message: format!(
                "Cannot read {}: the app lacks the {} Application permission.",
                self.label,
                self.least_privileged()
            ),
            fix: Some(format!(
                "Add {} as an Application permission and grant admin consent, or turn the {} data set off.",
                self.least_privileged(),
                self.label
            )),
            request_id: None,
        }
    }

    /// What Graph's refusal of this data set's read means, and how to fix it.
    pub fn diagnose(&self, error: &GraphError) -> Diagnosis {
        let (message, fix) = match (error.status(), error.code()) {
            (Some(403), _) => (
                format!(
                    "Microsoft Graph refused to list {}: the app lacks the {} Application permission. ({error})",
                    self.label,
                    self.least_privileged()
                ),
                Some(format!(
                    "Add {} as an Application permission and grant admin consent.",
                    self.least_privileged()
                )),
            ),
            (Some(400), _) if self.dataset == Dataset::ManagedDevices => (
                format!("Intune is not available in this tenant ({error})."),
                Some("License Microsoft Intune for the tenant, or turn the Intune managed devices data set off.".into()),
            ),
            (Some(429 | 500..=599) | None, _) => (
                format!("Could not read {}: {error}", self.label),
                Some(TRANSIENT_FIX.into()),
            ),
            (Some(200..=299), _) => self.unreadable_parts(&error.to_string()),
            _ => (format!("Could not read {}: {error}", self.label), None),
        };
        Diagnosis {
            message,
            fix,
            request_id: error.request_id().map(str::to_string),
        }
    }

    /// Graph answered, but with a page (or an item) Entra Sync cannot read.
    pub fn unreadable(&self, problem: &str, request_id: Option<String>) -> Diagnosis {
        let (message, fix) = self.unreadable_parts(problem);
        Diagnosis {
            message,
            fix,
            request_id,
        }
    }

    fn unreadable_parts(&self, problem: &str) -> (String, Option<String>) {
        (
            format!("Could not read {}: {problem}", self.label),
            Some(format!(
                "The next run reads {} again from where the last complete run left off. If this keeps happening, report it to Entra Sync's support with the run log.",
                self.label
            )),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::TransportError;

    fn api(status: u16, code: &str) -> GraphError {
        GraphError::Api {
            status,
            code: code.into(),
            message: "m".into(),
            request_id: Some("rid".into()),
        }
    }

    #[test]
    fn an_unlicensed_intune_tenant_is_told_to_license_intune_or_turn_the_data_set_off() {
        let diagnosis = Dataset::ManagedDevices
            .spec()
            .diagnose(&api(400, "BadRequest"));
        assert!(diagnosis.message.starts_with("Intune is not available"));
        assert!(
            diagnosis
                .fix
                .as_deref()
                .is_some_and(|f| f.contains("License Microsoft Intune"))
        );
        assert_eq!(diagnosis.request_id.as_deref(), Some("rid"));
    }

    #[test]
    fn outages_and_lost_connections_are_called_temporary() {
        let spec = Dataset::Devices.spec();
        for error in [
            api(503, "serviceNotAvailable"),
            api(429, "TooManyRequests"),
            GraphError::Transport(TransportError {
                url: "u".into(),
                message: "connection reset".into(),
            }),
        ] {
            assert_eq!(
                spec.diagnose(&error).fix.as_deref(),
                Some(TRANSIENT_FIX),
                "{error}"
            );
        }
        let unreadable = spec.diagnose(&GraphError::Malformed {
            status: 200,
            detail: "invalid type".into(),
            request_id: Some("rid".into()),
        });
        assert!(unreadable.message.starts_with("Could not read devices: "));
        assert!(
            unreadable
                .fix
                .as_deref()
                .is_some_and(|f| f.starts_with("The next run reads devices again"))
        );
        let denied = spec.diagnose(&api(403, "Authorization_RequestDenied"));
        assert!(
            denied
                .fix
                .as_deref()
                .is_some_and(|f| f.contains("Device.Read.All"))
        );
    }
}
