//! [`AssetsState`]: the shared handle to the Assets data, with the control methods tests and the demo
//! use to set what the HTTP API cannot (missing-objects policy, disabled sources, admins, limits).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde_json::Value;

use super::error::AssetsError;
use super::model::MissingPolicy;
use super::rate_limit::RateLimit;
use super::snapshot;
use super::store::Store;
use crate::time::SimClock;

/// Cheap to clone: all clones share one store.
#[derive(Clone)]
pub struct AssetsState {
    inner: Arc<Mutex<Store>>,
}

impl AssetsState {
    /// The demo workspace with one empty schema (`ENTRA`) and its import source and token.
    pub fn new(clock: SimClock) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Store::seeded(clock))),
        }
    }

    /// Back to [`Self::new`]'s content: the demo workspace, schema, source and token, nothing else.
    pub fn reset(&self) {
        let mut store = self.lock();
        let clock = store.clock.clone();
        *store = Store::seeded(clock);
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Store> {
        // Every store mutation leaves it consistent between statements that can panic, so a poisoned
        // lock still holds usable data.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn workspace_id(&self) -> String {
        self.lock().workspace_id.clone()
    }

    /// A further object schema with its own import source; returns `(schema id, import source id)`.
    pub fn add_schema(&self, name: &str, key: &str) -> (u64, String) {
        let source_id = Store::new_source_id();
        let schema_id = self
            .lock()
            .add_schema_with_source(name, key, "", source_id.clone());
        (schema_id, source_id)
    }

    /// A further import source in schema `schema_id`, named `name`; `None` for an unknown schema.
    pub fn add_import_source(&self, schema_id: u64, name: &str) -> Option<String> {
        self.lock().add_source(schema_id, name)
    }

    /// A new import token bound to `source_id` (token mode); `None` for an unknown source.
    pub fn create_import_token(&self, source_id: &str) -> Option<String> {
        let mut store = self.lock();
        store.sources.contains_key(source_id).then(|| {
            let token = format!("ATCTT3xFfGN0{}", uuid::Uuid::new_v4().simple());
            store.tokens.insert(token.clone(), source_id.to_string());
            token
        })
    }

    /// The missing-objects setting of the mapping of `object_type` (by name) in `source_id`; as in
    /// Assets it lives outside the mapping JSON, so the type must exist (PUT the mapping first).
    pub fn set_missing_policy(
        &self,
        source_id: &str,
        object_type: &str,
        policy: MissingPolicy,
    ) -> Result<(), AssetsError> {
        let mut store = self.lock();
        let schema_id = store
            .sources
            .get(source_id)
            .map(|s| s.schema_id)
            .ok_or_else(|| AssetsError::NotFound(format!("Import source {source_id} not found")))?;
        let type_id = store
            .types_of(schema_id)
            .into_iter()
            .find(|t| t.name == object_type)
            .map(|t| t.id)
            .ok_or_else(|| AssetsError::NotFound(format!("Object type {object_type} not found")))?;
        if let Some(source) = store.sources.get_mut(source_id) {
            source.missing.insert(type_id, policy);
        }
        Ok(())
    }

    /// Disables or re-enables an import source (configstatus `DISABLED`, 409 on start).
    pub fn set_disabled(&self, source_id: &str, disabled: bool) -> bool {
        match self.lock().sources.get_mut(source_id) {
            Some(source) => {
                source.disabled = disabled;
                true
            }
            None => false,
        }
    }

    /// Replaces the account ids that have Jira's global `ADMINISTER` permission.
    pub fn set_admins<I: IntoIterator<Item = S>, S: Into<String>>(&self, account_ids: I) {
        self.lock().admins = account_ids.into_iter().map(Into::into).collect();
    }

    pub fn is_admin(&self, account_id: &str) -> bool {
        self.lock().admins.contains(account_id)
    }

    /// `None` lifts the limit. Applies to every Assets and Jira route of the sim.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        self.lock().rate.configure(limit);
    }

    /// How many status reads show `PROCESSING` after the last chunk (default 1; 0 skips the state).
    pub fn set_processing_reads(&self, reads: u32) {
        self.lock().processing_reads = reads;
    }

    /// Plain JSON of all schemas, types and objects, references resolved (see [`snapshot`]).
    pub fn snapshot(&self) -> Value {
        snapshot::snapshot(&self.lock())
    }

    /// The objects of one type (by name, any schema) as in [`Self::snapshot`].
    pub fn objects_of_type(&self, object_type: &str) -> Vec<Value> {
        snapshot::objects_of_type(&self.lock(), object_type)
    }
}
