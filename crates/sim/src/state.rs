//! The state shared by every request: the tenant, the signing key and what an admin has consented.
//! The grant/revoke methods are the seed of the control API that tests and the demo use to change the
//! tenant while a client is talking to it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, PoisonError, RwLock};

use crate::assets::AssetsState;
use crate::faults::{Faults, Latency};
use crate::identity::{self, IssuedToken, JwtSigner};
use crate::log::{EndpointCounter, RequestLog};
use crate::tenant::Tenant;

/// Application permissions Entra Sync asks for; a fresh sim has admin consent for all of them.
pub const DEFAULT_GRANTS: [&str; 6] = [
    "User.Read.All",
    "GroupMember.Read.All",
    "Device.Read.All",
    "DeviceManagementManagedDevices.Read.All",
    "Organization.Read.All",
    "Application.Read.All",
];

/// Cheap to clone: all clones share one tenant.
#[derive(Clone)]
pub struct SimState {
    inner: Arc<Inner>,
}

struct Inner {
    tenant: Tenant,
    signer: JwtSigner,
    /// Consented Application permissions. Like in Entra, a change shows in tokens issued afterwards only.
    grants: RwLock<BTreeSet<String>>,
    assets: AssetsState,
    /// Fault injection, latency and the request log (`src/faults`, `src/log`, `/_sim/...`).
    faults: Faults,
    latency: Latency,
    log: RequestLog,
}

impl SimState {
    pub fn new(tenant: Tenant) -> Self {
        Self {
            inner: Arc::new(Inner {
                tenant,
                signer: JwtSigner::random(),
                grants: RwLock::new(DEFAULT_GRANTS.iter().map(|p| p.to_string()).collect()),
                assets: AssetsState::new(),
                faults: Faults::new(),
                latency: Latency::new(),
                log: RequestLog::new(),
            }),
        }
    }

    pub fn tenant(&self) -> &Tenant {
        &self.inner.tenant
    }

    /// Admin consent for one Application permission, e.g. `Directory.Read.All`.
    pub fn grant(&self, permission: &str) {
        self.write_grants().insert(permission.to_string());
    }

    /// Withdraws one permission; returns whether it had been granted.
    pub fn revoke(&self, permission: &str) -> bool {
        self.write_grants().remove(permission)
    }

    /// As if admin consent had never been given: tokens then carry no `roles` claim at all.
    pub fn revoke_all(&self) {
        self.write_grants().clear();
    }

    /// Granted permissions, sorted.
    pub fn granted(&self) -> Vec<String> {
        let grants = self
            .inner
            .grants
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        grants.iter().cloned().collect()
    }

    /// What the token endpoint would hand out now to the app's valid credentials.
    pub fn issue_access_token(&self) -> IssuedToken {
        self.issue_access_token_at(crate::time::now_unix())
    }

    /// As [`Self::issue_access_token`], as if issued at `issued_at` (Unix seconds); lets tests hold expired tokens.
    pub fn issue_access_token_at(&self, issued_at: u64) -> IssuedToken {
        identity::issue(self.tenant(), &self.inner.signer, self.granted(), issued_at)
    }

    /// The JSM Assets side: data and control methods.
    pub fn assets(&self) -> &AssetsState {
        &self.inner.assets
    }

    /// Faults injected in front of every Graph, identity and Assets route.
    pub fn faults(&self) -> &Faults {
        &self.inner.faults
    }

    /// The latency model applied to every Graph, identity and Assets request.
    pub fn latency(&self) -> &Latency {
        &self.inner.latency
    }

    /// The request log (bounded; control routes are not in it).
    pub fn requests(&self) -> &RequestLog {
        &self.inner.log
    }

    /// Requests per `"METHOD /route/{template}"`, by status.
    pub fn counters(&self) -> BTreeMap<String, EndpointCounter> {
        self.inner.log.counters()
    }

    /// Back to a fresh sim: default grants, seeded Assets, no faults, no latency, empty log.
    /// The tenant is immutable on this branch, so it already equals `generate(preset, seed)`.
    pub fn reset(&self) {
        *self.write_grants() = DEFAULT_GRANTS.iter().map(|p| p.to_string()).collect();
        self.inner.assets.reset();
        self.inner.faults.clear();
        self.inner.latency.clear();
        self.inner.log.clear();
    }

    pub(crate) fn signer(&self) -> &JwtSigner {
        &self.inner.signer
    }

    fn write_grants(&self) -> std::sync::RwLockWriteGuard<'_, BTreeSet<String>> {
        // A panic elsewhere cannot leave a set of strings half-written, so a poisoned lock is still usable.
        self.inner
            .grants
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
