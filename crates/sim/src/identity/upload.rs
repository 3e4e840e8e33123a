//! "Certificates & secrets → Upload certificate" as an admin does it: a public certificate (PEM or
//! DER) becomes a `keyCredential` of the app registration, after which the token endpoint accepts
//! client assertions signed by the matching private key, within the certificate's validity.

use rsa::RsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use uuid::Uuid;
use x509_cert::Certificate;
use x509_cert::der::{Decode, DecodePem, Encode};

use super::credentials::KeyCredential;
use crate::state::SimState;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error(
        "the file is not an X.509 certificate ({0}); upload the public certificate (.cer, .pem or .crt), not the private key"
    )]
    NotACertificate(String),
    #[error(
        "the certificate's key is not RSA ({0}); Entra accepts RSA certificates for client assertions"
    )]
    NotRsa(String),
    #[error("the certificate is already registered (keyId {0})")]
    Duplicate(Uuid),
}

impl SimState {
    /// Registers a public certificate on Entra Sync's app registration; returns the new credential.
    pub fn upload_certificate(
        &self,
        bytes: &[u8],
        display_name: Option<String>,
    ) -> Result<KeyCredential, UploadError> {
        let certificate = if bytes.starts_with(b"-----BEGIN") {
            Certificate::from_pem(bytes)
        } else {
            Certificate::from_der(bytes)
        }
        .map_err(|e| UploadError::NotACertificate(e.to_string()))?;
        let der = certificate
            .to_der()
            .map_err(|e| UploadError::NotACertificate(e.to_string()))?;
        let tbs = &certificate.tbs_certificate;
        let spki = tbs
            .subject_public_key_info
            .to_der()
            .map_err(|e| UploadError::NotACertificate(e.to_string()))?;
        let public_key = RsaPublicKey::from_public_key_der(&spki)
            .map_err(|e| UploadError::NotRsa(e.to_string()))?;
        let validity = &tbs.validity;
        let credential = KeyCredential {
            key_id: Uuid::new_v4(),
            display_name: display_name.unwrap_or_else(|| tbs.subject.to_string()),
            start: validity.not_before.to_unix_duration().as_secs(),
            end: validity.not_after.to_unix_duration().as_secs(),
            der,
            public_key,
        };
        if let Some(existing) = self
            .credentials()
            .read()
            .certificates
            .iter()
            .find(|c| c.der == credential.der)
        {
            return Err(UploadError::Duplicate(existing.key_id));
        }
        self.credentials().add_certificate(credential.clone());
        self.publish_own_credentials();
        Ok(credential)
    }

    /// Deletes a certificate credential by key id; returns whether it existed.
    pub fn remove_certificate(&self, key_id: Uuid) -> bool {
        let removed = self.credentials().remove_certificate(key_id);
        self.publish_own_credentials();
        removed
    }
}
