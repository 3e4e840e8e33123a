//! The admin's "Upload certificate" on Entra Sync's app registration, and its removal.
//!
//! | method | path | body | effect |
//! |---|---|---|---|
//! | POST | `/_sim/applications/certificates` | `{"pem"}` or `{"der"}` (base64), `"displayName"?` | registers a public certificate → `{keyId, thumbprint, thumbprintSha256, startDateTime, endDateTime}` |
//! | DELETE | `/_sim/applications/certificates/{keyId}` | – | removes it (404 if unknown) |

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::routing::{delete, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::json;

use super::{Answer, ControlError, parse};
use crate::state::SimState;
use crate::time::UtcTime;

pub fn routes() -> Router<SimState> {
    Router::new()
        .route("/_sim/applications/certificates", post(upload))
        .route("/_sim/applications/certificates/{key_id}", delete(remove))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UploadBody {
    pem: Option<String>,
    der: Option<String>,
    display_name: Option<String>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

async fn upload(State(state): State<SimState>, body: Bytes) -> Answer {
    let body: UploadBody = parse(&body)?;
    let bytes = match (body.pem, body.der) {
        (Some(pem), None) => pem.into_bytes(),
        (None, Some(der)) => STANDARD.decode(der.trim()).map_err(|e| {
            ControlError::BadRequest(format!("der must be the certificate in base64: {e}"))
        })?,
        _ => {
            return Err(ControlError::BadRequest(
                "send the public certificate as exactly one of \"pem\" or \"der\" (base64)".into(),
            ));
        }
    };
    let credential = state
        .upload_certificate(&bytes, body.display_name)
        .map_err(|e| ControlError::BadRequest(e.to_string()))?;
    Ok(Json(json!({
        "keyId": credential.key_id,
        "displayName": credential.display_name,
        "thumbprint": hex(&credential.sha1_thumbprint()),
        "thumbprintSha256": hex(&credential.sha256_thumbprint()),
        "startDateTime": UtcTime::from_unix(credential.start).iso8601(),
        "endDateTime": UtcTime::from_unix(credential.end).iso8601(),
    })))
}

async fn remove(State(state): State<SimState>, Path(key_id): Path<String>) -> Answer {
    let found = uuid::Uuid::parse_str(&key_id).is_ok_and(|id| state.remove_certificate(id));
    if found {
        Ok(Json(json!({"removed": key_id})))
    } else {
        Err(ControlError::NotFound(format!("no certificate {key_id}")))
    }
}
