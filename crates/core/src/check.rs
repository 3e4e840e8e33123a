//! "Check connection": get a token, read the first page of users, and explain what failed.

use serde::{Deserialize, Serialize};

use crate::auth::{TokenError, request_token};
use crate::clock::Clock;
use crate::endpoints;
use crate::graph::{GraphClient, GraphError};
use crate::http::HttpTransport;
use crate::retry::{Meter, RetryPolicy};
use crate::settings::ConnectionSettings;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    pub ok: bool,
    pub summary: String,
    pub checks: Vec<CheckItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckItem {
    pub name: String,
    pub ok: bool,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[derive(Deserialize)]
struct UserStub {
    #[allow(dead_code)] // only its presence is checked
    id: String,
}

const USERS_PROBE: &str = "/v1.0/users?$select=id,displayName&$top=1";

pub async fn check_connection<T: HttpTransport, C: Clock>(
    transport: &T,
    clock: &C,
    settings: &ConnectionSettings,
) -> ConnectionReport {
    let token = match request_token(transport, settings).await {
        Ok(token) => token,
        Err(error) => return token_failed(&error),
    };
    let roles = token.roles();
    let mut checks = vec![CheckItem {
        name: "token".into(),
        ok: true,
        detail: match &roles {
            Some(roles) if roles.is_empty() => "Token issued, but it carries no Application permissions: admin consent has not been granted.".into(),
            Some(roles) => format!("Token issued with Application permissions: {}.", roles.join(", ")),
            None => "Token issued.".into(),
        },
        request_id: None,
    }];
    // An admin is waiting on the page: a short retry budget, well inside the 25 s resolver limit.
    let policy = RetryPolicy {
        max_attempts: 3,
        ..RetryPolicy::default()
    };
    let meter = Meter::default();
    let graph = GraphClient::new(transport, clock, &token, &policy, &meter);
    let url = format!("{}{}", endpoints::GRAPH, USERS_PROBE);
    match graph.page::<UserStub>(&url).await {
        Ok(_) => {
            checks.push(CheckItem {
                name: "users".into(),
                ok: true,
                detail: "Users are readable.".into(),
                request_id: None,
            });
            ConnectionReport {
                ok: true,
                summary: "Token OK, users readable".into(),
                checks,
            }
        }
        Err(error) => {
            let detail = explain_graph(&error, "User.Read.All");
            checks.push(CheckItem {
                name: "users".into(),
                ok: false,
                detail: detail.clone(),
                request_id: error.request_id().map(str::to_string),
            });
            ConnectionReport {
                ok: false,
                summary: detail,
                checks,
            }
        }
    }
}

fn token_failed(error: &TokenError) -> ConnectionReport {
    ConnectionReport {
        ok: false,
        summary: error.to_string(),
        checks: vec![CheckItem {
            name: "token".into(),
            ok: false,
            detail: error.to_string(),
            request_id: error.trace_id().map(str::to_string),
        }],
    }
}

fn explain_graph(error: &GraphError, permission: &str) -> String {
    match (error.status(), error.code()) {
        (Some(403), Some("Authorization_RequestDenied")) => format!(
            "Microsoft Graph refused to list users: the app lacks the {permission} Application permission. In the app registration, add {permission} under API permissions as an Application (not Delegated) permission and select \"Grant admin consent\". ({error})"
        ),
        _ => error.to_string(),
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

    /// A fake Microsoft that asserts what it is asked, the way oauth2-rs' mock clients do.
    async fn fake_microsoft(
        request: HttpRequest,
        users_status: u16,
    ) -> Result<HttpResponse, crate::TransportError> {
        if request.url.ends_with("/oauth2/v2.0/token") {
            return Ok(respond(
                200,
                r#"{"token_type":"Bearer","expires_in":3599,"access_token":"opaque"}"#,
            ));
        }
        assert_eq!(
            request.url,
            "https://graph.microsoft.com/v1.0/users?$select=id,displayName&$top=1"
        );
        assert_eq!(request.header_value("authorization"), Some("Bearer opaque"));
        Ok(match users_status {
            200 => respond(200, r#"{"value":[{"id":"u1","displayName":"A"}]}"#),
            status => respond(
                status,
                r#"{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges to complete the operation."}}"#,
            ),
        })
    }

    #[test]
    fn reports_users_readable() {
        let report = pollster::block_on(check_connection(
            &|r| fake_microsoft(r, 200),
            &ManualClock::at(0),
            &settings(),
        ));
        assert!(report.ok);
        assert_eq!(report.summary, "Token OK, users readable");
    }

    #[test]
    fn explains_missing_consent_with_the_request_id() {
        let report = pollster::block_on(check_connection(
            &|r| fake_microsoft(r, 403),
            &ManualClock::at(0),
            &settings(),
        ));
        assert!(!report.ok);
        assert!(
            report.summary.contains("User.Read.All"),
            "{}",
            report.summary
        );
        assert_eq!(report.checks[1].request_id.as_deref(), Some("rid-1"));
    }
}
