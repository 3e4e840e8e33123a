//! Microsoft Graph v1.0: typed pages and errors.

mod error;
mod page;

pub use error::GraphError;
pub use page::Page;

use serde::de::DeserializeOwned;

use crate::auth::AccessToken;
use crate::http::{HttpRequest, HttpTransport};

/// Reads Graph with one access token. Stateless apart from the token, so it is cheap to rebuild
/// for every Forge invocation.
pub struct GraphClient<'a, T> {
    transport: &'a T,
    token: &'a AccessToken,
}

impl<'a, T: HttpTransport> GraphClient<'a, T> {
    pub fn new(transport: &'a T, token: &'a AccessToken) -> Self {
        Self { transport, token }
    }

    /// Fetches one page. `url` is either built from [`crate::endpoints::GRAPH`] or an
    /// `@odata.nextLink` taken verbatim from the previous page.
    pub async fn page<I: DeserializeOwned>(&self, url: &str) -> Result<Page<I>, GraphError> {
        let request = HttpRequest::get(url)
            .header("Authorization", self.token.bearer())
            .header("Accept", "application/json");
        let response = self.transport.send(request).await?;
        let request_id = response.header("request-id").map(str::to_string);
        if !response.is_success() {
            return Err(GraphError::from_response(&response));
        }
        serde_json::from_str(&response.body).map_err(|e| GraphError::Malformed {
            status: response.status,
            detail: e.to_string(),
            request_id,
        })
    }
}
