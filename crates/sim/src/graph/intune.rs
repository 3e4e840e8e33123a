//! Intune licensing: a tenant without an Intune licence answers every `deviceManagement` call with
//! 400 `BadRequest` "Request not applicable to target tenant." That text is what Graph returns for
//! Intune-backed APIs in unlicensed tenants (reported on Microsoft Q&A and in msgraph SDK issues,
//! e.g. msgraph-beta-sdk-go#198); Microsoft's reference pages do not document it.

use std::sync::atomic::Ordering;

use axum::extract::{FromRequestParts, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::Caller;
use super::error::GraphError;
use crate::state::SimState;

impl SimState {
    /// Whether the tenant has an Intune licence (default true). Without one, managed devices answer 400.
    pub fn set_intune_licensed(&self, licensed: bool) {
        self.intune_licensed_flag()
            .store(licensed, Ordering::Relaxed);
    }

    pub fn intune_licensed(&self) -> bool {
        self.intune_licensed_flag().load(Ordering::Relaxed)
    }
}

/// Middleware: only callers with a valid token learn about the licence; others get the handler's 401.
pub async fn licence(request: Request, next: Next) -> Response {
    let intune = request.uri().path().starts_with("/deviceManagement");
    let state = request.extensions().get::<SimState>().cloned();
    let Some(state) = state.filter(|state| intune && !state.intune_licensed()) else {
        return next.run(request).await;
    };
    let (mut parts, body) = request.into_parts();
    if Caller::from_request_parts(&mut parts, &state)
        .await
        .is_err()
    {
        return next.run(Request::from_parts(parts, body)).await;
    }
    GraphError::NotApplicableToTenant.into_response()
}
