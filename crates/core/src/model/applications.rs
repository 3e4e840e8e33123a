//! App registrations (`microsoft.graph.application`, "Entra Application"). Each carries the date
//! its next credential expires and a credential status; the credentials themselves are objects of
//! their own ([`super::credentials`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::assets::{
    AssetsObject, AttrKind, AttributeSpec, IDENTITY_NAME, ObjectType, STATUS, SYNCED, attr,
};
use super::credentials::{
    Credential, CredentialKind, CredentialState, ExpiryClock, KeyCredential, PasswordCredential,
};
use super::text;
use crate::time::{iso_utc, utc_ticks};

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: String,
    #[serde(default)]
    pub app_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub sign_in_audience: Option<String>,
    #[serde(default)]
    pub created_date_time: Option<String>,
    #[serde(default)]
    pub publisher_domain: Option<String>,
    /// Absent when a delta round does not repeat them (unchanged).
    #[serde(default)]
    pub password_credentials: Option<Vec<PasswordCredential>>,
    #[serde(default)]
    pub key_credentials: Option<Vec<KeyCredential>>,
}

impl Application {
    /// Its credentials, secrets first; `None` when Graph sent neither list.
    pub fn credentials(&self) -> Option<Vec<Credential>> {
        if self.password_credentials.is_none() && self.key_credentials.is_none() {
            return None;
        }
        let secrets = self.password_credentials.iter().flatten();
        let certificates = self.key_credentials.iter().flatten();
        let mut all: Vec<Credential> = secrets.filter_map(Credential::from_secret).collect();
        all.extend(certificates.filter_map(Credential::from_certificate));
        Some(all)
    }
}

/// What the index keeps of an application's credentials, for delta rounds that do not repeat
/// them (to retire those that disappear) and for the expiry warnings of every run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppCarry {
    /// The application's name, for the warnings.
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(rename = "c")]
    pub credentials: Vec<CredentialBrief>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialBrief {
    #[serde(rename = "k")]
    pub key_id: String,
    #[serde(rename = "t")]
    pub kind: CredentialKind,
    #[serde(rename = "d", default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Milliseconds since the epoch.
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<i64>,
}

impl CredentialBrief {
    pub fn of(credential: &Credential) -> Self {
        CredentialBrief {
            key_id: credential.key_id.clone(),
            kind: credential.kind,
            description: credential.display_name.clone(),
            end_ms: credential.end.as_ref().map(|(_, ms)| *ms),
        }
    }
}

/// Name of the attribute enterprise applications reference their app registration by.
pub const APP_ID_NAME: &str = "Application (client) ID";

pub(super) const APPLICATION_ATTRIBUTES: &[AttributeSpec] = &[
    AttributeSpec {
        identity: true,
        ..attr(
            "id",
            IDENTITY_NAME,
            "Microsoft Entra object id (application.id)",
            AttrKind::Text,
        )
    },
    AttributeSpec {
        label: true,
        ..attr("displayName", "Name", "Display name", AttrKind::Text)
    },
    attr(
        "appId",
        APP_ID_NAME,
        "appId, the id apps sign in with",
        AttrKind::Text,
    ),
    attr(
        "signInAudience",
        "Sign-in Audience",
        "AzureADMyOrg, AzureADMultipleOrgs, …",
        AttrKind::Text,
    ),
    attr(
        "publisherDomain",
        "Publisher Domain",
        "publisherDomain",
        AttrKind::Text,
    ),
    attr(
        "createdDateTime",
        "Created",
        "createdDateTime",
        AttrKind::DateTime,
    ),
    attr(
        "credentialCount",
        "Credentials",
        "Client secrets and certificates",
        AttrKind::Integer,
    ),
    attr(
        "nextExpiry",
        "Next Credential Expiry",
        "When the next of its credentials that has not expired yet expires",
        AttrKind::DateTime,
    ),
    attr(
        "credentialStatus",
        "Credential Status",
        "Expired (none valid), Expiring (the next expires within the warning window), Valid, or None",
        AttrKind::Text,
    ),
    STATUS,
    SYNCED,
];

/// The app's credential status: Expired when it has credentials and none is valid any more,
/// Expiring when the next to expire does so within the window.
fn credential_status(briefs: &[CredentialBrief], clock: ExpiryClock) -> (&'static str, Value) {
    let ends: Vec<i64> = briefs.iter().filter_map(|b| b.end_ms).collect();
    let next = ends
        .iter()
        .copied()
        .filter(|end| *end > clock.now_ms as i64)
        .min();
    let next_text = next.map_or(Value::Null, |ms| {
        Value::String(utc_ticks(&iso_utc(ms.max(0) as u64)).unwrap_or_default())
    });
    let status = match next {
        None if ends.is_empty() => "None",
        None => CredentialState::Expired.label(),
        Some(end) => clock.state(end).label(),
    };
    (status, next_text)
}

/// The application's Assets object, given the credentials it has (read now or, in a delta round
/// that did not repeat them, as the index remembers them).
pub fn application_object(
    app: &Application,
    credentials: &[CredentialBrief],
    clock: ExpiryClock,
) -> AssetsObject {
    let id = app.id.trim().to_ascii_lowercase();
    let (status, next) = credential_status(credentials, clock);
    let record = BTreeMap::from([
        ("id", Value::String(id.clone())),
        ("displayName", text(app.display_name.as_deref())),
        (
            "appId",
            text(
                app.app_id
                    .as_deref()
                    .map(str::to_ascii_lowercase)
                    .as_deref(),
            ),
        ),
        ("signInAudience", text(app.sign_in_audience.as_deref())),
        ("publisherDomain", text(app.publisher_domain.as_deref())),
        (
            "createdDateTime",
            app.created_date_time
                .as_deref()
                .and_then(utc_ticks)
                .map_or(Value::Null, Value::String),
        ),
        ("credentialCount", Value::from(credentials.len())),
        ("nextExpiry", next),
        ("credentialStatus", Value::String(status.to_string())),
        ("status", Value::String("Active".into())),
    ]);
    AssetsObject {
        object_type: ObjectType::Application,
        id,
        record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::unix_ms;

    fn brief(end: &str) -> CredentialBrief {
        CredentialBrief {
            key_id: end.into(),
            kind: CredentialKind::Secret,
            description: None,
            end_ms: unix_ms(end),
        }
    }

    #[test]
    fn the_status_looks_at_the_next_credential_to_expire() {
        let clock = ExpiryClock {
            now_ms: unix_ms("2026-11-22T12:00:00Z").expect("time") as u64,
            warn_days: 30,
        };
        let app: Application = serde_json::from_value(serde_json::json!({
            "id": "A1", "appId": "C1", "displayName": "Payroll"
        }))
        .expect("app");
        let object = |briefs: &[CredentialBrief]| application_object(&app, briefs, clock);
        assert_eq!(object(&[]).record["credentialStatus"], "None");
        let expired = brief("2026-01-01T00:00:00Z");
        let soon = brief("2026-12-01T00:00:00Z");
        let later = brief("2027-06-01T00:00:00Z");
        assert_eq!(
            object(std::slice::from_ref(&expired)).record["credentialStatus"],
            "Expired"
        );
        let both = object(&[expired.clone(), soon.clone(), later.clone()]);
        assert_eq!(both.record["credentialStatus"], "Expiring");
        assert_eq!(both.record["nextExpiry"], "2026-12-01T00:00:00.0000000Z");
        assert_eq!(both.record["credentialCount"], 3);
        assert_eq!(
            object(&[expired, later]).record["credentialStatus"],
            "Valid"
        );
        assert_eq!(object(&[]).record["appId"], "c1");
    }

    #[test]
    fn every_record_key_is_a_declared_attribute() {
        let app: Application =
            serde_json::from_value(serde_json::json!({"id": "A1"})).expect("app");
        let clock = ExpiryClock {
            now_ms: 0,
            warn_days: 30,
        };
        let object = application_object(&app, &[], clock);
        let locators: Vec<&str> = APPLICATION_ATTRIBUTES.iter().map(|a| a.locator).collect();
        for key in object.record.keys() {
            assert!(locators.contains(key), "{key} has no attribute");
        }
    }
}
