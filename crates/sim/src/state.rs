//! The state shared by every request: the tenant, the signing key and what an admin has consented.
//! The grant/revoke methods are the seed of the control API that tests and the demo use to change the
//! tenant while a client is talking to it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, PoisonError, RwLock};

use crate::assets::AssetsState;
use crate::faults::{Faults, Latency};
use crate::graph::{DeltaControls, DeltaResetMode};
use crate::identity::{self, ClientAuth, CredentialStore, IssuedToken, JwtSigner};
use crate::log::{EndpointCounter, RequestLog};
use crate::tenant::{ChurnReport, Tenant};
use crate::throttle::Throttle;
use crate::time::SimClock;

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
    /// Replaced whole on every change (copy-on-write): readers clone the `Arc` and keep a consistent
    /// snapshot for the rest of their request without holding the lock.
    tenant: RwLock<Arc<Tenant>>,
    /// Delta-token controls (expiry, reset mode) that tests and the demo flip.
    delta: DeltaControls,
    signer: JwtSigner,
    /// Consented Application permissions. Like in Entra, a change shows in tokens issued afterwards only.
    grants: RwLock<BTreeSet<String>>,
    assets: AssetsState,
    /// The Jira site beside the tenant (requester panel): derived from the tenant as generated.
    jira: RwLock<Arc<crate::jira::JiraSite>>,
    // Limits: credentials, clock, throttling and licensing controls live in their own modules
    // (identity::controls, throttle, graph::intune), which add `impl SimState` blocks of their own.
    clock: SimClock,
    credentials: CredentialStore,
    throttle: Throttle,
    intune_licensed: std::sync::atomic::AtomicBool,
    /// Fault injection, latency and the request log (`src/faults`, `src/log`, `/_sim/...`).
    faults: Faults,
    latency: Latency,
    log: RequestLog,
}

impl SimState {
    pub fn new(tenant: Tenant) -> Self {
        let clock = SimClock::default();
        let assets = AssetsState::new(clock.clone());
        let credentials = CredentialStore::new(&tenant.app, clock.now_unix());
        let state = Self {
            inner: Arc::new(Inner {
                clock,
                credentials,
                throttle: Throttle::default(),
                intune_licensed: std::sync::atomic::AtomicBool::new(true),
                jira: RwLock::new(Arc::new(crate::jira::JiraSite::of(&tenant))),
                tenant: RwLock::new(Arc::new(tenant)),
                delta: DeltaControls::default(),
                signer: JwtSigner::random(),
                grants: RwLock::new(DEFAULT_GRANTS.iter().map(|p| p.to_string()).collect()),
                assets,
                faults: Faults::new(),
                latency: Latency::new(),
                log: RequestLog::new(),
            }),
        };
        state.settle_applications();
        state
    }

    /// The tenant as it is now. A cheap snapshot: later changes do not show in it.
    pub fn tenant(&self) -> Arc<Tenant> {
        let tenant = self
            .inner
            .tenant
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        Arc::clone(&tenant)
    }

    /// Applies `change` to a copy of the tenant and publishes the copy. Writers queue on the lock, so
    /// no change is lost; readers keep the snapshot they already hold.
    pub fn update_tenant<R>(&self, change: impl FnOnce(&mut Tenant) -> R) -> R {
        // A panic in `change` leaves the published tenant untouched (it works on a copy), so a poisoned
        // lock still guards a consistent tenant.
        let mut slot = self
            .inner
            .tenant
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let mut next = Tenant::clone(&slot);
        let result = change(&mut next);
        *slot = Arc::new(next);
        result
    }

    /// Applies about `percent`% of the user count in directory changes; see [`Tenant::churn`].
    pub fn churn(&self, percent: f64, seed: u64) -> ChurnReport {
        self.update_tenant(|tenant| tenant.churn(percent, seed))
    }

    /// Delta-token controls: expiry and how an invalid token is answered.
    pub fn delta(&self) -> &DeltaControls {
        &self.inner.delta
    }

    /// Every delta and skip token issued so far stops working, as after seven days.
    pub fn expire_delta_tokens(&self) {
        self.inner.delta.expire_tokens();
    }

    pub fn set_delta_reset_mode(&self, mode: DeltaResetMode) {
        self.inner.delta.set_reset_mode(mode);
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
        self.issue_access_token_at(self.clock().now_unix())
    }

    /// As [`Self::issue_access_token`], for a client that authenticated by `auth`.
    pub fn issue_access_token_by(&self, auth: ClientAuth) -> IssuedToken {
        identity::issue_by(
            &self.tenant(),
            &self.inner.signer,
            self.granted(),
            self.clock().now_unix(),
            auth,
        )
    }

    /// As [`Self::issue_access_token`], as if issued at `issued_at` (Unix seconds); lets tests hold expired tokens.
    pub fn issue_access_token_at(&self, issued_at: u64) -> IssuedToken {
        identity::issue(
            &self.tenant(),
            &self.inner.signer,
            self.granted(),
            issued_at,
        )
    }

    /// The Jira site: projects, accounts and requests the requester panel reads.
    pub fn jira(&self) -> Arc<crate::jira::JiraSite> {
        Arc::clone(
            &self
                .inner
                .jira
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        )
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
        let (preset, seed) = {
            let tenant = self.tenant();
            (tenant.preset, tenant.seed)
        };
        let fresh = Tenant::generate(preset, seed);
        *self
            .inner
            .jira
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(crate::jira::JiraSite::of(&fresh));
        self.inner
            .credentials
            .reset(&fresh.app, self.inner.clock.now_unix());
        *self
            .inner
            .tenant
            .write()
            .unwrap_or_else(PoisonError::into_inner) = Arc::new(fresh);
        self.settle_applications();
        // Tokens issued against the old change log must not be read against the new one.
        self.inner.delta.expire_tokens();
        self.inner
            .delta
            .set_reset_mode(DeltaResetMode::SyncStateNotFound);
        self.inner.delta.clear_doctored();
        self.set_throttle(crate::throttle::ThrottleConfig::default());
        self.set_intune_licensed(true);
        *self.write_grants() = DEFAULT_GRANTS.iter().map(|p| p.to_string()).collect();
        self.inner.assets.reset();
        self.inner.faults.clear();
        self.inner.latency.clear();
        self.inner.log.clear();
    }

    pub(crate) fn signer(&self) -> &JwtSigner {
        &self.inner.signer
    }

    /// This sim's clock; [`SimClock::advance`] moves it forward for expiry and throttling tests.
    pub fn clock(&self) -> &SimClock {
        &self.inner.clock
    }

    /// The app registration's secrets and certificates (controls in `identity::controls`).
    pub fn credentials(&self) -> &CredentialStore {
        &self.inner.credentials
    }

    pub(crate) fn throttle(&self) -> &Throttle {
        &self.inner.throttle
    }

    pub(crate) fn intune_licensed_flag(&self) -> &std::sync::atomic::AtomicBool {
        &self.inner.intune_licensed
    }

    fn write_grants(&self) -> std::sync::RwLockWriteGuard<'_, BTreeSet<String>> {
        // A panic elsewhere cannot leave a set of strings half-written, so a poisoned lock is still usable.
        self.inner
            .grants
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }
}
