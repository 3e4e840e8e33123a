//! "Check connection": get a token, probe every enabled data set with the cheapest read Graph offers,
//! read the secret's expiry when allowed, and say for each failure what to change in Entra.

mod expiry;

use serde::{Deserialize, Serialize};

use crate::auth::{CertificateCredential, Credential, TokenError, request_token};
use crate::clock::Clock;
use crate::graph::GraphClient;
use crate::http::HttpTransport;
use crate::retry::{Meter, RetryPolicy};
use crate::settings::ConnectionSettings;
use crate::sync::datasets::{Diagnosis, SPECS, Spec};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    pub ok: bool,
    pub summary: String,
    pub checks: Vec<CheckItem>,
    /// End of the client secret in use, when the app may read its own registration.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_expires_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckItem {
    pub name: String,
    pub ok: bool,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl CheckItem {
    fn passed(name: &str, detail: String) -> Self {
        CheckItem {
            name: name.into(),
            ok: true,
            detail,
            fix: None,
            request_id: None,
        }
    }

    /// A data set's probe failed: the same words a run says when that data set fails alone.
    fn diagnosed(probe: &Spec, diagnosis: Diagnosis) -> Self {
        Self::failed(
            probe.key,
            diagnosis.message,
            diagnosis.fix,
            diagnosis.request_id,
        )
    }

    fn failed(name: &str, detail: String, fix: Option<String>, request_id: Option<String>) -> Self {
        CheckItem {
            name: name.into(),
            ok: false,
            detail,
            fix,
            request_id,
        }
    }
}

#[derive(Deserialize)]
struct Anything {}

const CONSENT_FIX: &str = "In the app registration, open API permissions, add the permissions as Application permissions (not Delegated), then select \"Grant admin consent\".";

/// Checks the connection for the data sets named in `datasets` (keys as in [`SPECS`]).
pub async fn check_connection<T: HttpTransport, C: Clock>(
    transport: &T,
    clock: &C,
    settings: &ConnectionSettings,
    datasets: &[String],
) -> ConnectionReport {
    // An admin is waiting on the page: a short retry budget, well inside the 25 s resolver limit.
    let policy = RetryPolicy {
        max_attempts: 3,
        ..RetryPolicy::default()
    };
    let meter = Meter::default();
    let token = match request_token(transport, clock, settings, &policy, &meter).await {
        Ok(token) => token,
        Err(error) => return token_failed(&error),
    };
    let roles = token.roles();
    let mut checks = vec![match &roles {
        Some(roles) if roles.is_empty() => CheckItem::failed(
            "token",
            "Token issued, but it carries no Application permissions: admin consent has not been granted, or the permissions were added as Delegated.".into(),
            Some(CONSENT_FIX.into()),
            None,
        ),
        Some(roles) => CheckItem::passed(
            "token",
            format!("Token issued with Application permissions: {}.", roles.join(", ")),
        ),
        None => CheckItem::passed("token", "Token issued.".into()),
    }];
    let graph = GraphClient::new(transport, clock, &token, &policy, &meter);
    let mut readable = Vec::new();
    for probe in SPECS
        .into_iter()
        .filter(|p| datasets.iter().any(|d| d == p.key))
    {
        if !probe.allowed(roles.as_deref()) {
            checks.push(CheckItem::diagnosed(probe, probe.missing_permission()));
            continue;
        }
        match graph.page::<Anything>(&probe.probe_url()).await {
            Ok(_) => {
                readable.push(probe.label);
                checks.push(CheckItem::passed(
                    probe.key,
                    format!("{} are readable.", capitalised(probe.label)),
                ));
            }
            Err(error) => checks.push(CheckItem::diagnosed(probe, probe.diagnose(&error))),
        }
    }
    let secret_expires_at = match &settings.credential {
        Credential::Certificate(certificate) => Some(certificate_expiry(certificate, &mut checks)),
        Credential::Secret(_) => secret_expiry(&graph, settings, &mut checks).await,
    };
    let failure = checks.iter().find(|c| !c.ok);
    ConnectionReport {
        ok: failure.is_none(),
        summary: match failure {
            Some(item) => item.detail.clone(),
            None => format!("Token OK, {} readable", readable.join(", ")),
        },
        checks,
        secret_expires_at,
    }
}

/// A certificate's end is in the certificate itself; the token just issued proves it is registered.
fn certificate_expiry(certificate: &CertificateCredential, checks: &mut Vec<CheckItem>) -> String {
    let end = crate::time::iso_utc(certificate.certificate().not_after() * 1000);
    checks.push(CheckItem::passed(
        "certificate",
        format!(
            "Signed in with the certificate (SHA-1 thumbprint {}); it expires on {end}.",
            certificate.certificate().sha1_hex()
        ),
    ));
    end
}

/// The secret's end, read from the app's own registration when Application.Read.All allows.
async fn secret_expiry<T: HttpTransport, C: Clock>(
    graph: &GraphClient<'_, T, C>,
    settings: &ConnectionSettings,
    checks: &mut Vec<CheckItem>,
) -> Option<String> {
    match graph
        .page::<expiry::Application>(&expiry::url(settings))
        .await
    {
        Ok(page) => {
            let answer = expiry::end_of_secret(&page.value, settings);
            match &answer {
                Some(end) => checks.push(CheckItem::passed(
                    "secret",
                    format!("The client secret expires on {end}."),
                )),
                None => checks.push(CheckItem::passed(
                    "secret",
                    "The client secret's expiry is not listed on the app registration.".into(),
                )),
            }
            answer
        }
        Err(_) => {
            checks.push(CheckItem {
                name: "secret".into(),
                ok: true,
                detail: "The client secret's expiry is unknown.".into(),
                fix: Some("Grant the optional Application.Read.All permission to see when the secret expires.".into()),
                request_id: None,
            });
            None
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn token_failed(error: &TokenError) -> ConnectionReport {
    ConnectionReport {
        ok: false,
        summary: error.to_string(),
        checks: vec![CheckItem::failed(
            "token",
            error.to_string(),
            None,
            error.trace_id().map(str::to_string),
        )],
        secret_expires_at: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use crate::http::{HttpRequest, HttpResponse};
    use crate::secret::ClientSecret;
    use crate::settings::SettingsInput;

    fn settings() -> ConnectionSettings {
        SettingsInput {
            tenant_id: Some("contoso.onmicrosoft.com".into()),
            client_id: Some("00001111-aaaa-2222-bbbb-3333cccc4444".into()),
            client_secret: Some(ClientSecret::new("abc8Q~secret")),
            ..SettingsInput::default()
        }
        .validate()
        .expect("valid")
    }

    fn respond(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![("request-id".into(), "rid-1".into())],
            body: body.into(),
        }
    }

    const DENIED: &str = r#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}"#;

    /// A fake Microsoft that asserts what it is asked, the way oauth2-rs' mock clients do.
    async fn fake_microsoft(
        request: HttpRequest,
        users_status: u16,
    ) -> Result<HttpResponse, crate::TransportError> {
        assert!(request.url.starts_with("https://"), "{}", request.url);
        if request.url.ends_with("/oauth2/v2.0/token") {
            return Ok(respond(
                200,
                r#"{"token_type":"Bearer","expires_in":3599,"access_token":"opaque"}"#,
            ));
        }
        assert_eq!(request.header_value("authorization"), Some("Bearer opaque"));
        if request.url.contains("/v1.0/applications?") {
            assert!(
                request
                    .url
                    .contains("appId eq '00001111-aaaa-2222-bbbb-3333cccc4444'"),
                "{}",
                request.url
            );
            return Ok(respond(
                200,
                r#"{"value":[{"passwordCredentials":[
                {"hint":"xyz","endDateTime":"2030-01-01T00:00:00Z"},
                {"hint":"abc","endDateTime":"2027-05-01T00:00:00Z"}]}]}"#,
            ));
        }
        assert_eq!(
            request.url,
            "https://graph.microsoft.com/v1.0/users?$select=id&$top=1"
        );
        Ok(match users_status {
            200 => respond(200, r#"{"value":[{"id":"u1"}]}"#),
            status => respond(status, DENIED),
        })
    }

    fn users() -> Vec<String> {
        vec!["users".to_string()]
    }

    #[test]
    fn reports_users_readable_and_the_secrets_expiry() {
        let report = pollster::block_on(check_connection(
            &|r| fake_microsoft(r, 200),
            &ManualClock::at(0),
            &settings(),
            &users(),
        ));
        assert!(report.ok, "{report:?}");
        assert_eq!(report.summary, "Token OK, users readable");
        assert_eq!(
            report.secret_expires_at.as_deref(),
            Some("2027-05-01T00:00:00Z"),
            "the secret whose hint matches"
        );
    }

    #[test]
    fn explains_missing_consent_with_the_request_id() {
        let report = pollster::block_on(check_connection(
            &|r| fake_microsoft(r, 403),
            &ManualClock::at(0),
            &settings(),
            &users(),
        ));
        assert!(!report.ok);
        assert!(
            report.summary.contains("User.Read.All"),
            "{}",
            report.summary
        );
        let users = report
            .checks
            .iter()
            .find(|c| c.name == "users")
            .expect("users check");
        assert_eq!(users.request_id.as_deref(), Some("rid-1"));
        assert!(
            users
                .fix
                .as_deref()
                .is_some_and(|f| f.contains("grant admin consent"))
        );
    }

    #[test]
    fn a_token_without_roles_names_the_consent_fix() {
        let report = pollster::block_on(check_connection(
            &|request: HttpRequest| async move {
                if request.url.ends_with("/token") {
                    let payload = base64::Engine::encode(
                        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                        r#"{"aud":"x"}"#,
                    );
                    let body = format!(
                        r#"{{"token_type":"Bearer","expires_in":3599,"access_token":"h.{payload}.s"}}"#
                    );
                    return Ok(respond(200, &body));
                }
                Ok(respond(403, DENIED))
            },
            &ManualClock::at(0),
            &settings(),
            &users(),
        ));
        assert!(!report.ok);
        assert!(report.summary.contains("Delegated"), "{}", report.summary);
        let users = report
            .checks
            .iter()
            .find(|c| c.name == "users")
            .expect("users check");
        assert!(!users.ok, "without roles the read is not even attempted");
    }

    /// A token whose only Application permission is `role`, and a Graph that answers every probe.
    fn check_with_role(dataset: &str, role: &str) -> ConnectionReport {
        let payload = base64::Engine::encode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            format!(r#"{{"aud":"x","roles":["{role}"]}}"#),
        );
        pollster::block_on(check_connection(
            &move |request: HttpRequest| {
                let payload = payload.clone();
                async move {
                    if request.url.ends_with("/token") {
                        let body = format!(
                            r#"{{"token_type":"Bearer","expires_in":3599,"access_token":"h.{payload}.s"}}"#
                        );
                        return Ok(respond(200, &body));
                    }
                    Ok(respond(200, r#"{"value":[]}"#))
                }
            },
            &ManualClock::at(0),
            &settings(),
            &[dataset.to_string()],
        ))
    }

    fn accepted(dataset: &str, role: &str) -> bool {
        let report = check_with_role(dataset, role);
        report.checks.iter().any(|c| c.name == dataset && c.ok)
    }

    /// One test per permission Graph accepts for a data set's read.
    macro_rules! accepts {
        ($($name:ident: $dataset:literal via $permission:literal;)*) => {
            $(
                #[test]
                fn $name() {
                    assert!(accepted($dataset, $permission), "{} via {}", $dataset, $permission);
                }
            )*

            #[test]
            fn every_listed_permission_has_its_test() {
                let tested: &[(&str, &str)] = &[$(($dataset, $permission)),*];
                for spec in SPECS {
                    for permission in spec.permissions {
                        assert!(
                            tested.contains(&(spec.key, *permission)),
                            "no test for {} via {permission}",
                            spec.key
                        );
                    }
                }
                assert_eq!(tested.len(), SPECS.iter().map(|s| s.permissions.len()).sum::<usize>());
            }
        };
    }

    accepts! {
        users_via_user_read_all: "users" via "User.Read.All";
        users_via_user_readwrite_all: "users" via "User.ReadWrite.All";
        users_via_directory_read_all: "users" via "Directory.Read.All";
        users_via_directory_readwrite_all: "users" via "Directory.ReadWrite.All";
        groups_via_groupmember_read_all: "groups" via "GroupMember.Read.All";
        groups_via_group_read_all: "groups" via "Group.Read.All";
        groups_via_directory_read_all: "groups" via "Directory.Read.All";
        groups_via_groupmember_readwrite_all: "groups" via "GroupMember.ReadWrite.All";
        groups_via_group_readwrite_all: "groups" via "Group.ReadWrite.All";
        groups_via_directory_readwrite_all: "groups" via "Directory.ReadWrite.All";
        devices_via_device_read_all: "devices" via "Device.Read.All";
        devices_via_directory_read_all: "devices" via "Directory.Read.All";
        devices_via_device_readwrite_all: "devices" via "Device.ReadWrite.All";
        devices_via_directory_readwrite_all: "devices" via "Directory.ReadWrite.All";
        managed_devices_via_read_all: "managedDevices" via "DeviceManagementManagedDevices.Read.All";
        managed_devices_via_readwrite_all: "managedDevices" via "DeviceManagementManagedDevices.ReadWrite.All";
        licences_via_organization_read_all: "licences" via "Organization.Read.All";
        licences_via_licenseassignment_read_all: "licences" via "LicenseAssignment.Read.All";
        licences_via_directory_read_all: "licences" via "Directory.Read.All";
        licences_via_organization_readwrite_all: "licences" via "Organization.ReadWrite.All";
        licences_via_directory_readwrite_all: "licences" via "Directory.ReadWrite.All";
        applications_via_application_read_all: "applications" via "Application.Read.All";
        applications_via_owned_by: "applications" via "Application.ReadWrite.OwnedBy";
        applications_via_application_readwrite_all: "applications" via "Application.ReadWrite.All";
        applications_via_directory_read_all: "applications" via "Directory.Read.All";
        applications_via_directory_readwrite_all: "applications" via "Directory.ReadWrite.All";
        service_principals_via_application_read_all: "servicePrincipals" via "Application.Read.All";
        service_principals_via_owned_by: "servicePrincipals" via "Application.ReadWrite.OwnedBy";
        service_principals_via_application_readwrite_all: "servicePrincipals" via "Application.ReadWrite.All";
        service_principals_via_directory_read_all: "servicePrincipals" via "Directory.Read.All";
        service_principals_via_directory_readwrite_all: "servicePrincipals" via "Directory.ReadWrite.All";
    }

    #[test]
    fn a_permission_for_another_data_set_is_refused_with_the_least_privileged_one() {
        assert!(!accepted("managedDevices", "Directory.Read.All"));
        let report = check_with_role("groups", "User.Read.All");
        let groups = report
            .checks
            .iter()
            .find(|c| c.name == "groups")
            .expect("groups check");
        assert!(!groups.ok);
        assert!(
            groups.detail.contains("GroupMember.Read.All"),
            "{}",
            groups.detail
        );
    }
}
