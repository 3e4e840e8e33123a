//! How Entra Sync proves who it is at the token endpoint: a client secret, or a certificate whose
//! private key signs a client assertion (what Microsoft recommends).

use super::certificate::PublicCertificate;
use super::private_key::PrivateKey;
use crate::secret::ClientSecret;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Secret(ClientSecret),
    /// Boxed: a parsed RSA key is large beside a secret's text.
    Certificate(Box<CertificateCredential>),
}

/// A certificate and its private key, known to belong together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateCredential {
    private_key: PrivateKey,
    certificate: PublicCertificate,
}

impl CertificateCredential {
    /// Pairs a stored key with its certificate; a key of another certificate is refused, since
    /// every assertion it signed would fail with AADSTS700027.
    pub fn new(
        private_key: PrivateKey,
        certificate: PublicCertificate,
    ) -> Result<Self, CertificateError> {
        if !certificate.belongs_to(&private_key) {
            return Err(CertificateError::KeyMismatch);
        }
        Ok(Self {
            private_key,
            certificate,
        })
    }

    /// From the stored forms: the key's PKCS#8 PEM (secret storage) and the certificate's PEM.
    pub fn from_stored(private_key: &str, certificate: &str) -> Result<Self, CertificateError> {
        Self::new(
            PrivateKey::from_pem(private_key)?,
            PublicCertificate::from_text(certificate)?,
        )
    }

    pub fn private_key(&self) -> &PrivateKey {
        &self.private_key
    }

    pub fn certificate(&self) -> &PublicCertificate {
        &self.certificate
    }
}

/// Why a certificate could not be made, read or used. Messages never quote key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    #[error(
        "No certificate has been created yet. Press \"Create certificate\", upload it to the app registration under Certificates & secrets, then press Check connection."
    )]
    Missing,
    #[error(
        "The certificate's private key is missing from secret storage. Create a new certificate, upload it under Certificates & secrets, check the connection and save."
    )]
    KeyMissing,
    #[error(
        "The stored private key cannot be read. Create a new certificate, upload it under Certificates & secrets, check the connection and save."
    )]
    KeyUnreadable,
    #[error(
        "The stored private key does not belong to the stored certificate. Create a new certificate, upload it under Certificates & secrets, check the connection and save."
    )]
    KeyMismatch,
    #[error(
        "The stored certificate cannot be read ({0}). Create a new certificate, upload it under Certificates & secrets, check the connection and save."
    )]
    CertificateUnreadable(String),
    #[error("The certificate's key is not an RSA key. Create a new certificate here.")]
    NotRsa,
    #[error("Certificate validity {0} is not offered. Choose 1 or 2 years.")]
    Lifetime(String),
    #[error(
        "The new certificate has not passed Check connection yet. Upload it to the app registration under Certificates & secrets, press Check connection, then Save; until then the current credential stays in use."
    )]
    NotChecked,
    #[error("Could not create the certificate: {0}. Try again; if it happens again, report it.")]
    Build(String),
}
