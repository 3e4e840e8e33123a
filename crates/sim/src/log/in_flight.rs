//! How many requests each service is answering at once, and the most since the last clear: what a
//! client that overlaps its requests (a prefetched page) shows, counted where it arrives rather
//! than inferred from timings.

use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

/// The service a request is for, by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Graph,
    Identity,
    Assets,
}

impl Service {
    pub fn of(path: &str) -> Service {
        if path.starts_with("/v1.0/") {
            Service::Graph
        } else if path.contains("/oauth2/") {
            Service::Identity
        } else {
            Service::Assets
        }
    }
}

#[derive(Default)]
pub struct InFlight {
    now: [AtomicUsize; 3],
    max: [AtomicUsize; 3],
}

/// In flight until dropped.
pub struct Entered<'a> {
    gauge: &'a InFlight,
    at: usize,
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        self.gauge.now[self.at].fetch_sub(1, Ordering::AcqRel);
    }
}

/// `GET /_sim/in-flight`: per service, requests being answered now and the most at once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Gauge {
    pub now: usize,
    pub max: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct InFlightReport {
    pub graph: Gauge,
    pub identity: Gauge,
    pub assets: Gauge,
}

impl InFlight {
    pub fn enter(&self, service: Service) -> Entered<'_> {
        let at = service as usize;
        let now = self.now[at].fetch_add(1, Ordering::AcqRel) + 1;
        self.max[at].fetch_max(now, Ordering::AcqRel);
        Entered { gauge: self, at }
    }

    pub fn report(&self) -> InFlightReport {
        let gauge = |service: Service| Gauge {
            now: self.now[service as usize].load(Ordering::Acquire),
            max: self.max[service as usize].load(Ordering::Acquire),
        };
        InFlightReport {
            graph: gauge(Service::Graph),
            identity: gauge(Service::Identity),
            assets: gauge(Service::Assets),
        }
    }

    /// The most at once starts again from what is in flight now.
    pub fn clear(&self) {
        for at in 0..3 {
            self.max[at].store(self.now[at].load(Ordering::Acquire), Ordering::Release);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_most_requests_at_once_per_service() {
        let gauge = InFlight::default();
        let a = gauge.enter(Service::of("/v1.0/devices"));
        let b = gauge.enter(Service::Graph);
        let _c = gauge.enter(Service::of("/tenant/oauth2/v2.0/token"));
        drop(a);
        drop(b);
        let _d = gauge.enter(Service::Graph);
        let report = gauge.report();
        assert_eq!(report.graph, Gauge { now: 1, max: 2 });
        assert_eq!(report.identity, Gauge { now: 1, max: 1 });
        assert_eq!(report.assets, Gauge::default());
        gauge.clear();
        assert_eq!(gauge.report().graph, Gauge { now: 1, max: 1 });
    }
}
