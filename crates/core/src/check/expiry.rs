//! The client secret's expiry, read from the app's own registration (`/applications`, needs
//! Application.Read.All). Entra keeps several secrets per app; ours is the one whose `hint` (its
//! first three characters) matches the secret in use.

use serde::Deserialize;

use crate::auth::Credential;
use crate::endpoints;
use crate::settings::ConnectionSettings;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    #[serde(default)]
    pub password_credentials: Vec<PasswordCredential>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordCredential {
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub end_date_time: Option<String>,
}

pub fn url(settings: &ConnectionSettings) -> String {
    format!(
        "{}/v1.0/applications?$filter=appId eq '{}'&$select=passwordCredentials",
        endpoints::GRAPH,
        settings.client_id.hyphenated()
    )
}

/// The end date of the secret in use, if the registration lists it.
pub fn end_of_secret(
    applications: &[Application],
    settings: &ConnectionSettings,
) -> Option<String> {
    let Credential::Secret(secret) = &settings.credential else {
        return None;
    };
    let prefix: String = secret.expose().chars().take(3).collect();
    applications
        .iter()
        .flat_map(|a| &a.password_credentials)
        .filter(|c| c.hint.as_deref() == Some(prefix.as_str()))
        .filter_map(|c| c.end_date_time.clone())
        .max()
}
