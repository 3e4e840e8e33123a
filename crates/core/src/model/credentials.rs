//! App credentials: the client secrets (`passwordCredentials`) and certificates (`keyCredentials`)
//! of an app registration, one "App Credential" object each, and how close each is to expiry.
//!
//! "Days left" and the state (Valid / Expiring / Expired) change with time, not with Graph. They are
//! computed for the run's start (whole UTC days, so every run of a day agrees) and are part of the
//! object, hence of its fingerprint: a credential is rewritten the day its days left or state
//! change. Delta rounds do not repeat unchanged applications, so the applications data set reads in
//! full on the first run of each UTC day (and when the warning window changes); see
//! `sync/expiry.rs`.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::assets::{AssetsObject, AttrKind, AttributeSpec, ObjectType, STATUS, SYNCED, attr};
use super::text;
use crate::time::{unix_ms, utc_ticks};

const DAY_MS: i64 = 86_400_000;

/// The moment the run looks at credentials from, and how far ahead it warns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpiryClock {
    pub now_ms: u64,
    pub warn_days: u32,
}

/// The warning window when the admin has not chosen one.
pub const DEFAULT_WARN_DAYS: u32 = 30;

impl Default for ExpiryClock {
    fn default() -> Self {
        ExpiryClock {
            now_ms: 0,
            warn_days: DEFAULT_WARN_DAYS,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CredentialState {
    /// Expires after the warning window.
    Valid,
    /// Expires within the warning window.
    Expiring,
    Expired,
}

impl CredentialState {
    pub fn label(self) -> &'static str {
        match self {
            CredentialState::Valid => "Valid",
            CredentialState::Expiring => "Expiring",
            CredentialState::Expired => "Expired",
        }
    }
}

impl ExpiryClock {
    /// Whole UTC days from the run's day to the day of `end_ms` (negative once past).
    pub fn days_left(&self, end_ms: i64) -> i64 {
        end_ms.div_euclid(DAY_MS) - (self.now_ms as i64).div_euclid(DAY_MS)
    }

    pub fn state(&self, end_ms: i64) -> CredentialState {
        if end_ms <= self.now_ms as i64 {
            CredentialState::Expired
        } else if self.days_left(end_ms) <= i64::from(self.warn_days) {
            CredentialState::Expiring
        } else {
            CredentialState::Valid
        }
    }
}

/// One entry of `passwordCredentials` (a client secret; Graph never returns its value here).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredential {
    #[serde(default)]
    pub key_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// The secret's first three characters.
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub start_date_time: Option<String>,
    #[serde(default)]
    pub end_date_time: Option<String>,
}

/// One entry of `keyCredentials` (a certificate's public part).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyCredential {
    #[serde(default)]
    pub key_id: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    /// Edm.Binary (base64) of the certificate's SHA-1 thumbprint.
    #[serde(default)]
    pub custom_key_identifier: Option<String>,
    #[serde(default)]
    pub start_date_time: Option<String>,
    #[serde(default)]
    pub end_date_time: Option<String>,
    /// `Verify` (sign-in) or `Sign` (SAML token signing).
    #[serde(default)]
    pub usage: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CredentialKind {
    #[serde(rename = "s")]
    Secret,
    #[serde(rename = "c")]
    Certificate,
}

impl CredentialKind {
    pub fn label(self) -> &'static str {
        match self {
            CredentialKind::Secret => "Client secret",
            CredentialKind::Certificate => "Certificate",
        }
    }
}

/// A credential as Entra Sync maps it, from either list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    pub key_id: String,
    pub kind: CredentialKind,
    pub display_name: Option<String>,
    /// Secret hint, or the certificate's SHA-1 thumbprint in upper-case hex.
    pub hint: Option<String>,
    pub start: Option<String>,
    /// Canonical UTC text and milliseconds; `None` when Graph sent no readable end.
    pub end: Option<(String, i64)>,
}

fn end_of(text: Option<&str>) -> Option<(String, i64)> {
    let text = text?;
    Some((utc_ticks(text)?, unix_ms(text)?))
}

/// Upper-case hex of the thumbprint Graph sends as base64; the text as sent when it is not base64.
fn thumbprint(identifier: &str) -> String {
    match STANDARD.decode(identifier.trim()) {
        Ok(bytes) if !bytes.is_empty() => bytes.iter().map(|b| format!("{b:02X}")).collect(),
        _ => identifier.trim().to_string(),
    }
}

impl Credential {
    /// `None` for an entry without a key id: nothing could identify it from one run to the next.
    pub fn from_secret(secret: &PasswordCredential) -> Option<Self> {
        Some(Credential {
            key_id: key_id(secret.key_id.as_deref())?,
            kind: CredentialKind::Secret,
            display_name: secret.display_name.clone(),
            hint: secret.hint.clone(),
            start: secret.start_date_time.as_deref().and_then(utc_ticks),
            end: end_of(secret.end_date_time.as_deref()),
        })
    }

    pub fn from_certificate(key: &KeyCredential) -> Option<Self> {
        Some(Credential {
            key_id: key_id(key.key_id.as_deref())?,
            kind: CredentialKind::Certificate,
            display_name: key.display_name.clone(),
            hint: key.custom_key_identifier.as_deref().map(thumbprint),
            start: key.start_date_time.as_deref().and_then(utc_ticks),
            end: end_of(key.end_date_time.as_deref()),
        })
    }
}

fn key_id(value: Option<&str>) -> Option<String> {
    let id = value?.trim();
    (!id.is_empty()).then(|| id.to_ascii_lowercase())
}

/// Identity of one credential of one application: `"<application object id>:<key id>"`.
pub fn credential_id(application_id: &str, key_id: &str) -> String {
    format!(
        "{}:{}",
        application_id.to_ascii_lowercase(),
        key_id.to_ascii_lowercase()
    )
}

pub(super) const CREDENTIAL_ATTRIBUTES: &[AttributeSpec] = &[
    AttributeSpec {
        identity: true,
        ..attr(
            "id",
            "Credential ID",
            "<application object id>:<keyId>",
            AttrKind::Text,
        )
    },
    AttributeSpec {
        label: true,
        ..attr(
            "name",
            "Name",
            "Application name and the credential's description",
            AttrKind::Text,
        )
    },
    attr(
        "applicationId",
        "Application",
        "The app registration the credential belongs to",
        AttrKind::Reference(ObjectType::Application),
    ),
    attr(
        "kind",
        "Kind",
        "Client secret or Certificate",
        AttrKind::Text,
    ),
    attr(
        "displayName",
        "Description",
        "The credential's displayName",
        AttrKind::Text,
    ),
    attr(
        "hint",
        "Hint or Thumbprint",
        "A secret's first three characters, or a certificate's SHA-1 thumbprint",
        AttrKind::Text,
    ),
    attr("keyId", "Key ID", "keyId", AttrKind::Text),
    attr(
        "startDateTime",
        "Valid From",
        "startDateTime",
        AttrKind::DateTime,
    ),
    attr("endDateTime", "Expires", "endDateTime", AttrKind::DateTime),
    attr(
        "daysLeft",
        "Days Left",
        "Whole UTC days until it expires, as of the day's first sync (negative once expired)",
        AttrKind::Integer,
    ),
    attr(
        "state",
        "State",
        "Valid, Expiring (within the warning window) or Expired",
        AttrKind::Text,
    ),
    STATUS,
    SYNCED,
];

/// The credential's Assets object, as of `clock`.
pub fn credential_object(
    application_id: &str,
    application_name: Option<&str>,
    credential: &Credential,
    clock: ExpiryClock,
) -> AssetsObject {
    let id = credential_id(application_id, &credential.key_id);
    let description = credential
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .unwrap_or(credential.kind.label());
    let name = match application_name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(app) => format!("{app}: {description}"),
        None => description.to_string(),
    };
    let (end, days, state) = match &credential.end {
        Some((text, ms)) => (
            Value::String(text.clone()),
            Value::from(clock.days_left(*ms)),
            Value::String(clock.state(*ms).label().to_string()),
        ),
        None => (Value::Null, Value::Null, Value::Null),
    };
    let record = BTreeMap::from([
        ("id", Value::String(id.clone())),
        ("name", Value::String(name)),
        (
            "applicationId",
            Value::String(application_id.to_ascii_lowercase()),
        ),
        ("kind", Value::String(credential.kind.label().to_string())),
        ("displayName", text(credential.display_name.as_deref())),
        ("hint", text(credential.hint.as_deref())),
        ("keyId", Value::String(credential.key_id.clone())),
        ("startDateTime", text(credential.start.as_deref())),
        ("endDateTime", end),
        ("daysLeft", days),
        ("state", state),
        ("status", Value::String("Active".into())),
    ]);
    AssetsObject {
        object_type: ObjectType::AppCredential,
        id,
        record,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_795_350_896_789; // 2026-11-22T12:34:56.789Z

    fn clock() -> ExpiryClock {
        ExpiryClock {
            now_ms: NOW,
            warn_days: 30,
        }
    }

    #[test]
    fn days_left_and_state_follow_the_run_day_and_window() {
        let at = |text: &str| unix_ms(text).expect("time");
        let c = clock();
        assert_eq!(c.days_left(at("2026-11-22T23:59:59Z")), 0);
        assert_eq!(
            c.state(at("2026-11-22T23:59:59Z")),
            CredentialState::Expiring
        );
        assert_eq!(
            c.state(at("2026-11-22T12:00:00Z")),
            CredentialState::Expired
        );
        assert_eq!(c.days_left(at("2026-11-21T23:00:00Z")), -1);
        assert_eq!(
            c.state(at("2026-12-22T00:00:00Z")),
            CredentialState::Expiring
        );
        assert_eq!(c.days_left(at("2026-12-22T00:00:00Z")), 30);
        assert_eq!(c.state(at("2026-12-23T00:00:00Z")), CredentialState::Valid);
        let wider = ExpiryClock { warn_days: 60, ..c };
        assert_eq!(
            wider.state(at("2026-12-23T00:00:00Z")),
            CredentialState::Expiring
        );
    }

    #[test]
    fn maps_secrets_and_certificates() {
        let secret = Credential::from_secret(&PasswordCredential {
            key_id: Some("ABC-1".into()),
            display_name: Some("CI".into()),
            hint: Some("x7Q".into()),
            start_date_time: Some("2026-01-01T00:00:00Z".into()),
            end_date_time: Some("2026-12-01T10:00:00Z".into()),
        })
        .expect("secret");
        let object = credential_object("APP-1", Some("Payroll"), &secret, clock());
        assert_eq!(object.id, "app-1:abc-1");
        assert_eq!(object.label(), "Payroll: CI");
        assert_eq!(object.record["applicationId"], "app-1");
        assert_eq!(object.record["kind"], "Client secret");
        assert_eq!(object.record["hint"], "x7Q");
        assert_eq!(object.record["daysLeft"], 9);
        assert_eq!(object.record["state"], "Expiring");
        assert_eq!(object.record["endDateTime"], "2026-12-01T10:00:00.0000000Z");

        let certificate = Credential::from_certificate(&KeyCredential {
            key_id: Some("k2".into()),
            display_name: None,
            custom_key_identifier: Some(STANDARD.encode([0xAB, 0x01, 0xFF])),
            start_date_time: None,
            end_date_time: Some("2025-01-01T00:00:00Z".into()),
            usage: Some("Verify".into()),
        })
        .expect("certificate");
        let object = credential_object("app-1", None, &certificate, clock());
        assert_eq!(object.label(), "Certificate");
        assert_eq!(object.record["hint"], "AB01FF");
        assert_eq!(object.record["state"], "Expired");
        assert!(object.record["daysLeft"].as_i64().is_some_and(|d| d < 0));
        assert_eq!(
            Credential::from_secret(&PasswordCredential {
                key_id: None,
                display_name: None,
                hint: None,
                start_date_time: None,
                end_date_time: None,
            }),
            None
        );
    }

    #[test]
    fn every_record_key_is_a_declared_attribute() {
        let secret = Credential {
            key_id: "k".into(),
            kind: CredentialKind::Secret,
            display_name: None,
            hint: None,
            start: None,
            end: None,
        };
        let object = credential_object("a", None, &secret, clock());
        let locators: Vec<&str> = CREDENTIAL_ATTRIBUTES.iter().map(|a| a.locator).collect();
        for key in object.record.keys() {
            assert!(locators.contains(key), "{key} has no attribute");
        }
    }
}
