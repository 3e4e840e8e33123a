//! One directory change made by hand, as an Entra admin would: a user's account switched off or on.
//! Recorded in the change log under a new version, so delta queries see it like any churn.

use uuid::Uuid;

use super::Tenant;
use super::changes::{Change, ObjectKind, ObjectRef};

impl Tenant {
    /// Sets `accountEnabled` of the user with this id; `false` when there is no such user.
    pub fn set_account_enabled(&mut self, id: &str, enabled: bool) -> bool {
        let Some(u) = self.index.user(id) else {
            return false;
        };
        let Some(user) = self.users.get_mut(u as usize) else {
            return false;
        };
        let Ok(object_id) = Uuid::parse_str(&user.id) else {
            return false;
        };
        user.account_enabled = enabled;
        self.changes.begin();
        self.changes.record(Change::Upserted(ObjectRef {
            kind: ObjectKind::User,
            id: object_id,
        }));
        true
    }
}
