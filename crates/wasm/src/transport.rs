//! [`HttpTransport`] over the host's global `fetch` (gloo-net). Inside Forge that `fetch` is the
//! platform's egress-checked one; in the local runtime it is the runtime's, mapped onto the simulator.

use entra_sync_core::{HttpRequest, HttpResponse, HttpTransport, Method, TransportError};
use gloo_net::http::{Method as GlooMethod, RequestBuilder};

pub struct FetchTransport;

fn method(method: Method) -> GlooMethod {
    match method {
        Method::Get => GlooMethod::GET,
        Method::Post => GlooMethod::POST,
        Method::Put => GlooMethod::PUT,
        Method::Patch => GlooMethod::PATCH,
        Method::Delete => GlooMethod::DELETE,
    }
}

impl HttpTransport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let failed = |message: String| TransportError {
            url: request.url.clone(),
            message,
        };
        let mut builder = RequestBuilder::new(&request.url).method(method(request.method));
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let prepared = match &request.body {
            Some(body) => builder.body(body.clone()),
            None => builder.build(),
        }
        .map_err(|e| failed(e.to_string()))?;
        let response = prepared.send().await.map_err(|e| failed(e.to_string()))?;
        let headers = response.headers().entries().collect();
        let status = response.status();
        let body = response.text().await.map_err(|e| failed(e.to_string()))?;
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}
