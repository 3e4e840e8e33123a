//! The request log: every Graph, identity and Assets request the sim answered (control routes
//! excluded), in a bounded ring buffer, plus counters per endpoint template and status.
//!
//! What is recorded is deliberately little: method, path, the query with the values of sensitive
//! parameters replaced, the route template, status, duration and the correlation ids. Headers
//! (`Authorization` above all), tokens, secrets and request bodies (the token endpoint's form) are
//! never read into the log.

mod in_flight;

pub use in_flight::{Gauge, InFlightReport, Service};

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};

use serde::Serialize;

/// How many requests the log keeps; older ones are dropped first. Counters are not bounded by this.
pub const LOG_CAPACITY: usize = 10_000;

/// Template under which requests that matched no route are counted.
pub const UNMATCHED: &str = "(unmatched)";

/// One answered (or dropped) request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedRequest {
    /// Position in the sim's life, from 1; survives [`RequestLog::clear`] so clients can poll for "new since".
    pub seq: u64,
    /// Unix milliseconds when the request arrived.
    pub at_unix_ms: u64,
    pub method: String,
    /// The path only; see `query`.
    pub path: String,
    /// The query string with the values of secret-looking parameters replaced by `[redacted]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The route that answered, e.g. `/v1.0/groups/{id}/members`; [`UNMATCHED`] when none did.
    pub template: String,
    /// `None` when the connection was dropped without an answer (a `reset` fault).
    pub status: Option<u16>,
    /// Until the response head was ready, injected latency included.
    pub duration_ms: f64,
    /// The `request-id` (Graph) or `x-ms-request-id` (identity) the answer carried.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// As the caller sent it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
    /// The fault that shaped this answer, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault_id: Option<u64>,
}

/// Requests per endpoint template (`"GET /v1.0/users"`), by status (`"200"`, or `"reset"` for a dropped connection).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointCounter {
    pub total: u64,
    pub by_status: BTreeMap<String, u64>,
}

#[derive(Default)]
pub struct RequestLog {
    inner: Mutex<Inner>,
    in_flight: in_flight::InFlight,
}

#[derive(Default)]
struct Inner {
    entries: VecDeque<LoggedRequest>,
    last_seq: u64,
    counters: BTreeMap<String, EndpointCounter>,
}

impl RequestLog {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Each update completes before anything can panic, so a poisoned log is still consistent.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores `entry` (its `seq` is assigned here) and counts it.
    pub(crate) fn record(&self, mut entry: LoggedRequest) {
        let mut inner = self.lock();
        inner.last_seq += 1;
        entry.seq = inner.last_seq;
        let counter = inner
            .counters
            .entry(format!("{} {}", entry.method, entry.template))
            .or_default();
        counter.total += 1;
        let status = entry
            .status
            .map_or_else(|| "reset".to_string(), |s| s.to_string());
        *counter.by_status.entry(status).or_default() += 1;
        if inner.entries.len() == LOG_CAPACITY {
            inner.entries.pop_front();
        }
        inner.entries.push_back(entry);
    }

    /// The most recent `limit` requests, oldest first; only those under `path_prefix` when given
    /// (segment-wise: `/v1.0/users` matches `/v1.0/users/{id}`, not `/v1.0/usersX`).
    pub fn entries(&self, path_prefix: Option<&str>, limit: usize) -> Vec<LoggedRequest> {
        let inner = self.lock();
        let mut found: Vec<LoggedRequest> = inner
            .entries
            .iter()
            .rev()
            .filter(|e| path_prefix.is_none_or(|p| path_matches(p, &e.path, false)))
            .take(limit)
            .cloned()
            .collect();
        found.reverse();
        found
    }

    /// Every request still in the log, oldest first.
    pub fn all(&self) -> Vec<LoggedRequest> {
        self.entries(None, LOG_CAPACITY)
    }

    /// Per `"METHOD template"`, since start or the last [`Self::clear`].
    pub fn counters(&self) -> BTreeMap<String, EndpointCounter> {
        self.lock().counters.clone()
    }

    /// Forgets the entries, the counters and the most requests in flight; `seq` keeps counting.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.entries.clear();
        inner.counters.clear();
        self.in_flight.clear();
    }

    /// Counts a request to the service at `path` as in flight until the guard is dropped.
    pub(crate) fn enter(&self, path: &str) -> in_flight::Entered<'_> {
        self.in_flight.enter(Service::of(path))
    }

    /// Requests in flight now and the most at once, per service, since start or [`Self::clear`].
    pub fn in_flight(&self) -> InFlightReport {
        self.in_flight.report()
    }
}

/// Whether `path` is `pattern`, or (unless `exact`) lies below it segment-wise. A trailing `/` on the
/// pattern is ignored.
pub fn path_matches(pattern: &str, path: &str, exact: bool) -> bool {
    let pattern = match pattern.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    if path == pattern || (pattern == "/" && !exact) {
        return true;
    }
    !exact
        && path
            .strip_prefix(pattern)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// Parameter names whose values never reach the log.
fn is_sensitive(name: &str) -> bool {
    let name = name.trim_start_matches('$').to_ascii_lowercase();
    // Paging tokens are opaque but not secret, and useful when reading a log.
    if name == "skiptoken" || name == "deltatoken" {
        return false;
    }
    [
        "secret",
        "token",
        "password",
        "assertion",
        "code",
        "sig",
        "key",
        "auth",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// The query with sensitive values replaced; names and order kept, everything else verbatim.
pub fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| {
            let (raw_name, _) = pair.split_once('=').unwrap_or((pair, ""));
            let name: String = form_urlencoded::parse(raw_name.as_bytes())
                .next()
                .map(|(n, _)| n.into_owned())
                .unwrap_or_default();
            if is_sensitive(&name) {
                format!("{raw_name}=[redacted]")
            } else {
                pair.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The template to count a request under, from axum's matched route. Nested fallbacks show as
/// `{*rest}`; no route at all as [`UNMATCHED`].
pub(crate) fn template(matched: Option<&str>) -> String {
    match matched {
        None => UNMATCHED.to_string(),
        Some(route) => match route.find("{*__private__axum") {
            Some(at) => format!("{}{{*rest}}", &route[..at]),
            None => route.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, status: Option<u16>) -> LoggedRequest {
        LoggedRequest {
            seq: 0,
            at_unix_ms: 0,
            method: "GET".to_string(),
            path: path.to_string(),
            query: None,
            template: path.to_string(),
            status,
            duration_ms: 0.0,
            request_id: None,
            client_request_id: None,
            fault_id: None,
        }
    }

    #[test]
    fn matches_segment_wise() {
        assert!(path_matches("/v1.0/users", "/v1.0/users", false));
        assert!(path_matches("/v1.0/users/", "/v1.0/users/abc", false));
        assert!(!path_matches("/v1.0/users", "/v1.0/usersX", false));
        assert!(!path_matches("/v1.0/users", "/v1.0/users/abc", true));
        assert!(path_matches("/", "/anything", false));
    }

    #[test]
    fn redacts_secret_parameters_only() {
        assert_eq!(
            redact_query("client_secret=abc&$top=5&access_token=x&%24skiptoken=s&code=1"),
            "client_secret=[redacted]&$top=5&access_token=[redacted]&%24skiptoken=s&code=[redacted]"
        );
        assert_eq!(redact_query("$select=id"), "$select=id");
    }

    #[test]
    fn ring_buffer_is_bounded_and_counters_are_not() {
        let log = RequestLog::new();
        for _ in 0..LOG_CAPACITY + 5 {
            log.record(entry("/v1.0/users", Some(200)));
        }
        log.record(entry("/v1.0/users", None));
        let all = log.all();
        assert_eq!(all.len(), LOG_CAPACITY);
        assert_eq!(all.last().map(|e| e.seq), Some(LOG_CAPACITY as u64 + 6));
        let counter = &log.counters()["GET /v1.0/users"];
        assert_eq!(counter.total, LOG_CAPACITY as u64 + 6);
        assert_eq!(counter.by_status["reset"], 1);
        assert_eq!(log.entries(Some("/v1.0/groups"), 10).len(), 0);
        assert_eq!(log.entries(Some("/v1.0/users"), 3).len(), 3);
        log.clear();
        assert!(log.all().is_empty() && log.counters().is_empty());
    }

    #[test]
    fn templates_of_fallbacks() {
        assert_eq!(
            template(Some("/v1.0/{*__private__axum_fallback}")),
            "/v1.0/{*rest}"
        );
        assert_eq!(template(None), UNMATCHED);
    }
}
