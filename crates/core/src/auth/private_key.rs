//! The certificate's private key, wrapped like the client secret so that it cannot reach a log, an
//! answer to the page or a stored value by accident.

use std::fmt;

use rsa::RsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding};

use super::CertificateError;

/// Longest stored key accepted: a 4096-bit PKCS#8 PEM is about 3.3 KB, Forge keeps secrets up to
/// 128 KiB. A larger value is not a key Entra Sync made.
pub const PRIVATE_KEY_MAX_CHARS: usize = 16 * 1024;

/// An RSA private key. `Debug` and `Display` print `[redacted]`; the PEM text is reachable only
/// through [`PrivateKey::expose_pem`], which the wasm facade calls to hand a new key to secret
/// storage and nowhere else.
#[derive(Clone)]
pub struct PrivateKey {
    key: RsaPrivateKey,
    pem: String,
}

impl PrivateKey {
    pub(super) fn from_key(key: RsaPrivateKey) -> Result<Self, CertificateError> {
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| CertificateError::Build(e.to_string()))?;
        Ok(Self {
            pem: pem.as_str().to_string(),
            key,
        })
    }

    /// Reads a key as secret storage holds it (PKCS#8 PEM). The error never quotes the text.
    pub fn from_pem(text: &str) -> Result<Self, CertificateError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(CertificateError::KeyMissing);
        }
        if text.chars().count() > PRIVATE_KEY_MAX_CHARS {
            return Err(CertificateError::KeyUnreadable);
        }
        let key =
            RsaPrivateKey::from_pkcs8_pem(text).map_err(|_| CertificateError::KeyUnreadable)?;
        Ok(Self {
            key,
            pem: text.to_string(),
        })
    }

    pub fn expose_pem(&self) -> &str {
        &self.pem
    }

    pub(super) fn rsa(&self) -> &RsaPrivateKey {
        &self.key
    }
}

impl PartialEq for PrivateKey {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for PrivateKey {}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A private key as text from storage, before it is read. Redacted like [`PrivateKey`], so that
/// settings holding one can be printed for debugging.
#[derive(Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(transparent)]
pub struct PrivateKeyText(String);

impl PrivateKeyText {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PrivateKeyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}
