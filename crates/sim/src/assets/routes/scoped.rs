//! The prologue every Assets route shares, as extractors: who calls (and the rate limit, in
//! [`Caller`]), the path, the workspace it names and, on import routes, whether a container token
//! may open that import source; and a JSON body refused in Assets' own error shape.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::caller::Caller;
use crate::assets::error::AssetsError;
use crate::state::SimState;

/// A path that names a workspace and, on import routes, an import source.
pub trait Scope {
    fn workspace(&self) -> &str;
    fn source(&self) -> Option<&str> {
        None
    }
}

/// A request whose caller may act on the workspace (and import source) its path names.
pub struct Scoped<P> {
    pub path: P,
    pub state: SimState,
}

impl<P> FromRequestParts<SimState> for Scoped<P>
where
    P: DeserializeOwned + Scope + Send,
{
    type Rejection = AssetsError;

    async fn from_request_parts(parts: &mut Parts, state: &SimState) -> Result<Self, AssetsError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let Path(path) = Path::<P>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| AssetsError::BadRequest(rejection.body_text()))?;
        if state.assets().lock().workspace_id != path.workspace() {
            return Err(AssetsError::NotFound(format!(
                "Workspace {} not found",
                path.workspace()
            )));
        }
        if let Some(source) = path.source() {
            caller.check_source(source)?;
        }
        Ok(Self {
            path,
            state: state.clone(),
        })
    }
}

/// A request body that must be JSON; anything else is Assets' 400.
pub struct JsonBody(pub Value);

impl FromRequest<SimState> for JsonBody {
    type Rejection = AssetsError;

    async fn from_request(request: Request, state: &SimState) -> Result<Self, AssetsError> {
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| AssetsError::BadRequest(rejection.body_text()))?;
        serde_json::from_slice(&body).map(JsonBody).map_err(|err| {
            AssetsError::BadRequest(format!("The request body is not valid JSON: {err}"))
        })
    }
}
