//! The app registration's credentials as Entra holds them (`passwordCredentials`, `keyCredentials`),
//! changeable while the sim serves: secrets can be added, removed or expired like in the portal, and
//! several can be valid at once, which is how admins rotate without downtime.
//!
//! Dates: credentials start when the state is created (the sim clock's "now") and secrets end
//! [`SECRET_LIFETIME_SECS`] later, `addPassword`'s documented default. "Now" rather than a fixed epoch
//! so that a fresh sim never starts with an expired secret, whatever the machine's date.

use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::RsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::error::TokenError;
use crate::tenant::AppRegistration;

/// Two years: `addPassword`'s default lifetime.
pub const SECRET_LIFETIME_SECS: u64 = 730 * 86_400;

/// One year for the registered certificate, what admins typically upload.
pub const CERTIFICATE_LIFETIME_SECS: u64 = 365 * 86_400;

/// A self-signed test certificate registered on the app. Its private key is public test material
/// ([`CERTIFICATE_PRIVATE_KEY_PEM`]) so that clients and tests can sign client assertions; embedded
/// rather than generated per seed because RSA key generation is slow in debug builds.
pub const CERTIFICATE_PEM: &str = include_str!("sim_cert.pem");
/// PKCS#8 private key of [`CERTIFICATE_PEM`]. Never use it outside the simulator.
pub const CERTIFICATE_PRIVATE_KEY_PEM: &str = include_str!("sim_cert_key.pem");
const CERTIFICATE_PUBLIC_KEY_PEM: &str = include_str!("sim_cert_pub.pem");
const CERTIFICATE_SUBJECT: &str = "CN=Entra Sync simulator test certificate";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordCredential {
    pub key_id: Uuid,
    pub display_name: String,
    /// Shown once on creation; Graph never returns it.
    pub value: String,
    /// Unix seconds.
    pub start: u64,
    pub end: u64,
}

impl PasswordCredential {
    /// Graph's `hint`: the first three characters of the value.
    pub fn hint(&self) -> String {
        self.value.chars().take(3).collect()
    }
}

/// A certificate credential: what Entra stores of an uploaded public certificate.
#[derive(Debug, Clone)]
pub struct KeyCredential {
    pub key_id: Uuid,
    pub display_name: String,
    pub start: u64,
    pub end: u64,
    /// The certificate, DER.
    pub der: Vec<u8>,
    pub public_key: RsaPublicKey,
}

impl KeyCredential {
    /// SHA-1 of the DER certificate: the classic thumbprint, `x5t` and `customKeyIdentifier`.
    pub fn sha1_thumbprint(&self) -> Vec<u8> {
        Sha1::digest(&self.der).to_vec()
    }

    /// SHA-256 of the DER certificate: `x5t#S256`.
    pub fn sha256_thumbprint(&self) -> Vec<u8> {
        Sha256::digest(&self.der).to_vec()
    }

    /// The sim's registered test certificate, valid from `now` for a year.
    fn test_certificate(now: u64) -> Self {
        let der = pem_body(CERTIFICATE_PEM);
        // Embedded constant checked by a unit test, so a failure here is a build defect, not input.
        let public_key = RsaPublicKey::from_public_key_pem(CERTIFICATE_PUBLIC_KEY_PEM)
            .expect("embedded test public key parses");
        Self {
            key_id: uuid_from_hash(&der),
            display_name: CERTIFICATE_SUBJECT.to_string(),
            start: now,
            end: now + CERTIFICATE_LIFETIME_SECS,
            der,
            public_key,
        }
    }
}

/// A secret just added: its value is readable this once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSecret {
    pub key_id: Uuid,
    pub value: String,
    pub end: u64,
}

#[derive(Debug, Clone)]
pub struct Credentials {
    pub passwords: Vec<PasswordCredential>,
    pub certificates: Vec<KeyCredential>,
}

/// The credentials behind a lock; lives in the sim state.
#[derive(Debug)]
pub struct CredentialStore {
    inner: RwLock<Credentials>,
}

impl CredentialStore {
    /// The tenant's generated secret plus the test certificate, both starting at `now`.
    pub fn new(app: &AppRegistration, now: u64) -> Self {
        let secret = PasswordCredential {
            key_id: app.secret.key_id,
            display_name: "Entra Sync".to_string(),
            value: app.secret.value.clone(),
            start: now,
            end: now + SECRET_LIFETIME_SECS,
        };
        Self {
            inner: RwLock::new(Credentials {
                passwords: vec![secret],
                certificates: vec![KeyCredential::test_certificate(now)],
            }),
        }
    }

    /// Back to a fresh app registration's credentials (the control API's reset).
    pub fn reset(&self, app: &AppRegistration, now: u64) {
        let fresh = CredentialStore::new(app, now)
            .inner
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        *self.inner.write().unwrap_or_else(PoisonError::into_inner) = fresh;
    }

    pub fn read(&self) -> RwLockReadGuard<'_, Credentials> {
        // Plain data: a panic elsewhere cannot leave it half-written.
        self.inner.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Credentials> {
        self.inner.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// "New client secret": another valid secret; existing ones stay valid.
    pub fn add_secret(&self, now: u64) -> NewSecret {
        let secret = PasswordCredential {
            key_id: Uuid::new_v4(),
            display_name: "Entra Sync (rotated)".to_string(),
            value: random_secret(),
            start: now,
            end: now + SECRET_LIFETIME_SECS,
        };
        let added = NewSecret {
            key_id: secret.key_id,
            value: secret.value.clone(),
            end: secret.end,
        };
        self.write().passwords.push(secret);
        added
    }

    /// An uploaded certificate; the ones already there stay valid.
    pub fn add_certificate(&self, certificate: KeyCredential) {
        self.write().certificates.push(certificate);
    }

    /// Deletes a certificate; returns whether it existed.
    pub fn remove_certificate(&self, key_id: Uuid) -> bool {
        let mut credentials = self.write();
        let before = credentials.certificates.len();
        credentials.certificates.retain(|c| c.key_id != key_id);
        credentials.certificates.len() != before
    }

    /// Deletes a secret; returns whether it existed.
    pub fn remove_secret(&self, key_id: Uuid) -> bool {
        let mut credentials = self.write();
        let before = credentials.passwords.len();
        credentials.passwords.retain(|p| p.key_id != key_id);
        credentials.passwords.len() != before
    }

    /// Moves one secret's `endDateTime`; returns whether it existed.
    pub fn set_secret_end(&self, key_id: Uuid, end: u64) -> bool {
        let mut credentials = self.write();
        let found = credentials
            .passwords
            .iter_mut()
            .find(|p| p.key_id == key_id);
        found.map(|p| p.end = end).is_some()
    }

    /// Every secret's `endDateTime` set one day before `now`.
    pub fn expire_secrets(&self, now: u64) {
        for secret in &mut self.write().passwords {
            secret.end = now.saturating_sub(86_400).max(secret.start.min(now));
        }
    }

    /// The secret check of the token endpoint: a known value within its dates, else 7000222/7000215.
    pub fn check_secret(&self, given: &str, client_id: &str, now: u64) -> Result<(), TokenError> {
        let credentials = self.read();
        // Every secret is compared, so timing tells nothing about which one (almost) matched.
        let matched: Vec<&PasswordCredential> = credentials
            .passwords
            .iter()
            .filter(|p| same_secret(given, &p.value))
            .collect();
        match matched.last() {
            Some(secret) if secret.end > now => Ok(()),
            Some(_) => Err(TokenError::ExpiredSecret {
                client_id: client_id.to_string(),
            }),
            None => Err(TokenError::InvalidSecret {
                client_id: client_id.to_string(),
            }),
        }
    }
}

/// Compares without stopping at the first difference, so response time tells nothing about the secret.
fn same_secret(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// 40 URL-safe characters with `8Q~` at 3..6, the shape of current Entra secrets (see `tenant::ids`).
fn random_secret() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.~";
    let mut bytes = Vec::with_capacity(48);
    for _ in 0..3 {
        bytes.extend_from_slice(Uuid::new_v4().as_bytes());
    }
    let pick = |b: &u8| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]);
    let mut secret: String = bytes[..3].iter().map(pick).collect();
    secret.push_str("8Q~");
    secret.extend(bytes[3..37].iter().map(pick));
    secret
}

/// The base64 body of a PEM block.
fn pem_body(pem: &str) -> Vec<u8> {
    let body: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    STANDARD.decode(body.trim()).unwrap_or_default()
}

/// A stable v4-shaped id derived from bytes.
fn uuid_from_hash(bytes: &[u8]) -> Uuid {
    let digest = Sha256::digest(bytes);
    let mut id = [0u8; 16];
    id.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(id).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_certificate_is_readable() {
        let cert = KeyCredential::test_certificate(0);
        assert!(cert.der.len() > 500);
        assert_eq!(cert.sha1_thumbprint().len(), 20);
        assert_eq!(cert.end, CERTIFICATE_LIFETIME_SECS);
    }

    #[test]
    fn rotated_secrets_look_like_entra_secrets() {
        let secret = random_secret();
        assert_eq!(secret.len(), 40);
        assert_eq!(&secret[3..6], "8Q~");
    }
}
