//! App registrations (`microsoft.graph.application`) and enterprise applications
//! (`microsoft.graph.servicePrincipal`) with the metadata of their credentials. Dates are Unix seconds
//! on the generator's clock; [`Tenant::app_dates_shift`](super::Tenant) moves them onto the sim's
//! clock when served, so a fresh sim has secrets that expire soon whatever the machine's date.

use uuid::Uuid;

/// Microsoft's own tenant: `appOwnerOrganizationId` of first-party service principals.
pub const MICROSOFT_TENANT: Uuid = Uuid::from_u128(0xf8cdef31_a31e_4b4a_93e4_5f571e91255a);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Object id (≠ appId).
    pub id: Uuid,
    pub app_id: Uuid,
    pub display_name: String,
    /// `AzureADMyOrg`, `AzureADMultipleOrgs` or `AzureADandPersonalMicrosoftAccount`.
    pub sign_in_audience: &'static str,
    pub created: u64,
    pub publisher_domain: String,
    pub secrets: Vec<AppSecret>,
    pub certificates: Vec<AppCertificate>,
}

/// A `passwordCredential`: Graph shows its first three characters (`hint`), never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSecret {
    pub key_id: Uuid,
    pub display_name: String,
    pub hint: String,
    pub start: u64,
    pub end: u64,
}

/// A `keyCredential`: a certificate's metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppCertificate {
    pub key_id: Uuid,
    pub display_name: String,
    /// SHA-1 of the certificate: `customKeyIdentifier`.
    pub thumbprint: [u8; 20],
    pub start: u64,
    pub end: u64,
    /// `Verify` (a client credential) or `Sign` (a SAML token-signing key).
    pub usage: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePrincipal {
    pub id: Uuid,
    pub app_id: Uuid,
    pub display_name: String,
    /// `Application` or `ManagedIdentity`.
    pub kind: &'static str,
    pub account_enabled: bool,
    /// This tenant for its own apps, [`MICROSOFT_TENANT`] for first-party ones, else the publisher's.
    pub owner_tenant: Uuid,
    /// SAML token-signing certificates (enterprise apps set up for SAML SSO).
    pub certificates: Vec<AppCertificate>,
    pub tags: Vec<&'static str>,
}
