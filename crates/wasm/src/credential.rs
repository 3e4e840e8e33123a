//! `createCertificate`: a new key pair and self-signed certificate for the Connection section. The
//! private key goes back to the handler only to be put in Forge secret storage; the page gets the
//! certificate's public part.

use entra_sync_core::auth::{CertificateInfo, Lifetime, create_certificate};
use rand_core::OsRng;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::bridge::{self, BridgeError};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateInput {
    #[serde(default)]
    years: serde_json::Value,
    now_ms: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    ok: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<Problem>,
    /// PKCS#8 PEM, for `kvs.setSecret` and nothing else.
    #[serde(skip_serializing_if = "Option::is_none")]
    private_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    certificate: Option<CertificateInfo>,
}

#[derive(Serialize)]
struct Problem {
    field: &'static str,
    message: String,
}

/// `{years: 1 | 2, nowMs}` → `{ok, privateKey, certificate: {subject, pem, der, thumbprintSha1,
/// thumbprintSha256, notBefore, notAfter}}`, or `{ok: false, errors: [{field, message}]}`.
#[wasm_bindgen(js_name = createCertificate)]
pub fn create_certificate_js(input: JsValue) -> Result<JsValue, BridgeError> {
    let input: CreateInput = bridge::from_js(input, "certificate request")?;
    let lifetime = match Lifetime::parse(&input.years) {
        Ok(lifetime) => lifetime,
        Err(error) => {
            return bridge::to_js(&Created {
                ok: false,
                errors: vec![Problem {
                    field: "certificateYears",
                    message: error.to_string(),
                }],
                private_key: None,
                certificate: None,
            });
        }
    };
    let now_unix = (input.now_ms.max(0.0) / 1000.0) as u64;
    let created = create_certificate(lifetime, now_unix, &mut OsRng)
        .map_err(|e| BridgeError::failed("certificate", e))?;
    bridge::to_js(&Created {
        ok: true,
        errors: Vec::new(),
        private_key: Some(created.private_key.expose_pem().to_string()),
        certificate: Some(created.certificate.info()),
    })
}
