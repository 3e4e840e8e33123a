//! Minting access tokens for the tenant's app.

use super::jwt::{AccessClaims, JwtSigner};
use crate::tenant::Tenant;

/// Microsoft Graph's resource URI, the `aud` of every token the sim issues.
pub const GRAPH_RESOURCE: &str = "https://graph.microsoft.com";

/// Entra's usual answer for app-only tokens; clients must read `expires_in` rather than assume 3600.
pub const LIFETIME_SECS: u64 = 3599;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub access_token: String,
    pub expires_in: u64,
    pub claims: AccessClaims,
}

/// How the client proved its identity; shows in the token's `appidacr` claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// `appidacr` 1.
    Secret,
    /// `appidacr` 2.
    Certificate,
}

pub fn issue(
    tenant: &Tenant,
    signer: &JwtSigner,
    roles: Vec<String>,
    issued_at: u64,
) -> IssuedToken {
    issue_by(tenant, signer, roles, issued_at, ClientAuth::Secret)
}

pub fn issue_by(
    tenant: &Tenant,
    signer: &JwtSigner,
    roles: Vec<String>,
    issued_at: u64,
    auth: ClientAuth,
) -> IssuedToken {
    // Graph receives v1.0 tokens, whose issuer is sts.windows.net whatever endpoint issued them.
    let issuer = format!("https://sts.windows.net/{}/", tenant.id);
    let claims = AccessClaims {
        aud: GRAPH_RESOURCE.to_string(),
        iss: issuer.clone(),
        iat: issued_at,
        nbf: issued_at,
        exp: issued_at + LIFETIME_SECS,
        app_displayname: tenant.app.display_name.clone(),
        appid: tenant.app.client_id.to_string(),
        appidacr: match auth {
            ClientAuth::Secret => "1",
            ClientAuth::Certificate => "2",
        }
        .to_string(),
        idp: issuer,
        oid: tenant.app.service_principal_id.to_string(),
        roles,
        sub: tenant.app.service_principal_id.to_string(),
        tid: tenant.id.to_string(),
        ver: "1.0".to_string(),
    };
    IssuedToken {
        access_token: signer.sign(&claims),
        expires_in: LIFETIME_SECS,
        claims,
    }
}
