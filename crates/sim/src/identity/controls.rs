//! Controls over the app's credentials and the sim clock, for tests and the demo: rotate, remove and
//! expire secrets the way an admin (or time) does in Entra.

use uuid::Uuid;

use super::credentials::NewSecret;
use crate::state::SimState;

impl SimState {
    /// Adds a client secret valid for two years and returns its value; older secrets stay valid
    /// until removed, as in Entra where several secrets coexist during a rotation.
    pub fn rotate_secret(&self) -> NewSecret {
        let secret = self.credentials().add_secret(self.clock().now_unix());
        self.publish_own_credentials();
        secret
    }

    /// Deletes a secret by its key id (Secret ID); returns whether it existed.
    pub fn remove_secret(&self, key_id: Uuid) -> bool {
        let removed = self.credentials().remove_secret(key_id);
        self.publish_own_credentials();
        removed
    }

    /// Every client secret's `endDateTime` moves into the past: the token endpoint then answers
    /// 401 AADSTS7000222 to each of them.
    pub fn expire_secret(&self) {
        self.credentials().expire_secrets(self.clock().now_unix());
        self.publish_own_credentials();
    }

    /// Sets one secret's `endDateTime` (Unix seconds); returns whether it existed.
    pub fn set_secret_end(&self, key_id: Uuid, end_unix: u64) -> bool {
        let found = self.credentials().set_secret_end(key_id, end_unix);
        self.publish_own_credentials();
        found
    }

    /// Moves this sim's clock forward by `secs` (negative: back). Affects secret, certificate,
    /// assertion and access-token lifetimes and the throttling windows.
    pub fn advance_clock(&self, secs: i64) {
        self.clock().advance(secs);
    }
}
