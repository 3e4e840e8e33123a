//! A step's access to Graph: its token, requested under the retry policy and renewed shortly
//! before it expires, and Graph pages read with it. A 401 (Graph no longer accepts the token:
//! "Lifetime validation failed", a key rollover) renews the token once and asks again; a second
//! 401 with a fresh token is a real error, with its fix.

use serde::de::DeserializeOwned;

use super::datasets::Dataset;
use super::error::SyncError;
use super::step::Step;
use super::store::KvStore;
use crate::auth::{AccessToken, request_token};
use crate::clock::Clock;
use crate::graph::{GraphClient, Page};
use crate::http::HttpTransport;
use crate::retry::RetryPolicy;

/// A token is renewed this long before it expires: Graph's validators allow 5 minutes of clock
/// skew, and a page requested just before the end must still be accepted.
const RENEW_BEFORE_MS: u64 = 5 * 60_000;

impl<G: HttpTransport, A: HttpTransport, S: KvStore, C: Clock> Step<'_, '_, G, A, S, C> {
    /// The step's Graph token: the one it holds, unless that expires within [`RENEW_BEFORE_MS`].
    pub(super) async fn token(&self) -> Result<AccessToken, SyncError> {
        let now = self.now();
        if let Some((token, expires_ms)) = self.token.borrow().as_ref() {
            if now + RENEW_BEFORE_MS < *expires_ms {
                return Ok(token.clone());
            }
        }
        self.renew_token().await
    }

    /// A new token, whatever the step holds.
    async fn renew_token(&self) -> Result<AccessToken, SyncError> {
        let asked_ms = self.now();
        let token = request_token(
            self.host.graph,
            self.host.clock,
            self.settings,
            &RetryPolicy::default(),
            &self.graph_meter,
        )
        .await?;
        let expires_ms = asked_ms + token.expires_in_seconds.saturating_mul(1000);
        *self.token.borrow_mut() = Some((token.clone(), expires_ms));
        Ok(token)
    }

    /// One Graph page of `dataset`, throttled and failed answers retried as the default policy
    /// says, within the step's time.
    pub(super) async fn graph_page<I: DeserializeOwned>(
        &self,
        dataset: Dataset,
        url: &str,
    ) -> Result<Page<I>, SyncError> {
        let policy = RetryPolicy::default();
        let token = self.token().await?;
        let graph = GraphClient::new(
            self.host.graph,
            self.host.clock,
            &token,
            &policy,
            &self.graph_meter,
        );
        match graph.page(url).await {
            Err(error) if error.is_invalid_token() => {
                let fresh = self.renew_token().await?;
                let graph = GraphClient::new(
                    self.host.graph,
                    self.host.clock,
                    &fresh,
                    &policy,
                    &self.graph_meter,
                );
                graph.page(url).await.map_err(|error| {
                    if error.is_invalid_token() {
                        SyncError::TokenRejected(error)
                    } else {
                        SyncError::Graph { dataset, error }
                    }
                })
            }
            other => other.map_err(|error| SyncError::Graph { dataset, error }),
        }
    }
}
