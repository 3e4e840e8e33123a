//! Microsoft Graph v1.0: typed pages and errors.

mod error;
mod page;
mod pages;

pub use error::GraphError;
pub use page::Page;
pub use pages::{Pages, PagesError, Turn};

use serde::de::DeserializeOwned;

use crate::auth::AccessToken;
use crate::clock::Clock;
use crate::http::{HttpRequest, HttpTransport};
use crate::retry::{Meter, RetryPolicy, send_with_retry};

/// Reads Graph with one access token. Stateless apart from the token, so it is cheap to rebuild
/// for every Forge invocation. Throttled and transient answers are retried as `policy` says.
pub struct GraphClient<'a, T, C> {
    transport: &'a T,
    clock: &'a C,
    token: &'a AccessToken,
    policy: &'a RetryPolicy,
    meter: &'a Meter,
}

impl<'a, T: HttpTransport, C: Clock> GraphClient<'a, T, C> {
    pub fn new(
        transport: &'a T,
        clock: &'a C,
        token: &'a AccessToken,
        policy: &'a RetryPolicy,
        meter: &'a Meter,
    ) -> Self {
        Self {
            transport,
            clock,
            token,
            policy,
            meter,
        }
    }

    /// Fetches one page. `url` is either built from [`crate::endpoints::GRAPH`] or an
    /// `@odata.nextLink` taken verbatim from the previous page.
    pub async fn page<I: DeserializeOwned>(&self, url: &str) -> Result<Page<I>, GraphError> {
        let request = HttpRequest::get(url)
            .header("Authorization", self.token.bearer())
            .header("Accept", "application/json");
        let response =
            send_with_retry(self.transport, self.clock, self.policy, self.meter, request).await?;
        let request_id = response.header("request-id").map(str::to_string);
        if !response.is_success() {
            return Err(GraphError::from_response(&response));
        }
        let mut page: Page<I> =
            serde_json::from_str(&response.body).map_err(|e| GraphError::Malformed {
                status: response.status,
                detail: e.to_string(),
                request_id: request_id.clone(),
            })?;
        page.request_id = request_id;
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::time::Duration;

    use super::*;
    use crate::clock::ManualClock;
    use crate::http::{HttpResponse, TransportError};

    #[derive(Debug, serde::Deserialize)]
    struct Item {
        id: String,
    }

    #[test]
    fn waits_as_told_then_reads_the_page() {
        let calls = Cell::new(0);
        let clock = ManualClock::at(0);
        let transport = |_request: HttpRequest| {
            calls.set(calls.get() + 1);
            let n = calls.get();
            async move {
                Ok::<_, TransportError>(if n == 1 {
                    HttpResponse {
                        status: 429,
                        headers: vec![("Retry-After".into(), "2.5".into())],
                        body: include_str!(
                            "../../../../fixtures/graph-examples/graph_429_throttled.json"
                        )
                        .into(),
                    }
                } else {
                    HttpResponse {
                        status: 200,
                        headers: vec![],
                        body: r#"{"value":[{"id":"a"}]}"#.into(),
                    }
                })
            }
        };
        let token = AccessToken::new("t", 3599);
        let policy = RetryPolicy::default();
        let meter = Meter::default();
        let graph = GraphClient::new(&transport, &clock, &token, &policy, &meter);
        let page: Page<Item> =
            pollster::block_on(graph.page("https://graph.microsoft.com/v1.0/users")).expect("page");
        assert_eq!(page.value[0].id, "a");
        assert_eq!(calls.get(), 2);
        assert_eq!((meter.requests.get(), meter.throttled.get()), (2, 1));
        assert_eq!(meter.waited_ms.get(), 2500);
        assert_eq!(clock.sleeps(), vec![Duration::from_millis(2500)]);
    }

    #[test]
    fn gives_up_with_the_last_error_and_its_request_id() {
        let clock = ManualClock::at(0);
        let transport = |_request: HttpRequest| async {
            Ok::<_, TransportError>(HttpResponse {
                status: 503,
                headers: vec![("request-id".into(), "r-503".into())],
                body: r#"{"error":{"code":"serviceNotAvailable","message":"busy"}}"#.into(),
            })
        };
        let token = AccessToken::new("t", 3599);
        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        let meter = Meter::default();
        let graph = GraphClient::new(&transport, &clock, &token, &policy, &meter);
        let error =
            pollster::block_on(graph.page::<Item>("https://graph.microsoft.com/v1.0/users"))
                .expect_err("503 forever");
        assert_eq!(error.request_id(), Some("r-503"));
        assert_eq!(
            clock.sleeps(),
            vec![Duration::from_secs(1), Duration::from_secs(2)]
        );
    }
}
