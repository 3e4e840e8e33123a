//! Entra Sync's own certificate credential: an RSA key pair and a self-signed X.509 certificate
//! whose public half the admin uploads under Certificates & secrets. Entra only checks that an
//! assertion is signed by the key of a registered certificate, so self-signed is what Microsoft's
//! certificate-credentials page describes for apps.

use std::str::FromStr;
use std::time::{Duration, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use rand_core::CryptoRngCore;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde::Serialize;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::der::{Decode, DecodePem, Encode};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::{Time, Validity};

use super::CertificateError;
use super::private_key::PrivateKey;
use crate::time::iso_utc;

/// 2048 bits: what Entra requires at least, and the size whose generation stays inside the 25 s a
/// resolver has when it runs as WebAssembly (4096-bit keys take several times longer).
pub const KEY_BITS: usize = 2048;

/// How long a new certificate is valid: the admin chooses one or two years.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lifetime {
    OneYear,
    TwoYears,
}

impl Lifetime {
    /// Reads the admin's choice (`1` or `2`, as a number or text).
    pub fn parse(value: &serde_json::Value) -> Result<Self, CertificateError> {
        let years = match value {
            // A JS number may arrive as a float (`2.0`); only whole years count.
            serde_json::Value::Number(n) => n.as_u64().or_else(|| {
                n.as_f64()
                    .filter(|y| y.fract() == 0.0 && *y >= 0.0)
                    .map(|y| y as u64)
            }),
            serde_json::Value::String(s) => s.trim().parse::<u64>().ok(),
            _ => None,
        };
        match years {
            Some(1) => Ok(Lifetime::OneYear),
            Some(2) => Ok(Lifetime::TwoYears),
            _ => Err(CertificateError::Lifetime(crate::settings::shown(
                &value.to_string(),
            ))),
        }
    }

    fn days(self) -> u64 {
        match self {
            Lifetime::OneYear => 365,
            Lifetime::TwoYears => 730,
        }
    }
}

/// A public certificate, DER, with what the page and the token request need from it.
#[derive(Clone, PartialEq, Eq)]
pub struct PublicCertificate {
    der: Vec<u8>,
    public_key: RsaPublicKey,
    subject: String,
    not_before: u64,
    not_after: u64,
}

impl std::fmt::Debug for PublicCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PublicCertificate")
            .field("subject", &self.subject)
            .field("sha256", &self.sha256_hex())
            .finish()
    }
}

impl PublicCertificate {
    /// Reads a certificate in PEM (as stored beside the settings) or base64 DER.
    pub fn from_text(text: &str) -> Result<Self, CertificateError> {
        let text = text.trim();
        let parsed = if text.starts_with("-----BEGIN") {
            x509_cert::Certificate::from_pem(text.as_bytes())
        } else {
            let der = STANDARD
                .decode(text)
                .map_err(|e| CertificateError::CertificateUnreadable(e.to_string()))?;
            x509_cert::Certificate::from_der(&der)
        }
        .map_err(|e| CertificateError::CertificateUnreadable(e.to_string()))?;
        Self::from_parsed(&parsed)
    }

    fn from_parsed(certificate: &x509_cert::Certificate) -> Result<Self, CertificateError> {
        let unreadable =
            |e: &dyn std::fmt::Display| CertificateError::CertificateUnreadable(e.to_string());
        let der = certificate.to_der().map_err(|e| unreadable(&e))?;
        let tbs = &certificate.tbs_certificate;
        let spki = tbs
            .subject_public_key_info
            .to_der()
            .map_err(|e| unreadable(&e))?;
        let public_key =
            RsaPublicKey::from_public_key_der(&spki).map_err(|_| CertificateError::NotRsa)?;
        Ok(Self {
            der,
            public_key,
            subject: tbs.subject.to_string(),
            not_before: tbs.validity.not_before.to_unix_duration().as_secs(),
            not_after: tbs.validity.not_after.to_unix_duration().as_secs(),
        })
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn pem(&self) -> String {
        let body = STANDARD.encode(&self.der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|line| std::str::from_utf8(line).unwrap_or_default())
            .collect();
        format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            lines.join("\n")
        )
    }

    /// SHA-1 of the DER: the "Thumbprint" column under Certificates & secrets.
    pub fn sha1_hex(&self) -> String {
        hex(&Sha1::digest(&self.der))
    }

    pub fn sha256_hex(&self) -> String {
        hex(&Sha256::digest(&self.der))
    }

    /// The `x5t#S256` header of a client assertion: base64url SHA-256 of the DER.
    pub fn x5t_s256(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(&self.der))
    }

    /// Unix seconds.
    pub fn not_before(&self) -> u64 {
        self.not_before
    }

    pub fn not_after(&self) -> u64 {
        self.not_after
    }

    /// Whether `key` is this certificate's private half.
    pub fn belongs_to(&self, key: &PrivateKey) -> bool {
        let public = key.rsa().to_public_key();
        public.n() == self.public_key.n() && public.e() == self.public_key.e()
    }

    /// What the page shows and offers for download; nothing secret.
    pub fn info(&self) -> CertificateInfo {
        CertificateInfo {
            subject: self.subject.clone(),
            pem: self.pem(),
            der: STANDARD.encode(&self.der),
            thumbprint_sha1: self.sha1_hex(),
            thumbprint_sha256: self.sha256_hex(),
            not_before: iso_utc(self.not_before * 1000),
            not_after: iso_utc(self.not_after * 1000),
        }
    }
}

/// The public certificate as the page sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateInfo {
    pub subject: String,
    pub pem: String,
    /// Base64 DER, the `.cer` file.
    pub der: String,
    pub thumbprint_sha1: String,
    pub thumbprint_sha256: String,
    pub not_before: String,
    pub not_after: String,
}

/// A certificate just created, with its private key (for secret storage only).
#[derive(Debug)]
pub struct NewCertificate {
    pub private_key: PrivateKey,
    pub certificate: PublicCertificate,
}

/// Creates a 2048-bit RSA key and a self-signed certificate valid from `now_unix` for `lifetime`.
pub fn create_certificate(
    lifetime: Lifetime,
    now_unix: u64,
    rng: &mut impl CryptoRngCore,
) -> Result<NewCertificate, CertificateError> {
    let build = |e: &dyn std::fmt::Display| CertificateError::Build(e.to_string());
    let key = RsaPrivateKey::new(rng, KEY_BITS).map_err(|e| build(&e))?;
    let spki = SubjectPublicKeyInfoOwned::from_key(key.to_public_key()).map_err(|e| build(&e))?;
    // The date in the name tells rotated certificates apart in the portal's list.
    let day = &iso_utc(now_unix * 1000)[..10];
    let subject =
        Name::from_str(&format!("CN=Entra Sync for Jira {day}")).map_err(|e| build(&e))?;
    let time = |secs: u64| Time::try_from(UNIX_EPOCH + Duration::from_secs(secs));
    let validity = Validity {
        not_before: time(now_unix).map_err(|e| build(&e))?,
        not_after: time(now_unix + lifetime.days() * 86_400).map_err(|e| build(&e))?,
    };
    let mut serial = [0u8; 16];
    rng.fill_bytes(&mut serial);
    // A positive, non-zero serial of at most 20 octets (RFC 5280 4.1.2.2).
    serial[0] = (serial[0] & 0x7f) | 0x01;
    let serial = SerialNumber::new(&serial).map_err(|e| build(&e))?;
    let signer = SigningKey::<Sha256>::new(key.clone());
    let profile = Profile::Leaf {
        issuer: subject.clone(),
        enable_key_agreement: false,
        enable_key_encipherment: false,
    };
    let certificate = CertificateBuilder::new(profile, serial, validity, subject, spki, &signer)
        .map_err(|e| build(&e))?
        .build_with_rng::<rsa::pkcs1v15::Signature>(rng)
        .map_err(|e| build(&e))?;
    Ok(NewCertificate {
        private_key: PrivateKey::from_key(key)?,
        certificate: PublicCertificate::from_parsed(&certificate)?,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::OsRng;

    const NOW: u64 = 1_796_000_000; // 2026-11-30

    #[test]
    fn creates_a_self_signed_certificate_for_the_chosen_lifetime() {
        let created = create_certificate(Lifetime::TwoYears, NOW, &mut OsRng).expect("created");
        let cert = &created.certificate;
        assert_eq!(cert.not_before(), NOW);
        assert_eq!(cert.not_after(), NOW + 730 * 86_400);
        assert!(cert.belongs_to(&created.private_key));
        assert_eq!(cert.sha1_hex().len(), 40);
        assert_eq!(cert.sha256_hex().len(), 64);
        // Round trip through the stored forms.
        let again = PublicCertificate::from_text(&cert.pem()).expect("pem");
        assert_eq!(&again, cert);
        let der = PublicCertificate::from_text(&cert.info().der).expect("der");
        assert_eq!(&der, cert);
        let key = PrivateKey::from_pem(created.private_key.expose_pem()).expect("key");
        assert_eq!(key, created.private_key);
        assert!(
            cert.info()
                .subject
                .starts_with("CN=Entra Sync for Jira 2026-")
        );
        let other = create_certificate(Lifetime::OneYear, NOW, &mut OsRng).expect("created");
        assert!(!cert.belongs_to(&other.private_key));
        assert_eq!(other.certificate.not_after(), NOW + 365 * 86_400);
    }

    #[test]
    fn the_key_never_shows_in_debug_or_the_info() {
        let created = create_certificate(Lifetime::OneYear, NOW, &mut OsRng).expect("created");
        let pem = created.private_key.expose_pem().to_string();
        let body_line = pem.lines().nth(1).expect("pem body");
        assert_eq!(format!("{:?}", created.private_key), "[redacted]");
        assert_eq!(format!("{}", created.private_key), "[redacted]");
        let everything = format!("{created:?} {:?}", created.certificate.info());
        assert!(!everything.contains(body_line), "{everything}");
        assert!(!everything.contains("PRIVATE KEY"), "{everything}");
        let info = serde_json::to_string(&created.certificate.info()).expect("json");
        assert!(!info.contains(body_line));
    }

    #[test]
    fn lifetime_is_one_or_two_years() {
        use serde_json::json;
        assert_eq!(Lifetime::parse(&json!(1)), Ok(Lifetime::OneYear));
        assert_eq!(Lifetime::parse(&json!("2")), Ok(Lifetime::TwoYears));
        assert_eq!(Lifetime::parse(&json!(2.0)), Ok(Lifetime::TwoYears));
        for bad in [json!(3), json!(0), json!(1.5), json!(null), json!("x")] {
            let error = Lifetime::parse(&bad).unwrap_err();
            assert!(error.to_string().contains("1 or 2 years"), "{error}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_key_or_certificate_without_quoting_it() {
        let error = PrivateKey::from_pem(
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----",
        )
        .unwrap_err();
        assert_eq!(error, CertificateError::KeyUnreadable);
        assert!(!error.to_string().contains("c2VjcmV0"));
        assert_eq!(
            PrivateKey::from_pem("  "),
            Err(CertificateError::KeyMissing)
        );
        assert!(matches!(
            PublicCertificate::from_text("not a certificate"),
            Err(CertificateError::CertificateUnreadable(_))
        ));
    }
}
