//! Switches tests and the demo flip on delta tokens: force expiry, how an unusable token is answered,
//! and items written as Graph sometimes writes them (Microsoft's own `/groups/delta` sample has an
//! item without `id`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use serde_json::Value;

use crate::graph::schema::Object;

/// How an expired or unknown delta token is answered. Graph documents both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeltaResetMode {
    /// 400 with code `syncStateNotFound`.
    #[default]
    SyncStateNotFound,
    /// 410 Gone with a `Location` header pointing at a fresh (token-less) delta URL.
    Gone,
}

#[derive(Debug, Default)]
pub struct DeltaControls {
    /// Tokens carry the generation they were issued in; an older one is expired.
    generation: AtomicU64,
    gone: AtomicBool,
    doctored: Mutex<Vec<Doctored>>,
}

/// A JSON merge patch (RFC 7386, one level) applied to one object's items on one delta resource.
#[derive(Debug, Clone, PartialEq)]
struct Doctored {
    resource: String,
    id: String,
    patch: serde_json::Map<String, Value>,
}

impl DeltaControls {
    /// Makes every delta and skip token issued so far invalid, as if seven days had passed.
    pub fn expire_tokens(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    pub fn set_reset_mode(&self, mode: DeltaResetMode) {
        self.gone
            .store(mode == DeltaResetMode::Gone, Ordering::SeqCst);
    }

    /// From now on, every item of object `id` that `resource` (e.g. `/v1.0/groups/delta`) writes
    /// has `patch` merged in: a member set to `null` is removed (`{"id": null}` drops the id), any
    /// other value replaces or adds the member. A later patch of the same object replaces this one.
    pub fn doctor_item(&self, resource: &str, id: &str, patch: serde_json::Map<String, Value>) {
        let mut doctored = self.doctored.lock().unwrap_or_else(PoisonError::into_inner);
        let id = id.to_ascii_lowercase();
        doctored.retain(|d| !(d.resource == resource && d.id == id));
        doctored.push(Doctored {
            resource: resource.to_string(),
            id,
            patch,
        });
    }

    /// Items are written as Graph writes them again.
    pub fn clear_doctored(&self) {
        self.doctored
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// Applies the patch for object `id` of `resource`, if there is one.
    pub(crate) fn apply(&self, resource: &str, id: &str, object: &mut Object) {
        let doctored = self.doctored.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(doctor) = doctored
            .iter()
            .find(|d| d.resource == resource && d.id.eq_ignore_ascii_case(id))
        else {
            return;
        };
        for (name, value) in &doctor.patch {
            let at = object.0.iter().position(|(n, _)| n == name);
            match (at, value) {
                (Some(at), Value::Null) => {
                    object.0.remove(at);
                }
                (Some(at), value) => object.0[at].1 = value.clone(),
                (None, Value::Null) => {}
                (None, value) => object.push(name, value.clone()),
            }
        }
    }

    pub fn reset_mode(&self) -> DeltaResetMode {
        if self.gone.load(Ordering::SeqCst) {
            DeltaResetMode::Gone
        } else {
            DeltaResetMode::SyncStateNotFound
        }
    }
}
